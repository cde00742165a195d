"""The survey's results: means per principle, domain and system, splits, comments, data totals.

Only submitted responses count. Every figure is computed in Python from one query over the
answers, so the results page costs the same few queries whatever the number of respondents.

Anonymity: a mean of fewer than ``MIN_GROUP`` people is hidden ("suppressed"). In the splits by
respondent system and role the hidden cells of a row, taken together, could be worked out from
the overall mean and the cells shown; so when they hold fewer than ``MIN_GROUP`` people in all,
the smallest shown cells are hidden too until they do not. Comments are shown under their
respondent's system only when at least ``MIN_GROUP`` people of that system responded.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.db.models import Count, Q
from django.utils.translation import gettext, ngettext

from assessments import charts
from assessments.datatable import Totals
from assessments.models import (
    DONT_KNOW,
    Answer,
    Instrument,
    Question,
    Response,
    Survey,
)
from workshops.models import Membership, System

MIN_GROUP = 3
COMMENT = "comment"
Purpose = Question.Purpose
SCALE_PURPOSES = (Purpose.PRINCIPLE, Purpose.DOMAIN)
OPEN_PURPOSES = (Purpose.STRENGTHS, Purpose.CHALLENGES, Purpose.NEXT_STEPS)


@dataclass(frozen=True)
class Stat:
    """A mean on the 1 to 5 scale; ``n`` counts the people who rated (not "don't know")."""

    mean: float | None = None
    n: int = 0
    dont_know: int = 0
    suppressed: bool = False
    protects: bool = False  # hidden only so that a smaller hidden group cannot be worked out

    @property
    def shown(self) -> bool:
        return self.mean is not None and not self.suppressed

    @property
    def level(self) -> int | None:
        """The mean rounded to a whole step of the scale, for the colour of a table cell."""
        return round(self.mean) if self.shown else None

    @property
    def text(self) -> str:
        """The mean to one decimal as the pages show it ("" when hidden): cheaper than the
        ``floatformat`` filter in tables of a thousand cells."""
        rounded = shown_mean(self)
        return "" if rounded is None else str(rounded)


def stat_of(values: list[int], dont_know: int = 0, hide_empty: bool = False) -> Stat:
    n = len(values)
    if n == 0:
        return Stat(None, 0, dont_know, suppressed=hide_empty)
    if n < MIN_GROUP:
        return Stat(None, n, dont_know, suppressed=True)
    return Stat(sum(values) / n, n, dont_know)


def stat_of_sum(total: int, n: int) -> Stat:
    """A mean from the database's sum and count of the ratings (no "don't know" among them)."""
    if n == 0:
        return Stat(None, 0)
    if n < MIN_GROUP:
        return Stat(None, n, suppressed=True)
    return Stat(total / n, n)


def protect(overall: Stat, cells: list[Stat]) -> list[Stat]:
    """Hide more cells until the hidden people of the row are none or at least ``MIN_GROUP``."""
    cells = list(cells)
    while True:
        hidden = overall.n - sum(cell.n for cell in cells if cell.shown)
        shown = [i for i, cell in enumerate(cells) if cell.shown]
        if not (0 < hidden < MIN_GROUP) or not shown:
            return cells
        smallest = min(shown, key=lambda i: cells[i].n)
        cells[smallest] = replace(cells[smallest], mean=None, suppressed=True, protects=True)


@dataclass
class Item:
    """A principle or a domain with its overall mean."""

    key: str
    label: str
    stat: Stat


@dataclass
class HeatMap:
    rows: list[str]
    columns: list[str]
    cells: list[list[Stat]]
    title: str
    desc: str

    @cached_property
    def svg(self) -> str:
        return charts.heat_map(
            self.rows, self.columns, self.cells, title=self.title, desc=self.desc
        )

    @property
    def table(self) -> list[tuple[str, list[Stat]]]:
        return list(zip(self.rows, self.cells, strict=True))

    @property
    def has_data(self) -> bool:
        return any(cell.n for row in self.cells for cell in row)


@dataclass
class Bars:
    title: str
    desc: str
    items: list[Item]

    @cached_property
    def svg(self) -> str:
        return charts.bar_chart(
            [(item.label, item.stat) for item in self.items], title=self.title, desc=self.desc
        )


@dataclass
class Group:
    """A column of a split: the respondents of one system or one role."""

    value: str
    label: str
    respondents: int


@dataclass
class SplitRow:
    label: str
    overall: Stat
    cells: list[Stat]


@dataclass
class Split:
    title: str
    groups: list[Group]
    principles: list[SplitRow]
    domains: list[SplitRow]


@dataclass
class CommentGroup:
    label: str
    comments: list[str] = field(default_factory=list)


@dataclass
class CommentQuestion:
    purpose: str
    label: str
    groups: list[CommentGroup]

    @property
    def count(self) -> int:
        return sum(len(group.comments) for group in self.groups)


@dataclass
class Results:
    survey: Survey | None
    participants: int
    respondents: int
    in_progress: int
    principles: Bars
    domains: Bars
    heat_map: HeatMap
    by_system: Split
    by_role: Split
    comments: list[CommentQuestion]
    system_comments: list[CommentGroup]
    totals: Totals | None = None  # the data table's, set by the results page
    comparison: "Comparison | None" = None  # with the county's last cycle, set by the page

    @property
    def splits(self) -> list[Split]:
        return [self.by_system, self.by_role]

    @property
    def bar_charts(self) -> list[Bars]:
        return [self.principles, self.domains]

    @property
    def respondents_label(self) -> str:
        return ngettext("%(count)s respondent", "%(count)s respondents", self.respondents) % {
            "count": self.respondents
        }


# --- computing ------------------------------------------------------------------------------


@dataclass
class Respondent:
    system: str = ""
    role: str = ""


def scale_values(rows: list[tuple[int, int]]) -> tuple[list[int], int]:
    values = [value for _, value in rows if value is not None and value != DONT_KNOW]
    dont_know = sum(1 for _, value in rows if value == DONT_KNOW)
    return values, dont_know


def results_for(workshop_id: int, survey: Survey | None) -> Results:
    """The results of the workshop's survey (None: not opened yet), from submitted responses."""
    instrument_id = survey.instrument_id if survey else Instrument.latest().pk
    questions = list(
        Question.objects.filter(section__instrument_id=instrument_id).order_by(
            "section__order", "section_id", "order", "id"
        )
    )
    systems = list(System.objects.order_by("order", "name"))
    participants = Membership.objects.filter(
        workshop_id=workshop_id, role=Membership.Role.PARTICIPANT
    ).count()
    if survey is None:
        counts = {"submitted": 0, "started": 0}
        answers: list[tuple] = []
    else:
        counts = Response.objects.filter(survey=survey).aggregate(
            submitted=Count("pk", filter=Q(submitted_at__isnull=False)),
            started=Count("pk", filter=Q(submitted_at__isnull=True)),
        )
        answers = list(
            Answer.objects.filter(
                response__survey=survey, response__submitted_at__isnull=False
            ).values_list(
                "response_id", "question_id", "system_id", "dimension", "value_int", "value_text"
            )
        )
    return compute(
        survey, questions, systems, answers, participants, counts["submitted"], counts["started"]
    )


def compute(
    survey: Survey | None,
    questions: list[Question],
    systems: list[System],
    answers: list[tuple],
    participants: int,
    respondents: int,
    in_progress: int,
) -> Results:
    by_id = {q.pk: q for q in questions}
    scale: dict[int, list[tuple[int, int]]] = defaultdict(list)  # question → (response, value)
    matrix: dict[tuple[int, str], list[int]] = defaultdict(list)  # (system, dimension) → values
    system_comments: dict[int, list[str]] = defaultdict(list)
    texts: dict[int, list[tuple[int, str]]] = defaultdict(list)  # question → (response, text)
    people: dict[int, Respondent] = defaultdict(Respondent)
    for response_id, question_id, system_id, dimension, value_int, value_text in answers:
        question = by_id.get(question_id)
        if question is None:
            continue
        purpose = question.purpose
        if purpose == Purpose.RESPONDENT_SYSTEM:
            people[response_id].system = value_text
        elif purpose == Purpose.RESPONDENT_ROLE:
            people[response_id].role = value_text
        elif question.kind == Question.Kind.SCALE and purpose in SCALE_PURPOSES:
            scale[question_id].append((response_id, value_int))
        elif question.kind == Question.Kind.SYSTEM_MATRIX and system_id is not None:
            if dimension == COMMENT:
                if value_text.strip():
                    system_comments[system_id].append(value_text.strip())
            elif value_int is not None and value_int != DONT_KNOW:
                matrix[(system_id, dimension)].append(value_int)
        elif purpose in OPEN_PURPOSES and value_text.strip():
            texts[question_id].append((response_id, value_text.strip()))

    principles = [q for q in questions if q.purpose == Purpose.PRINCIPLE]
    domains = [q for q in questions if q.purpose == Purpose.DOMAIN]
    overall = {q.pk: stat_of(*scale_values(scale[q.pk])) for q in principles + domains}
    count = ngettext("%(count)s respondent", "%(count)s respondents", respondents) % {
        "count": respondents
    }

    def bars(title: str, of: list[Question]) -> Bars:
        items = [Item(q.key, q.tr("text"), overall[q.pk]) for q in of]
        desc = gettext(
            "Mean rating from 1 (low) to 5 (high) of each of %(items)s statements, from %(count)s "
            "who submitted the survey. The numbers are in the table that follows the chart."
        ) % {"items": len(items), "count": count}
        return Bars(title, desc, items)

    def split(title: str, purpose: str, attribute: str) -> Split:
        question = next((q for q in questions if q.purpose == purpose), None)
        sizes: dict[str, int] = defaultdict(int)
        for person in people.values():
            sizes[getattr(person, attribute)] += 1
        options = question.option_labels() if question else []
        groups = [
            Group(value, gettext(label), sizes[value]) for value, label in options if sizes[value]
        ]

        def row(q: Question) -> SplitRow:
            per_group: dict[str, list[tuple[int, int]]] = defaultdict(list)
            for response_id, value in scale[q.pk]:
                per_group[getattr(people[response_id], attribute)].append((response_id, value))
            # An empty cell is hidden too: "no one rated" would tell a small group's answer.
            cells = [stat_of(*scale_values(per_group[g.value]), hide_empty=True) for g in groups]
            return SplitRow(q.tr("text"), overall[q.pk], protect(overall[q.pk], cells))

        return Split(title, groups, [row(q) for q in principles], [row(q) for q in domains])

    matrix_question = next((q for q in questions if q.kind == Question.Kind.SYSTEM_MATRIX), None)
    dimensions = matrix_question.option_labels() if matrix_question else []
    system_names = [gettext(system.name) for system in systems]
    heat_map = HeatMap(
        rows=system_names,
        columns=[label for _, label in dimensions],
        cells=[[stat_of(matrix[(s.pk, d)]) for d, _ in dimensions] for s in systems],
        title=gettext("The systems rated by the participants"),
        desc=gettext(
            "Heat map of the mean rating from 1 (poor) to 5 (excellent) of each of the %(systems)s "
            "systems for %(dimensions)s, from %(count)s. Darker is higher. Cells rated by fewer "
            "than 3 people are hidden. The numbers are in the table that follows the chart."
        )
        % {
            "systems": len(systems),
            "dimensions": ", ".join(label.lower() for _, label in dimensions),
            "count": count,
        },
    )

    system_question = next((q for q in questions if q.purpose == Purpose.RESPONDENT_SYSTEM), None)
    system_labels = dict(system_question.option_labels()) if system_question else {}
    sizes: dict[str, int] = defaultdict(int)
    for person in people.values():
        sizes[person.system] += 1
    shown_systems = [value for value in system_labels if sizes[value] >= MIN_GROUP]
    other = gettext("Other systems")

    def comment_question(q: Question) -> CommentQuestion:
        grouped: dict[str, list[str]] = defaultdict(list)
        for response_id, text in texts[q.pk]:
            system = people[response_id].system
            grouped[system if system in shown_systems else other].append(text)
        groups = [
            CommentGroup(gettext(system_labels[value]), sorted(grouped[value], key=str.casefold))
            for value in shown_systems
            if grouped[value]
        ]
        if grouped[other]:
            groups.append(CommentGroup(other, sorted(grouped[other], key=str.casefold)))
        return CommentQuestion(q.purpose, q.tr("text"), groups)

    return Results(
        survey=survey,
        participants=participants,
        respondents=respondents,
        in_progress=in_progress,
        principles=bars(gettext("SOC values and principles"), principles),
        domains=bars(gettext("Infrastructure domains"), domains),
        heat_map=heat_map,
        by_system=split(gettext("By respondent's system"), Purpose.RESPONDENT_SYSTEM, "system"),
        by_role=split(gettext("By respondent's role"), Purpose.RESPONDENT_ROLE, "role"),
        comments=[comment_question(q) for q in questions if q.purpose in OPEN_PURPOSES],
        system_comments=[
            CommentGroup(name, sorted(system_comments[system.pk], key=str.casefold))
            for system, name in zip(systems, system_names, strict=True)
            if system_comments[system.pk]
        ],
    )


def live_results(workshop_id: int) -> Results:
    """The results shown in a live session (without creating the survey if there is none)."""
    return results_for(workshop_id, Survey.objects.filter(workshop_id=workshop_id).first())


# --- this cycle compared with the last ----------------------------------------------------------

ONE_DECIMAL = Decimal("0.1")


def shown_mean(stat: Stat) -> Decimal | None:
    """The mean as the page shows it, to one decimal, so that a change adds up on screen."""
    if not stat.shown:
        return None
    return Decimal(str(stat.mean)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Change:
    """One mean in this cycle and in the last; compared only when both were shown."""

    now: Stat
    before: Stat

    @property
    def delta(self) -> Decimal | None:
        now, before = shown_mean(self.now), shown_mean(self.before)
        if now is None or before is None:
            return None
        return now - before

    @property
    def direction(self) -> str:
        """``up``, ``down``, ``same`` or ``none`` (one of the two means is hidden or missing)."""
        delta = self.delta
        if delta is None:
            return "none"
        return "up" if delta > 0 else "down" if delta < 0 else "same"

    @property
    def arrow(self) -> str:
        return {"up": "↑", "down": "↓", "same": "="}.get(self.direction, "")

    @property
    def words(self) -> str:
        delta = self.delta
        if delta is None:
            if self.now.suppressed or self.before.suppressed:
                return gettext("not compared: fewer than 3 people rated it in one of the cycles")
            return gettext("not compared: no rating in one of the cycles")
        if delta > 0:
            return gettext("up %(delta)s") % {"delta": delta}
        if delta < 0:
            return gettext("down %(delta)s") % {"delta": -delta}
        return gettext("no change")


@dataclass
class ComparedItem:
    label: str
    change: Change


@dataclass
class ComparedSystem:
    label: str
    changes: list[Change]


@dataclass
class Comparison:
    """This cycle's means beside the county's last cycle's (``cycle``, ``respondents``)."""

    cycle: int
    respondents: int
    principles: list[ComparedItem]
    domains: list[ComparedItem]
    columns: list[str]
    systems: list[ComparedSystem]

    @property
    def groups(self) -> list[tuple[str, list[ComparedItem]]]:
        return [
            (gettext("SOC values and principles"), self.principles),
            (gettext("Infrastructure domains"), self.domains),
        ]


def compare(now: Results, before: Results, cycle: int) -> Comparison:
    """Means matched by question key, and heat-map cells by system and dimension label, so
    two instrument versions compare where they ask the same thing."""

    def items(mine: Bars, theirs: Bars) -> list[ComparedItem]:
        earlier = {item.key: item.stat for item in theirs.items}
        return [
            ComparedItem(item.label, Change(item.stat, earlier.get(item.key, Stat())))
            for item in mine.items
        ]

    earlier_cells = {
        (row, column): cell
        for row, cells in before.heat_map.table
        for column, cell in zip(before.heat_map.columns, cells, strict=True)
    }
    systems = [
        ComparedSystem(
            row,
            [
                Change(cell, earlier_cells.get((row, column), Stat()))
                for column, cell in zip(now.heat_map.columns, cells, strict=True)
            ],
        )
        for row, cells in now.heat_map.table
    ]
    return Comparison(
        cycle=cycle,
        respondents=before.respondents,
        principles=items(now.principles, before.principles),
        domains=items(now.domains, before.domains),
        columns=now.heat_map.columns,
        systems=systems,
    )
