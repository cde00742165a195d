"""The plan service: the current plan, saving with a version, moving, removing, the outline,
the history of an item and the principles."""

import pytest

from actionplans import plans
from actionplans.forms.plan import item_form
from actionplans.models import (
    ActionPlan,
    ActionStep,
    Goal,
    Objective,
    Principle,
    PrincipleStance,
    Strategy,
)
from actionplans.plans import KINDS, Conflict
from tests.factories import WorkshopFactory, plan_tree


def principle(key: str) -> Principle:
    return Principle.objects.get(key=key)


def test_it_makes_the_first_plan_once_and_then_returns_the_latest(db):
    workshop = WorkshopFactory()
    first = plans.current_plan(workshop)
    assert first.number == 1
    assert plans.current_plan(workshop) == first
    second = ActionPlan.objects.create(workshop=workshop, number=2)
    assert plans.current_plan(workshop) == second


def test_it_records_when_the_plan_was_touched(db):
    plan = plans.current_plan(WorkshopFactory())
    before = plan.changed_at
    plans.touched(plan)
    assert ActionPlan.objects.get(pk=plan.pk).changed_at == plan.changed_at > before


def edit(kind: str, item, **changes):
    """A valid bound form of the item with some fields changed (as a browser would post)."""
    form = item_form(kind, instance=item)
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if hasattr(value, "all"):
            value = [obj.pk for obj in value.all()]
        elif isinstance(value, list):
            value = [getattr(obj, "pk", obj) for obj in value]
        data[name] = "" if value is None else value
    data.update(changes)
    bound = item_form(kind, data, instance=type(item).objects.get(pk=item.pk))
    assert bound.is_valid(), bound.errors
    return bound


def test_it_saves_an_item_claiming_its_version(db):
    tree = plan_tree(WorkshopFactory())
    form = edit("objective", tree.objective, title="Halve the wait")
    plans.save_item(tree.plan, KINDS["objective"], form, version=1)
    stored = Objective.objects.get(pk=tree.objective.pk)
    assert (stored.title, stored.version) == ("Halve the wait", 2)


def test_it_refuses_a_second_save_of_the_same_version(db):
    """Two people read version 1; the first saves, the second gets a conflict."""
    tree = plan_tree(WorkshopFactory())
    spec = KINDS["objective"]
    first = edit("objective", tree.objective, title="First")
    second = edit(
        "objective", tree.objective, title="Second", principles=[principle("cultural").pk]
    )
    plans.save_item(tree.plan, spec, first, version=1)
    with pytest.raises(Conflict) as clash:
        plans.save_item(tree.plan, spec, second, version=1)
    assert clash.value.stored.title == "First"
    stored = Objective.objects.get(pk=tree.objective.pk)
    assert (stored.title, stored.version) == ("First", 2)
    assert not stored.principles.exists()  # the principles of the refused save are not set
    differences = plans.differences(spec, clash.value.stored, second.cleaned_data)
    assert [(d.label, d.theirs, d.mine) for d in differences] == [
        ("Objective", "First", "Second"),
        ("SOC principles it advances", "—", "Cultural and linguistic competence"),
    ]


def test_it_places_a_new_item_after_its_siblings(db):
    tree = plan_tree(WorkshopFactory())
    spec = KINDS["step"]
    item = plans.new_item(tree.plan, spec, tree.objective)
    form = item_form("step", {"title": "Loose", "status": "not_started"}, instance=item)
    assert form.is_valid(), form.errors
    loose = plans.save_item(tree.plan, spec, form)
    assert loose.order == 0  # the first step without a strategy
    item = plans.new_item(tree.plan, spec, tree.objective)
    form = item_form(
        "step", {"title": "Next", "status": "done", "strategy": tree.strategy.pk}, instance=item
    )
    assert form.is_valid(), form.errors
    assert plans.save_item(tree.plan, spec, form).order == tree.step.order + 1


def test_it_moves_among_siblings_only(db):
    tree = plan_tree(WorkshopFactory())
    spec = KINDS["strategy"]
    b = Strategy.objects.create(objective=tree.objective, title="B", order=5)
    c = Strategy.objects.create(objective=tree.objective, title="C", order=5)
    elsewhere = plan_tree(tree.plan.workshop, 2).strategy
    assert plans.move_item(tree.plan, spec, c, up=True)
    titles = list(tree.objective.strategies.order_by("order", "id").values_list("title", flat=True))
    assert titles == ["Strategy 1", "C", "B"]
    assert plans.place_of(spec, b) == (2, 3)
    assert not plans.move_item(tree.plan, spec, b, up=False)
    assert Strategy.objects.get(pk=elsewhere.pk).order == 0


def test_it_counts_what_goes_with_an_item(db):
    tree = plan_tree(WorkshopFactory())
    ActionStep.objects.create(objective=tree.objective, title="Another")
    assert plans.dependents(KINDS["goal"], tree.goal) == [
        "1 objective",
        "1 strategy",
        "2 action steps",
        "1 measure",
    ]
    assert plans.dependents(KINDS["measure"], tree.measure) == ["1 benchmark"]
    assert plans.dependents(KINDS["step"], tree.step) == []
    plans.remove_item(tree.plan, tree.goal)
    assert not Objective.objects.filter(pk=tree.objective.pk).exists()


def test_it_builds_the_outline_with_steps_under_their_strategies(db):
    workshop = WorkshopFactory()
    tree = plan_tree(workshop)
    loose = ActionStep.objects.create(objective=tree.objective, title="Loose")
    plan_tree(workshop, 2)
    priorities = plans.outline(tree.plan)
    assert [p.title for p in priorities] == ["Gap 1", "Gap 2"]
    objective = plans.find(priorities, "objective", tree.objective.pk)
    strategy = plans.find(priorities, "strategy", tree.strategy.pk)
    assert strategy.plan_steps == [plans.find(priorities, "step", tree.step.pk)]
    assert [s.pk for s in objective.loose_steps] == [loose.pk]
    goal = plans.find(priorities, "goal", tree.goal.pk)
    assert goal.remove_warning == "1 objective, 1 strategy, 2 action steps, 1 measure"
    assert plans.priority_of(tree.plan, "benchmark", tree.benchmark.pk) == tree.priority.pk
    assert plans.priority_of(tree.plan, "step", 999999) is None
    counts = plans.counts_of(priorities)
    assert (counts.priorities, counts.goals, counts.objectives, counts.steps) == (2, 2, 2, 3)


def test_it_keeps_the_history_of_an_item_with_its_principles(db, django_user_model):
    tree = plan_tree(WorkshopFactory())
    spec = KINDS["goal"]
    form = edit("goal", tree.goal, title="Sooner", principles=[principle("youth-guided").pk])
    plans.save_item(tree.plan, spec, form, version=1)
    form = edit("goal", Goal.objects.get(pk=tree.goal.pk), principles=[principle("cultural").pk])
    plans.save_item(tree.plan, spec, form, version=2)
    plans.move_item(tree.plan, spec, Goal.objects.get(pk=tree.goal.pk), up=True)  # no move
    entries = plans.history_of(spec, Goal.objects.get(pk=tree.goal.pk))
    assert [e.action for e in entries] == ["Changed", "Changed", "Added"]
    newest, middle, added = entries
    assert [(c.label, c.old, c.new) for c in newest.changes] == [
        ("SOC principles it advances", "Youth-guided", "Cultural and linguistic competence")
    ]
    assert [(c.label, c.old, c.new) for c in middle.changes] == [
        ("Goal", "Goal 1", "Sooner"),
        ("SOC principles it advances", "—", "Youth-guided"),
    ]
    assert added.created and [(c.label, c.new) for c in added.changes] == [("Goal", "Goal 1")]
    assert added.who == "someone"  # made outside a request


def test_it_shows_values_as_people_read_them(db):
    from datetime import date
    from decimal import Decimal

    from actionplans.models import ActionStep, Measure

    names = {"strategy": {3: "Outreach"}}
    assert plans.shown(ActionStep, "due", date(2027, 3, 1), names) == "1 Mar 2027"
    assert plans.shown(ActionStep, "status", "in_progress", names) == "In progress"
    assert plans.shown(ActionStep, "strategy", 3, names) == "Outreach"
    assert plans.shown(ActionStep, "strategy", 4, names) == "(removed)"
    assert plans.shown(ActionStep, "lead", "", names) == "—"
    assert plans.shown(Measure, "target", Decimal("20.00"), names) == "20"
    assert plans.shown(Measure, "target", Decimal("2.50"), names) == "2.5"
    assert plans.shown(Measure, "order", 0, names) == "1"


def test_it_counts_the_plan_items_advancing_each_principle(db):
    workshop = WorkshopFactory()
    tree = plan_tree(workshop)
    youth = principle("youth-guided")
    for item in (tree.goal, tree.objective, tree.strategy, tree.step):
        item.principles.add(youth)
    other = plan_tree(WorkshopFactory())
    other.goal.principles.add(youth)
    assert plans.items_per_principle(tree.plan) == {youth.pk: 4}
    assert plans.tagged_in(plans.outline(tree.plan)) == {youth.pk: 4}
    rows = plans.principle_rows(workshop, tree.plan, survey=True)
    assert len(rows) == 8
    row = next(r for r in rows if r.principle == youth)
    assert row.items == 4 and row.stance is None and not row.survey.shown


def test_it_saves_a_stance_once_and_refuses_a_stale_one(db):
    workshop = WorkshopFactory()
    cultural = principle("cultural")
    mine = PrincipleStance(workshop=workshop, principle=cultural, level="emerging")
    plans.save_stance(mine, 0)
    theirs = PrincipleStance(workshop=workshop, principle=cultural, level="adopted")
    with pytest.raises(Conflict) as clash:
        plans.save_stance(theirs, 0)
    assert clash.value.stored.level == "emerging"
    stored = PrincipleStance.objects.get(pk=mine.pk)
    stored.level = "adopted"
    plans.save_stance(stored, 1)
    stale = PrincipleStance.objects.get(pk=mine.pk)
    stale.level = "not_yet"
    with pytest.raises(Conflict):
        plans.save_stance(stale, 1)
    assert PrincipleStance.objects.get(pk=mine.pk).level == "adopted"
    differences = plans.stance_differences(clash.value.stored, {"level": "adopted", "notes": ""})
    assert [(d.theirs, d.mine) for d in differences] == [("Emerging", "Adopted")]
