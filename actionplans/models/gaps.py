"""Gaps and opportunities with their evidence, and the dot vote that ranks them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessments.models import MapLink, MapNode, Metric, Question
from workshops.models import Membership, System, Workshop

MAX_DOTS = 10  # the most dots a workshop may give each participant


class Principle(models.Model):
    """One of the SOC values and principles (seed 002); keys match the survey's Part A."""

    key = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    name_es = models.CharField("name (Spanish)", max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.tr_name

    @property
    def tr_name(self) -> str:
        if (get_language() or "").startswith("es") and self.name_es:
            return self.name_es
        return self.name


class Gap(models.Model):
    """A gap, barrier or opportunity the room names; duplicates are merged into one."""

    class Kind(models.TextChoices):
        GAP = "gap", _("Gap")
        BARRIER = "barrier", _("Barrier")
        OPPORTUNITY = "opportunity", _("Opportunity")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="gaps")
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.GAP)
    systems = models.ManyToManyField(
        System, blank=True, related_name="+", verbose_name=_("systems affected")
    )
    principles = models.ManyToManyField(
        Principle, blank=True, related_name="gaps", verbose_name=_("SOC principles concerned")
    )
    proposed_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged",
        help_text="Set when this gap was merged into another one (its votes and evidence moved).",
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["version"], m2m_fields=[systems, principles])

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class Evidence(models.Model):
    """What a gap rests on: a survey question or heat-map cell, a map node or link, a figure."""

    class Kind(models.TextChoices):
        QUESTION = "question", _("Survey question")
        HEAT_CELL = "heat_cell", _("Heat-map cell")
        MAP_NODE = "map_node", _("Map node")
        MAP_LINK = "map_link", _("Map link")
        FIGURE = "figure", _("Data-table figure")

    gap = models.ForeignKey(Gap, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=10, choices=Kind)
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    system = models.ForeignKey(
        System, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dimension = models.CharField(max_length=30, blank=True)
    map_node = models.ForeignKey(
        MapNode, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    map_link = models.ForeignKey(
        MapLink, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    metric = models.ForeignKey(
        Metric, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="question", question__isnull=False)
                    | Q(kind="heat_cell", system__isnull=False) & ~Q(dimension="")
                    | Q(kind="map_node", map_node__isnull=False)
                    | Q(kind="map_link", map_link__isnull=False)
                    | Q(kind="figure", metric__isnull=False)
                ),
                name="actionplans_evidence_points_somewhere",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.gap_id}"


class Voting(models.Model):
    """A workshop's dot vote on its gaps: the budget of dots and whether voting is open."""

    workshop = models.OneToOneField(Workshop, on_delete=models.CASCADE, related_name="voting")
    budget = models.PositiveSmallIntegerField(
        _("dots per participant"),
        default=3,
        help_text=_("How many dots each participant may place (1 to 10)."),
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)  # bumped on every dot: live tallies poll it

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__gte=1, budget__lte=MAX_DOTS),
                name="actionplans_voting_budget_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Voting of {self.workshop}"

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None and self.closed_at is None


class Dot(models.Model):
    """One of a participant's dots, in a numbered slot: a slot holds one dot, so two tabs
    voting at once can never place more dots than the budget has slots."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="dots")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="dots")
    slot = models.PositiveSmallIntegerField()
    gap = models.ForeignKey(Gap, on_delete=models.CASCADE, related_name="dots")
    placed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["membership_id", "slot"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "slot"], name="actionplans_dot_one_per_slot"
            ),
            models.CheckConstraint(
                condition=Q(slot__gte=1, slot__lte=MAX_DOTS), name="actionplans_dot_slot_range"
            ),
        ]

    def __str__(self) -> str:
        return f"Dot {self.slot} of {self.membership_id} on {self.gap_id}"
