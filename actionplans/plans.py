"""The action plan: its outline, the edits of its items, their history and the principles.

Every change to the plan's content goes through here and calls ``touched(plan)``, which moves
``ActionPlan.changed_at`` on (the PDF of the plan is stale once it does).

Edits are optimistic: each item carries a ``version``; a save first claims the version it was
read at with a filtered UPDATE, so that of two people saving the same item one succeeds and the
other gets ``Conflict`` with what is stored now, never a lost update.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, models, transaction
from django.db.models import Count, F, Max, Prefetch, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.utils import get_m2m_reverse_field_name

from actionplans.models import (
    ActionPlan,
    ActionStep,
    Benchmark,
    Goal,
    Measure,
    Objective,
    Principle,
    PrincipleStance,
    PriorityArea,
    Strategy,
)
from assessments.results import Stat, live_results
from workshops import pagecache
from workshops.models import Membership, System, Workshop

EMPTY = "—"


class Conflict(Exception):
    """Someone saved the item since the form was read; ``stored`` is what they saved."""

    def __init__(self, stored: models.Model):
        super().__init__("The item changed since it was read.")
        self.stored = stored


# --- the plan ----------------------------------------------------------------------------------


def current_plan(workshop: Workshop) -> ActionPlan:
    """The workshop's latest plan version (the first is made when it is first asked for)."""
    plan = workshop.plans.order_by("-number").first()
    if plan is None:
        plan, created = ActionPlan.objects.get_or_create(workshop=workshop, number=1)
        if created:  # on a page view too: the state dashboard shows the new draft
            pagecache.touch(workshop.pk)
    return plan


def touched(plan: ActionPlan) -> None:
    """Record that the plan's content changed (its PDF goes stale)."""
    plan.changed_at = timezone.now()
    ActionPlan.objects.filter(pk=plan.pk).update(changed_at=plan.changed_at)


def priorities_changed(workshop: Workshop) -> None:
    """The priority areas head the plan (and its PDF): a new one, a new rank, title or level
    touches the latest plan, if there is one yet."""
    plan = workshop.plans.order_by("-number").first()
    if plan is not None:
        touched(plan)


# --- the kinds of item -------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """One kind of plan item: where it hangs, how it is found, which fields people edit."""

    name: str  # as in the URLs: goal, objective, strategy, step, measure, benchmark
    model: type[models.Model]
    parent: str  # the kind of the parent ("priority" for a goal)
    parent_field: str
    in_plan: str  # the lookup from the item to its plan
    to_priority: str  # the lookup from the item to its priority area's id
    fields: tuple[str, ...]  # what the form edits, in order
    label: str
    siblings: tuple[str, ...] = ()  # the fields its siblings share (empty: ordered by date)
    labels: dict = field(default_factory=dict)  # field labels other than the model's

    @property
    def movable(self) -> bool:
        return bool(self.siblings)

    def items(self, plan: ActionPlan) -> QuerySet:
        return self.model.objects.filter(**{self.in_plan: plan})

    def label_of(self, name: str) -> str:
        if name in self.labels:
            return str(self.labels[name])
        return capfirst(str(self.model._meta.get_field(name).verbose_name))


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in [
        Kind(
            "goal",
            Goal,
            parent="priority",
            parent_field="priority",
            in_plan="plan",
            to_priority="priority_id",
            fields=("title", "where_we_are", "principles"),
            label=_("goal"),
            siblings=("plan", "priority"),
            labels={"title": _("Goal"), "where_we_are": _("Where we are")},
        ),
        Kind(
            "objective",
            Objective,
            parent="goal",
            parent_field="goal",
            in_plan="goal__plan",
            to_priority="goal__priority_id",
            fields=("title", "target_date", "principles"),
            label=_("objective"),
            siblings=("goal",),
            labels={"title": _("Objective")},
        ),
        Kind(
            "strategy",
            Strategy,
            parent="objective",
            parent_field="objective",
            in_plan="objective__goal__plan",
            to_priority="objective__goal__priority_id",
            fields=("title", "principles"),
            label=_("strategy"),
            siblings=("objective",),
            labels={"title": _("Strategy")},
        ),
        Kind(
            "step",
            ActionStep,
            parent="objective",
            parent_field="objective",
            in_plan="objective__goal__plan",
            to_priority="objective__goal__priority_id",
            fields=(
                "title",
                "strategy",
                "lead",
                "lead_member",
                "partners",
                "partner_systems",
                "start",
                "due",
                "status",
                "note",
                "principles",
            ),
            label=_("action step"),
            siblings=("objective", "strategy"),
            labels={"title": _("Action step")},
        ),
        Kind(
            "measure",
            Measure,
            parent="objective",
            parent_field="objective",
            in_plan="objective__goal__plan",
            to_priority="objective__goal__priority_id",
            fields=("kind", "title", "baseline", "target", "unit"),
            label=_("measure"),
            siblings=("objective",),
            labels={"title": _("Measure")},
        ),
        Kind(
            "benchmark",
            Benchmark,
            parent="measure",
            parent_field="measure",
            in_plan="measure__objective__goal__plan",
            to_priority="measure__objective__goal__priority_id",
            fields=("due", "value", "description"),
            label=_("benchmark"),
            labels={"due": _("Date")},
        ),
    ]
}
SHOWN_IN_HISTORY = {"order"}  # besides the edited fields: moves are changes too
HISTORY_LABELS = {"order": _("Position")}


def parents(plan: ActionPlan, kind: Kind) -> QuerySet:
    """Where an item of the kind may be added in the plan (the workshop's, nobody else's)."""
    if kind.parent == "priority":
        return PriorityArea.objects.filter(workshop_id=plan.workshop_id)
    return KINDS[kind.parent].items(plan)


def new_item(plan: ActionPlan, kind: Kind, parent: models.Model) -> models.Model:
    """An unsaved item under ``parent`` (``save_item`` places it after its siblings)."""
    item = kind.model(**{kind.parent_field: parent})
    if kind.name == "goal":
        item.plan = plan
    return item


def siblings(kind: Kind, item: models.Model) -> QuerySet:
    shared = {name: getattr(item, f"{name}_id") for name in kind.siblings}
    return kind.model.objects.filter(**shared)


def next_order(kind: Kind, item: models.Model) -> int:
    last = siblings(kind, item).aggregate(last=Max("order"))["last"]
    return 0 if last is None else last + 1


# --- saving, removing, moving ------------------------------------------------------------------


def save_item(plan: ActionPlan, kind: Kind, form, version: int | None = None) -> models.Model:
    """Save a valid form of a plan item; an edit claims ``version`` or raises ``Conflict``.

    The principles (and partner systems) are set before the item is saved, quietly, so that
    the history keeps one entry per save with the fields and the principles together.
    """
    item = form.save(commit=False)
    model = type(item)
    if item.pk is None:
        if kind.movable:
            item.order = next_order(kind, item)
        item.save()
        form.save_m2m()  # a new item's principles: one more history entry, when there are any
    else:
        claimed = model.objects.filter(pk=item.pk, version=version).update(version=F("version") + 1)
        if not claimed:
            raise Conflict(model.objects.get(pk=item.pk))
        item.version = version + 1
        item.skip_history_when_saving = True
        try:
            form.save_m2m()
        finally:
            del item.skip_history_when_saving
        edited = [name for name in form._meta.fields if name not in m2m_names(model)]
        item.save(update_fields=[*edited, "version"])
    touched(plan)
    return item


def m2m_names(model: type[models.Model]) -> set[str]:
    return {f.name for f in model._meta.many_to_many}


def remove_item(plan: ActionPlan, item: models.Model) -> None:
    item.delete()
    touched(plan)


def move_item(plan: ActionPlan, kind: Kind, item: models.Model, up: bool) -> bool:
    """Swap the item with its previous (or next) sibling; False when it is already at the end."""
    group = list(siblings(kind, item).select_for_update().order_by("order", "id"))
    index = next(i for i, sibling in enumerate(group) if sibling.pk == item.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(group):
        return False
    group[index], group[other] = group[other], group[index]
    for position, sibling in enumerate(group):
        if sibling.order != position:
            sibling.order = position
            sibling.save(update_fields=["order"])
    touched(plan)
    return True


def place_of(kind: Kind, item: models.Model) -> tuple[int, int]:
    """The item's position among its siblings (from 0) and how many they are."""
    ids = list(siblings(kind, item).order_by("order", "id").values_list("pk", flat=True))
    return ids.index(item.pk), len(ids)


def dependents(kind: Kind, item: models.Model) -> list[str]:
    """What goes with the item when it is removed, in words ("2 objectives", …)."""
    counts: dict[str, int] = {}
    if kind.name == "goal":
        counts = {
            "objectives": Objective.objects.filter(goal=item).count(),
            "strategies": Strategy.objects.filter(objective__goal=item).count(),
            "steps": ActionStep.objects.filter(objective__goal=item).count(),
            "measures": Measure.objects.filter(objective__goal=item).count(),
        }
    elif kind.name == "objective":
        counts = {
            "strategies": item.strategies.count(),
            "steps": item.steps.count(),
            "measures": item.measures.count(),
        }
    elif kind.name == "measure":
        counts = {"benchmarks": item.benchmarks.count()}
    return in_words(counts)


def in_words(counts: dict[str, int]) -> list[str]:
    words = {
        "objectives": lambda n: ngettext("%(n)s objective", "%(n)s objectives", n),
        "strategies": lambda n: ngettext("%(n)s strategy", "%(n)s strategies", n),
        "steps": lambda n: ngettext("%(n)s action step", "%(n)s action steps", n),
        "measures": lambda n: ngettext("%(n)s measure", "%(n)s measures", n),
        "benchmarks": lambda n: ngettext("%(n)s benchmark", "%(n)s benchmarks", n),
    }
    return [words[name](n) % {"n": n} for name, n in counts.items() if n]


# --- the outline -------------------------------------------------------------------------------


def objectives_prefetch() -> Prefetch:
    from actionplans.progress import latest_update_prefetch  # progress imports this module

    steps = ActionStep.objects.prefetch_related(
        "principles", "partner_systems", latest_update_prefetch()
    )
    return Prefetch(
        "objectives",
        queryset=Objective.objects.prefetch_related(
            "principles",
            Prefetch("strategies", queryset=Strategy.objects.prefetch_related("principles")),
            Prefetch("steps", queryset=steps),
            Prefetch("measures", queryset=Measure.objects.prefetch_related("benchmarks")),
        ),
    )


def outline(plan: ActionPlan, priority_id: int | None = None) -> list[PriorityArea]:
    """The workshop's priority areas in rank order, each with the plan's goals under it.

    A fixed number of queries whatever the size of the plan. Each strategy gets ``plan_steps``
    and each objective ``loose_steps`` (its steps without a strategy); items that take others
    with them when removed get ``remove_warning``.
    """
    goals = Goal.objects.filter(plan=plan).prefetch_related("principles", objectives_prefetch())
    priorities = PriorityArea.objects.filter(workshop_id=plan.workshop_id)
    if priority_id is not None:
        priorities = priorities.filter(pk=priority_id)
    priorities = list(
        priorities.order_by("rank", "id").prefetch_related(
            Prefetch("goals", queryset=goals, to_attr="plan_goals")
        )
    )
    for priority in priorities:
        mark_ends(priority.plan_goals)
        for goal in priority.plan_goals:
            arrange_goal(goal)
    return priorities


def mark_ends(group: list) -> None:
    """Tell each sibling whether it can move up or down (``first``, ``last``, ``only``)."""
    for index, item in enumerate(group):
        item.first = index == 0
        item.last = index == len(group) - 1
        item.only = len(group) == 1


def arrange_goal(goal: Goal) -> None:
    totals: dict[str, int] = defaultdict(int)
    objectives = list(goal.objectives.all())
    mark_ends(objectives)
    for objective in objectives:
        steps = list(objective.steps.all())
        strategies = list(objective.strategies.all())
        for strategy in strategies:
            strategy.plan_steps = [s for s in steps if s.strategy_id == strategy.pk]
            mark_ends(strategy.plan_steps)
        objective.loose_steps = [s for s in steps if s.strategy_id is None]
        measures = list(objective.measures.all())
        for group in (strategies, objective.loose_steps, measures):
            mark_ends(group)
        own = {"strategies": len(strategies), "steps": len(steps), "measures": len(measures)}
        objective.remove_warning = ", ".join(in_words(own))
        for measure in measures:
            measure.remove_warning = ", ".join(
                in_words({"benchmarks": len(measure.benchmarks.all())})
            )
        totals["objectives"] += 1
        for name, n in own.items():
            totals[name] += n
    goal.remove_warning = ", ".join(in_words(dict(totals)))


def find(priorities: list[PriorityArea], kind: str, pk: int) -> models.Model | None:
    """The node of the outline with that kind and id."""
    for node_kind, node in walk(priorities):
        if node_kind == kind and node.pk == pk:
            return node
    return None


def walk(priorities: list[PriorityArea]) -> Iterable[tuple[str, models.Model]]:
    for priority in priorities:
        yield "priority", priority
        for goal in priority.plan_goals:
            yield "goal", goal
            for objective in goal.objectives.all():
                yield "objective", objective
                for strategy in objective.strategies.all():
                    yield "strategy", strategy
                for step in objective.steps.all():
                    yield "step", step
                for measure in objective.measures.all():
                    yield "measure", measure
                    for benchmark in measure.benchmarks.all():
                        yield "benchmark", benchmark


def priority_of(plan: ActionPlan, kind: str, pk: int) -> int | None:
    """The id of the priority area the item hangs under (None: not in the plan)."""
    if kind == "priority":
        return pk
    spec = KINDS[kind]
    return spec.items(plan).filter(pk=pk).values_list(spec.to_priority, flat=True).first()


@dataclass
class Counts:
    priorities: int = 0
    goals: int = 0
    objectives: int = 0
    steps: int = 0
    measures: int = 0


def counts_of(priorities: list[PriorityArea]) -> Counts:
    counts = Counts(priorities=len(priorities))
    for kind, _node in walk(priorities):
        if kind in ("goal", "objective", "step", "measure"):
            setattr(counts, f"{kind}s", getattr(counts, f"{kind}s") + 1)
    return counts


# --- values and principles ---------------------------------------------------------------------


@dataclass
class PrincipleRow:
    """Where the county stands on a principle, what the survey said, what the plan does."""

    principle: Principle
    stance: PrincipleStance | None
    items: int
    survey: Stat | None = None


def principle_rows(
    workshop: Workshop,
    plan: ActionPlan,
    survey: bool = False,
    items: dict[int, int] | None = None,
) -> list[PrincipleRow]:
    """The eight principles; ``items`` when the caller counted them (``tagged_in``)."""
    stances = {s.principle_id: s for s in PrincipleStance.objects.filter(workshop=workshop)}
    if items is None:
        items = items_per_principle(plan)
    means: dict[str, Stat] = {}
    if survey:
        means = {item.key: item.stat for item in live_results(workshop.pk).principles.items}
    return [
        PrincipleRow(p, stances.get(p.pk), items.get(p.pk, 0), means.get(p.key))
        for p in Principle.objects.order_by("order", "id")
    ]


def items_per_principle(plan: ActionPlan) -> dict[int, int]:
    """How many goals, objectives, strategies and steps of the plan advance each principle."""
    totals: dict[int, int] = defaultdict(int)
    for kind in ("goal", "objective", "strategy", "step"):
        spec = KINDS[kind]
        through = spec.model.principles.through
        source = spec.model._meta.model_name
        rows = (
            through.objects.filter(**{f"{source}__{spec.in_plan}": plan})
            .values("principle_id")
            .annotate(n=Count("id"))
        )
        for row in rows:
            totals[row["principle_id"]] += row["n"]
    return dict(totals)


def tagged_in(priorities: list[PriorityArea]) -> dict[int, int]:
    """``items_per_principle`` counted on an outline already loaded."""
    totals: dict[int, int] = defaultdict(int)
    for kind, node in walk(priorities):
        if kind in ("goal", "objective", "strategy", "step"):
            for principle in node.principles.all():
                totals[principle.pk] += 1
    return dict(totals)


def save_stance(stance: PrincipleStance, version: int) -> PrincipleStance:
    """Save a principle stance read at ``version`` (0: there was none yet) or raise Conflict."""
    if version == 0:
        try:
            with transaction.atomic():
                stance.version = 1
                stance.save(force_insert=True)
        except IntegrityError:
            stance.pk = None
            raise Conflict(
                PrincipleStance.objects.get(
                    workshop_id=stance.workshop_id, principle_id=stance.principle_id
                )
            ) from None
        return stance
    claimed = PrincipleStance.objects.filter(pk=stance.pk, version=version).update(
        version=F("version") + 1
    )
    if not claimed:
        raise Conflict(PrincipleStance.objects.get(pk=stance.pk))
    stance.version = version + 1
    stance.save(update_fields=["level", "notes", "version"])
    return stance


# --- showing values: conflicts and history -----------------------------------------------------


@dataclass(frozen=True)
class Difference:
    label: str
    theirs: str
    mine: str


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    """One change of an item: who, when, what happened and each field's old and new value."""

    when: datetime
    who: str
    action: str
    changes: list[Change]
    created: bool = False


def shown(model: type[models.Model], name: str, value, names: dict) -> str:
    """A stored value as people read it."""
    if name in m2m_names(model):
        labels = sorted((names[name].get(pk, gettext("(removed)")) for pk in value), key=str.lower)
        return ", ".join(labels) or EMPTY
    if value is None or value == "":
        return EMPTY
    if name == "order":
        return str(value + 1)
    model_field = model._meta.get_field(name)
    if model_field.is_relation:
        return names[name].get(value, gettext("(removed)"))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal):
        text = f"{value:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def names_for(
    model: type[models.Model], strategy_ids: Iterable[int] = (), member_ids: Iterable[int] = ()
) -> dict:
    """Labels of the related rows a kind's values may point to."""
    names: dict[str, dict] = {}
    for m2m in model._meta.many_to_many:
        if m2m.related_model is Principle:
            names[m2m.name] = {p.pk: p.tr_name for p in Principle.objects.all()}
        elif m2m.related_model is System:
            names[m2m.name] = {s.pk: gettext(s.name) for s in System.objects.all()}
    if model is ActionStep:
        ids = {pk for pk in strategy_ids if pk}
        names["strategy"] = dict(Strategy.objects.filter(pk__in=ids).values_list("pk", "title"))
        members = Membership.objects.filter(pk__in={pk for pk in member_ids if pk})
        names["lead_member"] = {m.pk: m.display_name for m in members.select_related("user")}
    return names


def raw_values(kind: Kind, item: models.Model) -> dict:
    """The stored values of the fields people edit (related rows by id)."""
    values = {}
    for name in kind.fields:
        model_field = kind.model._meta.get_field(name)
        if model_field.many_to_many:
            values[name] = set(getattr(item, name).values_list("pk", flat=True))
        else:
            values[name] = getattr(item, model_field.attname)
    return values


def form_values(kind: Kind, cleaned: dict) -> dict:
    values = {}
    for name in kind.fields:
        value = cleaned.get(name)
        model_field = kind.model._meta.get_field(name)
        if model_field.many_to_many:
            values[name] = {obj.pk for obj in value or []}
        elif model_field.is_relation:
            values[name] = value.pk if value is not None else None
        else:
            values[name] = value
    return values


def differences(kind: Kind, stored: models.Model, cleaned: dict) -> list[Difference]:
    """Field by field, what the other person saved and what this person tried to save."""
    theirs = raw_values(kind, stored)
    mine = form_values(kind, cleaned)
    names = names_for(
        kind.model,
        [theirs.get("strategy"), mine.get("strategy")],
        [theirs.get("lead_member"), mine.get("lead_member")],
    )
    return [
        Difference(
            kind.label_of(name),
            shown(kind.model, name, theirs[name], names),
            shown(kind.model, name, mine[name], names),
        )
        for name in kind.fields
        if normal(theirs[name]) != normal(mine[name])
    ]


def stance_differences(stored: PrincipleStance, cleaned: dict) -> list[Difference]:
    found = []
    if stored.level != cleaned.get("level"):
        levels = dict(PrincipleStance.Level.choices)
        found.append(
            Difference(
                gettext("Where the county stands"),
                str(levels.get(stored.level, EMPTY)),
                str(levels.get(cleaned.get("level"), EMPTY)),
            )
        )
    if stored.notes != cleaned.get("notes", ""):
        found.append(
            Difference(
                gettext("Notes of the discussion"),
                stored.notes or EMPTY,
                cleaned.get("notes") or EMPTY,
            )
        )
    return found


def normal(value):
    return "" if value is None else value


def history_of(kind: Kind, item: models.Model) -> list[Entry]:
    """Every change of the item, newest first, from its django-simple-history records."""
    model = kind.model
    records = list(
        model.history.filter(id=item.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    m2m = m2m_snapshots(model, [r.history_id for r in records])
    fields = [name for name in kind.fields if name not in m2m_names(model)]
    fields += [name for name in SHOWN_IN_HISTORY if hasattr(model, name)]
    names = names_for(
        model,
        [getattr(r, "strategy_id", None) for r in records],
        [getattr(r, "lead_member_id", None) for r in records],
    )
    rows = []
    for record in records:
        values = {name: getattr(record, model._meta.get_field(name).attname) for name in fields}
        for name, snapshots in m2m.items():
            values[name] = snapshots.get(record.history_id, set())
        rows.append((record, values))
    if not rows:
        return []
    if len(rows) > 1 and principles_of_addition(rows[0], rows[1], fields):
        rows[0:2] = [(rows[0][0], rows[1][1])]
    order = [name for name in (*kind.fields, *SHOWN_IN_HISTORY) if name in rows[0][1]]
    entries = []
    previous: dict | None = None
    for record, values in rows:
        if previous is None:
            changes = [
                Change(label(kind, name), EMPTY, shown(model, name, values[name], names))
                for name in order
                if name != "order" and normal(values[name]) not in ("", set())
            ]
            action = gettext("Added")
        else:
            changes = [
                Change(
                    label(kind, name),
                    shown(model, name, previous[name], names),
                    shown(model, name, values[name], names),
                )
                for name in order
                if normal(previous[name]) != normal(values[name])
            ]
            action = gettext("Removed") if record.history_type == "-" else gettext("Changed")
        if changes or previous is None or record.history_type == "-":
            entries.append(
                Entry(
                    record.history_date,
                    who(record.history_user),
                    action,
                    changes,
                    created=previous is None,
                )
            )
        previous = values
    return entries[::-1]


ADDED_WITHIN = 5  # seconds: the principles set as an item is added belong to its addition


def principles_of_addition(first: tuple, second: tuple, fields: list[str]) -> bool:
    """Whether the second record only sets the many-to-many fields of the item just added."""
    (added, before), (record, after) = first, second
    return (
        added.history_type == "+"
        and record.history_type == "~"
        and record.history_user_id == added.history_user_id
        and (record.history_date - added.history_date).total_seconds() < ADDED_WITHIN
        and all(before[name] == after[name] for name in fields)
    )


def last_change(item: models.Model) -> Entry | None:
    """Who saved the item last, and when."""
    record = item.history.select_related("history_user").order_by("-history_date").first()
    if record is None:
        return None
    return Entry(record.history_date, who(record.history_user), "", [])


def label(kind: Kind, name: str) -> str:
    if name in HISTORY_LABELS:
        return str(HISTORY_LABELS[name])
    return kind.label_of(name)


def who(user) -> str:
    if user is None:
        return gettext("someone")
    return user.get_full_name() or user.email or user.username


def m2m_snapshots(model: type[models.Model], record_ids: list[int]) -> dict[str, dict]:
    """For each many-to-many field, the related ids each history record saw."""
    history = model.history.model
    snapshots: dict[str, dict] = {}
    for m2m in model._meta.many_to_many:
        through = history._meta.get_field(
            f"historical{model._meta.model_name}_{m2m.name}"
        ).related_model
        target = through._meta.get_field(get_m2m_reverse_field_name(m2m)).attname
        seen: dict[int, set] = defaultdict(set)
        for history_id, related_id in through.objects.filter(history_id__in=record_ids).values_list(
            "history_id", target
        ):
            seen[history_id].add(related_id)
        snapshots[m2m.name] = seen
    return snapshots
