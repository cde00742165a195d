"""The load test's world: workshops in a live session, each with its participants signed in.

``build`` makes ``workshops`` workshops of New York counties, each with ``participants``
participants, an open survey, six gaps on an open dot vote, and a session that is live on the
voting item; it signs every participant in (a Django session with the workshop's link remembered
and a CSRF secret), as their magic link would, and returns what the simulated phones need.
"""

from datetime import timedelta

from harness import sign_in

WORKSHOP_TITLE = "Load test workshop"
GAPS = [
    "Crisis services for youth after hours",
    "Waitlists for outpatient mental health",
    "No shared referral form between schools and clinics",
    "Families are not at the table",
    "Transportation to services in rural areas",
    "Substance use services for teenagers",
]
BUDGET = 3
TEXT_QUESTIONS = 3  # short-text answers each phone may write, besides the ratings


def build(workshops: int, participants: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from actionplans.models import Gap
    from actionplans.voting import open_voting
    from assessments.instruments import survey_for
    from assessments.models import Question
    from workshops import runner
    from workshops.formats import apply_plan, plan_sessions
    from workshops.models import Activity, County, Membership, System, Workshop

    User = get_user_model()
    systems = list(System.objects.order_by("order", "name"))
    counties = list(County.objects.filter(state__code="NY").order_by("name")[:workshops])
    if len(counties) < workshops:
        raise SystemExit(f"Only {len(counties)} New York counties for {workshops} workshops.")
    people = []
    today = timezone.localdate()
    for county in counties:
        workshop = Workshop.objects.create(
            county=county, title=WORKSHOP_TITLE, cycle=today.year, stage=Workshop.Stage.PRIORITIZE
        )
        sessions = apply_plan(
            workshop,
            Workshop.Format.VIRTUAL,
            plan_sessions(Workshop.Format.VIRTUAL, today - timedelta(days=1)),
            meeting_link="https://zoom.example.org/j/5550100",
            location="",
        )
        session = sessions[0]
        runner.move(session, "start")
        voting_item = session.agenda.filter(activity=Activity.VOTING).first()
        if voting_item is None:
            voting_item = session.agenda.create(activity=Activity.VOTING, order=99, minutes=30)
        runner.move(session, "goto", str(voting_item.pk))
        gaps = [Gap.objects.create(workshop=workshop, title=title) for title in GAPS]
        open_voting(workshop, BUDGET)
        survey = survey_for(workshop)
        fields = answer_fields(Question, survey.instrument_id, systems)

        slug = county.name.lower().replace(" ", "-").replace(".", "")
        users = [
            User(
                username=f"load-{slug}-{n}@example.org",
                email=f"load-{slug}-{n}@example.org",
                first_name="Load",
                last_name=f"{county.name} {n}",
            )
            for n in range(1, participants + 1)
        ]
        for user in users:
            user.set_unusable_password()  # participants sign in by link only
        User.objects.bulk_create(users)
        Membership.objects.bulk_create(
            Membership(
                workshop=workshop,
                user=user,
                role=Membership.Role.PARTICIPANT,
                system=systems[n % len(systems)],
                agency=f"{county.name} agency {n}",
                accepted_at=timezone.now(),
            )
            for n, user in enumerate(users)
        )
        for user in users:
            people.append(
                {
                    "user": user.pk,
                    "workshop": str(workshop.code),
                    **sign_in(user, workshop),
                    "fields": fields,
                    "gaps": [gap.pk for gap in gaps],
                    "budget": BUDGET,
                }
            )
    return {"people": people}


def answer_fields(Question, instrument_id: int, systems) -> list[dict]:
    """The inputs a phone may send: each 1-to-5 rating and a few short texts."""
    fields = []
    questions = Question.objects.filter(section__instrument_id=instrument_id).order_by(
        "section__order", "order", "id"
    )
    texts = 0
    for question in questions:
        if question.kind == Question.Kind.SCALE:
            fields.append({"name": f"q{question.pk}", "kind": "scale"})
        elif question.kind == Question.Kind.SYSTEM_MATRIX:
            for dimension in question.options:
                value = dimension["value"] if isinstance(dimension, dict) else dimension
                fields.extend(
                    {"name": f"q{question.pk}-{system.pk}-{value}", "kind": "scale"}
                    for system in systems
                )
        elif question.kind == Question.Kind.SHORT_TEXT and texts < TEXT_QUESTIONS:
            fields.append({"name": f"q{question.pk}", "kind": "text"})
            texts += 1
    return fields
