"""The demo state around the demo county: other New York counties at other stages, and the
demo county's earlier cycle, so the state dashboard and the cycle comparison have content.

- Erie is implementing an approved plan (asked for changes once, then approved), with progress
  updates and a late step; Monroe's plan waits for the state team's review; Albany is
  collecting its survey; Broome is preparing. Their gaps name the same systems as Tompkins's
  (crisis above all), and two titles recur, spelled a little differently.
- Tompkins 2025: the cycle before the demo workshop, with the same people (the 2026 roster
  copied back) and survey answers a little lower than 2026's, so the 2026 results page shows
  what changed.

Everything is made once: running it again changes nothing.
"""

import random
from dataclasses import dataclass, replace
from datetime import timedelta
from itertools import pairwise

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from actionplans import documents, voting
from actionplans import gaps as gap_service
from actionplans.demo_review import date_pdf_as_sent, make_pdf_as_sent
from actionplans.models import (
    ActionPlan,
    ActionStep,
    Goal,
    Objective,
    PriorityArea,
    StepUpdate,
    Submission,
)
from assessments.instruments import survey_for
from assessments.models import DONT_KNOW, Answer, Question, Response
from workshops.cycles import copy_roster
from workshops.demo_assessment import answers_for
from workshops.models import County, Membership, StageChange, State, System, Workshop

Stage, Status, Decision = Workshop.Stage, ActionStep.Status, Submission.Decision
STAGES = list(Stage)
TITLE = "{county} County SOC Action Planning Workshop"
DEMO_CYCLE = 2026
FACILITATOR = "facilitator"  # seed_demo's facilitator of the state team runs these too

ROSTER = [
    # first name, system slug, agency suffix, job title
    ("Grace", "mental-health", "County Mental Health", "Director of Children's Services"),
    ("Omar", "child-welfare", "Department of Social Services", "Deputy Commissioner"),
    ("Keisha", "education", "City School District", "Director of Pupil Services"),
    ("Luis", "juvenile-justice", "County Probation", "Supervisor"),
    ("Hannah", "caregivers", "Families Together", "Family Peer Advocate"),
    ("Tyler", "youth", "Youth Council", "Youth Advocate"),
    ("Nadia", "crisis", "Crisis Services", "Program Director"),
]  # fmt: skip


@dataclass(frozen=True)
class CountyDemo:
    county: str
    stage: Stage
    people: int  # participants from ROSTER
    submitted: int  # of them, surveys submitted (one more starts without submitting)
    shift: float  # survey answers above (+) or below (-) the demo county's
    gaps: list[tuple[str, list[str]]]  # title, system slugs; the first two become priorities
    plan: ActionPlan.Status | None = None


COUNTIES = [
    CountyDemo("Erie", Stage.IMPLEMENT, 7, 7, 0.4, [
        ("No youth crisis response after 5 PM or on weekends", ["crisis", "mental-health"]),
        ("Families don't know what services exist", ["caregivers", "community-providers"]),
        ("Too few school-based clinics", ["education", "mental-health"]),
    ], ActionPlan.Status.APPROVED),
    CountyDemo("Monroe", Stage.REVIEW, 7, 6, 0.1, [
        ("Children wait two months for outpatient  mental health",
         ["mental-health", "care-management"]),
        ("No youth  crisis response after 5 pm or on weekends", ["crisis", "medical"]),
        ("Youth leaving foster care lose their services", ["child-welfare", "youth"]),
    ], ActionPlan.Status.SUBMITTED),
    CountyDemo("Albany", Stage.ASSESS, 6, 4, -0.2, []),
    CountyDemo("Broome", Stage.PREPARE, 4, 0, 0.0, []),
]  # fmt: skip
EARLIER = CountyDemo("Tompkins", Stage.REVISE, 0, 0, -0.5, [])

STEPS = [
    # title, status, start and due (weeks from the seed)
    ("Map who answers youth crisis calls at night today", Status.DONE, -20, -12),
    ("Agree an on-call rota with the hospital", Status.IN_PROGRESS, -10, 4),
    ("Train the on-call clinicians", Status.NOT_STARTED, -6, -1),  # late: due last week
    ("Publish the services directory online", Status.BLOCKED, -8, 6),
]


def state_demo(state: str = "NY") -> None:
    """The other counties and the demo county's earlier cycle (once)."""
    found = State.objects.get(code=state)
    reviewer = get_user_model().objects.filter(state_roles__state=found).order_by("pk").first()
    for demo in COUNTIES:
        county_demo(found, demo, reviewer)
    current = Workshop.objects.filter(
        county__state=found, county__name=EARLIER.county, cycle=DEMO_CYCLE
    ).first()
    if current is not None:
        earlier_cycle(current, reviewer)


@transaction.atomic
def county_demo(state: State, demo: CountyDemo, reviewer) -> Workshop:
    county = County.objects.get(state=state, name=demo.county)
    workshop, created = Workshop.objects.get_or_create(
        county=county, cycle=DEMO_CYCLE, title=TITLE.format(county=county.name),
        defaults={"created_by": reviewer},
    )  # fmt: skip
    if not created:
        return workshop
    members = roster(workshop, demo)
    move_to(workshop, demo.stage)
    if demo.stage != Stage.PREPARE:
        answer_survey(workshop, demo, seed=len(demo.county))
    if demo.gaps:
        plan_for(workshop, demo, members, reviewer)
    backdate(workshop)
    return workshop


def backdate(workshop: Workshop) -> None:
    """Creation and saving times as if the workshop had gone its way over past weeks, so that
    the counties' last activity differs (the models set them to now)."""
    weeks = 3 * STAGES.index(Stage(workshop.stage)) + 4
    now = timezone.now()
    Workshop.objects.filter(pk=workshop.pk).update(created_at=now - timedelta(weeks=weeks))
    Response.objects.filter(survey__workshop=workshop).update(
        started_at=now - timedelta(weeks=weeks - 2),
        updated_at=Coalesce(F("submitted_at"), Value(now - timedelta(days=12))),
    )
    submissions = Submission.objects.filter(plan__workshop=workshop)
    submissions.update(submitted_at=F("content_at"))
    latest = submissions.order_by("-content_at").first()
    if latest is not None:  # the plan has not changed since it was last sent; begun before
        first = submissions.order_by("content_at").first()
        ActionPlan.objects.filter(workshop=workshop).update(
            created_at=first.content_at - timedelta(weeks=3), changed_at=latest.content_at
        )
    StepUpdate.objects.filter(step__objective__goal__plan__workshop=workshop).update(
        created_at=now - timedelta(days=3)
    )


def roster(workshop: Workshop, demo: CountyDemo) -> list[Membership]:
    User = get_user_model()
    systems = {system.slug: system for system in System.objects.all()}
    facilitator = User.objects.filter(username=FACILITATOR).first()
    if facilitator is not None:
        Membership.objects.get_or_create(
            workshop=workshop, user=facilitator, defaults={"role": Membership.Role.FACILITATOR}
        )
    members = []
    county = workshop.county.name
    for first, slug, agency, title in ROSTER[: demo.people]:
        email = f"{first}.{county}@example.org".lower()
        user, _ = User.objects.get_or_create(
            username=email, defaults={"email": email, "first_name": first, "last_name": county}
        )
        user.set_unusable_password()
        user.save()
        members.append(
            Membership.objects.create(
                workshop=workshop, user=user, role=Membership.Role.PARTICIPANT,
                system=systems[slug], agency=f"{county} {agency}", title=title,
                invited_at=timezone.now() - timedelta(weeks=6),
            )
        )  # fmt: skip
    return members


def move_to(workshop: Workshop, stage: Stage) -> None:
    """Records the moves along the lifecycle up to ``stage``, a few weeks apart."""
    facilitator = get_user_model().objects.filter(username=FACILITATOR).first()
    reached = STAGES.index(stage)
    for step, (before, after) in enumerate(pairwise(STAGES[: reached + 1])):
        change = StageChange.objects.create(
            workshop=workshop, from_stage=before, to_stage=after, changed_by=facilitator
        )
        weeks_ago = 3 * (reached - step)
        StageChange.objects.filter(pk=change.pk).update(
            changed_at=timezone.now() - timedelta(weeks=weeks_ago)
        )
    workshop.stage = stage
    workshop.save(update_fields=["stage"])


def answer_survey(workshop: Workshop, demo: CountyDemo, seed: int) -> None:
    """The demo county's answers (``demo_assessment``) moved by ``demo.shift``: ``submitted``
    participants submit, one more stops halfway."""
    survey = survey_for(workshop)
    if survey.responses.exists():
        return
    rng = random.Random(seed)  # noqa: S311 - the same demo every time  # nosec B311
    questions = list(
        Question.objects.filter(section__instrument=survey.instrument).select_related("section")
    )
    systems = list(System.objects.all())
    participants = workshop.memberships.filter(role=Membership.Role.PARTICIPANT).select_related(
        "system"
    )
    # Counties further along answered longer ago: three weeks a stage after Assess.
    now = timezone.now() - timedelta(weeks=3 * max(0, STAGES.index(demo.stage) - 1))
    for index, membership in enumerate(participants.order_by("pk")[: demo.submitted + 1]):
        submitted = index < demo.submitted
        response = Response.objects.create(
            survey=survey, membership=membership, instrument=survey.instrument,
            last_section=5 if submitted else 2,
            submitted_at=now - timedelta(days=index + 2) if submitted else None,
        )  # fmt: skip
        answers = [
            shifted(rng, answer, demo.shift)
            for question in questions
            if submitted or question.section.order < 2
            for answer in answers_for(rng, response, question, membership, index, systems)
        ]
        Answer.objects.bulk_create(answers)


def shifted(rng: random.Random, answer: Answer, shift: float) -> Answer:
    """A rating one step up (or down) with the chance ``shift``: the mean moves by about it."""
    if answer.value_int not in (None, DONT_KNOW) and rng.random() < abs(shift):
        step = 1 if shift > 0 else -1
        answer.value_int = max(1, min(5, answer.value_int + step))
    return answer


def plan_for(workshop: Workshop, demo: CountyDemo, members: list[Membership], reviewer) -> None:
    """Gaps, two of them promoted, and a plan whose status and submissions match the stage."""
    systems = {system.slug: system for system in System.objects.all()}
    gaps = [
        gap_service.propose(
            workshop, members[n % len(members)],
            gap_service.GapFields(title=title, description="", kind="gap", principles=[],
                                  systems=[systems[slug] for slug in slugs]),
        )
        for n, (title, slugs) in enumerate(demo.gaps)
    ]  # fmt: skip
    priorities = [
        voting.promote(workshop, gap, PriorityArea.Level.HIGH, reviewer) for gap in gaps[:2]
    ]
    plan = ActionPlan.objects.create(workshop=workshop, status=demo.plan)
    today = timezone.localdate()
    steps = []
    for order, priority in enumerate(priorities):
        goal = Goal.objects.create(plan=plan, priority=priority, title=priority.title, order=order)
        objective = Objective.objects.create(
            goal=goal, title=f"Within a year: {priority.title.lower()}, no more",
            target_date=today + timedelta(weeks=52),
        )  # fmt: skip
        for step_order, (title, status, start, due) in enumerate(STEPS[order * 2 : order * 2 + 2]):
            steps.append(
                ActionStep.objects.create(
                    objective=objective, title=title, status=status, order=step_order,
                    lead=members[step_order].display_name, lead_member=members[step_order],
                    start=today + timedelta(weeks=start), due=today + timedelta(weeks=due),
                )
            )  # fmt: skip
    submit(plan, demo, reviewer, members)
    if demo.stage == Stage.IMPLEMENT:
        for step in steps:
            if step.status != Status.NOT_STARTED:
                StepUpdate.objects.create(
                    step=step, status=step.status, on=today - timedelta(days=3),
                    note="Reported at the monthly implementation call.",
                    author=step.lead_member.user,
                )  # fmt: skip


def submit(plan: ActionPlan, demo: CountyDemo, reviewer, members: list[Membership]) -> None:
    now = timezone.now()
    by = members[0].user
    if demo.plan == ActionPlan.Status.APPROVED:
        Submission.objects.create(
            plan=plan, number=1, content_at=now - timedelta(weeks=8), submitted_by=by,
            decision=Decision.CHANGES, decided_by=reviewer, decided_at=now - timedelta(weeks=7),
            decision_note="Add a measure for the after-hours response time.",
        )  # fmt: skip
        Submission.objects.create(
            plan=plan, number=2, content_at=now - timedelta(weeks=6), submitted_by=by,
            decision=Decision.APPROVED, decided_by=reviewer, decided_at=now - timedelta(weeks=5),
        )  # fmt: skip
    elif demo.plan == ActionPlan.Status.SUBMITTED:  # the reviewer's case: with its PDF as sent
        sent = now - timedelta(days=2)
        document = documents.request(plan, by)
        waiting = Submission.objects.create(
            plan=plan, number=1, content_at=sent, submitted_by=by, document=document,
            note="Our first plan: we would welcome comments on the crisis goal.",
        )  # fmt: skip
        make_pdf_as_sent(waiting)
        date_pdf_as_sent(document.pk, sent, sent)


@transaction.atomic
def earlier_cycle(current: Workshop, reviewer) -> Workshop:
    """The demo county's previous cycle, with the same people and lower ratings."""
    workshop, created = Workshop.objects.get_or_create(
        county=current.county, cycle=DEMO_CYCLE - 1, title=current.title,
        defaults={"created_by": reviewer},
    )  # fmt: skip
    if not created:
        return workshop
    copy_roster(current, workshop, by=reviewer)
    move_to(workshop, EARLIER.stage)
    participants = workshop.memberships.filter(role=Membership.Role.PARTICIPANT).count()
    answer_survey(workshop, replace(EARLIER, people=participants, submitted=participants), 2025)
    a_year = timedelta(weeks=52)
    Workshop.objects.filter(pk=workshop.pk).update(created_at=current.created_at - a_year)
    Response.objects.filter(survey__workshop=workshop).update(
        submitted_at=F("submitted_at") - a_year, updated_at=F("submitted_at") - a_year
    )
    StageChange.objects.filter(workshop=workshop).update(
        changed_at=F("changed_at") - timedelta(weeks=40)
    )
    return workshop
