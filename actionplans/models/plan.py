"""Priority areas and the action plan: goal → objectives → strategies and action steps,
with measures and benchmarks, each tagged with the SOC principles it advances.

The four questions of the plan: Where are we? (``Goal.where_we_are``) Where do we want to
be? (the goal) What will we do to get there? (strategies and steps) How will we know we are
making progress? (measures and benchmarks). Every editable item carries a ``version`` for
optimistic concurrency and a history of every change.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actionplans.models.gaps import Gap, Principle
from workshops.models import Membership, System, Workshop


def tracked() -> HistoricalRecords:
    return HistoricalRecords(excluded_fields=["version"])


class PriorityArea(models.Model):
    """A gap the workshop promoted to a priority, with its level and rank."""

    class Level(models.TextChoices):
        HIGH = "high", _("High")
        MEDIUM = "medium", _("Medium")
        LOW = "low", _("Low")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="priorities")
    gap = models.OneToOneField(
        Gap, on_delete=models.SET_NULL, null=True, blank=True, related_name="priority"
    )
    title = models.CharField(_("title"), max_length=120)
    level = models.CharField(_("priority level"), max_length=6, choices=Level, default=Level.HIGH)
    rank = models.PositiveSmallIntegerField(_("rank"), default=1)
    votes = models.PositiveSmallIntegerField(default=0, help_text="Dots when it was promoted.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)
    history = tracked()

    class Meta:
        ordering = ["rank", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def level_label(self) -> str:
        """ "High priority" ("Prioridad alta" in Spanish): the level goes into the phrase in
        lower case, and the phrase gets its capital."""
        level = self.get_level_display().lower()
        return capfirst(gettext("%(level)s priority") % {"level": level})


class ActionPlan(models.Model):
    """One version of a county's action plan (a revision starts the next version)."""

    class Status(models.TextChoices):
        # In context: a version of the plan is approved (Spanish: "versión ... aprobada").
        DRAFT = "draft", pgettext_lazy("a version of the plan", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("a version of the plan", "Submitted")
        CHANGES_REQUESTED = "changes", pgettext_lazy("a version of the plan", "Changes requested")
        APPROVED = "approved", pgettext_lazy("a version of the plan", "Approved")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="plans")
    number = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now_add=True, help_text="Last change to its content.")
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="revisions",
        help_text="The version this one was started from when the county reconvened.",
    )  # fmt: skip
    reason = models.TextField(_("why the plan is revised"), max_length=2000, blank=True)

    class Meta:
        ordering = ["workshop_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "number"], name="actionplans_actionplan_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"Action plan v{self.number} of {self.workshop}"


class Goal(models.Model):
    """Where the county wants to be for one priority area."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="goals")
    priority = models.ForeignKey(PriorityArea, on_delete=models.PROTECT, related_name="goals")
    title = models.CharField(_("goal: where do we want to be?"), max_length=300)
    where_we_are = models.TextField(_("where are we?"), max_length=2000, blank=True)
    principles = models.ManyToManyField(
        Principle, blank=True, related_name="+", verbose_name=_("SOC principles it advances")
    )
    origin = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="The item of the previous plan version this one was copied from.",
    )  # fmt: skip
    order = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["version"], m2m_fields=[principles])

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class Objective(models.Model):
    """A measurable step towards a goal, by a target date."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="objectives")
    title = models.CharField(_("objective"), max_length=300)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    principles = models.ManyToManyField(
        Principle, blank=True, related_name="+", verbose_name=_("SOC principles it advances")
    )
    origin = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="The item of the previous plan version this one was copied from.",
    )  # fmt: skip
    order = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["version"], m2m_fields=[principles])

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class Strategy(models.Model):
    """A broad effort towards an objective."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="strategies")
    title = models.CharField(_("strategy"), max_length=300)
    principles = models.ManyToManyField(
        Principle, blank=True, related_name="+", verbose_name=_("SOC principles it advances")
    )
    origin = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="The item of the previous plan version this one was copied from.",
    )  # fmt: skip
    order = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["version"], m2m_fields=[principles])

    class Meta:
        ordering = ["order", "id"]
        verbose_name_plural = "strategies"

    def __str__(self) -> str:
        return self.title


class ActionStep(models.Model):
    """A specific action: what, who leads, with which partners, when, and how far it is."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        BLOCKED = "blocked", _("Blocked")
        DROPPED = "dropped", _("Dropped")

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="steps")
    strategy = models.ForeignKey(
        Strategy,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="steps",
        verbose_name=_("strategy"),
    )
    title = models.CharField(_("what"), max_length=300)
    lead = models.CharField(_("lead person"), max_length=120, blank=True)
    lead_member = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="led_steps",
        verbose_name=_("lead in the workshop"),
        help_text=_("A member of the workshop who leads it: they can post its progress."),
    )  # fmt: skip
    reminded_at = models.DateTimeField(null=True, blank=True, help_text="Last overdue reminder.")
    partners = models.CharField(_("partner agencies"), max_length=300, blank=True)
    partner_systems = models.ManyToManyField(
        System, blank=True, related_name="+", verbose_name=_("partner systems")
    )
    start = models.DateField(_("start date"), null=True, blank=True)
    due = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status, default=Status.NOT_STARTED
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    principles = models.ManyToManyField(
        Principle, blank=True, related_name="+", verbose_name=_("SOC principles it advances")
    )
    origin = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="The item of the previous plan version this one was copied from.",
    )  # fmt: skip
    order = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(
        excluded_fields=["version", "reminded_at"], m2m_fields=[principles, partner_systems]
    )

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(due__isnull=True) | Q(start__lte=F("due")),
                name="actionplans_actionstep_start_before_due",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        """Past its due date and neither done nor dropped."""
        if self.due is None or self.status in {self.Status.DONE, self.Status.DROPPED}:
            return False
        return self.due < timezone.localdate()


class Measure(models.Model):
    """How the county will know an objective is progressing."""

    class Kind(models.TextChoices):
        QUANTITATIVE = "quantitative", _("Quantitative")
        QUALITATIVE = "qualitative", _("Qualitative")

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.QUANTITATIVE)
    title = models.CharField(_("measure"), max_length=300)
    baseline = models.DecimalField(
        _("baseline"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    target = models.DecimalField(
        _("target"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    origin = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="The item of the previous plan version this one was copied from.",
    )  # fmt: skip
    order = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    history = tracked()

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(baseline__isnull=True, target__isnull=True) | ~Q(unit=""),
                name="actionplans_measure_number_has_unit",
            ),
            models.CheckConstraint(
                condition=Q(kind="quantitative") | Q(baseline__isnull=True, target__isnull=True),
                name="actionplans_measure_qualitative_has_no_number",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Benchmark(models.Model):
    """An interim, dated indicator of progress on a measure."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="benchmarks")
    due = models.DateField(_("by"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2, null=True, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    origin = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="The item of the previous plan version this one was copied from.",
    )  # fmt: skip
    version = models.PositiveIntegerField(default=1)
    history = tracked()

    class Meta:
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return f"{self.measure}: {self.value or self.description} by {self.due}"


class PrincipleStance(models.Model):
    """Where the county stands on one SOC principle, with the notes of the discussion."""

    class Level(models.TextChoices):
        NOT_YET = "not_yet", _("Not yet")
        EMERGING = "emerging", _("Emerging")
        ADOPTED = "adopted", _("Adopted")
        IMPLEMENTED = "implemented", _("Actively implemented")

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="principle_stances"
    )
    principle = models.ForeignKey(Principle, on_delete=models.PROTECT, related_name="stances")
    level = models.CharField(_("where the county stands"), max_length=12, choices=Level)
    notes = models.TextField(_("notes of the discussion"), max_length=4000, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = tracked()

    class Meta:
        ordering = ["principle__order", "principle_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "principle"], name="actionplans_principlestance_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.principle}: {self.get_level_display()}"
