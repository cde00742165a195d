"""A large workshop for measuring the PDF: 30 participants, a submitted survey, a 40-node map,
a dot vote, and a plan of 8 priority areas by 3 objectives by 5 action steps (120 steps).

Used by the PDF tests and the benchmark; built with bulk inserts (no history), in a second or
two. Dates are relative to today, so the timeline and the next steps always have something.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from itertools import cycle

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from actionplans.models import (
    ActionPlan,
    ActionStep,
    Benchmark,
    Dot,
    Gap,
    Goal,
    Measure,
    Objective,
    Principle,
    PrincipleStance,
    PriorityArea,
    Strategy,
    Voting,
)
from assessments.models import MapLink, MapNode, Proposal
from workshops.demo_assessment import assess
from workshops.formats import apply_plan, plan_sessions
from workshops.models import County, Debrief, Membership, System, Workshop


@dataclass(frozen=True)
class Size:
    """How much a bench workshop holds."""

    participants: int = 30
    nodes: int = 40
    areas: int = 8
    objectives: int = 3
    steps: int = 5


LARGE = Size()
SMALL = Size(participants=6, nodes=10, areas=2, objectives=1, steps=2)  # the same shape, smaller
FIRST = ["Alex", "Blair", "Casey", "Dana", "Emery", "Frankie", "Gray", "Harper", "Indy", "Jordan"]
LAST = ["Adams", "Brooks", "Chen", "Diaz", "Evans", "Fischer", "Garcia"]
WORDS = (
    "Families, schools and agencies agree on a shared way to find, refer and follow children "
    "and youth who need help, so that nobody waits alone and every hand-off is warm."
)


def people(workshop: Workshop, systems: list[System], size: Size = LARGE) -> list[Membership]:
    User = get_user_model()
    tag = workshop.pk
    team = [
        (Membership.Role.FACILITATOR, "Fran", "Facilitator"),
        (Membership.Role.COMMITTEE, "Cory", "Committee"),
    ]
    for role, first, last in team:
        user = User.objects.create_user(f"bench{tag}-{role}", f"{role}{tag}@example.org",
                                        first_name=first, last_name=last)  # fmt: skip
        Membership.objects.create(workshop=workshop, user=user, role=role, agency="County")
    represented = [s for s in systems if s.slug != "medical"]  # one system left out
    members = []
    for i, system in zip(range(size.participants), cycle(represented), strict=False):
        first, last = FIRST[i % len(FIRST)], LAST[i % len(LAST)]
        user = User.objects.create_user(f"bench{tag}-p{i}", f"p{i}.{tag}@example.org",
                                        first_name=first, last_name=f"{last} {i}")  # fmt: skip
        members.append(
            Membership(
                workshop=workshop, user=user, role=Membership.Role.PARTICIPANT, system=system,
                agency=f"{system.name} agency {i // len(represented) + 1}", title="Director",
            )
        )  # fmt: skip
    return Membership.objects.bulk_create(members)


def draw_map(workshop: Workshop, systems: list[System], size: Size = LARGE) -> list[MapNode]:
    statuses = cycle([MapNode.Status.STRENGTH, MapNode.Status.CONCERN, MapNode.Status.GAP,
                      MapNode.Status.STRENGTH, MapNode.Status.UNMARKED])  # fmt: skip
    kinds = cycle(MapNode.Kind.values)
    nodes = MapNode.objects.bulk_create(
        MapNode(
            workshop=workshop, system=system, label=f"{system.name} service {i + 1}",
            kind=next(kinds), status=next(statuses), proposal=Proposal.ACCEPTED,
            description="Open weekdays; a waitlist in the school year." if i % 4 == 0 else "",
        )
        for i, system in zip(range(size.nodes), cycle(systems), strict=False)
    )  # fmt: skip
    strengths = cycle(MapLink.Strength.values)
    links = []
    for i, node in enumerate(nodes):
        for other in (nodes[(i + 1) % size.nodes], nodes[(i + 7) % size.nodes]):
            source, target = sorted((node, other), key=lambda n: n.pk)
            links.append((source.pk, target.pk))
    MapLink.objects.bulk_create(
        MapLink(workshop=workshop, source_id=s, target_id=t, strength=next(strengths),
                proposal=Proposal.ACCEPTED)
        for s, t in sorted(set(links))
    )  # fmt: skip
    return nodes


def vote_and_prioritize(
    workshop: Workshop, members: list[Membership], decider, size: Size = LARGE
) -> list:
    gaps = Gap.objects.bulk_create(
        Gap(workshop=workshop, title=f"Gap {n + 1}: children wait too long for help",
            description=WORDS, kind=Gap.Kind.GAP if n % 3 else Gap.Kind.BARRIER,
            proposed_by=members[n % len(members)])
        for n in range(12)
    )  # fmt: skip
    now = timezone.now()
    Voting.objects.create(workshop=workshop, budget=3, opened_at=now, closed_at=now)
    Dot.objects.bulk_create(
        Dot(workshop=workshop, membership=member, slot=slot, gap=gaps[(i + slot * slot) % 12])
        for i, member in enumerate(members)
        for slot in (1, 2, 3)
    )
    levels = cycle(PriorityArea.Level.values)
    return PriorityArea.objects.bulk_create(
        PriorityArea(workshop=workshop, gap=gap, title=gap.title[:120], level=next(levels),
                     rank=rank, votes=12 - rank, decided_by=decider)
        for rank, gap in enumerate(gaps[: size.areas], start=1)
    )  # fmt: skip


def write_plan(
    workshop: Workshop, priorities: list[PriorityArea], size: Size = LARGE
) -> ActionPlan:
    today = timezone.localdate()
    plan, _created = ActionPlan.objects.get_or_create(workshop=workshop, number=1)
    principles = list(Principle.objects.all())
    systems = list(System.objects.all())
    statuses = cycle(ActionStep.Status.values)
    goals = Goal.objects.bulk_create(
        Goal(plan=plan, priority=priority, title=f"Every child in need is seen within 30 days "
             f"({priority.rank})", where_we_are=WORDS * 2, order=0)
        for priority in priorities
    )  # fmt: skip
    objectives = Objective.objects.bulk_create(
        Objective(goal=goal, title=f"Cut the wait for a first appointment by half ({o + 1})",
                  target_date=today + timedelta(days=120 * (o + 1)), order=o)
        for goal in goals
        for o in range(size.objectives)
    )  # fmt: skip
    strategies = Strategy.objects.bulk_create(
        Strategy(objective=objective, title=f"Share referrals across agencies ({s + 1})", order=s)
        for objective in objectives
        for s in range(2)
    )  # fmt: skip
    by_objective: dict[int, list[Strategy]] = {}
    for strategy in strategies:
        by_objective.setdefault(strategy.objective_id, []).append(strategy)
    steps = ActionStep.objects.bulk_create(
        ActionStep(
            objective=objective, strategy=by_objective[objective.pk][n % 2] if n < 4 else None,
            title=f"Agree on one referral form with the schools and clinics, step {n + 1}",
            lead=f"{FIRST[n]} {LAST[n]}", partners="School district; county clinic; DSS",
            start=today + timedelta(days=30 * (i % 14) - 60),
            due=today + timedelta(days=30 * (i % 14) + 45),
            status=next(statuses), note=WORDS if n == 0 else "", order=n,
        )
        for i, objective in enumerate(objectives)
        for n in range(size.steps)
    )  # fmt: skip
    measures = Measure.objects.bulk_create(
        Measure(objective=objective, title="Days from referral to a first appointment",
                baseline=Decimal(62), target=Decimal(30), unit="days", order=0)
        for objective in objectives
    )  # fmt: skip
    Benchmark.objects.bulk_create(
        Benchmark(measure=measure, due=today + timedelta(days=90 * b), value=Decimal(60 - 10 * b))
        for measure in measures
        for b in (1, 2)
    )
    for items in (goals, objectives, strategies, steps):
        through = type(items[0]).principles.through
        source = type(items[0])._meta.model_name
        through.objects.bulk_create(
            through(**{f"{source}_id": item.pk, "principle_id": principles[i % 8].pk})
            for i, item in enumerate(items)
        )
    ActionStep.partner_systems.through.objects.bulk_create(
        ActionStep.partner_systems.through(actionstep_id=step.pk, system_id=systems[i % 13].pk)
        for i, step in enumerate(steps)
    )
    PrincipleStance.objects.bulk_create(
        PrincipleStance(workshop=workshop, principle=principle, notes=WORDS,
                        level=PrincipleStance.Level.values[i % 4])
        for i, principle in enumerate(principles)
    )  # fmt: skip
    return plan


@transaction.atomic
def large_plan_workshop(
    county: str = "Erie", title: str = "Large plan", year: int = 2026, size: Size = LARGE
) -> Workshop:
    """A workshop with a large plan; returns it (``current_plan`` gives its plan)."""
    workshop = Workshop.objects.create(
        county=County.objects.get(state__code="NY", name=county), title=title, cycle=year
    )
    systems = list(System.objects.order_by("order", "name"))
    members = people(workshop, systems, size)
    first_day = timezone.localdate() - timedelta(weeks=2)
    sessions = apply_plan(
        workshop, Workshop.Format.HYBRID, plan_sessions(Workshop.Format.HYBRID, first_day)
    )
    for session in sessions[:2]:
        session.live_started_at, session.live_ended_at = session.starts_at, session.ends_at
        session.save()
    facilitator = workshop.memberships.get(role=Membership.Role.FACILITATOR).user
    Debrief.objects.create(session=sessions[1], working_well=WORDS, next_steps=WORDS,
                           recorded_by=facilitator)  # fmt: skip
    assess(workshop)
    draw_map(workshop, systems, size)
    priorities = vote_and_prioritize(workshop, members, facilitator, size)
    write_plan(workshop, priorities, size)
    return workshop
