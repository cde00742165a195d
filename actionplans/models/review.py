"""Submitting a plan version to the state team, the team's comments and the decision."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actionplans.models.documents import PlanDocument
from actionplans.models.plan import ActionPlan


class Submission(models.Model):
    """One sending of a plan version to the state team, with its PDF, and what they decided.

    A version may be sent again after the team asked for changes; at most one submission of a
    plan waits for a decision at a time.
    """

    class Decision(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        CHANGES = "changes", _("Changes requested")
        APPROVED = "approved", _("Approved")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="submissions")
    number = models.PositiveSmallIntegerField(default=1, help_text="1 for the first sending.")
    document = models.ForeignKey(
        PlanDocument, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    content_at = models.DateTimeField(help_text="The plan's changed_at when it was sent.")
    note = models.TextField(_("note to the state team"), max_length=2000, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    decision = models.CharField(max_length=10, choices=Decision, default=Decision.PENDING)
    decision_note = models.TextField(_("note on the decision"), max_length=4000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"], name="actionplans_submission_unique_number"
            ),
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(decision="pending"),
                name="actionplans_submission_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan}, submission {self.number}"


class ReviewComment(models.Model):
    """A comment on a submitted plan, as a whole or on one item, or an answer to one.

    ``target`` names the kind of item (``plan`` for the whole plan) and ``target_id`` its row;
    ``target_label`` keeps the item's title as it was, so the comment still reads when the item
    is later renamed or removed.
    """

    class Target(models.TextChoices):
        PLAN = "plan", _("The whole plan")
        PRIORITY = "priority", _("Priority area")
        GOAL = "goal", _("Goal")
        OBJECTIVE = "objective", _("Objective")
        STRATEGY = "strategy", _("Strategy")
        STEP = "step", _("Action step")
        MEASURE = "measure", _("Measure")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="comments")
    target = models.CharField(max_length=10, choices=Target, default=Target.PLAN)
    target_id = models.PositiveIntegerField(null=True, blank=True)
    target_label = models.CharField(max_length=300, blank=True)
    reply_to = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    text = models.TextField(_("comment"), max_length=4000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    by_reviewer = models.BooleanField(default=True, help_text="False for the county's answers.")
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["target", "target_id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(target="plan", target_id__isnull=True)
                | (~Q(target="plan") & Q(target_id__isnull=False)),
                name="actionplans_reviewcomment_target_has_id",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]
