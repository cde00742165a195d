from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.template.defaultfilters import floatformat
from django.utils import timezone

from actionplans import trail
from actionplans.gaps import sources_for
from actionplans.models import (
    ActionPlan,
    ActionStep,
    Benchmark,
    Dot,
    Evidence,
    Gap,
    Goal,
    Measure,
    Objective,
    Principle,
    PrincipleStance,
    PriorityArea,
    Strategy,
)
from assessments import maps
from assessments.models import DataValue, MapLink, MapNode, Proposal, Question
from workshops.demo_plan import add_months
from workshops.models import Membership, StateReviewer, System, Workshop


def run_seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_it_creates_the_demo_and_prints_logins(db):
    output = run_seed()
    workshop = Workshop.objects.get(county__name="Tompkins", cycle=2026)
    assert workshop.county.name == "Tompkins"
    assert StateReviewer.objects.count() == 1
    assert workshop.memberships.filter(role=Membership.Role.PARTICIPANT).count() == 8
    assert "username facilitator" in output
    assert workshop.stage == Workshop.Stage.IMPLEMENT
    assert "The workshop is at the Implement stage; its sessions were held." in output
    assert workshop.format == Workshop.Format.HYBRID
    assert workshop.sessions.count() == 4
    assert workshop.meetings.count() == 3
    assert workshop.sessions.get(number=1).debrief.adjustments
    responses = workshop.survey.responses
    assert responses.filter(submitted_at__isnull=False).count() == 6
    assert responses.filter(submitted_at=None).count() == 1
    assert workshop.data_rows.filter(submitted_at__isnull=False).count() == 4
    roster_systems = set(workshop.memberships.values_list("system__name", flat=True))
    assert "Medical" not in roster_systems
    assert output.count(f"/join/{workshop.code}/?token=") == 8
    for plan in ActionPlan.objects.all():  # every county's plan begun before it last changed
        assert plan.created_at <= plan.changed_at, plan.workshop


def test_it_draws_the_county_map(db):
    output = run_seed()
    workshop = Workshop.objects.get(county__name="Tompkins", cycle=2026)
    data = maps.load_map(workshop, with_pending=True)
    assert 35 <= len(data.nodes) <= 40
    assert 35 <= len(data.links) <= 40
    statuses = {node.status for node in data.nodes}
    assert {MapNode.Status.STRENGTH, MapNode.Status.CONCERN, MapNode.Status.GAP} <= statuses
    assert {link.strength for link in data.links} == set(MapLink.Strength)
    assert all(link.source_id < link.target_id for link in data.links)
    assert sum(bool(link.note) for link in data.links) >= 30
    # Started from what is known: one node per participant agency, linked to its participant.
    agencies = workshop.memberships.filter(role=Membership.Role.PARTICIPANT)
    nodes = workshop.map_nodes.filter(membership__isnull=False, kind=MapNode.Kind.AGENCY)
    assert sorted(nodes.values_list("label", flat=True)) == sorted(
        agencies.values_list("agency", flat=True)
    )
    assert workshop.system_map.started_at is not None
    # Every system has something on the map.
    assert {node.system_id for node in data.nodes} == {system.id for system in data.systems}
    # Two participants' suggestions wait for the facilitator.
    assert len(data.pending_nodes) == 1
    assert len(data.pending_links) == 1
    assert all(item.suggested_by.role == Membership.Role.PARTICIPANT
               for item in [*data.pending_nodes, *data.pending_links])  # fmt: skip
    assert "suggestions from participants waiting for review: 2" in output


def test_it_proposes_gaps_with_evidence(db):
    run_seed()
    workshop = Workshop.objects.get(county__name="Tompkins", cycle=2026)
    shown = workshop.gaps.filter(merged_into=None).prefetch_related("evidence", "systems")
    assert 8 <= len(shown) <= 10
    assert set(shown.values_list("kind", flat=True)) == set(Gap.Kind)
    proposers = {gap.proposed_by_id for gap in shown}
    assert len(proposers) >= 7
    assert all(gap.systems.exists() and gap.principles.exists() for gap in shown)
    for gap in shown:
        assert 1 <= gap.evidence.count() <= 4  # the merge brought one more to the kept gap
    evidence = Evidence.objects.filter(gap__workshop=workshop)
    assert set(evidence.values_list("kind", flat=True)) == set(Evidence.Kind)
    # It points at the demo's own map and at the systems the survey rated weakest.
    assert not evidence.exclude(map_node=None).exclude(map_node__workshop=workshop).exists()
    assert not evidence.exclude(map_link=None).exclude(map_link__workshop=workshop).exists()
    assert set(
        evidence.filter(kind=Evidence.Kind.MAP_NODE).values_list("map_node__status", flat=True)
    ) >= {MapNode.Status.GAP}
    assert set(
        evidence.filter(kind=Evidence.Kind.MAP_LINK).values_list("map_link__strength", flat=True)
    ) >= {MapLink.Strength.MISSING, MapLink.Strength.BROKEN}
    cells = set(
        evidence.filter(kind=Evidence.Kind.HEAT_CELL).values_list("system__slug", flat=True)
    )
    assert cells == {"crisis", "substance-use", "developmental-disabilities"}
    figures = set(evidence.filter(kind=Evidence.Kind.FIGURE).values_list("metric__key", flat=True))
    assert {"waitlist", "days-to-service"} <= figures
    # One duplicate pair was merged: its new evidence moved (what the kept gap had already
    # stays behind), so the kept gap shows "merged from".
    duplicate = workshop.gaps.get(merged_into__isnull=False)
    assert duplicate.evidence.count() == 1
    assert duplicate.merged_into.evidence.count() == 4
    assert duplicate.merged_into.merged.get() == duplicate
    assert duplicate.proposed_by != duplicate.merged_into.proposed_by


def test_its_texts_quote_the_demo_survey(db):
    """The goals and stances quote figures of the demo's survey: they must stay true."""
    run_seed()
    workshop = Workshop.objects.get(county__name="Tompkins", cycle=2026)
    sources = sources_for(workshop)
    systems = {system.slug: system.pk for system in System.objects.all()}
    for slug, dimension, rank in [
        ("crisis", "accessibility", 1),
        ("substance-use", "availability", 2),
    ]:
        stat = sources.cell_stat(systems[slug], dimension)
        goal = Goal.objects.get(priority__workshop=workshop, priority__rank=rank)
        assert stat.shown and f"{floatformat(stat.mean, 1)} of 5" in goal.where_we_are
    clinic = DataValue.objects.filter(
        row__workshop=workshop, row__membership__system__slug="mental-health"
    )
    waits = Goal.objects.get(priority__workshop=workshop, priority__rank=3).where_we_are
    for key, words in [("waitlist", "{} children wait"), ("days-to-service", "{} days")]:
        assert words.format(int(clinic.get(metric__key=key).value)) in waits
    principles = [q for q in sources.questions if q.purpose == Question.Purpose.PRINCIPLE]
    lowest = min(principles, key=lambda q: sources.question_stat(q).mean)
    assert lowest.key == "family-participation"
    mean = floatformat(sources.question_stat(lowest).mean, 1)
    assert f"({mean})" in workshop.principle_stances.get(principle__key=lowest.key).notes


def test_every_participant_voted_and_the_top_gaps_were_promoted(db):
    run_seed()
    workshop = Workshop.objects.get(county__name="Tompkins", cycle=2026)
    voting = workshop.voting
    assert voting.budget == 3
    assert voting.opened_at and voting.closed_at and voting.opened_at <= voting.closed_at
    assert voting.closed_by.username == "facilitator"
    dots = Dot.objects.filter(workshop=workshop)
    assert dots.count() == 8 * 3
    participants = workshop.memberships.filter(role=Membership.Role.PARTICIPANT)
    for membership in participants:
        assert sorted(membership.dots.values_list("slot", flat=True)) == [1, 2, 3]
    assert dots.values("membership").distinct().count() == participants.count() == 8
    # Some put two dots on the same gap; none is on a merged gap.
    doubled = dots.values("membership", "gap").annotate(n=Count("pk")).filter(n__gte=2)
    assert doubled.count() >= 3
    assert not dots.filter(gap__merged_into__isnull=False).exists()
    # The ranking is clear: the top four have different tallies.
    tallies = sorted(Counter(dots.values_list("gap", flat=True)).values(), reverse=True)
    assert len(set(tallies[:4])) == 4 and tallies[3] > tallies[4]
    # The facilitator promoted the top four gaps.
    priorities = list(workshop.priorities.order_by("rank").select_related("gap", "decided_by"))
    assert [p.rank for p in priorities] == [1, 2, 3, 4]
    Level = PriorityArea.Level
    assert [p.level for p in priorities] == [Level.HIGH, Level.HIGH, Level.MEDIUM, Level.MEDIUM]
    assert all(p.decided_by.username == "facilitator" for p in priorities)
    # In the order the days went: the vote, the priority areas, then the Plan stage and review.
    plan_stage = workshop.stage_changes.get(to_stage=Workshop.Stage.PLAN).changed_at
    first_sent = ActionPlan.objects.get(workshop=workshop).submissions.get(number=1).submitted_at
    assert voting.opened_at < voting.closed_at < priorities[0].decided_at < plan_stage < first_sent
    assert all(dot.placed_at < voting.closed_at for dot in dots)
    assert [p.votes for p in priorities] == [p.gap.dots.count() for p in priorities]
    top = (
        workshop.gaps.filter(merged_into=None)
        .annotate(n=Count("dots"))
        .order_by("-n")
        .values_list("pk", flat=True)[:4]
    )
    assert [p.gap_id for p in priorities] == list(top)


def test_it_drafts_the_plan(db):
    output = run_seed()
    workshop = Workshop.objects.get(county__name="Tompkins", cycle=2026)
    today = timezone.localdate()
    plan = ActionPlan.objects.get(workshop=workshop)
    # Reviewed once with changes asked, sent again and approved (actionplans/demo_review.py).
    assert (plan.number, plan.status) == (1, ActionPlan.Status.APPROVED)
    assert list(plan.submissions.order_by("number").values_list("decision", flat=True)) == [
        "changes",
        "approved",
    ]
    goals = Goal.objects.filter(plan=plan)
    assert goals.count() == 3
    assert all(goal.where_we_are and goal.principles.exists() for goal in goals)
    # The fourth priority area has no goal yet: the "not addressed yet" page shows it.
    assert list(workshop.priorities.filter(goals=None).values_list("rank", flat=True)) == [4]
    reasons = {reason.key for reason in trail.unaddressed(workshop).reasons}
    assert reasons == {"not_promoted", "no_goal"}

    for goal in goals:
        objectives = goal.objectives.all()
        assert objectives.count() == 2
        for objective in objectives:
            assert add_months(today, 12) <= objective.target_date <= add_months(today, 18)
            assert objective.principles.exists()
            assert 1 <= objective.strategies.count() <= 2
            steps = objective.steps.all()
            assert 3 <= steps.count() <= 4
            assert all(step.lead and step.partner_systems.exists() for step in steps)
            assert all(step.due <= objective.target_date for step in steps)
            kinds = Counter(objective.measures.values_list("kind", flat=True))
            assert kinds == {Measure.Kind.QUANTITATIVE: 1, Measure.Kind.QUALITATIVE: 1}
            number = objective.measures.get(kind=Measure.Kind.QUANTITATIVE)
            assert number.baseline is not None and number.target is not None and number.unit
            assert number.benchmarks.count() == 2

    steps = ActionStep.objects.filter(objective__goal__plan=plan)
    Status = ActionStep.Status
    statuses = Counter(steps.values_list("status", flat=True))
    assert set(statuses) == set(Status)
    assert statuses[Status.BLOCKED] == 1
    open_steps = steps.exclude(status__in=[Status.DONE, Status.DROPPED])
    assert open_steps.filter(due__lt=today).count() == 1  # one overdue
    assert not steps.filter(status=Status.DONE, due__gte=today).exists()
    # The timeline shows past, current and future steps.
    assert steps.filter(due__lt=today).exists()
    assert steps.filter(start__lte=today, due__gte=today).exists()
    assert steps.filter(start__gt=today).exists()
    assert steps.filter(start=None, due__isnull=False).exists()  # a milestone
    assert all(step.start is None or step.start <= step.due for step in steps)
    assert steps.filter(principles__isnull=False).distinct().count() >= steps.count() - 2

    stances = PrincipleStance.objects.filter(workshop=workshop)
    assert stances.count() == Principle.objects.count() == 8
    assert set(stances.values_list("level", flat=True)) == set(PrincipleStance.Level)
    assert all(stance.notes for stance in stances)
    # The history says who did it, not "someone".
    assert not Goal.history.filter(plan=plan, history_user=None).exists()
    assert not Gap.history.filter(workshop=workshop, history_user=None).exists()
    assert (
        "Gaps: 9 (and 1 merged); dots: 24 from 8 people; priority areas: 4; plan: 3 goals, "
        "6 objectives, 9 strategies, 23 steps, 12 measures, 12 benchmarks; "
        "principle stances: 8." in output
    )


PLAN_MODELS = [Gap, Evidence, Dot, PriorityArea, ActionPlan, Goal, Objective, Strategy,
               ActionStep, Measure, Benchmark, PrincipleStance]  # fmt: skip


def plan_snapshot() -> dict:
    return {
        model.__name__: list(model.objects.order_by("pk").values()) for model in PLAN_MODELS
    } | {"history": [model.history.count() for model in PLAN_MODELS if hasattr(model, "history")]}


def counts() -> dict[str, int]:
    """Rows of everything the demo makes, in every county."""
    from actionplans.models import (
        MeasureReading,
        PersonalPlan,
        Relationship,
        ReviewComment,
        StepUpdate,
        Submission,
    )

    models = [Workshop, Membership, MapNode, MapLink, Submission, ReviewComment, StepUpdate,
              MeasureReading, PersonalPlan, Relationship]  # fmt: skip
    return {model.__name__: model.objects.count() for model in models}


def test_it_can_run_twice(db):
    first = run_seed()
    workshop = Workshop.objects.get(county__name="Tompkins", cycle=2026)
    version = workshop.system_map.version
    voting = workshop.voting
    nodes = list(MapNode.objects.values_list("label", "status", "proposal").order_by("id"))
    links = list(MapLink.objects.values_list("source", "target", "strength").order_by("id"))
    plan = plan_snapshot()
    rows = counts()
    second = run_seed()
    assert plan_snapshot() == plan
    workshop.voting.refresh_from_db()
    assert (workshop.voting.version, workshop.voting.closed_at) == (
        voting.version,
        voting.closed_at,
    )
    assert first.splitlines()[-1] == second.splitlines()[-1]
    assert counts() == rows
    assert Workshop.objects.get(county__name="Tompkins", cycle=2026).sessions.count() == 4
    assert list(MapNode.objects.values_list("label", "status", "proposal").order_by("id")) == nodes
    assert list(MapLink.objects.values_list("source", "target", "strength").order_by("id")) == links
    assert MapNode.objects.filter(proposal=Proposal.PENDING).count() == 1
    workshop.system_map.refresh_from_db()
    assert workshop.system_map.version == version


def test_its_links_sign_participants_in(client, db):
    output = run_seed()
    link = next(line.strip() for line in output.splitlines() if "token=" in line)
    path = link.split("8000", 1)[1] if "8000" in link else link
    assert client.get(path).status_code == 200


def test_it_refuses_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="not in production"):
        call_command("seed_demo")
