"""Personal action plans (seed 003, "My Personal Action Plan"): up to three relationships
with agencies or organizations a participant wants to improve, the strategies and actions for
each, and how they will know they succeeded; shared with colleagues and reviewed later."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessments.models import MapNode
from workshops.models import Membership

MAX_RELATIONSHIPS = 3


class CollaborationStrategy(models.TextChoices):
    """The seven practical collaboration strategies (Handout 4.1)."""

    WORK_TOGETHER = "work_together", _("Work together")
    MENTORS = "mentors", _("Seek out experienced collaborators and mentors")
    RESOURCES = "resources", _("Identify resources")
    SHARE = "share", _("Share information")
    GOALS = "goals", _("Set goals and measure success")
    ROADBLOCKS = "roadblocks", _("Anticipate and plan for roadblocks")
    ASSESS = "assess", _("Assess progress on a regularly scheduled basis")


class PersonalPlan(models.Model):
    """One participant's personal action plan in a workshop."""

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="personal_plan"
    )
    shared_with = models.ManyToManyField(
        Membership, blank=True, related_name="shared_personal_plans",
        verbose_name=_("colleagues who can read it"),
    )  # fmt: skip
    review_on = models.DateField(_("review it on"), null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_notes = models.TextField(_("looking back"), max_length=4000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["version"], m2m_fields=[shared_with])

    def __str__(self) -> str:
        return f"Personal action plan of {self.membership}"


class Relationship(models.Model):
    """One relationship to improve: with whom, what, how, and how success will show."""

    class Now(models.TextChoices):
        CHALLENGING = "challenging", _("Challenging")
        NONE = "none", _("Does not exist yet")

    class Outcome(models.TextChoices):
        NOT_REVIEWED = "", _("Not reviewed yet")
        ACHIEVED = "achieved", _("Achieved")
        PARTLY = "partly", _("Partly achieved")
        NOT_YET = "not_yet", _("Not yet")

    plan = models.ForeignKey(PersonalPlan, on_delete=models.CASCADE, related_name="relationships")
    order = models.PositiveSmallIntegerField(default=1)
    agency = models.CharField(_("agency or organization"), max_length=200)
    node = models.ForeignKey(
        MapNode, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("on the map"),
    )  # fmt: skip
    now = models.CharField(_("the relationship now"), max_length=12, choices=Now)
    improve = models.TextField(_("what I want to improve"), max_length=2000)
    strategies = models.JSONField(_("collaboration strategies"), default=list, blank=True)
    actions = models.TextField(_("what I will do"), max_length=4000, blank=True)
    success = models.TextField(_("how I will know I succeeded"), max_length=2000, blank=True)
    outcome = models.CharField(
        _("how it went"), max_length=10, choices=Outcome, default=Outcome.NOT_REVIEWED, blank=True
    )
    outcome_note = models.TextField(_("notes"), max_length=2000, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "order"], name="actionplans_relationship_unique_order"
            ),
            models.CheckConstraint(
                condition=Q(order__gte=1) & Q(order__lte=MAX_RELATIONSHIPS),
                name="actionplans_relationship_at_most_three",
            ),
        ]

    def __str__(self) -> str:
        return self.agency
