"""The state dashboard's service: rows per county, filters, sorting and the panels across
counties (workshops/state.py), and the demo state (workshops/demo_state.py)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from actionplans.models import (
    ActionPlan,
    ActionStep,
    Gap,
    PriorityArea,
    StepUpdate,
    Submission,
)
from assessments.models import DONT_KNOW, Response
from assessments.results import Stat
from tests.assessments.test_results import respond
from tests.factories import (
    MembershipFactory,
    ParticipantFactory,
    WorkshopFactory,
    county,
    plan_tree,
    system,
)
from workshops import state as service
from workshops.demo_state import state_demo
from workshops.models import Membership, StageChange, State, Workshop

Stage, Status = Workshop.Stage, ActionPlan.Status


@pytest.fixture
def ny(db) -> State:
    return State.objects.get(code="NY")


def workshop_in(name: str, cycle: int = 2026, **fields) -> Workshop:
    return WorkshopFactory(county=county(name), cycle=cycle, title=f"{name} {cycle}", **fields)


def rows_by_name(state: State, params=None) -> dict[str, service.CountyRow]:
    _query, _problems, _rows, shown = service.filtered_rows(state, params or {})
    return {row.county.name: row for row in shown}


def names(state: State, params) -> list[str]:
    _query, _problems, _rows, shown = service.filtered_rows(state, params)
    return [row.county.name for row in shown]


def at(when):
    return timezone.now() - when


# --- one row per county -----------------------------------------------------------------------


def test_it_gives_every_county_a_row_with_its_latest_cycle(ny):
    older = workshop_in("Tompkins", 2024, stage=Stage.REVISE)
    workshop_in("Tompkins", 2025, stage=Stage.REVISE)
    current = workshop_in("Tompkins", 2026, stage=Stage.ASSESS)
    same_cycle_earlier = workshop_in("Erie", 2026)
    same_cycle_later = WorkshopFactory(county=county("Erie"), cycle=2026, title="Erie again")
    rows = rows_by_name(ny)
    assert len(rows) == 62
    assert rows["Tompkins"].workshop == current
    assert rows["Tompkins"].cycles == 3
    assert rows["Tompkins"].stage == Stage.ASSESS
    assert rows["Erie"].workshop == same_cycle_later != same_cycle_earlier
    assert rows["Albany"].workshop is None and rows["Albany"].cycles == 0
    assert older not in [row.workshop for row in rows.values()]


def test_it_counts_the_participants_who_submitted_the_survey(ny):
    workshop = workshop_in("Tompkins")
    people = [ParticipantFactory(workshop=workshop) for _ in range(3)]
    respond(workshop, people[0])
    respond(workshop, people[1])
    respond(workshop, people[2], submitted=False)
    committee = MembershipFactory(workshop=workshop, role=Membership.Role.COMMITTEE)
    respond(workshop, committee)  # not a participant: not in the completion
    other = workshop_in("Tompkins", 2025)
    respond(other, ParticipantFactory(workshop=other))
    row = rows_by_name(ny)["Tompkins"]
    assert (row.participants, row.submitted, row.completion) == (3, 2, 67)
    empty = rows_by_name(ny, {"q": "erie"})
    assert empty == {"Erie": empty["Erie"]} and empty["Erie"].completion is None


def test_it_shows_the_latest_plan_version_and_its_steps(ny):
    workshop = workshop_in("Tompkins")
    first = plan_tree(workshop)
    first.plan.status = Status.APPROVED
    first.plan.save()
    second = ActionPlan.objects.create(workshop=workshop, number=2, status=Status.CHANGES_REQUESTED)
    goal = first.goal
    goal.pk, goal.plan = None, second
    goal.save()
    objective = first.objective
    objective.pk, objective.goal = None, goal
    objective.save()
    today = timezone.localdate()

    def step(status, due):
        return ActionStep.objects.create(objective=objective, title=status, status=status, due=due)

    step(ActionStep.Status.DONE, today - timedelta(days=5))
    step(ActionStep.Status.IN_PROGRESS, today - timedelta(days=1))  # overdue
    step(ActionStep.Status.BLOCKED, today - timedelta(days=30))  # overdue
    step(ActionStep.Status.NOT_STARTED, today)  # due today: not yet overdue
    step(ActionStep.Status.NOT_STARTED, None)
    step(ActionStep.Status.DROPPED, today - timedelta(days=9))  # neither counted nor overdue
    row = rows_by_name(ny)["Tompkins"]
    assert (row.plan_number, row.plan_status) == (2, Status.CHANGES_REQUESTED)
    assert (row.steps_done, row.steps_total, row.overdue) == (1, 5, 2)


def test_it_shows_no_plan_before_there_is_one(ny):
    workshop_in("Tompkins")
    row = rows_by_name(ny)["Tompkins"]
    assert row.plan_status is None and row.plan_number is None
    assert (row.steps_done, row.steps_total, row.overdue) == (0, 0, 0)


def test_it_takes_the_latest_of_the_activities(ny):
    workshop = workshop_in("Tompkins")
    Workshop.objects.filter(pk=workshop.pk).update(created_at=at(timedelta(days=90)))

    def check(label, when):
        assert rows_by_name(ny)["Tompkins"].last_activity == when, label

    check("created", Workshop.objects.get(pk=workshop.pk).created_at)
    change = StageChange.objects.create(workshop=workshop, from_stage="prepare", to_stage="assess")
    StageChange.objects.filter(pk=change.pk).update(changed_at=at(timedelta(days=80)))
    check("stage", StageChange.objects.get(pk=change.pk).changed_at)
    tree = plan_tree(workshop)
    ActionPlan.objects.filter(pk=tree.plan.pk).update(changed_at=at(timedelta(days=70)))
    check("plan", ActionPlan.objects.get(pk=tree.plan.pk).changed_at)
    response = respond(workshop, ParticipantFactory(workshop=workshop))
    Response.objects.filter(pk=response.pk).update(updated_at=at(timedelta(days=60)))
    check("response", Response.objects.get(pk=response.pk).updated_at)
    update = StepUpdate.objects.create(step=tree.step, status="done", on=timezone.localdate())
    StepUpdate.objects.filter(pk=update.pk).update(created_at=at(timedelta(days=50)))
    check("progress", StepUpdate.objects.get(pk=update.pk).created_at)
    sent = Submission.objects.create(plan=tree.plan, content_at=timezone.now())
    Submission.objects.filter(pk=sent.pk).update(submitted_at=at(timedelta(days=40)))
    check("submitted", Submission.objects.get(pk=sent.pk).submitted_at)
    Submission.objects.filter(pk=sent.pk).update(decided_at=at(timedelta(days=30)))
    check("decided", Submission.objects.get(pk=sent.pk).decided_at)


def test_it_lists_the_counties_without_a_workshop(ny):
    workshop_in("Tompkins")
    workshop_in("Erie", 2019)
    board = service.dashboard(ny, {})
    assert board.total == 62 and board.with_workshop == 2
    assert len(board.without_workshop) == 60
    assert {"Tompkins", "Erie"}.isdisjoint(c.name for c in board.without_workshop)
    assert board.without_workshop[0].name == "Albany"


# --- filters and sorting ----------------------------------------------------------------------


@pytest.fixture
def counties(ny) -> dict[str, Workshop]:
    """Four counties at different stages and plan statuses; Erie has an overdue step."""
    made = {
        "Tompkins": workshop_in("Tompkins", stage=Stage.ASSESS),
        "Erie": workshop_in("Erie", stage=Stage.IMPLEMENT),
        "Monroe": workshop_in("Monroe", stage=Stage.REVIEW),
        "Albany": workshop_in("Albany", stage=Stage.IMPLEMENT),
    }
    for name, status in [("Erie", Status.APPROVED), ("Monroe", Status.SUBMITTED),
                         ("Albany", Status.APPROVED)]:  # fmt: skip
        tree = plan_tree(made[name])
        ActionPlan.objects.filter(pk=tree.plan.pk).update(status=status)
        if name == "Erie":
            ActionStep.objects.filter(pk=tree.step.pk).update(
                due=timezone.localdate() - timedelta(days=1), start=None
            )
    people = [ParticipantFactory(workshop=made["Monroe"]) for _ in range(2)]
    respond(made["Monroe"], people[0])
    ParticipantFactory(workshop=made["Erie"])
    for name, days in [("Tompkins", 1), ("Erie", 9), ("Monroe", 5), ("Albany", 20)]:
        when = at(timedelta(days=days))
        Workshop.objects.filter(pk=made[name].pk).update(created_at=when)
        ActionPlan.objects.filter(workshop=made[name]).update(changed_at=when)
        Response.objects.filter(survey__workshop=made[name]).update(updated_at=when)
    return made


def test_it_filters_by_stage_plan_overdue_and_name(ny, counties):
    assert names(ny, {"stage": "implement"}) == ["Albany", "Erie"]
    assert names(ny, {"plan": "approved"}) == ["Albany", "Erie"]
    assert names(ny, {"plan": "submitted"}) == ["Monroe"]
    assert names(ny, {"plan": "none"}) == ["Tompkins"]
    assert names(ny, {"overdue": "1"}) == ["Erie"]
    assert names(ny, {"q": "  mon "}) == ["Monroe", "Montgomery", "Richmond"]
    assert names(ny, {"q": "monroe", "stage": "review"}) == ["Monroe"]
    assert names(ny, {"q": "ALB", "stage": "implement"}) == ["Albany"]
    assert names(ny, {"stage": "implement", "overdue": "on"}) == ["Erie"]
    assert names(ny, {"stage": "prepare"}) == []
    without = names(ny, {"no_workshop": "1"})
    assert len(without) == 58 and "Erie" not in without
    assert names(ny, {"no_workshop": "1", "stage": "assess"}) == []


@pytest.mark.parametrize(
    "params, problem",
    [
        ({"stage": "done"}, "There is no stage “done”"),
        ({"plan": "lost"}, "There is no plan status “lost”"),
        ({"overdue": "maybe"}, "“With overdue steps” takes no value like “maybe”"),
        ({"no_workshop": "2"}, "“Without a workshop” takes no value like “2”"),
        ({"q": "x" * 101}, "Search for at most 100 characters"),
        ({"sort": "size"}, "The table cannot be sorted by “size”"),
        ({"sort": "--county"}, "The table cannot be sorted by “--county”"),
    ],
)
def test_it_ignores_values_that_make_no_sense_and_says_so(ny, counties, params, problem):
    query, problems = service.parse(params)
    assert query == service.Query()
    assert len(problems) == 1 and problems[0].startswith(problem)
    assert len(names(ny, params)) == 62


def test_it_keeps_the_good_filters_when_one_is_bad(ny, counties):
    query, problems = service.parse({"stage": "implement", "plan": "x", "sort": "-overdue"})
    assert (query.stage, query.plan, query.sort, query.descending) == (
        "implement", "", "overdue", True
    )  # fmt: skip
    assert len(problems) == 1
    assert names(ny, {"stage": "implement", "plan": "x"}) == ["Albany", "Erie"]


def first_names(ny, sort: str, n: int = 4) -> list[str]:
    return names(ny, {"sort": sort})[:n]


def test_it_sorts_by_each_column_with_counties_without_a_value_last(ny, counties):
    everyone = names(ny, {})
    assert everyone[:3] == ["Albany", "Allegany", "Bronx"]
    assert names(ny, {"sort": "-county"})[:2] == ["Yates", "Wyoming"]
    assert first_names(ny, "stage") == ["Tompkins", "Monroe", "Albany", "Erie"]
    assert first_names(ny, "-stage") == ["Albany", "Erie", "Monroe", "Tompkins"]
    # Completion: Monroe 50%, Erie 0%; Tompkins and Albany have no participants.
    assert first_names(ny, "completion", 2) == ["Erie", "Monroe"]
    assert first_names(ny, "-completion", 3) == ["Monroe", "Erie", "Albany"]
    assert first_names(ny, "plan", 3) == ["Monroe", "Albany", "Erie"]
    assert first_names(ny, "-plan", 4) == ["Albany", "Erie", "Monroe", "Allegany"]
    assert first_names(ny, "-overdue", 2) == ["Erie", "Albany"]
    assert first_names(ny, "overdue", 4) == ["Albany", "Monroe", "Tompkins", "Erie"]
    assert first_names(ny, "-activity") == ["Tompkins", "Monroe", "Erie", "Albany"]
    assert first_names(ny, "activity") == ["Albany", "Erie", "Monroe", "Tompkins"]
    assert names(ny, {"sort": "activity"})[-1] == "Yates"


def test_it_links_each_header_to_the_other_direction(ny):
    links = service.sort_links(service.parse({"sort": "stage"})[0])
    assert (links["stage"].aria_sort, links["stage"].next) == ("ascending", "-stage")
    assert (links["county"].aria_sort, links["county"].next) == ("", "county")
    links = service.sort_links(service.parse({"sort": "-stage"})[0])
    assert (links["stage"].aria_sort, links["stage"].next) == ("descending", "stage")
    assert list(links) == ["county", "stage", "completion", "plan", "overdue", "activity"]


# --- across counties --------------------------------------------------------------------------


def gap(workshop, title, slugs, **fields) -> Gap:
    made = Gap.objects.create(workshop=workshop, title=title, **fields)
    made.systems.set([system(slug) for slug in slugs])
    return made


def test_it_counts_the_counties_naming_each_system(ny):
    tompkins, erie, monroe = (workshop_in(name) for name in ["Tompkins", "Erie", "Monroe"])
    gap(tompkins, "No crisis team at night", ["crisis", "mental-health"])
    gap(tompkins, "Crisis beds", ["crisis"])  # the same county twice counts once
    promoted = gap(erie, "Youth crisis", ["crisis"])
    plan_tree(erie)  # promotes "Gap 1" (no systems)
    PriorityArea.objects.create(workshop=erie, gap=promoted, title="Crisis")
    kept = gap(monroe, "Waits", ["mental-health"])
    gap(monroe, "Crisis", ["crisis"], merged_into=kept)  # merged: its systems moved with it
    old = workshop_in("Monroe", 2024)
    gap(old, "Old crisis gap", ["crisis"])  # an earlier cycle: not current
    found = {s.system.slug: s for s in service.dashboard(ny, {}).systems}
    assert list(found) == ["crisis", "mental-health"]
    assert found["crisis"].counties == ["Erie", "Tompkins"]
    assert found["crisis"].in_priorities == ["Erie"]
    assert found["mental-health"].counties == ["Monroe", "Tompkins"]
    assert found["mental-health"].in_priorities == []
    # The panels follow the filters.
    found = {s.system.slug: s for s in service.dashboard(ny, {"q": "erie"}).systems}
    assert list(found) == ["crisis"] and found["crisis"].counties == ["Erie"]


def test_it_finds_gap_titles_named_in_several_counties(ny):
    tompkins, erie, monroe = (workshop_in(name) for name in ["Tompkins", "Erie", "Monroe"])
    gap(tompkins, "No youth crisis team at night", [])
    gap(erie, "  no youth   CRISIS team at night ", [])
    gap(monroe, "No youth crisis team at night", [])
    gap(tompkins, "Transport", [])
    gap(tompkins, "transport", [])  # twice in one county: not recurring
    gap(erie, "Waitlists", [])
    gap(monroe, "Waitlists", [], merged_into=Gap.objects.get(title="Transport"))
    titles = service.dashboard(ny, {}).titles
    assert [(t.title, t.counties) for t in titles] == [
        ("No youth crisis team at night", ["Erie", "Monroe", "Tompkins"]),
    ]


def ratings(workshop, values: dict[str, list[int]], submitted=True) -> None:
    """One response per position in the lists: respondent i rates key with values[key][i]."""
    people = max(len(v) for v in values.values())
    for i in range(people):
        scale = {key: v[i] for key, v in values.items() if i < len(v)}
        respond(workshop, scale=scale, submitted=submitted)


def test_it_compares_counties_on_principles_and_domains(ny):
    tompkins, erie, monroe = (workshop_in(name) for name in ["Tompkins", "Erie", "Monroe"])
    workshop_in("Albany")
    ratings(tompkins, {"youth-guided": [2, 3, 4], "planning": [5, 5], "policy": [1, DONT_KNOW, 2]})
    ratings(tompkins, {"youth-guided": [1, 1]}, submitted=False)
    ratings(erie, {"youth-guided": [5, 5, 5, 4]})
    old = workshop_in("Monroe", 2025)
    ratings(old, {"youth-guided": [1, 1, 1]})  # an earlier cycle: not shown
    heat = service.dashboard(ny, {}).heat
    keys = [column.key for column in heat.columns]
    assert len(heat.principles) == 8 and len(heat.domains) == 9
    assert heat.columns[0].label == "Child-focused and family-driven"
    assert heat.domains[0].label == "Planning"
    cells = {line.row.county.name: dict(zip(keys, line.cells, strict=True)) for line in heat.rows}
    assert list(cells) == ["Erie", "Tompkins"]
    assert cells["Tompkins"]["youth-guided"] == Stat(3.0, 3)
    assert cells["Tompkins"]["planning"] == Stat(None, 2, suppressed=True)
    assert cells["Tompkins"]["policy"] == Stat(None, 2, suppressed=True)  # "don't know" aside
    assert cells["Tompkins"]["child-family"] == Stat(None, 0)
    assert cells["Erie"]["youth-guided"] == Stat(4.75, 4)
    assert [row.county.name for row in heat.unrated] == ["Albany", "Monroe"]
    assert monroe == heat.unrated[1].workshop


# --- the demo state ---------------------------------------------------------------------------


def test_the_demo_state_has_counties_at_every_step_and_is_made_once(ny):
    call_command("seed_demo", stdout=StringIO())
    state_demo("NY")
    counts = (Workshop.objects.count(), Membership.objects.count(), Gap.objects.count(),
              Submission.objects.count(), StageChange.objects.count())  # fmt: skip
    state_demo("NY")
    assert counts == (
        Workshop.objects.count(), Membership.objects.count(), Gap.objects.count(),
        Submission.objects.count(), StageChange.objects.count(),
    )  # fmt: skip
    board = service.dashboard(ny, {"sort": "county"})
    rows = {row.county.name: row for row in board.rows if row.workshop}
    assert list(rows) == ["Albany", "Broome", "Erie", "Monroe", "Tompkins"]
    assert (rows["Erie"].stage, rows["Erie"].plan_status) == (Stage.IMPLEMENT, Status.APPROVED)
    assert rows["Erie"].overdue == 1 and rows["Erie"].steps_done == 1
    assert (rows["Monroe"].stage, rows["Monroe"].plan_status) == (Stage.REVIEW, Status.SUBMITTED)
    assert rows["Albany"].stage == Stage.ASSESS and rows["Albany"].submitted == 4
    assert rows["Broome"].stage == Stage.PREPARE and rows["Broome"].submitted == 0
    assert rows["Tompkins"].workshop.cycle == 2026 and rows["Tompkins"].cycles == 2
    assert len({row.last_activity.date() for row in rows.values()}) > 1
    crisis = next(found for found in board.systems if found.system.slug == "crisis")
    assert crisis.counties == ["Erie", "Monroe", "Tompkins"]
    recurring = {t.title: t.counties for t in board.titles}
    assert recurring["No youth crisis response after 5 pm or on weekends"] == [
        "Erie", "Monroe", "Tompkins"
    ]  # fmt: skip
    assert {line.row.county.name for line in board.heat.rows} == {"Albany", "Erie", "Monroe",
                                                                   "Tompkins"}  # fmt: skip
    earlier = Workshop.objects.get(county__name="Tompkins", cycle=2025)
    current = rows["Tompkins"].workshop
    assert set(earlier.memberships.values_list("user_id", "role")) == set(
        current.memberships.values_list("user_id", "role")
    )
    assert earlier.survey.responses.filter(submitted_at__isnull=False).count() == 8
