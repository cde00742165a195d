"""Planning-committee meetings that prepare the workshop."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from workshops.models.workshop import Workshop


class Meeting(models.Model):
    """A regular meeting of the local planning committee with a member of the state team."""

    class Topic(models.TextChoices):
        PLANNING_PROCESS = "planning_process", "The planning process"
        GOALS = "goals", "Goals of the workshop"
        PARTICIPANTS = "participants", "The list of participants"
        TIMEFRAME = "timeframe", "Timeframe for the series"
        FACILITATORS = "facilitators", "Facilitators"

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="meetings")
    scheduled_at = models.DateTimeField("date and time")
    duration_minutes = models.PositiveSmallIntegerField("duration (minutes)", default=60)
    place = models.CharField(
        "place or meeting link",
        max_length=300,
        blank=True,
        help_text="A room or a Zoom/Webex link.",
    )
    topics_reviewed = models.JSONField(default=list, blank=True)
    notes = models.TextField(blank=True)
    decisions = models.TextField(blank=True)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="meetings_attended"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["scheduled_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5) & Q(duration_minutes__lte=600),
                name="workshops_meeting_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Planning meeting {self.scheduled_at:%Y-%m-%d} ({self.workshop})"

    @property
    def topics(self) -> list["Meeting.Topic"]:
        return [Meeting.Topic(value) for value in self.topics_reviewed]
