"""Plan versions: starting the next version from an approved one, and comparing two versions.

A new version is a copy of the whole tree of the version it is based on, each item pointing at
the one it was copied from (``origin``), so that a comparison matches items across versions
whatever their titles became. The copy is made level by level with ``bulk_create`` (a fixed
number of queries whatever the size of the plan), with the items' first history records and
their principles in them, and with the steps' progress updates and the measures' readings, so
that the history of implementation follows the plan into its new version.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext

from actionplans import plans
from actionplans.models import (
    ActionPlan,
    ActionStep,
    Benchmark,
    Goal,
    Measure,
    MeasureReading,
    Objective,
    PriorityArea,
    StepUpdate,
    Strategy,
)
from actionplans.plans import KINDS, Change
from workshops.models import Membership, Workshop

Status = ActionPlan.Status
NOT_COPIED = {"id", "origin", "version"}


class RevisionError(Exception):
    """A new version that cannot be started, with a message for the person."""


# --- starting a new version --------------------------------------------------------------------


@transaction.atomic
def start_revision(workshop: Workshop, user, reason: str) -> ActionPlan:
    """Version n+1 of the plan, a draft copied from the approved version n."""
    reason = reason.strip()
    if not reason:
        raise RevisionError(gettext("Say why the plan is revised."))
    latest = (
        ActionPlan.objects.select_for_update().filter(workshop=workshop).order_by("-number").first()
    )
    if latest is None or latest.status != Status.APPROVED:
        raise RevisionError(
            gettext(
                "A new version starts from an approved plan: the latest version is not approved "
                "yet. Change it where it is, and send it for review."
            )
        )
    try:
        with transaction.atomic():
            plan = ActionPlan.objects.create(
                workshop=workshop, number=latest.number + 1, based_on=latest, reason=reason
            )
    except IntegrityError:  # the row lock makes this unreachable; the constraint is the backstop
        raise RevisionError(gettext("A new version was just started: reload the page.")) from None
    copy_tree(latest, plan, user)
    return plan


def copy_tree(source: ActionPlan, plan: ActionPlan, user) -> None:
    """Copy every item of ``source`` into ``plan``, parents before children."""
    why = f"Copied from version {source.number}"
    goals = copy(Goal.objects.filter(plan=source), {"plan": {source.pk: plan}}, user, why)
    objectives = copy(Objective.objects.filter(goal__plan=source), {"goal": goals}, user, why)
    in_source = {"objective__goal__plan": source}
    strategies = copy(Strategy.objects.filter(**in_source), {"objective": objectives}, user, why)
    steps = copy(
        ActionStep.objects.filter(**in_source),
        {"objective": objectives, "strategy": strategies},
        user,
        why,
    )
    measures = copy(Measure.objects.filter(**in_source), {"objective": objectives}, user, why)
    copy(Benchmark.objects.filter(measure__objective__goal__plan=source), {"measure": measures},
         user, why)  # fmt: skip
    copy_rows(StepUpdate.objects.filter(step__in=list(steps)), "step", steps)
    copy_rows(MeasureReading.objects.filter(measure__in=list(measures)), "measure", measures)


def copy(
    rows: models.QuerySet, parents: dict[str, dict], user, why: str
) -> dict[int, models.Model]:
    """Copies of the rows, under the copies of their parents (``parents``: for each foreign key,
    old id → new parent), with ``origin``, a first history record each and their many-to-many
    rows (with those of the history). Returns old id → copy."""
    model = rows.model
    m2m = list(model._meta.many_to_many)
    originals = list(rows.order_by("pk").prefetch_related(*[f.name for f in m2m]))
    copies = []
    for original in originals:
        item = model()
        for model_field in model._meta.concrete_fields:
            if model_field.name in NOT_COPIED:
                continue
            value = getattr(original, model_field.attname)
            if model_field.name in parents and value is not None:
                setattr(item, model_field.name, parents[model_field.name][value])
            else:
                setattr(item, model_field.attname, value)
        item.origin_id = original.pk
        copies.append(item)
    model.objects.bulk_create(copies)
    records = model.history.bulk_history_create(
        copies, default_user=user, default_change_reason=why
    )
    for m2m_field in m2m:
        copy_m2m(m2m_field, originals, copies, records)
    return {original.pk: item for original, item in zip(originals, copies, strict=True)}


def copy_m2m(m2m_field, originals: list, copies: list, records: list) -> None:
    """The copies' many-to-many rows, and the same rows in their first history records (what
    ``plans.history_of`` reads the principles of an item from)."""
    model = type(copies[0]) if copies else None
    if model is None:
        return
    through = m2m_field.remote_field.through
    source = m2m_field.m2m_field_name()
    target = m2m_field.m2m_reverse_field_name()
    history_through = model.history.model._meta.get_field(
        f"historical{model._meta.model_name}_{m2m_field.name}"
    ).related_model
    links, records_of_links = [], []
    for original, item, record in zip(originals, copies, records, strict=True):
        for related in getattr(original, m2m_field.name).all():
            links.append(through(**{f"{source}_id": item.pk, f"{target}_id": related.pk}))
            records_of_links.append(record)
    through.objects.bulk_create(links)
    history_through.objects.bulk_create(
        history_through(
            id=link.pk,  # the history keeps the row's own id beside its key
            history=record,
            **{name: getattr(link, name) for name in (f"{source}_id", f"{target}_id")},
        )
        for link, record in zip(links, records_of_links, strict=True)
    )


def copy_rows(rows: models.QuerySet, parent: str, copies: dict[int, models.Model]) -> None:
    """Progress rows follow their step or measure into the new version, as they were."""
    model = rows.model
    originals = list(rows.order_by("pk"))
    moved = []
    for original in originals:
        row = model()
        for model_field in model._meta.concrete_fields:
            if model_field.name != "id":
                setattr(row, model_field.attname, getattr(original, model_field.attname))
        setattr(row, parent, copies[getattr(original, f"{parent}_id")])
        moved.append(row)
    model.objects.bulk_create(moved)
    for row, original in zip(moved, originals, strict=True):
        row.created_at = original.created_at  # bulk_create stamps its own time on auto_now_add
    if moved:
        model.objects.bulk_update(moved, ["created_at"])
    model.history.bulk_history_create(moved, default_change_reason="Copied to a new version")


# --- comparing two versions --------------------------------------------------------------------


@dataclass
class ItemDiff:
    """One item of a comparison: added, removed, changed (with the changes) or unchanged."""

    kind: str
    title: str
    within: str  # the item it hangs under, in words
    changes: list[Change] = field(default_factory=list)
    anchor: str = ""  # its place on the outline, when it is in the latest version

    @property
    def kind_label(self) -> str:
        return str(plans.KINDS[self.kind].label)


@dataclass
class AreaDiff:
    """What changed under one priority area."""

    priority: PriorityArea
    added: list[ItemDiff] = field(default_factory=list)
    removed: list[ItemDiff] = field(default_factory=list)
    changed: list[ItemDiff] = field(default_factory=list)
    unchanged: list[ItemDiff] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@dataclass
class Comparison:
    older: ActionPlan
    newer: ActionPlan
    areas: list[AreaDiff]

    @property
    def totals(self) -> dict[str, int]:
        return {
            name: sum(len(getattr(area, name)) for area in self.areas)
            for name in ("added", "removed", "changed", "unchanged")
        }


@dataclass
class Node:
    kind: str
    item: models.Model
    priority: PriorityArea
    within: str


def nodes_of(priorities: list[PriorityArea]) -> list[Node]:
    """The outline's items (not its priority areas) with their area and parent, in order."""
    found = []
    for priority in priorities:
        for goal in priority.plan_goals:
            found.append(Node("goal", goal, priority, ""))
            for objective in goal.objectives.all():
                found.append(Node("objective", objective, priority, goal.title))
                for strategy in objective.strategies.all():
                    found.append(Node("strategy", strategy, priority, objective.title))
                for step in objective.steps.all():
                    found.append(Node("step", step, priority, objective.title))
                for measure in objective.measures.all():
                    found.append(Node("measure", measure, priority, objective.title))
                    for benchmark in measure.benchmarks.all():
                        found.append(Node("benchmark", benchmark, priority, measure.title))
    return found


def compare(older: ActionPlan, newer: ActionPlan) -> Comparison:
    """What changed from ``older`` to ``newer`` per priority area, items matched by ``origin``.

    A fixed number of queries: the two outlines, the origins of the versions in between (when
    they are not consecutive) and the labels of the values.
    """
    old_nodes = nodes_of(plans.outline(older))
    new_nodes = nodes_of(plans.outline(newer))
    lineage = origins_between(older, newer)
    old_by_key = {(node.kind, node.item.pk): node for node in old_nodes}
    new_origins = {(node.kind, node.item.pk): node.item.origin_id for node in new_nodes}

    def matched(kind: str, pk: int | None) -> int | None:
        """The id in ``older`` of the item of ``newer`` with id ``pk`` (None: it is new)."""
        origin = new_origins.get((kind, pk))
        while origin is not None and (kind, origin) not in old_by_key:
            origin = lineage[kind].get(origin)
        return origin

    names = value_names(old_nodes + new_nodes)
    areas: dict[int, AreaDiff] = {}

    def area(priority: PriorityArea) -> AreaDiff:
        return areas.setdefault(priority.pk, AreaDiff(priority))

    seen = set()
    for node in new_nodes:
        item = node.item
        origin = matched(node.kind, item.pk)
        diff = ItemDiff(node.kind, title_of(item), node.within, anchor=f"{node.kind}-{item.pk}")
        if origin is None:
            area(node.priority).added.append(diff)
            continue
        seen.add((node.kind, origin))
        diff.changes = changes_of(node.kind, old_by_key[(node.kind, origin)].item, item,
                                  names, matched)  # fmt: skip
        (area(node.priority).changed if diff.changes else area(node.priority).unchanged).append(
            diff
        )
    for node in old_nodes:
        if (node.kind, node.item.pk) not in seen:
            area(node.priority).removed.append(
                ItemDiff(node.kind, title_of(node.item), node.within)
            )
    ranked = sorted({n.priority.pk: n.priority for n in old_nodes + new_nodes}.values(),
                    key=lambda p: (p.rank, p.pk))  # fmt: skip
    return Comparison(older, newer, [areas[p.pk] for p in ranked if p.pk in areas])


def title_of(item: models.Model) -> str:
    """How an item is named in a comparison (a benchmark by its date and value)."""
    if isinstance(item, Benchmark):
        what = plans.shown(Benchmark, "value", item.value, {}) if item.value is not None else ""
        return " · ".join(
            part
            for part in (plans.shown(Benchmark, "due", item.due, {}), what, item.description)
            if part
        )
    return str(item)


def origins_between(older: ActionPlan, newer: ActionPlan) -> dict[str, dict[int, int | None]]:
    """For the versions strictly between the two: each item's origin, per kind (one query per
    kind, none when the versions are consecutive)."""
    lineage: dict[str, dict[int, int | None]] = defaultdict(dict)
    if newer.number - older.number <= 1:
        return lineage
    for name, kind in KINDS.items():
        plan = kind.in_plan
        rows = kind.model.objects.filter(
            **{
                f"{plan}__workshop_id": newer.workshop_id,
                f"{plan}__number__gt": older.number,
                f"{plan}__number__lt": newer.number,
            }
        ).values_list("pk", "origin_id")
        lineage[name] = dict(rows)
    return lineage


def value_names(nodes: Iterable[Node]) -> dict[str, dict]:
    """Labels of the related rows the compared values point to (principles, systems,
    strategies, people): a query per kind of related row."""
    names = plans.names_for(ActionStep)
    names["strategy"] = {n.item.pk: n.item.title for n in nodes if n.kind == "strategy"}
    members = {getattr(n.item, "lead_member_id", None) for n in nodes if n.kind == "step"} - {None}
    if members:
        names["lead_member"] = {
            m.pk: plans.who(m.user)
            for m in Membership.objects.filter(pk__in=members).select_related("user")
        }
    return names


def values_of(kind: str, item: models.Model) -> dict:
    """The edited fields' stored values (many-to-many as sets of ids, from the prefetch)."""
    spec = KINDS[kind]
    values = {}
    for name in spec.fields:
        model_field = spec.model._meta.get_field(name)
        if model_field.many_to_many:
            values[name] = {related.pk for related in getattr(item, name).all()}
        else:
            values[name] = getattr(item, model_field.attname)
    return values


def changes_of(kind: str, old: models.Model, new: models.Model, names: dict, matched) -> list:
    """Field by field, in words, what differs between an item and its later copy."""
    spec = KINDS[kind]
    before, after = values_of(kind, old), values_of(kind, new)
    if "strategy" in after:  # a copy points at the copy of its strategy
        after["strategy"] = matched("strategy", after["strategy"])
    found = []
    for name in spec.fields:
        if plans.normal(before[name]) == plans.normal(after[name]):
            continue
        found.append(
            Change(
                spec.label_of(name),
                plans.shown(spec.model, name, before[name], names),
                plans.shown(spec.model, name, after[name], names),
            )
        )
    return found
