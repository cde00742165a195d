"""Counties, systems, workshops and who takes part in them."""

import re
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

LINK_RESEND_INTERVAL = timedelta(minutes=2)


def default_max_participants() -> int:
    return settings.MAX_PARTICIPANTS


class State(models.Model):
    """A US state whose SOC team runs workshops in its counties."""

    code = models.CharField(max_length=2, unique=True, help_text="Postal code, e.g. NY")
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class County(models.Model):
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="counties")
    name = models.CharField(max_length=100)
    fips = models.CharField("FIPS code", max_length=5, blank=True)

    class Meta:
        ordering = ["state__name", "name"]
        verbose_name_plural = "counties"
        constraints = [
            models.UniqueConstraint(fields=["state", "name"], name="workshops_county_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} County, {self.state.code}"


class System(models.Model):
    """One of the 13 child-serving systems of the SOC model (Mental Health, Youth, ...)."""

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_voice = models.BooleanField(
        default=False, help_text="Family or youth voice: flagged when missing from a roster."
    )

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class StateReviewer(models.Model):
    """A member of a state SOC team: sees and manages every workshop in the state."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="state_roles"
    )
    state = models.ForeignKey(State, on_delete=models.CASCADE, related_name="reviewers")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "state"], name="workshops_statereviewer_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} reviews {self.state.code}"


class WorkshopQuerySet(models.QuerySet):
    def visible_to(self, user) -> "WorkshopQuerySet":
        """Workshops the user takes part in, or reviews as a member of the state team."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            Q(memberships__user=user) | Q(county__state__reviewers__user=user)
        ).distinct()


class Workshop(models.Model):
    """One county's cycle of the SOC Action Planning Workshop, from preparation to revision."""

    class Stage(models.TextChoices):
        PREPARE = "prepare", _("Prepare")
        ASSESS = "assess", _("Assess")
        PRIORITIZE = "prioritize", _("Prioritize")
        PLAN = "plan", _("Plan")
        REVIEW = "review", _("Review")
        IMPLEMENT = "implement", _("Implement")
        REVISE = "revise", _("Revise")

    class Format(models.TextChoices):
        VIRTUAL = "virtual", _("Virtual: five 2-hour sessions, weekly, online")
        HYBRID = "hybrid", _("Hybrid: three 2-hour online sessions and one 3.5-hour in person")
        IN_PERSON = "in_person", _("In person: one full day (7 to 8 hours)")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="workshops")
    title = models.CharField(max_length=200)
    cycle = models.PositiveSmallIntegerField(help_text="Year of this planning cycle, e.g. 2026")
    stage = models.CharField(max_length=20, choices=Stage, default=Stage.PREPARE)
    format = models.CharField(max_length=20, choices=Format, blank=True)
    target_start = models.DateField("target start", null=True, blank=True)
    target_end = models.DateField("target end", null=True, blank=True)
    max_participants = models.PositiveSmallIntegerField(default=default_max_participants)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # When anything of the workshop last changed: the key of its cached pages (pagecache.py).
    content_changed_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords(excluded_fields=["content_changed_at"])

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        ordering = ["county__name", "-cycle"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "cycle", "title"], name="workshops_workshop_unique_title"
            ),
            models.CheckConstraint(
                condition=Q(cycle__gte=2000) & Q(cycle__lte=2100),
                name="workshops_workshop_cycle_range",
            ),
            models.CheckConstraint(
                condition=Q(target_end__isnull=True)
                | Q(target_start__isnull=True)
                | Q(target_end__gte=F("target_start")),
                name="workshops_workshop_target_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.county.name}, {self.cycle})"

    def get_absolute_url(self) -> str:
        return reverse("workshops:detail", args=[self.code])


class Membership(models.Model):
    """A person's role in one workshop."""

    class Role(models.TextChoices):
        FACILITATOR = "facilitator", _("Facilitator")
        COMMITTEE = "committee", _("Committee member")
        PARTICIPANT = "participant", _("Participant")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role)
    system = models.ForeignKey(
        System, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    agency = models.CharField(max_length=200, blank=True)
    title = models.CharField("job title", max_length=200, blank=True)
    leadership = models.BooleanField(
        "leadership role", default=True, help_text="Can make commitments for their agency."
    )
    last_link_sent_at = models.DateTimeField(null=True, blank=True)
    invited_at = models.DateTimeField(null=True, blank=True)
    link_opened_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "user"], name="workshops_membership_one_per_workshop"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} in {self.workshop}"

    def link_sent_recently(self) -> bool:
        """Guards members' inboxes against repeated requests for a new link."""
        return self.last_link_sent_at is not None and (
            timezone.now() - self.last_link_sent_at < LINK_RESEND_INTERVAL
        )

    class Invitation(models.TextChoices):
        NOT_SENT = "not_sent", "Not sent"
        SENT = "sent", "Sent"
        OPENED = "opened", "Opened"
        ACCEPTED = "accepted", "Accepted"

    @property
    def invitation(self) -> "Membership.Invitation":
        if self.accepted_at:
            return self.Invitation.ACCEPTED
        if self.link_opened_at:
            return self.Invitation.OPENED
        if self.invited_at:
            return self.Invitation.SENT
        return self.Invitation.NOT_SENT

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.email or self.user.username


# The notes the app itself writes on a stage change (the plan's review moves the workshop). They
# are stored in English, as the record of what happened, and shown in the reader's language.
PLAN_SENT_NOTE = gettext_noop("Plan version %(number)s sent for review.")
PLAN_WITHDRAWN_NOTE = gettext_noop("Plan version %(number)s withdrawn.")
PLAN_APPROVED_NOTE = gettext_noop("Plan version %(number)s approved.")
SYSTEM_NOTES = [
    (re.compile(re.escape(note).replace(re.escape("%(number)s"), r"(?P<number>\d+)")), note)
    for note in (PLAN_SENT_NOTE, PLAN_WITHDRAWN_NOTE, PLAN_APPROVED_NOTE)
]


class StageChange(models.Model):
    """A move of a workshop along its lifecycle: who, when, from and to."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=20, choices=Workshop.Stage)
    to_stage = models.CharField(max_length=20, choices=Workshop.Stage)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-changed_at"]

    def __str__(self) -> str:
        return f"{self.workshop}: {self.from_stage} → {self.to_stage}"

    @property
    def shown_note(self) -> str:
        """The note in the reader's language when the app wrote it; as written otherwise."""
        for pattern, note in SYSTEM_NOTES:
            if found := pattern.fullmatch(self.note):
                return gettext(note) % found.groupdict()
        return self.note
