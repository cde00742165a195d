"""Implementation: progress updates on action steps, readings of measures, how each measure
stands, the plan's progress rolled up from its steps, and who is reminded of overdue steps.

Who may report. A step's progress is posted by the members who may edit the plan and by the
step's lead in the workshop (``ActionStep.lead_member``), participants included. A measure's
readings are added by the members who may edit the plan and by the lead of any step under the
measure's objective.

How a measure stands (``measure_status``) — the rule, also in docs/implementation.md:

1. The expected line runs straight from the baseline, at the plan's start (``plan_start``), through
   each benchmark that has a value, to the target at the objective's target date. Before the
   first point it is the baseline, after the last one the target.
2. A benchmark date (or the target date) has passed and the latest reading was taken more than
   ``READING_WINDOW`` days before it: **at risk** ("no reading since the benchmark of …").
   A reading in the month before a benchmark's date counts for it.
3. No readings (and no benchmark missed): **no readings yet**.
4. Quantitative: the latest reading is compared with the line at the reading's date. Progress
   runs from the baseline towards the target, down as well as up ("days of wait" going from 62
   to 21 is progress). The reading is **on track** when it has reached the expected value,
   **behind** when it falls short by at most ``TOLERANCE`` (10 %) of the whole way from the
   baseline to the target, **at risk** when it falls short by more. A target equal to the
   baseline means holding the level: any distance from it counts as falling short. Without a
   baseline or a target (or a target date) there is no line: **no target to compare**.
5. Qualitative measures have no numbers to compare: they are judged on being observed on
   schedule. The latest observation is **on track** when it is at most ``STALE_AFTER`` (90)
   days old and **behind** when it is older; what it says is for people to read.
"""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from actionplans.models import (
    ActionPlan,
    ActionStep,
    Benchmark,
    Measure,
    MeasureReading,
    PriorityArea,
    StepUpdate,
)
from actionplans.plans import touched
from actionplans.timeline import long_date
from workshops import pagecache
from workshops.access import Perm, WorkshopAccess
from workshops.models import Membership, Workshop

Status = ActionStep.Status
CLOSED = (Status.DONE, Status.DROPPED)  # never overdue
NEEDS_A_NOTE = {
    Status.BLOCKED: _("Say what is in the way: it helps others unblock the step."),
    Status.DROPPED: _("Say why the step was dropped."),
}
TOLERANCE = Decimal("0.10")  # behind, not at risk: short by at most this share of the whole way
READING_WINDOW = 30  # days before a benchmark's date in which a reading counts for it
STALE_AFTER = 90  # days after which a qualitative measure's last observation is old
IN_PLAN_ORDER = (  # steps and measures as the plan lists them, from an objective's item
    "objective__goal__priority__rank",
    "objective__goal__priority_id",
    "objective__goal__order",
    "objective__order",
    "order",
    "id",
)


class Standing(models.TextChoices):
    """How a measure stands against its baseline, benchmarks and target."""

    ON_TRACK = "on_track", _("On track")
    BEHIND = "behind", _("Behind")
    AT_RISK = "at_risk", _("At risk")
    NO_READINGS = "no_readings", _("No readings yet")
    NOT_RATED = "not_rated", _("No target to compare")


# --- who may report --------------------------------------------------------------------------


def can_report(access: WorkshopAccess, step: ActionStep) -> bool:
    """Whether the caller may post progress on the step: plan editors and the step's lead."""
    if access.can(Perm.EDIT_PLAN):
        return True
    membership = access.membership
    return membership is not None and step.lead_member_id == membership.pk


def can_record(access: WorkshopAccess, measure: Measure) -> bool:
    """Whether the caller may add readings of the measure: plan editors and the leads of the
    steps under the measure's objective."""
    if access.can(Perm.EDIT_PLAN):
        return True
    membership = access.membership
    return (
        membership is not None
        and ActionStep.objects.filter(
            objective_id=measure.objective_id, lead_member=membership
        ).exists()
    )


# --- progress updates ------------------------------------------------------------------------


# How far back a reading or an update may be dated: further is a mistyped year (2006 for 2026),
# and a chart over decades has nothing to show.
EARLIEST_YEARS = 10


def earliest(today: date) -> date:
    return today.replace(year=today.year - EARLIEST_YEARS, day=min(today.day, 28))


def too_early(on: date, today: date) -> str | None:
    if on >= earliest(today):
        return None
    return gettext(
        "That date is more than %(years)s years ago: check the year (the earliest is %(day)s)."
    ) % {"years": EARLIEST_YEARS, "day": long_date(earliest(today))}


def update_errors(status: str, on: date | None, note: str, today: date) -> dict[str, str]:
    """What is wrong with a progress update, by field (the form shows each next to its field)."""
    errors = {}
    if status not in Status.values:
        errors["status"] = gettext("Choose the step's status.")
    if on is None:
        errors["on"] = gettext("Give the date of the update.")
    elif on > today:
        errors["on"] = gettext("The date is in the future: give the day it happened (or today).")
    elif message := too_early(on, today):
        errors["on"] = message
    if status in NEEDS_A_NOTE and not note.strip():
        errors["note"] = str(NEEDS_A_NOTE[Status(status)])
    return errors


def post_update(
    step: ActionStep,
    user,
    status: str,
    on: date,
    note: str = "",
    today: date | None = None,
) -> StepUpdate:
    """Record a progress update and give the step its status.

    The step takes the update's status unless an update with a later date says otherwise (a
    back-dated update goes into the history only). A change of status bumps the step's
    ``version``, so someone editing the step meanwhile gets a conflict instead of overwriting
    it, and touches the plan (its PDF shows the status). ``ValidationError`` by field for bad
    input.
    """
    errors = update_errors(status, on, note, today or timezone.localdate())
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = (
            ActionStep.objects.select_for_update(of=("self",))
            .select_related("objective__goal__plan")
            .get(pk=step.pk)
        )
        latest = locked.updates.order_by("-on", "-id").values_list("on", flat=True).first()
        update = StepUpdate.objects.create(
            step=locked, status=status, on=on, note=note.strip(), author=user
        )
        if (latest is None or on >= latest) and locked.status != status:
            locked.status = status
            locked.version += 1
            locked._history_user = user
            locked.save(update_fields=["status", "version"])
        touched(locked.objective.goal.plan)
    step.status, step.version = locked.status, locked.version
    return update


def latest_update_prefetch() -> Prefetch:
    """Each step's latest update as ``step.latest_updates`` (a list of at most one), one query
    for any number of steps."""
    updates = StepUpdate.objects.select_related("author").order_by("-on", "-id")
    return Prefetch("updates", queryset=updates[:1], to_attr="latest_updates")


# --- measure readings ------------------------------------------------------------------------


def reading_errors(
    measure: Measure, on: date | None, value: Decimal | None, note: str, today: date
) -> dict[str, str]:
    """What is wrong with a reading, by field."""
    errors = {}
    if on is None:
        errors["on"] = gettext("Give the date of the reading.")
    elif on > today:
        errors["on"] = gettext(
            "The date is in the future: give the day the reading was taken (or today)."
        )
    elif message := too_early(on, today):
        errors["on"] = message
    if measure.kind == Measure.Kind.QUALITATIVE:
        if value is not None:
            errors["value"] = gettext(
                "This measure is qualitative: describe what you observed in the note."
            )
        if not note.strip():
            errors["note"] = gettext("Describe what you observed.")
    elif value is None:
        unit = f" ({measure.unit})" if measure.unit else ""
        errors["value"] = gettext("Give the value as a number%(unit)s, like 42 or 12.5.") % {
            "unit": unit
        }
    return errors


def add_reading(
    measure: Measure,
    user,
    on: date,
    value: Decimal | None,
    note: str = "",
    today: date | None = None,
) -> MeasureReading:
    """Record a reading of the measure: a number (quantitative) or an observation in words
    (qualitative), on a date that is not in the future. ``ValidationError`` by field."""
    errors = reading_errors(measure, on, value, note, today or timezone.localdate())
    if errors:
        raise ValidationError(errors)
    return MeasureReading.objects.create(
        measure=measure, on=on, value=value, note=note.strip(), author=user
    )


def latest_reading_prefetch() -> Prefetch:
    """Each measure's latest reading as ``measure.latest_readings`` (at most one)."""
    readings = MeasureReading.objects.order_by("-on", "-id")
    return Prefetch("readings", queryset=readings[:1], to_attr="latest_readings")


# --- how a measure stands --------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureStatus:
    """A measure's standing, why in words, and the value expected at the latest reading."""

    standing: Standing
    reason: str
    expected: Decimal | None = None

    @property
    def label(self) -> str:
        return str(self.standing.label)


def plan_start(plan: ActionPlan, first_start: date | None) -> date:
    """When the plan started: its earliest step start, or the day it was made if earlier."""
    made = timezone.localdate(plan.created_at)
    return min(made, first_start) if first_start else made


def start_of(plan: ActionPlan) -> date:
    """``plan_start`` in one query."""
    steps = ActionStep.objects.filter(objective__goal__plan=plan)
    return plan_start(plan, steps.aggregate(first=Min("start"))["first"])


def trajectory(
    measure: Measure, benchmarks: Iterable[Benchmark], start: date
) -> list[tuple[date, Decimal]]:
    """The dated values of the expected line: baseline, benchmarks with a value, target."""
    points = []
    if measure.baseline is not None:
        points.append((start, measure.baseline))
    points += [(b.due, b.value) for b in benchmarks if b.value is not None]
    target_date = measure.objective.target_date
    if measure.target is not None and target_date is not None:
        points.append((target_date, measure.target))
    return sorted(points, key=lambda point: point[0])


def expected_at(points: Sequence[tuple[date, Decimal]], day: date) -> Decimal:
    """The value of the line through the points on the day (flat before and after them)."""
    if day <= points[0][0]:
        return points[0][1]
    for (d1, v1), (d2, v2) in pairwise(points):
        if d1 <= day <= d2 and d2 > d1:
            return v1 + (v2 - v1) * Decimal((day - d1).days) / Decimal((d2 - d1).days)
    return points[-1][1]


def number(value: Decimal) -> str:
    """A value as people read it, in their language: 47, 12.5, 3.43 (12,5 in Spanish)."""
    text = f"{value.quantize(Decimal('0.01')):f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return text.replace(".", get_format("DECIMAL_SEPARATOR"))


def like(value: Decimal, others: Iterable[Decimal]) -> Decimal:
    """``value`` with no more decimal places than the most precise of ``others`` as people
    wrote them (the database keeps two places: 8.00 was written 8, so 3.43 reads 3)."""
    places = max((max(0, -int(other.normalize().as_tuple().exponent)) for other in others),
                 default=0)  # fmt: skip
    return value.quantize(Decimal(1).scaleb(-places))


def with_unit(value: Decimal, unit: str) -> str:
    return f"{number(value)} {unit}".strip()


def measure_status(
    measure: Measure,
    readings: Iterable[MeasureReading],
    benchmarks: Iterable[Benchmark],
    today: date,
    start: date,
) -> MeasureStatus:
    """How the measure stands on ``today``: see the rule in this module's docstring.

    ``readings`` may be all of them or only the latest; ``start`` is the plan's start (the
    baseline's date); ``measure.objective`` gives the target date.
    """
    benchmarks = list(benchmarks)
    latest = max(readings, key=lambda r: (r.on, r.pk or 0), default=None)
    dates = [b.due for b in benchmarks]
    if measure.objective.target_date is not None:
        dates.append(measure.objective.target_date)
    passed = [day for day in dates if day < today]
    if passed:
        missed = max(passed)
        if latest is None or latest.on < missed - timedelta(days=READING_WINDOW):
            return MeasureStatus(
                Standing.AT_RISK,
                gettext("No reading since the benchmark of %(date)s.")
                % {"date": long_date(missed)},
            )
    if latest is None:
        reason = gettext("No readings yet.")
        coming = min((b.due for b in benchmarks if b.due >= today), default=None)
        if coming is not None:
            reason += " " + gettext("The next benchmark is on %(date)s.") % {
                "date": long_date(coming)
            }
        elif measure.objective.target_date and measure.objective.target_date >= today:
            reason += " " + gettext("The target date is %(date)s.") % {
                "date": long_date(measure.objective.target_date)
            }
        return MeasureStatus(Standing.NO_READINGS, reason)
    if measure.kind == Measure.Kind.QUALITATIVE:
        if (today - latest.on).days > STALE_AFTER:
            return MeasureStatus(
                Standing.BEHIND,
                gettext("Last observed on %(date)s, more than three months ago.")
                % {"date": long_date(latest.on)},
            )
        return MeasureStatus(
            Standing.ON_TRACK, gettext("Observed on %(date)s.") % {"date": long_date(latest.on)}
        )
    points = trajectory(measure, benchmarks, start)
    if len(points) < 2 or latest.value is None:
        return MeasureStatus(
            Standing.NOT_RATED,
            gettext(
                "Give the measure a baseline and a target, and its objective a target date, "
                "to compare the readings with."
            ),
        )
    return compared(measure, points, latest)


def compared(
    measure: Measure, points: list[tuple[date, Decimal]], latest: MeasureReading
) -> MeasureStatus:
    """A quantitative reading against the expected line at its date."""
    expected = expected_at(points, latest.on)
    first, last = points[0][1], points[-1][1]
    if measure.baseline is not None and measure.target is not None:
        first, last = measure.baseline, measure.target
    way = abs(last - first)
    if way:
        direction = 1 if last > first else -1
        short = (expected - latest.value) * direction
    else:  # holding a level
        way = abs(expected) or Decimal(1)
        short = abs(latest.value - expected)
    words = {
        # The line between two values is shown as precisely as the plan's own numbers.
        "expected": with_unit(like(expected, [first, last, latest.value]), measure.unit),
        "value": with_unit(latest.value, measure.unit),
        "date": long_date(latest.on),
    }
    if short <= 0:
        standing = Standing.ON_TRACK
        reason = gettext(
            "%(value)s on %(date)s: as good as or better than the %(expected)s expected by then."
        )
    elif short <= TOLERANCE * way:
        standing = Standing.BEHIND
        reason = gettext("%(value)s on %(date)s: a little short of the %(expected)s expected.")
    else:
        standing = Standing.AT_RISK
        reason = gettext("%(value)s on %(date)s: well short of the %(expected)s expected.")
    return MeasureStatus(standing, reason % words, expected)


@dataclass
class MeasureRow:
    """A measure of the plan with its latest reading and how it stands."""

    measure: Measure
    status: MeasureStatus
    latest: MeasureReading | None


def measures_of(plan: ActionPlan) -> QuerySet:
    return (
        Measure.objects.filter(objective__goal__plan=plan)
        .select_related("objective__goal__priority")
        .prefetch_related("benchmarks", latest_reading_prefetch())
        .order_by(*IN_PLAN_ORDER)
    )


def measure_rows(plan: ActionPlan, start: date, today: date) -> list[MeasureRow]:
    """Every measure of the plan with its status, in the plan's order: three queries."""
    rows = []
    for measure in measures_of(plan):
        readings = measure.latest_readings
        status = measure_status(measure, readings, measure.benchmarks.all(), today, start)
        rows.append(MeasureRow(measure, status, readings[0] if readings else None))
    return rows


# --- the plan's progress ---------------------------------------------------------------------


def overdue(today: date) -> Q:
    """Steps past their due date and neither done nor dropped."""
    return Q(due__lt=today) & ~Q(status__in=CLOSED)


@dataclass
class Tally:
    """Steps counted by status, with how many are overdue."""

    not_started: int = 0
    in_progress: int = 0
    done: int = 0
    blocked: int = 0
    dropped: int = 0
    overdue: int = 0

    @property
    def total(self) -> int:
        return self.not_started + self.in_progress + self.done + self.blocked + self.dropped

    @property
    def counted(self) -> int:
        """The steps that count towards "done": dropped steps do not."""
        return self.total - self.dropped

    @property
    def percent_done(self) -> int:
        return round(100 * self.done / self.counted) if self.counted else 0

    def add(self, other: "Tally") -> None:
        for name in ("not_started", "in_progress", "done", "blocked", "dropped", "overdue"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class StepCounts:
    areas: dict[int, Tally]  # by priority area id
    total: Tally
    first_start: date | None


def count_steps(steps: QuerySet, today: date) -> StepCounts:
    """The steps counted by priority area and status, in one query."""
    rows = (
        steps.order_by()
        .values("objective__goal__priority_id", "status")
        .annotate(n=Count("id"), late=Count("id", filter=overdue(today)), first=Min("start"))
    )
    areas: dict[int, Tally] = defaultdict(Tally)
    total = Tally()
    starts = []
    for row in rows:
        tally = areas[row["objective__goal__priority_id"]]
        setattr(tally, row["status"], getattr(tally, row["status"]) + row["n"])
        tally.overdue += row["late"]
        if row["first"] is not None:
            starts.append(row["first"])
    for tally in areas.values():
        total.add(tally)
    return StepCounts(dict(areas), total, min(starts, default=None))


@dataclass
class AreaProgress:
    priority: PriorityArea
    tally: Tally


@dataclass
class Rollup:
    """The plan's steps counted per priority area and in all, and when the plan started."""

    areas: list[AreaProgress]
    total: Tally
    start: date


def rollup(plan: ActionPlan, today: date | None = None) -> Rollup:
    """Steps by status, overdue and percent done, per priority area (in rank order) and for
    the whole plan: two queries whatever the size of the plan."""
    today = today or timezone.localdate()
    counts = count_steps(ActionStep.objects.filter(objective__goal__plan=plan), today)
    priorities = PriorityArea.objects.filter(workshop_id=plan.workshop_id).order_by("rank", "id")
    areas = [AreaProgress(p, counts.areas.get(p.pk, Tally())) for p in priorities]
    return Rollup(areas, counts.total, plan_start(plan, counts.first_start))


def steps_of(plan: ActionPlan) -> list[ActionStep]:
    """The plan's steps in the plan's order, each with its priority area, lead and latest
    update: two queries."""
    return list(
        ActionStep.objects.filter(objective__goal__plan=plan)
        .select_related("objective__goal__priority", "lead_member__user")
        .prefetch_related(latest_update_prefetch())
        .order_by(*IN_PLAN_ORDER)
    )


@dataclass
class Overview:
    """The workshop dashboard's card: the latest plan's steps and how its measures stand."""

    plan: ActionPlan
    steps: Tally
    measures: Counter = field(default_factory=Counter)  # by Standing

    @property
    def on_track(self) -> int:
        return self.measures[Standing.ON_TRACK]

    @property
    def behind(self) -> int:
        return self.measures[Standing.BEHIND]

    @property
    def at_risk(self) -> int:
        return self.measures[Standing.AT_RISK]

    @property
    def unrated(self) -> int:
        """Measures without readings yet or without a target to compare with."""
        return self.measures[Standing.NO_READINGS] + self.measures[Standing.NOT_RATED]


def overview(workshop: Workshop, today: date | None = None) -> Overview | None:
    """The latest plan's progress, or None until it has steps: one query without a plan or
    steps, five with them."""
    today = today or timezone.localdate()
    plan = workshop.plans.order_by("-number").first()
    if plan is None:
        return None
    counts = count_steps(ActionStep.objects.filter(objective__goal__plan=plan), today)
    if not counts.total.total:
        return None
    start = plan_start(plan, counts.first_start)
    standings = Counter(row.status.standing for row in measure_rows(plan, start, today))
    return Overview(plan, counts.total, standings)


# --- reminders -------------------------------------------------------------------------------


def reminders_due(now: dt.datetime, every_days: int) -> dict[Membership, list[ActionStep]]:
    """Overdue steps of each workshop's latest plan whose lead has an email address, by lead,
    leaving out the steps reminded of in the last ``every_days`` days."""
    today = timezone.localdate(now)
    newer_plan = ActionPlan.objects.filter(
        workshop_id=OuterRef("objective__goal__plan__workshop_id"),
        number__gt=OuterRef("objective__goal__plan__number"),
    )
    steps = (
        ActionStep.objects.filter(overdue(today), lead_member__isnull=False)
        .exclude(lead_member__user__email="")
        .exclude(Exists(newer_plan))
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=now - timedelta(days=every_days)))
        .select_related("lead_member__user", "lead_member__workshop__county__state")
        .order_by("lead_member_id", "due", "id")
    )
    due: dict[Membership, list[ActionStep]] = {}
    for step in steps:
        due.setdefault(step.lead_member, []).append(step)
    return due


def mark_reminded(steps: Iterable[ActionStep], now: dt.datetime) -> None:
    ActionStep.objects.filter(pk__in=[step.pk for step in steps]).update(reminded_at=now)
    for workshop_id in {step.lead_member.workshop_id for step in steps}:
        pagecache.touch(workshop_id)
