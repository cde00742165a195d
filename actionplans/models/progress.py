"""Implementation: progress updates on action steps and readings of measures over time."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actionplans.models.plan import ActionStep, Measure


class StepUpdate(models.Model):
    """A lead's report on an action step: its status on a date, with a note."""

    step = models.ForeignKey(ActionStep, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(_("status"), max_length=12, choices=ActionStep.Status)
    on = models.DateField(_("date"))
    note = models.TextField(_("what happened"), max_length=2000, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.step}: {self.get_status_display()} on {self.on}"


class MeasureReading(models.Model):
    """A measure's value (quantitative) or observation (qualitative) on a date."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="readings")
    on = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2, null=True, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__isnull=False) | ~Q(note=""),
                name="actionplans_measurereading_value_or_note",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {self.value if self.value is not None else self.note} on {self.on}"
