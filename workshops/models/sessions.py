"""Workshop sessions, their agendas, the live runner's state and the debriefs."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from workshops.models.workshop import Workshop


class Activity(models.TextChoices):
    """Workshop activities a session's agenda is made of; the live runner shows each."""

    WELCOME = "welcome", _("Welcome and introductions")
    FRAMEWORK = "framework", _("SOC framework and core principles")
    ASSESSMENT = "assessment", _("Assessment results")
    MAPPING = "mapping", _("System of care mapping")
    GAPS = "gaps", _("Gaps and opportunities")
    VOTING = "voting", _("Setting priorities")
    ACTION_PLAN = "action_plan", _("Action plan")
    NEXT_STEPS = "next_steps", _("Next steps")
    BREAK = "break", _("Break")
    OTHER = "other", _("Other")


class SessionQuerySet(models.QuerySet):
    def live(self) -> "SessionQuerySet":
        """Sessions started in the runner and not ended: the queryset twin of ``is_live``."""
        return self.filter(live_started_at__isnull=False, live_ended_at__isnull=True)


class WorkshopSession(models.Model):
    """One session of the workshop series, generated from the county's format."""

    class Mode(models.TextChoices):
        ONLINE = "online", _("Online")
        IN_PERSON = "in_person", _("In person")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField()
    mode = models.CharField(max_length=20, choices=Mode)
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField()
    meeting_link = models.URLField("meeting link (Zoom/Webex)", max_length=500, blank=True)
    location = models.CharField(max_length=300, blank=True)
    # The live runner: which agenda item is showing, since when, and a counter that changes on
    # every move so that polling screens can ask "anything new since N?" cheaply.
    live_started_at = models.DateTimeField(null=True, blank=True)
    live_ended_at = models.DateTimeField(null=True, blank=True)
    current_item = models.ForeignKey(
        "AgendaItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    item_started_at = models.DateTimeField(null=True, blank=True)
    live_version = models.PositiveIntegerField(default=0)
    history = HistoricalRecords(excluded_fields=["current_item", "item_started_at", "live_version"])

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["workshop", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "number"], name="workshops_session_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=15) & Q(duration_minutes__lte=720),
                name="workshops_session_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Session {self.number} of {self.workshop}"

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_live(self) -> bool:
        return self.live_started_at is not None and self.live_ended_at is None

    @property
    def has_happened(self) -> bool:
        """Held sessions are history: a format change may not remove them."""
        return self.live_started_at is not None or self.starts_at <= timezone.now()


class AgendaItem(models.Model):
    session = models.ForeignKey(WorkshopSession, on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField(default=0)
    activity = models.CharField(max_length=20, choices=Activity)
    title = models.CharField(max_length=200)
    minutes = models.PositiveSmallIntegerField(default=30)

    class Meta:
        ordering = ["session", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1) & Q(minutes__lte=480),
                name="workshops_agendaitem_minutes_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        """The title in the reader's language when it is still the activity's own name."""
        with translation.override("en"):
            default = str(Activity(self.activity).label)
        return self.get_activity_display() if self.title == default else self.title


class Debrief(models.Model):
    """The team's three questions after a session, and what to adjust for the next one."""

    session = models.OneToOneField(
        WorkshopSession, on_delete=models.CASCADE, related_name="debrief"
    )
    working_well = models.TextField("What's working well?", blank=True)
    worried_about = models.TextField("What are we worried about?", blank=True)
    next_steps = models.TextField("What needs to happen next?", blank=True)
    adjustments = models.TextField("Adjustments for the next session", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["version"])

    def __str__(self) -> str:
        return f"Debrief of {self.session}"


__all__ = ["Activity", "AgendaItem", "Debrief", "WorkshopSession"]
