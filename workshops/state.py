"""The state SOC team's dashboard: every county of a state on one page, and what recurs.

One row per county with its current workshop (the latest cycle): stage, survey completion,
plan status, steps done and overdue, last activity. Across counties: the systems and gap titles
named in several counties, the principle and domain means side by side (a heat map), and the
counties without a workshop.

The cost does not grow with the number of counties or cycles: the counties are one query, their
current workshops one query with every figure as a correlated subquery, and each panel across
counties one aggregate query. The filters and the sorting then work on the rows in Python (a
state has at most a few hundred counties).

Last activity is the latest of: the workshop's creation, its stage changes, the latest plan
version's last change, survey responses saved, progress updates on steps and plan submissions
and decisions. Other edits (gaps, the map, meetings) are not looked at: they would cost a
subquery each and mostly happen next to one of these.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from actionplans.models import (
    ActionPlan,
    ActionStep,
    Gap,
    Principle,
    StepUpdate,
    Submission,
)
from assessments.models import Instrument, Question, Response
from assessments.results import Stat, stat_of_sum
from workshops.models import County, Membership, StageChange, State, System, Workshop

Stage = Workshop.Stage
PlanStatus = ActionPlan.Status
STAGES = list(Stage)
PLAN_STATUSES = list(PlanStatus)
NO_PLAN = "none"
SEARCH_MAX = 100
TRUE_VALUES = {"1", "on", "true", "yes"}
FALSE_VALUES = {"", "0", "off", "false", "no"}


# --- the current workshops and their figures ----------------------------------------------


def latest_of(queryset: QuerySet, field_name: str) -> Subquery:
    """The latest value of ``field_name`` among the rows of ``queryset`` for the outer row."""
    return Subquery(queryset.order_by(F(field_name).desc(nulls_last=True)).values(field_name)[:1])


def count_of(queryset: QuerySet, key: str) -> Coalesce:
    """The number of rows of ``queryset`` grouped by ``key`` (already filtered to the outer row)."""
    counted = queryset.order_by().values(key).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


def current_workshops(state: State) -> QuerySet:
    """Each county's current workshop with its figures, in one query."""
    county_latest = Workshop.objects.filter(county=OuterRef("county")).order_by(
        "-cycle", "-created_at", "-pk"
    )
    of_workshop = {"workshop": OuterRef("pk")}
    plans = ActionPlan.objects.filter(**of_workshop).order_by("-number")
    steps = ActionStep.objects.filter(objective__goal__plan=OuterRef("plan_id"))
    per_plan = "objective__goal__plan"
    today = timezone.localdate()
    finished = [ActionStep.Status.DONE, ActionStep.Status.DROPPED]
    return (
        Workshop.objects.filter(county__state=state, pk=Subquery(county_latest.values("pk")[:1]))
        .only("code", "county_id", "title", "cycle", "stage", "created_at")
        .annotate(
            participants=count_of(
                Membership.objects.filter(**of_workshop, role=Membership.Role.PARTICIPANT),
                "workshop",
            ),
            submitted=count_of(
                Response.objects.filter(
                    survey__workshop=OuterRef("pk"),
                    membership__role=Membership.Role.PARTICIPANT,
                    submitted_at__isnull=False,
                ),
                "survey__workshop",
            ),
            plan_id=Subquery(plans.values("pk")[:1]),
            plan_number=Subquery(plans.values("number")[:1]),
            plan_status=Subquery(plans.values("status")[:1]),
            plan_changed_at=Subquery(plans.values("changed_at")[:1]),
            steps_total=count_of(steps.exclude(status=ActionStep.Status.DROPPED), per_plan),
            steps_done=count_of(steps.filter(status=ActionStep.Status.DONE), per_plan),
            steps_overdue=count_of(
                steps.filter(due__lt=today).exclude(status__in=finished), per_plan
            ),
            stage_changed_at=latest_of(StageChange.objects.filter(**of_workshop), "changed_at"),
            response_at=latest_of(
                Response.objects.filter(survey__workshop=OuterRef("pk")), "updated_at"
            ),
            update_at=latest_of(
                StepUpdate.objects.filter(step__objective__goal__plan__workshop=OuterRef("pk")),
                "created_at",
            ),
            submitted_at=latest_of(
                Submission.objects.filter(plan__workshop=OuterRef("pk")), "submitted_at"
            ),
            decided_at=latest_of(
                Submission.objects.filter(plan__workshop=OuterRef("pk")), "decided_at"
            ),
        )
    )


ACTIVITY_FIELDS = [
    "created_at",
    "stage_changed_at",
    "plan_changed_at",
    "response_at",
    "update_at",
    "submitted_at",
    "decided_at",
]


@dataclass
class CountyRow:
    """A county and its current workshop (None: no workshop yet) with the workshop's figures."""

    county: County
    cycles: int
    workshop: Workshop | None = None

    def figure(self, name: str, default=None):
        return getattr(self.workshop, name, default) if self.workshop else default

    @property
    def stage(self) -> Stage | None:
        return Stage(self.workshop.stage) if self.workshop else None

    @property
    def participants(self) -> int:
        return self.figure("participants", 0)

    @property
    def submitted(self) -> int:
        return self.figure("submitted", 0)

    @property
    def completion(self) -> int | None:
        """Percent of the participants who submitted the survey (None: no participants)."""
        if not self.participants:
            return None
        return round(100 * self.submitted / self.participants)

    @property
    def plan_number(self) -> int | None:
        return self.figure("plan_number")

    @property
    def plan_status(self) -> PlanStatus | None:
        status = self.figure("plan_status")
        return PlanStatus(status) if status else None

    @property
    def steps_total(self) -> int:
        return self.figure("steps_total", 0)

    @property
    def steps_done(self) -> int:
        return self.figure("steps_done", 0)

    @property
    def overdue(self) -> int:
        return self.figure("steps_overdue", 0)

    @property
    def last_activity(self) -> datetime | None:
        moments = [self.figure(name) for name in ACTIVITY_FIELDS]
        return max((moment for moment in moments if moment is not None), default=None)


def county_rows(state: State) -> list[CountyRow]:
    """Every county of the state with its current workshop, by name (two queries)."""
    counties = County.objects.filter(state=state).annotate(cycles=Count("workshops"))
    current = {workshop.county_id: workshop for workshop in current_workshops(state)}
    return [
        CountyRow(county, county.cycles, current.get(county.pk))
        for county in counties.order_by("name")
    ]


# --- filters and sorting from the query string ---------------------------------------------


@dataclass(frozen=True)
class Query:
    """What the dashboard shows: filters, and the column it is sorted by."""

    stage: str = ""
    plan: str = ""
    overdue: bool = False
    no_workshop: bool = False
    search: str = ""
    sort: str = "county"
    descending: bool = False

    @property
    def is_filtered(self) -> bool:
        return bool(self.stage or self.plan or self.overdue or self.no_workshop or self.search)


def flag(params: Mapping[str, str], name: str, label: str, problems: list[str]) -> bool:
    value = params.get(name, "").strip().lower()
    if value in TRUE_VALUES:
        return True
    if value not in FALSE_VALUES:
        problems.append(f"“{label}” takes no value like “{value[:20]}”: the filter was ignored.")
    return False


def parse(params: Mapping[str, str]) -> tuple[Query, list[str]]:
    """The query of the GET parameters; values that make no sense are ignored, each with a
    sentence saying so."""
    problems: list[str] = []
    stage = params.get("stage", "").strip()
    if stage and stage not in Stage.values:
        problems.append(f"There is no stage “{stage[:20]}”: the stage filter was ignored.")
        stage = ""
    plan = params.get("plan", "").strip()
    if plan and plan not in [*PlanStatus.values, NO_PLAN]:
        problems.append(f"There is no plan status “{plan[:20]}”: the plan filter was ignored.")
        plan = ""
    search = " ".join(params.get("q", "").split())
    if len(search) > SEARCH_MAX:
        problems.append(f"Search for at most {SEARCH_MAX} characters: the search was ignored.")
        search = ""
    sort = params.get("sort", "").strip() or "county"
    descending = sort.startswith("-")
    if sort.removeprefix("-") not in SORTS:
        problems.append(f"The table cannot be sorted by “{sort[:20]}”: it is sorted by county.")
        sort, descending = "county", False
    query = Query(
        stage=stage,
        plan=plan,
        overdue=flag(params, "overdue", "With overdue steps", problems),
        no_workshop=flag(params, "no_workshop", "Without a workshop", problems),
        search=search,
        sort=sort.removeprefix("-"),
        descending=descending,
    )
    return query, problems


def matches(row: CountyRow, query: Query) -> bool:
    if query.search and query.search.casefold() not in row.county.name.casefold():
        return False
    if query.no_workshop and row.workshop is not None:
        return False
    if query.stage and row.stage != query.stage:
        return False
    if query.plan == NO_PLAN and (row.workshop is None or row.plan_status is not None):
        return False
    if query.plan not in ("", NO_PLAN) and row.plan_status != query.plan:
        return False
    return not (query.overdue and not row.overdue)


@dataclass(frozen=True)
class Sort:
    label: str
    value: Callable[[CountyRow], object]  # None sorts last, whatever the direction


SORTS = {
    "county": Sort("County", lambda row: row.county.name.casefold()),
    "stage": Sort("Stage", lambda row: STAGES.index(row.stage) if row.stage else None),
    "completion": Sort("Survey", lambda row: row.completion),
    "plan": Sort(
        "Plan", lambda row: PLAN_STATUSES.index(row.plan_status) if row.plan_status else None
    ),
    "overdue": Sort("Overdue steps", lambda row: row.overdue if row.workshop else None),
    "activity": Sort("Last activity", lambda row: row.last_activity),
}


def sort_rows(rows: list[CountyRow], query: Query) -> list[CountyRow]:
    """Sorted by the query's column, then by county name; rows without a value go last."""
    value = SORTS[query.sort].value
    by_name = sorted(rows, key=lambda row: row.county.name.casefold())
    present = [row for row in by_name if value(row) is not None]
    missing = [row for row in by_name if value(row) is None]
    return sorted(present, key=value, reverse=query.descending) + missing


@dataclass(frozen=True)
class SortLink:
    """A sortable column header: its label, where a click leads and its ``aria-sort``."""

    key: str
    label: str
    next: str
    aria_sort: str  # "ascending", "descending" or "" (not sorted by it)


def sort_links(query: Query) -> dict[str, SortLink]:
    links = {}
    for key, sort in SORTS.items():
        current = query.sort == key
        aria = ("descending" if query.descending else "ascending") if current else ""
        following = f"-{key}" if current and not query.descending else key
        links[key] = SortLink(key, sort.label, following, aria)
    return links


def filtered_rows(state: State, params: Mapping[str, str]):
    """(query, problems, rows) for the GET parameters: the rows filtered and sorted."""
    query, problems = parse(params)
    rows = county_rows(state)
    shown = sort_rows([row for row in rows if matches(row, query)], query)
    return query, problems, rows, shown


# --- across counties -------------------------------------------------------------------------


@dataclass
class RecurringSystem:
    """A system and the counties whose gaps name it, and those where it is in a priority area."""

    system: System
    counties: list[str]
    in_priorities: list[str]


@dataclass
class RecurringTitle:
    """A gap title (case and spaces aside) named by several counties."""

    title: str
    counties: list[str]


def normalized(title: str) -> str:
    return " ".join(title.split()).casefold()


def recurring_systems(rows: list[CountyRow]) -> list[RecurringSystem]:
    """Systems named by the gaps (merged ones aside) of the counties' current workshops, by
    the number of counties naming them; two queries."""
    names = {row.workshop.pk: row.county.name for row in rows if row.workshop}
    pairs = (
        Gap.systems.through.objects.filter(
            gap__workshop_id__in=names, gap__merged_into__isnull=True
        )
        .values_list("system_id", "gap__workshop_id", "gap__priority__id")
        .distinct()
    )
    counties: dict[int, set[str]] = defaultdict(set)
    priorities: dict[int, set[str]] = defaultdict(set)
    for system_id, workshop_id, priority_id in pairs:
        counties[system_id].add(names[workshop_id])
        if priority_id is not None:
            priorities[system_id].add(names[workshop_id])
    found = [
        RecurringSystem(system, sorted(counties[system.pk]), sorted(priorities[system.pk]))
        for system in System.objects.order_by("order", "name")
        if counties[system.pk]
    ]
    return sorted(found, key=lambda found: (-len(found.counties), -len(found.in_priorities)))


def recurring_titles(rows: list[CountyRow]) -> list[RecurringTitle]:
    """Gap titles named in two counties or more; the most used spelling stands for them all."""
    names = {row.workshop.pk: row.county.name for row in rows if row.workshop}
    titles = Gap.objects.filter(workshop_id__in=names, merged_into__isnull=True).values_list(
        "title", "workshop_id"
    )
    spellings: dict[str, Counter] = defaultdict(Counter)
    counties: dict[str, set[str]] = defaultdict(set)
    for title, workshop_id in titles:
        key = normalized(title)
        spellings[key][" ".join(title.split())] += 1
        counties[key].add(names[workshop_id])
    found = [
        RecurringTitle(spellings[key].most_common(1)[0][0], sorted(counties[key]))
        for key in counties
        if len(counties[key]) > 1
    ]
    return sorted(found, key=lambda found: (-len(found.counties), normalized(found.title)))


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    purpose: str  # Question.Purpose.PRINCIPLE or DOMAIN


@dataclass
class HeatRow:
    row: CountyRow
    cells: list[Stat]

    @property
    def rated(self) -> bool:
        return any(cell.n for cell in self.cells)


@dataclass
class StateHeatMap:
    """Counties by Part A principles and infrastructure domains: each county's mean rating in
    its current workshop's submitted surveys; a cell of fewer than 3 raters is hidden."""

    columns: list[Column]
    rows: list[HeatRow]  # counties with at least one rating
    unrated: list[CountyRow]  # counties whose workshop has no submitted rating yet

    @property
    def principles(self) -> list[Column]:
        return [c for c in self.columns if c.purpose == Question.Purpose.PRINCIPLE]

    @property
    def domains(self) -> list[Column]:
        return [c for c in self.columns if c.purpose == Question.Purpose.DOMAIN]


def heat_columns() -> list[Column]:
    """The principles and domains of the latest instrument; principles by their short names."""
    short = dict(Principle.objects.values_list("key", "name"))
    questions = Question.objects.filter(
        section__instrument=Instrument.latest(),
        kind=Question.Kind.SCALE,
        purpose__in=[Question.Purpose.PRINCIPLE, Question.Purpose.DOMAIN],
    ).order_by("section__order", "section_id", "order", "id")
    return [Column(q.key, short.get(q.key, q.text), q.purpose) for q in questions]


def heat_map(rows: list[CountyRow]) -> StateHeatMap:
    """The means of the counties with a workshop, matched by question key (so workshops on
    different instrument versions line up), from one aggregate query."""
    columns = heat_columns()
    ids = [row.workshop.pk for row in rows if row.workshop]
    # Driven from the current workshops' submitted responses to their answers (by the answers'
    # response index), so that the cost follows the current cycles, not all of them.
    rated = Q(
        answers__question__kind=Question.Kind.SCALE,
        answers__question__purpose__in=[Question.Purpose.PRINCIPLE, Question.Purpose.DOMAIN],
        answers__value_int__gte=1,  # "don't know" is 0
    )
    ratings = (
        Response.objects.filter(survey__workshop_id__in=ids, submitted_at__isnull=False)
        .filter(rated)
        .values_list("survey__workshop_id", "answers__question__key")
        .annotate(total=Sum("answers__value_int"), n=Count("answers"))
        .order_by()
    )
    sums = {(workshop_id, key): (total, n) for workshop_id, key, total, n in ratings}
    heat_rows = [
        HeatRow(row, [stat_of_sum(*sums.get((row.workshop.pk, c.key), (0, 0))) for c in columns])
        for row in rows
        if row.workshop
    ]
    return StateHeatMap(
        columns,
        rows=[heat_row for heat_row in heat_rows if heat_row.rated],
        unrated=[heat_row.row for heat_row in heat_rows if not heat_row.rated],
    )


# --- the dashboard ---------------------------------------------------------------------------


@dataclass
class Dashboard:
    state: State
    query: Query
    problems: list[str]
    rows: list[CountyRow]  # filtered and sorted
    total: int  # counties in the state
    with_workshop: int
    sorts: dict[str, SortLink]
    systems: list[RecurringSystem] = field(default_factory=list)
    titles: list[RecurringTitle] = field(default_factory=list)
    heat: StateHeatMap | None = None
    without_workshop: list[County] = field(default_factory=list)

    @property
    def stages(self) -> list[tuple[str, str]]:
        return Stage.choices

    @property
    def plan_statuses(self) -> list[tuple[str, str]]:
        return [*PlanStatus.choices, (NO_PLAN, "No plan yet")]


def dashboard(state: State, params: Mapping[str, str]) -> Dashboard:
    """The dashboard for the GET parameters. The panels across counties cover the counties the
    filters keep; the counties without a workshop are always all of them."""
    query, problems, rows, shown = filtered_rows(state, params)
    return Dashboard(
        state=state,
        query=query,
        problems=problems,
        rows=shown,
        total=len(rows),
        with_workshop=sum(1 for row in rows if row.workshop),
        sorts=sort_links(query),
        systems=recurring_systems(shown),
        titles=recurring_titles(shown),
        heat=heat_map(shown),
        without_workshop=[row.county for row in rows if row.workshop is None],
    )
