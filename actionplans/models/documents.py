"""The county's action plan as a PDF: one stored rendering per plan version and content state."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from actionplans.models.plan import ActionPlan


class PlanDocument(models.Model):
    """A rendering of a plan to PDF, asked for by someone and made by a background task.

    It is current while ``content_at`` equals the plan's ``changed_at`` and ``plan_status`` its
    status: any change to the plan, or its review moving it on (the cover says "Approved"),
    makes it stale. A rendering that stays queued or running past its deadline is shown as failed
    (a worker died), so nothing waits forever.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RENDERING = "rendering", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="documents")
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    content_at = models.DateTimeField(help_text="The plan's changed_at when it was asked for.")
    plan_status = models.CharField(
        max_length=10, blank=True, help_text="The plan's status it shows ('' made before 2026-12)."
    )
    language = models.CharField(max_length=10, default="en")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    pages = models.PositiveIntegerField(null=True, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True, help_text="Bytes.")
    render_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="ready") | Q(pdf__isnull=False),
                name="actionplans_plandocument_ready_has_pdf",
            ),
        ]

    def __str__(self) -> str:
        return f"PDF of {self.plan} ({self.status})"

    def save(self, *args, **kwargs) -> None:
        if self._state.adding and not self.plan_status:  # the plan as it is when asked for
            self.plan_status = self.plan.status
        super().save(*args, **kwargs)
