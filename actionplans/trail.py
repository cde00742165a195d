"""Views of the plan as a whole: its steps on a timeline, the trail from a step back to the
evidence, and the gaps that no plan item addresses yet.

Each is a fixed number of queries whatever the size of the plan or the number of gaps.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext, gettext_lazy

from actionplans.gaps import Line, evidence_of, sources_for
from actionplans.models import (
    ActionPlan,
    ActionStep,
    Gap,
    Goal,
    Objective,
    Principle,
    PriorityArea,
)
from actionplans.timeline import Row, long_date
from workshops.models import System, Workshop


def latest_plan(workshop: Workshop) -> Subquery:
    """The id of the workshop's plan being worked on (its latest version), for a filter."""
    return Subquery(
        ActionPlan.objects.filter(workshop=workshop).order_by("-number").values("pk")[:1]
    )


# --- the timeline -------------------------------------------------------------------------------


def plan_steps(workshop: Workshop) -> list[ActionStep]:
    """The steps of the workshop's latest plan in the order of the plan (priority, goal,
    objective, step), each with its objective, goal and priority area: one query."""
    return list(
        ActionStep.objects.filter(objective__goal__plan_id=latest_plan(workshop))
        .select_related("objective__goal__priority")
        .order_by(
            "objective__goal__priority__rank", "objective__goal__priority_id",
            "objective__goal__order", "objective__goal_id",
            "objective__order", "objective_id", "order", "id",
        )
    )  # fmt: skip


def area_name(priority: PriorityArea) -> str:
    return gettext("%(rank)s. %(title)s") % {"rank": priority.rank, "title": priority.title}


def row_of(step: ActionStep) -> Row:
    return Row(
        area=area_name(step.objective.goal.priority),
        objective=step.objective.title,
        title=step.title,
        lead=step.lead,
        start=step.start,
        due=step.due,
        status=step.status,
    )


@dataclass(frozen=True)
class TableRow:
    """A step in the timeline's table: the step, its timeline row and whether it is late."""

    step: ActionStep
    row: Row
    overdue: bool

    @property
    def start(self) -> str:
        return long_date(self.row.start) if self.row.start else ""

    @property
    def due(self) -> str:
        return long_date(self.row.due) if self.row.due else ""


def timeline_table(steps: list[ActionStep], today: date) -> list[TableRow]:
    rows = [row_of(step) for step in steps]
    return [TableRow(s, r, r.is_overdue(today)) for s, r in zip(steps, rows, strict=True)]


# --- the trail of a step ------------------------------------------------------------------------


@dataclass
class Trail:
    """A step and what it comes from: strategy (if any), objective, goal, priority area, the
    gap it was promoted from (if any) with the gaps merged into it, and the gap's evidence."""

    step: ActionStep
    gap: Gap | None
    merged: list[Gap] = field(default_factory=list)
    systems: list[System] = field(default_factory=list)
    principles: list[Principle] = field(default_factory=list)
    evidence: list[Line] = field(default_factory=list)

    @property
    def objective(self) -> Objective:
        return self.step.objective

    @property
    def goal(self) -> Goal:
        return self.step.objective.goal

    @property
    def priority(self) -> PriorityArea:
        return self.step.objective.goal.priority


def trail_of(workshop: Workshop, step_id: int) -> Trail:
    """The trail of one of the workshop's steps (404 for any other step)."""
    step = get_object_or_404(
        ActionStep.objects.select_related(
            "strategy",
            "objective__goal__priority__decided_by",
            "objective__goal__priority__gap__proposed_by__user",
        ).prefetch_related("principles"),
        pk=step_id,
        objective__goal__plan__workshop=workshop,
    )
    gap = step.objective.goal.priority.gap
    if gap is None:
        return Trail(step, None)
    evidence = evidence_of(gap)
    return Trail(
        step,
        gap,
        merged=list(gap.merged.order_by("id")),
        systems=list(gap.systems.order_by("order", "name")),
        principles=list(gap.principles.all()),
        evidence=sources_for(workshop).describe(evidence) if evidence else [],
    )


# --- gaps that no plan item addresses yet -------------------------------------------------------


MAX_MARKS = 10  # dots drawn next to a gap; its count is written out too


@dataclass(frozen=True)
class Item:
    """A gap not addressed yet, with its dots (``unaddressed_gaps`` annotates them)."""

    gap: Gap

    @property
    def dots(self) -> int:
        return self.gap.dot_count  # type: ignore[attr-defined]

    @property
    def marks(self) -> str:
        return "\N{BLACK CIRCLE}" * min(self.dots, MAX_MARKS)


@dataclass
class Reason:
    """Why some gaps are not addressed yet, what to do about it, and those gaps."""

    key: str
    title: str
    hint: str
    items: list[Item] = field(default_factory=list)


REASONS = [
    (
        "not_promoted",
        gettext_lazy("Not promoted to a priority area"),
        gettext_lazy("The room has not made these a priority (yet): they may need more dots."),
    ),
    (
        "no_goal",
        gettext_lazy("A priority area without a goal"),
        gettext_lazy("Say where the county wants to be: add a goal to the priority area."),
    ),
    (
        "no_objective",
        gettext_lazy("A goal without objectives"),
        gettext_lazy("Add a measurable objective with a target date."),
    ),
    (
        "no_step",
        gettext_lazy("Objectives without action steps"),
        gettext_lazy("Add the action steps: what, who leads, and by when."),
    ),
]


def unaddressed_gaps(workshop: Workshop) -> QuerySet:
    """The workshop's gaps (not merged) with their dots, priority area, and whether the
    current plan has a goal, an objective and a step for it: one query."""
    latest = latest_plan(workshop)
    goals = Goal.objects.filter(priority=OuterRef("priority"), plan_id=latest)
    objectives = Objective.objects.filter(goal__priority=OuterRef("priority"), goal__plan_id=latest)
    steps = ActionStep.objects.filter(
        objective__goal__priority=OuterRef("priority"), objective__goal__plan_id=latest
    )
    return (
        Gap.objects.filter(workshop=workshop, merged_into__isnull=True)
        .select_related("priority")
        .annotate(
            dot_count=Count("dots"),
            has_goal=Exists(goals),
            has_objective=Exists(objectives),
            has_step=Exists(steps),
        )
        .order_by("-dot_count", "id")
    )


def reason_of(gap: Gap) -> str:
    """Why the gap is not addressed yet ("" if a step addresses it)."""
    if not hasattr(gap, "priority"):
        return "not_promoted"
    if not gap.has_goal:
        return "no_goal"
    if not gap.has_objective:
        return "no_objective"
    if not gap.has_step:
        return "no_step"
    return ""


@dataclass
class Unaddressed:
    reasons: list[Reason]
    gaps: int  # all the gaps (not merged), addressed or not

    @property
    def count(self) -> int:
        return sum(len(reason.items) for reason in self.reasons)


def unaddressed(workshop: Workshop) -> Unaddressed:
    """The gaps no action step addresses yet, grouped by why, most dots first."""
    reasons = {key: Reason(key, str(title), str(hint)) for key, title, hint in REASONS}
    gaps = list(unaddressed_gaps(workshop))
    for gap in gaps:
        key = reason_of(gap)
        if key:
            reasons[key].items.append(Item(gap))
    return Unaddressed([reason for reason in reasons.values() if reason.items], len(gaps))
