"""A whole state of counties with several cycles of full data, for the state dashboard's
benchmark and its query-count test.

``state_bench("NY", cycles=3)`` gives each of the state's 62 counties three workshops (one per
cycle, the latest at a stage that differs from county to county, the earlier ones revised) with
30 participants who all answered the survey (a few not yet submitted), gaps naming systems
(some titles shared between counties), priority areas, a plan of 24 action steps in every
status with overdue ones, submissions with decisions, progress updates and stage changes. The
same people take part in every cycle of their county. Built with bulk inserts (no history).
"""

import random
from datetime import timedelta
from itertools import cycle, islice

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from actionplans.models import (
    ActionPlan,
    ActionStep,
    Gap,
    Goal,
    Objective,
    PriorityArea,
    StepUpdate,
    Submission,
)
from assessments.models import DONT_KNOW, Answer, Instrument, Question, Response, Survey
from workshops.models import County, Membership, StageChange, State, System, Workshop

Stage, Status, Decision = Workshop.Stage, ActionStep.Status, Submission.Decision
STAGES = list(Stage)
SHARED_GAPS = [
    "No youth crisis response after 5 pm or on weekends",
    "Children wait months for outpatient mental health",
    "No substance use treatment for teens in the county",
    "Families do not know what services exist",
    "Transport to services is a barrier for rural families",
    "Too few family peer advocates",
]
GAPS_PER_WORKSHOP, PRIORITIES, OBJECTIVES, STEPS = 8, 4, 2, 3
ROLES = ["leadership", "leadership", "frontline", "family", "youth"]
PLAN_STATUS = {
    Stage.REVIEW: ActionPlan.Status.SUBMITTED,
    Stage.IMPLEMENT: ActionPlan.Status.APPROVED,
    Stage.REVISE: ActionPlan.Status.APPROVED,
}


def bench_people(counties: list[County], participants: int) -> dict[int, list]:
    """Each county's facilitator and participants (users), the same for every cycle."""
    User = get_user_model()
    unusable = make_password(None)
    users = User.objects.bulk_create(
        User(username=f"bench-{county.pk}-{i}", email=f"bench-{county.pk}-{i}@example.org",
             first_name="Pat" if i else "Fran", last_name=f"{county.name} {i}", password=unusable)
        for county in counties
        for i in range(participants + 1)
    )  # fmt: skip
    size = participants + 1
    return {county.pk: users[n * size : (n + 1) * size] for n, county in enumerate(counties)}


ANSWER_COLUMNS = ["response_id", "question_id", "system_id", "dimension", "value_int",
                  "value_text", "updated_at"]  # fmt: skip


def bench_answers(rng: random.Random, response_id: int, questions, systems, slug, role, now):
    """One participant's full set of answers as rows of ``ANSWER_COLUMNS``, a little better or
    worse than the middle of the scale."""
    lean = rng.uniform(-1, 1)
    Purpose, Kind = Question.Purpose, Question.Kind
    for question in questions:
        if question.purpose == Purpose.RESPONDENT_SYSTEM:
            yield (response_id, question.pk, None, "", None, slug, now)
        elif question.purpose == Purpose.RESPONDENT_ROLE:
            yield (response_id, question.pk, None, "", None, role, now)
        elif question.kind == Kind.SCALE:
            value = DONT_KNOW if rng.random() < 0.05 else round(min(5, max(1, 3 + lean)))
            yield (response_id, question.pk, None, "", value, "", now)
        elif question.kind == Kind.SYSTEM_MATRIX:
            for system in systems:
                for option in question.options:
                    value = rng.randint(1, 5)
                    yield (response_id, question.pk, system.pk, option["value"], value, "", now)
        elif question.kind == Kind.LONG_TEXT:
            yield (response_id, question.pk, None, "", None, "Shared referrals.", now)


def insert_answers(rows) -> None:
    """Answers straight into their table: a third of a million model instances would take
    most of the build's time for nothing (on PostgreSQL with COPY, its fastest way in)."""
    quote = connection.ops.quote_name
    table = quote(Answer._meta.db_table)
    columns = ", ".join(quote(column) for column in ANSWER_COLUMNS)
    if connection.vendor == "postgresql":
        sql = f"COPY {table} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
        return
    placeholders = ", ".join(["%s"] * len(ANSWER_COLUMNS))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 - our own names  # nosec B608
    with connection.cursor() as cursor:
        batch = list(islice(rows, 10_000))
        while batch:
            cursor.executemany(sql, batch)
            batch = list(islice(rows, 10_000))


def stage_of(county_index: int, cycle_index: int, cycles: int) -> Stage:
    """Earlier cycles were revised; the current one is somewhere along its way."""
    if cycle_index < cycles - 1:
        return Stage.REVISE
    return STAGES[county_index % len(STAGES)]


@transaction.atomic
def state_bench(
    state: str = "NY", cycles: int = 3, counties: int | None = None, participants: int = 30
) -> list[Workshop]:
    """Fills the state's counties that have no workshop yet (the first ``counties`` of them by
    name, or all) with ``cycles`` workshops each; called again, it fills more counties."""
    rng = random.Random(8)  # noqa: S311 - the same data every run  # nosec B311
    chosen = list(
        County.objects.filter(state=State.objects.get(code=state), workshops__isnull=True)
        .distinct()
        .order_by("name")
    )
    chosen = chosen[:counties] if counties is not None else chosen
    systems = list(System.objects.order_by("order", "name"))
    instrument = Instrument.latest()
    questions = list(Question.objects.filter(section__instrument=instrument))
    people = bench_people(chosen, participants)
    year = timezone.localdate().year
    now, today = timezone.now(), timezone.localdate()

    workshops = Workshop.objects.bulk_create(
        Workshop(county=county, title=f"{county.name} County SOC Action Planning Workshop",
                 cycle=year - (cycles - 1 - c), stage=stage_of(n, c, cycles))
        for n, county in enumerate(chosen)
        for c in range(cycles)
    )  # fmt: skip
    StageChange.objects.bulk_create(
        StageChange(workshop=workshop, from_stage=STAGES[s], to_stage=STAGES[s + 1])
        for workshop in workshops
        for s in range(STAGES.index(Stage(workshop.stage)))
    )
    members = Membership.objects.bulk_create(
        Membership(workshop=workshop, user=user,
                   role=Membership.Role.FACILITATOR if i == 0 else Membership.Role.PARTICIPANT,
                   system=None if i == 0 else systems[i % len(systems)],
                   agency=f"Agency {i}", title="Director")
        for workshop in workshops
        for i, user in enumerate(people[workshop.county_id])
    )  # fmt: skip
    surveys = Survey.objects.bulk_create(
        Survey(workshop=workshop, instrument=instrument) for workshop in workshops
    )
    survey_of = {survey.workshop_id: survey for survey in surveys}
    taking = [m for m in members if m.role == Membership.Role.PARTICIPANT]
    responses = Response.objects.bulk_create(
        Response(survey=survey_of[m.workshop_id], membership=m, instrument=instrument,
                 last_section=5, submitted_at=None if i % 10 == 9 else now - timedelta(days=i))
        for i, m in enumerate(taking)
    )  # fmt: skip
    system_slugs = {system.pk: system.slug for system in systems}
    insert_answers(
        row
        for i, (member, response) in enumerate(zip(taking, responses, strict=True))
        for row in bench_answers(rng, response.pk, questions, systems,
                                 system_slugs[member.system_id], ROLES[i % len(ROLES)], now)
    )  # fmt: skip
    plan_workshops(workshops, members, systems, now, today)
    return workshops


def plan_workshops(workshops, members, systems, now, today) -> None:
    """Gaps, priority areas, a plan with steps, submissions and progress for every workshop."""
    proposer = {m.workshop_id: m for m in members if m.role == Membership.Role.PARTICIPANT}
    gaps = Gap.objects.bulk_create(
        Gap(workshop=workshop, proposed_by=proposer[workshop.pk],
            title=SHARED_GAPS[(n + w) % len(SHARED_GAPS)] if n < 3 else f"Local gap {n} of {w}",
            description="Named by several agencies in the session.")
        for w, workshop in enumerate(workshops)
        for n in range(GAPS_PER_WORKSHOP)
    )  # fmt: skip
    Gap.systems.through.objects.bulk_create(
        Gap.systems.through(gap_id=gap.pk, system_id=systems[(i + k) % len(systems)].pk)
        for i, gap in enumerate(gaps)
        for k in (0, 5)
    )
    by_workshop: dict[int, list[Gap]] = {}
    for gap in gaps:
        by_workshop.setdefault(gap.workshop_id, []).append(gap)
    priorities = PriorityArea.objects.bulk_create(
        PriorityArea(workshop_id=workshop_id, gap=gap, title=gap.title, rank=rank)
        for workshop_id, found in by_workshop.items()
        for rank, gap in enumerate(found[:PRIORITIES], start=1)
    )
    plans = ActionPlan.objects.bulk_create(
        ActionPlan(workshop=workshop, status=PLAN_STATUS.get(workshop.stage, "draft"))
        for workshop in workshops
    )
    plan_of = {plan.workshop_id: plan for plan in plans}
    goals = Goal.objects.bulk_create(
        Goal(plan=plan_of[priority.workshop_id], priority=priority, title=f"Goal {priority.rank}")
        for priority in priorities
    )
    objectives = Objective.objects.bulk_create(
        Objective(goal=goal, title=f"Objective {o + 1}", order=o)
        for goal in goals
        for o in range(OBJECTIVES)
    )
    statuses = cycle(Status.values)
    steps = ActionStep.objects.bulk_create(
        ActionStep(objective=objective, title=f"Step {s + 1}", order=s, status=next(statuses),
                   start=today - timedelta(weeks=12),
                   due=today + timedelta(weeks=4 * (s + o % 3) - 8))
        for o, objective in enumerate(objectives)
        for s in range(STEPS)
    )  # fmt: skip
    StepUpdate.objects.bulk_create(
        StepUpdate(step=step, status=step.status, on=today - timedelta(days=i % 20), note="Met.")
        for i, step in enumerate(steps)
        if i % 4 == 0
    )
    reviewed = [plan for plan in plans if plan.status != ActionPlan.Status.DRAFT]
    Submission.objects.bulk_create(
        [Submission(plan=plan, number=1, content_at=now, decision=Decision.CHANGES,
                    decided_at=now, decision_note="Add measures.") for plan in reviewed]
        + [Submission(plan=plan, number=2, content_at=now,
                      decision=Decision.APPROVED if plan.status == "approved" else Decision.PENDING,
                      decided_at=now if plan.status == "approved" else None)
           for plan in reviewed]
    )  # fmt: skip
