"""Gaps and opportunities: proposing them, editing without lost updates, merging duplicates
(their evidence, systems, principles and dots carried over), and the evidence they rest on.

Evidence points at something of the workshop's own assessment: a scale question of its survey,
a heat-map cell (a system by a dimension), an accepted node or link of its map, or a data-table
figure. ``Sources`` loads all of these once, with the figures that describe them (means that
respect the survey's "fewer than 3 people: hidden" rule, county totals), so that the evidence
form and the gap page cost a fixed number of queries.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, F, QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

from actionplans import voting
from actionplans.models import Dot, Evidence, Gap, Principle, PriorityArea
from assessments.datatable import Method, Total, active_metrics, county_totals, workshop_figures
from assessments.models import Instrument, MapLink, MapNode, Metric, Proposal, Question, Survey
from assessments.results import MIN_GROUP, SCALE_PURPOSES, Results, Stat, results_for
from workshops.models import Membership, System, Workshop

Kind = Evidence.Kind


# --- the list -----------------------------------------------------------------------------------


def gap_rows(workshop: Workshop, kind: str | None = None, system_id: int | None = None) -> QuerySet:
    """The workshop's gaps that are not merged, with their evidence and dot counts, systems,
    principles and proposer: three queries whatever their number."""
    rows = (
        Gap.objects.filter(workshop=workshop, merged_into__isnull=True)
        .select_related("proposed_by__user")
        .prefetch_related("systems", "principles")
        .annotate(
            evidence_count=Count("evidence", distinct=True),
            dot_count=Count("dots", distinct=True),
        )
        .order_by("id")
    )
    if kind:
        rows = rows.filter(kind=kind)
    if system_id is not None:
        rows = rows.filter(systems__id=system_id)
    return rows


# --- proposing and editing ----------------------------------------------------------------------


@dataclass
class GapFields:
    """What a person writes about a gap (the gap form's cleaned data)."""

    title: str
    description: str
    kind: str
    systems: list[System]
    principles: list[Principle]


def propose(workshop: Workshop, proposed_by: Membership | None, fields: GapFields) -> Gap:
    gap = Gap.objects.create(
        workshop=workshop,
        proposed_by=proposed_by,
        title=fields.title,
        description=fields.description,
        kind=fields.kind,
    )
    gap.systems.set(fields.systems)
    gap.principles.set(fields.principles)
    voting.touch(workshop.pk)
    return gap


def save_gap(gap: Gap, version: int, fields: GapFields) -> bool:
    """Save the edit of a gap seen at ``version``; False (nothing saved) when someone saved
    or merged it in between."""
    # Claim the version first: whoever saved in between makes this update no row.
    claimed = Gap.objects.filter(pk=gap.pk, version=version, merged_into__isnull=True).update(
        version=F("version") + 1
    )
    if not claimed:
        return False
    gap.title = fields.title
    gap.description = fields.description
    gap.kind = fields.kind
    gap.version = version + 1
    gap.save()
    gap.systems.set(fields.systems)
    gap.principles.set(fields.principles)
    voting.touch(gap.workshop_id)
    return True


# --- merging duplicates -------------------------------------------------------------------------


class MergeRefused(Exception):
    """A merge that may not happen; the message says why, for the person who asked."""


@dataclass(frozen=True)
class Merged:
    kept: Gap
    evidence_moved: int
    evidence_skipped: int
    dots_moved: int


def promoted_message() -> str:
    return gettext(
        "This gap is a priority area already: promoted gaps cannot be merged. Merge the other "
        "gap into this one instead."
    )


@transaction.atomic
def merge(workshop: Workshop, duplicate_id: int, kept_id: int) -> Merged:
    """Merge the duplicate into the kept gap, in one transaction.

    The duplicate's evidence moves (evidence the kept gap has already stays behind), its
    systems and principles are added, and its dots move: dots are numbered slots of their
    participant, so moving them keeps every budget. Gaps merged into the duplicate earlier
    now point at the kept gap. The duplicate is marked ``merged_into`` and leaves the lists.
    """
    if duplicate_id == kept_id:
        raise MergeRefused(gettext("A gap cannot be merged into itself: choose another gap."))
    # Lock both rows (in id order, so two opposite merges cannot deadlock).
    locked = {
        gap.pk: gap
        for gap in Gap.objects.select_for_update()
        .filter(workshop=workshop, pk__in=[duplicate_id, kept_id])
        .order_by("pk")
    }
    duplicate, kept = locked.get(duplicate_id), locked.get(kept_id)
    if duplicate is None or kept is None:
        raise MergeRefused(gettext("Choose a gap of this workshop."))
    if duplicate.merged_into_id is not None:
        raise MergeRefused(gettext("This gap was merged already."))
    if kept.merged_into_id is not None:
        raise MergeRefused(
            gettext("“%(title)s” was merged into another gap: choose that one instead.")
            % {"title": kept.title}
        )
    if PriorityArea.objects.filter(gap=duplicate).exists():
        raise MergeRefused(promoted_message())

    held = {target_of(e): e for e in kept.evidence.all()}
    moving, skipped = [], 0
    for evidence in duplicate.evidence.all():
        same = held.get(target_of(evidence))
        if same is None:
            moving.append(evidence.pk)
            continue
        skipped += 1
        if evidence.note and not same.note:
            same.note = evidence.note
            same.save(update_fields=["note"])
    Evidence.objects.filter(pk__in=moving).update(gap=kept)
    kept.systems.add(*duplicate.systems.values_list("pk", flat=True))
    kept.principles.add(*duplicate.principles.values_list("pk", flat=True))
    dots = Dot.objects.filter(gap=duplicate).update(gap=kept)
    Gap.objects.filter(merged_into=duplicate).update(merged_into=kept)

    duplicate.merged_into = kept
    duplicate.version += 1
    duplicate.save()
    kept.version += 1  # an edit begun before the merge must not drop its systems
    kept.save()
    voting.touch(workshop.pk)
    return Merged(kept, len(moving), skipped, dots)


# --- evidence -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """What a piece of evidence points at (the fields of ``Evidence`` but its note)."""

    kind: str
    question_id: int | None = None
    system_id: int | None = None
    dimension: str = ""
    map_node_id: int | None = None
    map_link_id: int | None = None
    metric_id: int | None = None

    @property
    def value(self) -> str:
        """The target as a choice of the evidence form."""
        if self.kind == Kind.HEAT_CELL:
            return f"{self.kind}:{self.system_id}:{self.dimension}"
        pk = self.question_id or self.map_node_id or self.map_link_id or self.metric_id
        return f"{self.kind}:{pk}"

    def fields(self) -> dict:
        return {
            "kind": self.kind,
            "question_id": self.question_id,
            "system_id": self.system_id,
            "dimension": self.dimension,
            "map_node_id": self.map_node_id,
            "map_link_id": self.map_link_id,
            "metric_id": self.metric_id,
        }


def target_of(evidence: Evidence) -> Target:
    return Target(
        evidence.kind,
        evidence.question_id,
        evidence.system_id if evidence.kind == Kind.HEAT_CELL else None,
        evidence.dimension if evidence.kind == Kind.HEAT_CELL else "",
        evidence.map_node_id,
        evidence.map_link_id,
        evidence.metric_id,
    )


def parse_target(value: str) -> Target | None:
    """The target of a form choice like ``question:12`` or ``heat_cell:3:availability``
    (None if it is not one); whether it belongs to the workshop is checked by ``Sources``."""
    kind, _, rest = (value or "").partition(":")
    if kind == Kind.HEAT_CELL:
        system, _, dimension = rest.partition(":")
        if system.isdigit() and dimension:
            return Target(kind, system_id=int(system), dimension=dimension)
        return None
    if not rest.isdigit() or kind not in Kind.values:
        return None
    pk = int(rest)
    return {
        Kind.QUESTION: Target(kind, question_id=pk),
        Kind.MAP_NODE: Target(kind, map_node_id=pk),
        Kind.MAP_LINK: Target(kind, map_link_id=pk),
        Kind.FIGURE: Target(kind, metric_id=pk),
    }[Kind(kind)]


def add_evidence(gap: Gap, target: Target, note: str, user) -> Evidence:
    evidence = Evidence.objects.create(gap=gap, note=note, added_by=user, **target.fields())
    voting.touch(gap.workshop_id)
    return evidence


def one_decimal(mean: float) -> str:
    """A mean as the results show it: rounded (``number_format`` alone would cut 1.67 to 1.6)."""
    return number_format(round(mean, 1), 1)


def stat_words(stat: Stat | None) -> str:
    if stat is None or (stat.n == 0 and stat.mean is None):
        return gettext("no ratings yet")
    if not stat.shown:
        return gettext("hidden: fewer than %(min)s people rated it") % {"min": MIN_GROUP}
    return ngettext(
        "mean %(mean)s of 5, from %(n)s person",
        "mean %(mean)s of 5, from %(n)s people",
        stat.n,
    ) % {"mean": one_decimal(stat.mean), "n": stat.n}


def total_words(total: Total | None) -> str:
    if total is None or total.value is None:
        return gettext("not reported yet")
    if total.method == Method.SUM:
        words = ngettext(
            "county total %(total)s, from %(n)s agency",
            "county total %(total)s, from %(n)s agencies",
            total.reporting,
        )
    else:
        words = ngettext(
            "county average %(total)s, from %(n)s agency",
            "county average %(total)s, from %(n)s agencies",
            total.reporting,
        )
    return words % {"total": total.display, "n": total.reporting}


@dataclass
class Line:
    """A piece of evidence in words: what it is, what it says, where it comes from."""

    evidence: Evidence
    kind: str
    subject: str
    figure: str
    where: str  # "results", "map", "data" (the page it comes from) or "" (none)
    system_id: int | None = None


@dataclass
class Sources:
    """Everything of the workshop a gap's evidence may point at, with its figures."""

    questions: list[Question]
    systems: list[System]
    dimensions: list[tuple[str, str]]
    nodes: list[MapNode]
    links: list[MapLink]
    metrics: list[Metric]
    results: Results
    totals: dict[int, Total] = field(default_factory=dict)

    # --- figures

    def question_stat(self, question: Question) -> Stat | None:
        items = self.results.principles.items + self.results.domains.items
        return next((item.stat for item in items if item.key == question.key), None)

    def cell_stat(self, system_id: int | None, dimension: str) -> Stat | None:
        rows = [s.pk for s in self.systems]
        columns = [value for value, _ in self.dimensions]
        if system_id not in rows or dimension not in columns:
            return None
        return self.results.heat_map.cells[rows.index(system_id)][columns.index(dimension)]

    def dimension_label(self, dimension: str) -> str:
        return dict(self.dimensions).get(dimension, dimension)

    # --- the evidence form

    def targets(self) -> dict[str, Target]:
        found = [Target(Kind.QUESTION, question_id=q.pk) for q in self.questions]
        found += [
            Target(Kind.HEAT_CELL, system_id=s.pk, dimension=d)
            for s in self.systems
            for d, _ in self.dimensions
        ]
        found += [Target(Kind.MAP_NODE, map_node_id=n.pk) for n in self.nodes]
        found += [Target(Kind.MAP_LINK, map_link_id=link.pk) for link in self.links]
        found += [Target(Kind.FIGURE, metric_id=m.pk) for m in self.metrics]
        return {t.value: t for t in found}

    def choices(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The evidence form's choices, grouped, each with its figure to help choose."""
        groups = []
        for purpose, label in (
            (Question.Purpose.PRINCIPLE, gettext("Survey: SOC values and principles")),
            (Question.Purpose.DOMAIN, gettext("Survey: infrastructure domains")),
        ):
            options = [
                (
                    Target(Kind.QUESTION, question_id=q.pk).value,
                    f"{q.tr('text')} ({self.short_stat(self.question_stat(q))})",
                )
                for q in self.questions
                if q.purpose == purpose
            ]
            if options:
                groups.append((label, options))
        cells = [
            (
                Target(Kind.HEAT_CELL, system_id=s.pk, dimension=d).value,
                f"{gettext(s.name)} · {label} ({self.short_stat(self.cell_stat(s.pk, d))})",
            )
            for s in self.systems
            for d, label in self.dimensions
        ]
        if cells:
            groups.append((gettext("Survey: heat map of the systems"), cells))
        if self.nodes:
            groups.append(
                (
                    gettext("Map: services, agencies and supports"),
                    [
                        (
                            Target(Kind.MAP_NODE, map_node_id=n.pk).value,
                            f"{n.label} ({gettext(n.system.name)}, {n.get_status_display()})",
                        )
                        for n in self.nodes
                    ],
                )
            )
        if self.links:
            groups.append(
                (
                    gettext("Map: links between them"),
                    [
                        (
                            Target(Kind.MAP_LINK, map_link_id=link.pk).value,
                            f"{link.source.label} \N{EN DASH} {link.target.label} "
                            f"({link.get_strength_display()})",
                        )
                        for link in self.links
                    ],
                )
            )
        if self.metrics:
            groups.append(
                (
                    gettext("Administrative Data Table"),
                    [
                        (
                            Target(Kind.FIGURE, metric_id=m.pk).value,
                            f"{m.tr('label')} ({self.short_total(self.totals.get(m.pk))})",
                        )
                        for m in self.metrics
                    ],
                )
            )
        return groups

    @staticmethod
    def short_stat(stat: Stat | None) -> str:
        if stat is None or not stat.shown:
            return gettext("no mean shown") if stat and stat.n else gettext("no ratings yet")
        return f"{one_decimal(stat.mean)}, n={stat.n}"

    @staticmethod
    def short_total(total: Total | None) -> str:
        if total is None or total.value is None:
            return gettext("not reported yet")
        if total.method == Method.SUM:
            return gettext("county total %(total)s") % {"total": total.display}
        return gettext("county average %(total)s") % {"total": total.display}

    def refusal(self, target: Target | None) -> str:
        """Why a target is not one of this workshop's (for the form's error)."""
        if target is None:
            return gettext("Choose a piece of evidence from the list.")
        return {
            Kind.QUESTION: gettext("That question is not in this workshop's survey."),
            Kind.HEAT_CELL: gettext("That heat-map cell is not in this workshop's survey."),
            Kind.MAP_NODE: gettext("That map node is not on this workshop's map."),
            Kind.MAP_LINK: gettext("That map link is not on this workshop's map."),
            Kind.FIGURE: gettext("That figure is not in the data table."),
        }[Kind(target.kind)]

    # --- the gap page

    def describe(self, evidence: list[Evidence]) -> list[Line]:
        """Each piece of evidence in words (``evidence`` comes from ``evidence_of``)."""
        lines = []
        for e in evidence:
            if e.kind == Kind.QUESTION:
                subject = e.question.tr("text")
                lines.append(
                    Line(
                        e,
                        e.get_kind_display(),
                        subject,
                        stat_words(self.question_stat(e.question)),
                        "results",
                    )
                )
            elif e.kind == Kind.HEAT_CELL:
                subject = f"{gettext(e.system.name)} · {self.dimension_label(e.dimension)}"
                figure = stat_words(self.cell_stat(e.system_id, e.dimension))
                lines.append(Line(e, e.get_kind_display(), subject, figure, "results"))
            elif e.kind == Kind.MAP_NODE:
                node = e.map_node
                subject = f"{node.label} ({gettext(node.system.name)})"
                lines.append(
                    Line(
                        e,
                        e.get_kind_display(),
                        subject,
                        self.node_words(node),
                        "map",
                        node.system_id,
                    )
                )
            elif e.kind == Kind.MAP_LINK:
                link = e.map_link
                subject = f"{link.source.label} \N{EN DASH} {link.target.label}"
                figure = link.get_strength_display()
                if link.proposal != Proposal.ACCEPTED:
                    figure = gettext("%(strength)s; no longer on the map") % {"strength": figure}
                lines.append(Line(e, e.get_kind_display(), subject, figure, "map"))
            else:
                figure = total_words(self.totals.get(e.metric_id))
                lines.append(Line(e, e.get_kind_display(), e.metric.tr("label"), figure, "data"))
        return lines

    @staticmethod
    def node_words(node: MapNode) -> str:
        words = gettext("marked: %(status)s") % {"status": node.get_status_display().lower()}
        if node.proposal != Proposal.ACCEPTED:
            words = gettext("%(status)s; no longer on the map") % {"status": words}
        return words


def evidence_of(gap: Gap) -> list[Evidence]:
    return list(
        gap.evidence.select_related(
            "question", "system", "map_node__system", "map_link__source", "map_link__target",
            "metric", "added_by",
        )
    )  # fmt: skip


def sources_for(workshop: Workshop) -> Sources:
    """The workshop's survey questions and heat-map cells with their means, its accepted map
    nodes and links, and the data table's figures with their county totals (about ten
    queries, whatever the numbers)."""
    survey = Survey.objects.filter(workshop=workshop).first()
    instrument_id = survey.instrument_id if survey else Instrument.latest().pk
    questions = list(
        Question.objects.filter(section__instrument_id=instrument_id).order_by(
            "section__order", "section_id", "order", "id"
        )
    )
    matrix = next((q for q in questions if q.kind == Question.Kind.SYSTEM_MATRIX), None)
    metrics = active_metrics()
    totals = county_totals(workshop_figures(workshop), metrics)
    return Sources(
        questions=[
            q for q in questions if q.kind == Question.Kind.SCALE and q.purpose in SCALE_PURPOSES
        ],
        systems=list(System.objects.order_by("order", "name")),
        dimensions=matrix.option_labels() if matrix else [],
        nodes=list(
            workshop.map_nodes.filter(proposal=Proposal.ACCEPTED)
            .select_related("system")
            .order_by("system__order", "label")
        ),
        links=list(
            workshop.map_links.filter(proposal=Proposal.ACCEPTED)
            .select_related("source", "target")
            .order_by("source__label", "target__label")
        ),
        metrics=metrics,
        results=results_for(workshop.pk, survey),
        totals={t.metric.pk: t for t in totals.totals},
    )


def vote_count(gap: Gap) -> tuple[int, int]:
    """(dots, people) on a gap so far."""
    counts = gap.dots.aggregate(dots=Count("pk"), people=Count("membership", distinct=True))
    return counts["dots"], counts["people"]
