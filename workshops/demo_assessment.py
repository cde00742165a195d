"""The demo county's survey answers and data table: most participants done, a few not yet."""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from assessments.instruments import survey_for
from assessments.models import DONT_KNOW, Answer, DataRow, DataValue, Metric, Question, Response
from workshops.models import Membership, System, Workshop

# Where the demo county stands: lower means weaker (a mean on the 1-5 scale).
PRINCIPLE_MEANS = {
    "child-family": 3.4,
    "youth-guided": 2.1,
    "collaboration": 3.1,
    "strength-based": 3.6,
    "cultural": 2.6,
    "community-based": 3.3,
    "family-participation": 2.0,
    "shared-responsibility": 2.7,
}
DOMAIN_MEANS = {
    "planning": 2.9,
    "governance": 2.5,
    "system-management": 2.7,
    "service-array": 2.4,
    "communication": 2.2,
    "policy": 3.0,
    "financing": 1.9,
    "cqi": 2.6,
    "workforce": 1.8,
}
WEAK_SYSTEMS = {
    "crisis": 1.8,
    "substance-use": 2.0,
    "developmental-disabilities": 2.2,
    "medical": 3.6,
    "education": 3.4,
}
COMMENTS = {
    "strengths": [
        "Schools and mental health clinics refer to each other quickly.",
        "The family peer advocates are trusted by families.",
        "Probation works closely with the Single Point of Access team.",
        "Good relationships between agency leaders; people pick up the phone.",
        "The youth advisory council is growing.",
        "Public health's home visiting reaches new parents early.",
    ],
    "challenges": [
        "Waitlists for outpatient mental health are over two months.",
        "No mobile crisis team for youth after 5 pm or on weekends.",
        "Families don't know what services exist or how to reach them.",
        "Staff turnover: we lose clinicians to the city every year.",
        "Kids with developmental disabilities and mental health needs fall between systems.",
        "Transport to services is a barrier for rural families.",
    ],
    "next_steps": [
        "A shared resource directory that families can use.",
        "Start a youth mobile crisis pilot with the hospital.",
        "Bring a youth and a parent onto every planning committee.",
        "Joint training on trauma-informed practice across agencies.",
        "Agree on one referral form for all children's services.",
    ],
}  # fmt: skip
BANDS = ["served-0-5", "served-6-11", "served-12-17", "served-18-21"]
ROLES = ["leadership", "leadership", "frontline", "leadership", "family", "youth", "leadership"]
FIGURES = {
    # system slug: served total, bands (0-5, 6-11, 12-17, 18-21), referrals, waitlist, days,
    # out of county, vacancy %
    "mental-health": (640, (40, 210, 330, 60), 410, 85, 62, 14, 18.5),
    "child-welfare": (380, (120, 110, 120, 30), 290, 0, 9, 22, 12.0),
    "education": (1150, (60, 480, 560, 50), 300, 40, 21, 3, 6.5),
    "juvenile-justice": (95, (0, 5, 80, 10), 120, 0, 14, 9, 20.0),
    "public-health": (820, (610, 130, 80, 0), 540, 25, 12, 0, 9.0),
}


def scale_value(rng: random.Random, mean: float) -> int:
    if rng.random() < 0.08:
        return DONT_KNOW
    return max(1, min(5, round(rng.gauss(mean, 0.9))))


def assess(workshop: Workshop) -> None:
    survey = survey_for(workshop)
    if survey.responses.exists():
        return
    rng = random.Random(2026)  # noqa: S311 - the same demo every time, not a secret  # nosec B311
    participants = list(
        workshop.memberships.filter(role=Membership.Role.PARTICIPANT)
        .select_related("system")
        .order_by("pk")
    )
    questions = list(Question.objects.filter(section__instrument=survey.instrument))
    systems = list(System.objects.all())
    now = timezone.now()
    # All but the last two submitted; the second to last stopped at section 3; the last has not
    # opened the survey.
    for index, membership in enumerate(participants[:-1]):
        submitted = index < len(participants) - 2
        response = Response.objects.create(
            survey=survey,
            membership=membership,
            instrument=survey.instrument,
            last_section=5 if submitted else 3,
            submitted_at=now - timedelta(days=rng.randint(1, 9)) if submitted else None,
        )
        answers = []
        for question in questions:
            section = question.section.order
            if not submitted and section >= 3:
                continue
            new = answers_for(rng, response, question, membership, index, systems)
            answers.extend(new)
        Answer.objects.bulk_create(answers)

    metrics = {metric.key: metric for metric in Metric.objects.all()}
    for membership in participants:
        figures = FIGURES.get(membership.system.slug)
        if figures is None:
            continue
        total, bands, referrals, waitlist, days, out, vacancy = figures
        complete = membership.system.slug != "public-health"
        row = DataRow.objects.create(
            workshop=workshop,
            membership=membership,
            entered_by=membership.user,
            submitted_at=now - timedelta(days=3) if complete else None,
        )
        values = {
            "served-total": total,
            "new-referrals": referrals,
            "waitlist": waitlist,
            "days-to-service": days,
            "out-of-county": out,
            "vacancy-rate": vacancy,
        }
        values |= dict(zip(BANDS, bands, strict=True))
        DataValue.objects.bulk_create(
            DataValue(row=row, metric=metrics[key], value=Decimal(str(value)))
            for key, value in values.items()
        )


def answers_for(rng, response, question, membership, index, systems) -> list[Answer]:
    Purpose, Kind = Question.Purpose, Question.Kind
    one = Answer(response=response, question=question)
    if question.purpose == Purpose.RESPONDENT_SYSTEM:
        one.value_text = membership.system.slug
    elif question.purpose == Purpose.RESPONDENT_ROLE:
        one.value_text = ROLES[index % len(ROLES)]
    elif question.purpose == Purpose.PRINCIPLE:
        one.value_int = scale_value(rng, PRINCIPLE_MEANS[question.key])
    elif question.purpose == Purpose.DOMAIN:
        one.value_int = scale_value(rng, DOMAIN_MEANS[question.key])
    elif question.kind == Kind.SYSTEM_MATRIX:
        answers = []
        for system in systems:
            if rng.random() < 0.25:  # skipped: does not know this system well
                continue
            mean = WEAK_SYSTEMS.get(system.slug, 3.0)
            for option in question.options:
                answers.append(
                    Answer(response=response, question=question, system=system,
                           dimension=option["value"], value_int=scale_value(rng, mean))
                )  # fmt: skip
        return answers
    elif question.purpose in COMMENTS:
        one.value_text = rng.choice(COMMENTS[question.purpose])
    else:
        return []
    return [one]
