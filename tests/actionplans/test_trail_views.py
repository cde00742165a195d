"""Views of the plan: the timeline (page and SVG), the trail of a step ("why?"), and the gaps
that no plan item addresses yet."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionplans.models import (
    ActionPlan,
    ActionStep,
    Dot,
    Evidence,
    Gap,
    Goal,
    Objective,
    Principle,
    PriorityArea,
)
from assessments.models import DataRow, DataValue, MapLink, MapNode, Metric
from tests.assessments.test_results import questions, respond
from tests.conftest import sign_in
from tests.factories import ParticipantFactory, WorkshopFactory, county, plan_tree, system

Status = ActionStep.Status


def url(name: str, workshop, **kwargs) -> str:
    return reverse(f"actionplans:{name}", kwargs={"code": workshop.code, **kwargs})


def big_plan(workshop, areas: int = 8, objectives: int = 3, steps: int = 5) -> None:
    """``areas`` priority areas by ``objectives`` objectives by ``steps`` steps, with every
    status, steps without dates, milestones and steps beyond two years."""
    today = timezone.localdate()
    statuses = list(Status)
    for n in range(1, areas + 1):
        tree = plan_tree(workshop, n)
        extra = [Objective(goal=tree.goal, title=f"Objective {n}.{k}", order=k)
                 for k in range(2, objectives + 1)]  # fmt: skip
        Objective.objects.bulk_create(extra)
        new = []
        for objective in [tree.objective, *extra]:
            for s in range(objective.steps.count(), steps):
                k = n * 100 + objective.pk * 10 + s
                start = today + timedelta(days=(k % 13) * 30 - 120)
                due = start + timedelta(days=(k % 7) * 40 + 10)
                if k % 11 == 0:
                    start = due = None
                elif k % 5 == 0:
                    start = None
                elif k % 17 == 0:
                    due = today + timedelta(days=365 * 4)
                new.append(ActionStep(
                    objective=objective, title=f"Step {n}.{objective.pk}.{s} <&>", lead="Ana",
                    start=start, due=due, status=statuses[k % len(statuses)], order=s,
                ))  # fmt: skip
        ActionStep.objects.bulk_create(new)


def queries(client, address: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(address)
    assert response.status_code == 200
    return len(context)


# --- the timeline -------------------------------------------------------------------------------


def test_it_shows_the_timeline_with_its_table(client, cast):
    tree = plan_tree(cast.workshop)
    late = ActionStep.objects.create(
        objective=tree.objective,
        title="Hire a <family> peer advocate",
        lead="Maria Lopez",
        start=timezone.localdate() - timedelta(days=90),
        due=timezone.localdate() - timedelta(days=10),
        status=Status.IN_PROGRESS,
    )
    ActionStep.objects.create(objective=tree.objective, title="Find a venue")
    sign_in(client, cast.participant.user, cast.workshop)
    response = client.get(url("timeline", cast.workshop))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in html
    assert "Timeline of the action steps: Tompkins 2026" in html
    assert url("timeline_svg", cast.workshop) in html
    assert url("why", cast.workshop, step_id=late.pk) in html
    assert url("why", cast.workshop, step_id=tree.step.pk) in html
    assert "Hire a &lt;family&gt; peer advocate" in html
    assert "<family>" not in html
    assert "1 step is overdue." in html
    assert "1 step has no dates yet." in html
    assert '<th scope="rowgroup" colspan="5">1. Gap 1</th>' in html
    table = html[html.index('id="timeline-table"') :]
    assert table.index("Step 1") < table.index("Hire a") < table.index("Find a venue")
    assert "Overdue" in table[table.index("Hire a") : table.index("Find a venue")]


def test_it_says_what_to_do_without_steps(client, cast):
    sign_in(client, cast.facilitator.user)
    response = client.get(url("timeline", cast.workshop))
    html = response.content.decode()
    assert "No action steps yet" in html
    assert url("plan", cast.workshop) in html
    assert "<svg" not in html


def test_it_downloads_the_timeline_as_svg(client, cast):
    plan_tree(cast.workshop)
    sign_in(client, cast.committee.user)
    response = client.get(url("timeline_svg", cast.workshop))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="timeline-tompkins-2026.svg"'
    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own output
    assert root.find("{http://www.w3.org/2000/svg}title").text.startswith("Timeline of the")
    other = client.get(url("timeline_svg", WorkshopFactory(county=county("Erie"))))
    assert other.status_code == 404  # not their workshop


@pytest.mark.parametrize("name", ["timeline", "timeline_svg"])
def test_it_keeps_a_fixed_query_count_whatever_the_size_of_the_plan(client, cast, name):
    sign_in(client, cast.participant.user, cast.workshop)
    plan_tree(cast.workshop)
    small = queries(client, url(name, cast.workshop))
    big_plan(cast.workshop)
    assert ActionStep.objects.filter(objective__goal__plan__workshop=cast.workshop).count() == 120
    response = client.get(url(name, cast.workshop))
    assert response.content.decode().count("Step 8.") >= 15
    assert queries(client, url(name, cast.workshop)) == small <= 8  # with 2 for the savepoint


def test_it_only_shows_the_latest_plan(client, cast):
    plan_tree(cast.workshop)
    newer = ActionPlan.objects.create(workshop=cast.workshop, number=2)
    goal = Goal.objects.create(plan=newer, priority=PriorityArea.objects.get(), title="Goal v2")
    objective = Objective.objects.create(goal=goal, title="Objective v2")
    ActionStep.objects.create(objective=objective, title="Step of version 2")
    sign_in(client, cast.facilitator.user)
    html = client.get(url("timeline", cast.workshop)).content.decode()
    assert "Step of version 2" in html
    assert "Step 1" not in html


# --- the trail of a step ------------------------------------------------------------------------


@pytest.fixture
def evidence(cast):
    """Gap 1 (promoted, planned) with a merged duplicate and one piece of each kind of evidence."""
    workshop = cast.workshop
    tree = plan_tree(workshop)
    gap = tree.priority.gap
    gap.description = "Families wait nine weeks for a first appointment."
    gap.kind = Gap.Kind.BARRIER
    gap.proposed_by = cast.participant
    gap.save()
    gap.systems.set([system("mental-health"), system("crisis")])
    gap.principles.set(Principle.objects.filter(key="youth-guided"))
    Gap.objects.create(workshop=workshop, title="Long waits at the clinic", merged_into=gap)
    tree.priority.decided_by = cast.facilitator.user
    tree.priority.votes = 7
    tree.priority.save()
    by_key = questions(workshop)
    for value in (2, 3, 4):
        respond(workshop, scale={"youth-guided": value}, by_key=by_key)
    for value in (1, 2):  # two people: hidden
        respond(workshop, matrix={("crisis", "availability"): value}, by_key=by_key)
    a = MapNode.objects.create(workshop=workshop, system=system("crisis"), label="Mobile crisis",
                               status=MapNode.Status.GAP)  # fmt: skip
    b = MapNode.objects.create(workshop=workshop, system=system("education"), label="Schools")
    link = MapLink.objects.create(workshop=workshop, source=a, target=b,
                                  strength=MapLink.Strength.BROKEN)  # fmt: skip
    metric = Metric.objects.get(key="served-total")
    row = DataRow.objects.create(workshop=workshop, membership=cast.participant)
    DataValue.objects.create(row=row, metric=metric, value=1240)
    for fields in (
        {"kind": "question", "question": by_key["youth-guided"], "note": "Lowest in the survey"},
        {"kind": "heat_cell", "system": system("crisis"), "dimension": "availability"},
        {"kind": "map_node", "map_node": a},
        {"kind": "map_link", "map_link": link},
        {"kind": "figure", "metric": metric},
    ):
        Evidence.objects.create(gap=gap, **fields)
    return tree


def test_it_shows_the_trail_from_a_step_back_to_its_evidence(client, cast, evidence):
    sign_in(client, cast.participant.user, cast.workshop)
    response = client.get(url("why", cast.workshop, step_id=evidence.step.pk))
    assert response.status_code == 200
    html = response.content.decode()
    order = [
        "Step 1",
        "Strategy 1",
        "Objective 1",
        "Goal 1",
        "Priority area 1 · High priority",
        "7 dots when it was promoted.",
        f"Decided by {cast.facilitator.user.get_full_name()}",
        "Barrier it was promoted from",
        url("gap", cast.workshop, gap_id=evidence.priority.gap_id),
        "Families wait nine weeks",
        "Mental Health, Crisis",
        "Youth-guided",
        "Long waits at the clinic",
        "mean 3.0 of 5, from 3 people",
        "Lowest in the survey",
        "Crisis · Availability",
        "hidden: fewer than 3 people rated it",
        "Mobile crisis (Crisis)",
        "marked: gap",
        "Mobile crisis \N{EN DASH} Schools",
        "Strained or broken",
        "county total 1,240, from 1 agency",
    ]
    positions = [html.find(text) for text in order]
    assert -1 not in positions, [t for t, p in zip(order, positions, strict=True) if p == -1]
    assert positions == sorted(positions)
    assert f"{reverse('assessments:map', args=[cast.workshop.code])}?system=" in html
    assert '<ol class="trail"' in html
    # A participant does not get links to the pages of the preparation team.
    assert reverse("assessments:results", args=[cast.workshop.code]) not in html
    sign_in(client, cast.facilitator.user)
    html = client.get(url("why", cast.workshop, step_id=evidence.step.pk)).content.decode()
    assert reverse("assessments:results", args=[cast.workshop.code]) in html


def test_it_shows_a_trail_without_strategy_gap_or_evidence(client, cast):
    tree = plan_tree(cast.workshop)
    late = timezone.localdate() - timedelta(days=1)
    ActionStep.objects.filter(pk=tree.step.pk).update(strategy=None, start=None, due=late)
    sign_in(client, cast.facilitator.user)
    html = client.get(url("why", cast.workshop, step_id=tree.step.pk)).content.decode()
    assert "Strategy 1" not in html
    assert '<strong class="timeline-overdue">Overdue</strong>' in html
    assert "No evidence is attached to this gap yet." in html
    PriorityArea.objects.filter(pk=tree.priority.pk).update(gap=None)
    html = client.get(url("why", cast.workshop, step_id=tree.step.pk)).content.decode()
    assert "This priority area is not linked to a gap" in html


def test_it_hides_the_steps_of_other_workshops(client, cast):
    other = plan_tree(cast.outsider.workshop)
    sign_in(client, cast.facilitator.user)
    assert client.get(url("why", cast.workshop, step_id=other.step.pk)).status_code == 404
    assert client.get(url("why", cast.workshop, step_id=999999)).status_code == 404


def test_it_shows_the_trail_in_a_bounded_number_of_queries(client, cast, evidence):
    sign_in(client, cast.facilitator.user)
    # 25 today: most load the evidence's sources with their figures (actionplans.gaps).
    assert queries(client, url("why", cast.workshop, step_id=evidence.step.pk)) <= 28


# --- gaps not addressed yet ---------------------------------------------------------------------


def dots(workshop, gap, n: int) -> None:
    for _ in range(n):
        Dot.objects.create(
            workshop=workshop, membership=ParticipantFactory(workshop=workshop), slot=1, gap=gap
        )


def test_it_groups_the_gaps_no_step_addresses_by_why(client, cast):
    workshop = cast.workshop
    tree = plan_tree(workshop)  # Gap 1: addressed by Step 1
    loose = Gap.objects.create(workshop=workshop, title="Transport", kind=Gap.Kind.BARRIER)
    popular = Gap.objects.create(workshop=workshop, title="Respite care")
    dots(workshop, popular, 3)
    dots(workshop, loose, 1)
    Gap.objects.create(workshop=workshop, title="Merged away", merged_into=loose)
    no_goal = Gap.objects.create(workshop=workshop, title="School clinics")
    PriorityArea.objects.create(workshop=workshop, gap=no_goal, title="School clinics", rank=2)
    no_objective = Gap.objects.create(workshop=workshop, title="Youth peers")
    area = PriorityArea.objects.create(workshop=workshop, gap=no_objective, title="Peers", rank=3)
    Goal.objects.create(plan=tree.plan, priority=area, title="Youth support youth")
    no_step = Gap.objects.create(workshop=workshop, title="Data sharing")
    area = PriorityArea.objects.create(workshop=workshop, gap=no_step, title="Data", rank=4)
    goal = Goal.objects.create(plan=tree.plan, priority=area, title="Share data safely")
    Objective.objects.create(goal=goal, title="A consent form")
    sign_in(client, cast.participant.user, workshop)
    response = client.get(url("unaddressed", workshop))
    assert response.status_code == 200
    html = response.content.decode()
    assert "5 of the 6 gaps have no action step in the plan yet." in html
    order = [
        "Not promoted to a priority area",
        "Respite care",
        "3 dots",
        "Transport",
        "Barrier",
        "1 dot",
        "A priority area without a goal",
        "School clinics",
        "A goal without objectives",
        "Youth peers",
        "Objectives without action steps",
        "Data sharing",
    ]
    positions = [html.find(text) for text in order]
    assert -1 not in positions, [t for t, p in zip(order, positions, strict=True) if p == -1]
    assert positions == sorted(positions)
    assert "Gap 1" not in html
    assert "Merged away" not in html
    assert url("gap", workshop, gap_id=popular.pk) in html
    assert url("plan", workshop) in html
    assert "\N{BLACK CIRCLE}" * 3 in html


def test_it_says_when_there_is_nothing_to_address(client, cast):
    sign_in(client, cast.facilitator.user)
    html = client.get(url("unaddressed", cast.workshop)).content.decode()
    assert "No gaps yet" in html
    assert url("gaps", cast.workshop) in html
    plan_tree(cast.workshop)
    html = client.get(url("unaddressed", cast.workshop)).content.decode()
    assert "Every gap is addressed" in html
    assert url("timeline", cast.workshop) in html


def test_it_counts_only_the_latest_plan_as_addressing(client, cast):
    tree = plan_tree(cast.workshop)
    ActionPlan.objects.create(workshop=cast.workshop, number=2)
    sign_in(client, cast.facilitator.user)
    html = client.get(url("unaddressed", cast.workshop)).content.decode()
    assert "A priority area without a goal" in html
    assert tree.priority.gap.title in html


def test_it_finds_unaddressed_gaps_in_a_fixed_number_of_queries(client, cast):
    workshop = cast.workshop
    sign_in(client, cast.facilitator.user)

    def gaps(first: int, last: int) -> None:
        for n in range(first, last + 1):
            gap = Gap.objects.create(workshop=workshop, title=f"Gap {n}")
            dots(workshop, gap, n % 3)
            if n % 4 == 1:
                PriorityArea.objects.create(workshop=workshop, gap=gap, title=gap.title, rank=n)
            elif n % 4 == 2:
                plan_tree(workshop, n)

    gaps(1, 3)
    few = queries(client, url("unaddressed", workshop))
    gaps(4, 40)
    assert queries(client, url("unaddressed", workshop)) == few <= 8  # with 2 for the savepoint
