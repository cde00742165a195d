"""Load the demo county: a state team, a facilitator, a committee member and participants,
their survey answers and data table, the county's system of care map, and its gaps, dot vote,
priority areas and first draft of the action plan."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from actionplans.demo_personal import personal_demo
from actionplans.demo_progress import progress_demo
from actionplans.demo_review import review_demo
from assessments import maps
from assessments.apps import STATE_TEAM_GROUP, ensure_state_team_group
from workshops.demo_assessment import assess
from workshops.demo_map import draw_map
from workshops.demo_plan import plan_demo
from workshops.demo_plan import summary as plan_summary
from workshops.demo_state import state_demo
from workshops.formats import apply_plan, plan_sessions
from workshops.links import magic_link_url
from workshops.models import (
    County,
    Debrief,
    Meeting,
    Membership,
    StageChange,
    StateReviewer,
    System,
    Workshop,
)

DEMO_PASSWORD = "soc-demo-2026"  # noqa: S105 - printed for the demo, refused in production  # nosec B105
DEMO_COUNTY = "Tompkins"
DEMO_CYCLE = 2026

STAFF = [
    # username, first, last, email, role (None: state reviewer), agency
    ("reviewer", "Renee", "Walker", "reviewer@example.org", None, "NYS SOC Team"),
    ("facilitator", "Frank", "Ortiz", "facilitator@example.org", Membership.Role.FACILITATOR,
     "NYS SOC Team"),
    ("committee", "Carla", "Nguyen", "committee@example.org", Membership.Role.COMMITTEE,
     "Tompkins County Mental Health"),
]  # fmt: skip

PARTICIPANTS = [
    # first, last, system slug, agency, job title
    ("Maria", "Lopez", "mental-health", "Tompkins County Mental Health Services", "Director"),
    ("James", "Carter", "child-welfare", "Department of Social Services", "Deputy Commissioner"),
    ("Aisha", "Khan", "education", "Ithaca City School District", "Director of Student Services"),
    ("Tom", "Becker", "juvenile-justice", "County Probation", "Supervisor"),
    ("Linda", "Park", "caregivers", "Families Together in NYS", "Family Peer Advocate"),
    ("Devon", "Reyes", "youth", "Youth Advisory Council", "Youth Advocate"),
    ("Sara", "Goldberg", "public-health", "Tompkins County Whole Health", "Program Manager"),
    ("Paul", "Mensah", "crisis", "Crisis Services of Tompkins", "Program Director"),
]  # fmt: skip


class Command(BaseCommand):
    help = "Create (or refresh) the demo county's workshop and print how to sign in as each role."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even with DJANGO_ENV=production."
        )

    @transaction.atomic
    def handle(self, *args, force: bool = False, **options):
        if settings.PRODUCTION and not force:
            raise CommandError(
                "seed_demo creates accounts with a known password: not in production."
            )
        county = County.objects.select_related("state").get(state__code="NY", name=DEMO_COUNTY)
        workshop, _ = Workshop.objects.get_or_create(
            county=county,
            cycle=DEMO_CYCLE,
            title=f"{DEMO_COUNTY} County SOC Action Planning Workshop",
        )
        User = get_user_model()
        staff_lines = []
        for username, first, last, email, role, agency in STAFF:
            user, _ = User.objects.update_or_create(
                username=username, defaults={"first_name": first, "last_name": last, "email": email}
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            if role is None:
                StateReviewer.objects.get_or_create(user=user, state=county.state)
                # The state team edits the survey instrument and data-table rows in the admin.
                user.is_staff = True
                user.save()
                ensure_state_team_group(sender=None)  # made after migrate; the demo needs it now
                user.groups.add(Group.objects.get(name=STATE_TEAM_GROUP))
                label = f"State reviewer ({county.state.code})"
            else:
                Membership.objects.update_or_create(
                    workshop=workshop, user=user, defaults={"role": role, "agency": agency}
                )
                label = role.label
            staff_lines.append(f"  {label:<24} username {username:<12} password {DEMO_PASSWORD}")

        systems = {system.slug: system for system in System.objects.all()}
        participant_lines = []
        for first, last, slug, agency, title in PARTICIPANTS:
            email = f"{first}.{last}@example.org".lower()
            user, _ = User.objects.update_or_create(
                username=email, defaults={"first_name": first, "last_name": last, "email": email}
            )
            user.set_unusable_password()
            user.save()
            membership, _ = Membership.objects.update_or_create(
                workshop=workshop,
                user=user,
                defaults={
                    "role": Membership.Role.PARTICIPANT,
                    "system": systems[slug],
                    "agency": agency,
                    "title": title,
                    "invited_at": timezone.now() - timedelta(weeks=2),
                    "last_link_sent_at": timezone.now() - timedelta(weeks=2),
                },
            )
            participant_lines.append(
                f"  {first} {last} ({systems[slug].name})\n    {magic_link_url(membership)}"
            )

        self.prepare(workshop)
        assess(workshop)
        draw_map(workshop)
        plan_demo(workshop)
        review_demo(workshop, User.objects.get(username="reviewer"))
        progress_demo(workshop)
        personal_demo(workshop)
        state_demo(county.state.code)

        workshop.refresh_from_db(fields=["stage"])  # the review and progress demos moved it on
        out = self.stdout.write
        out(self.style.SUCCESS(f"Demo workshop: {workshop} — {settings.SITE_URL}/"))
        out("Staff sign in at /login/ with:")
        out("\n".join(staff_lines))
        out(f"The workshop is at the {workshop.get_stage_display()} stage; its sessions were held.")
        out(
            "Participants have no password; each opens their magic link "
            f"(works once, expires in {settings.SESAME_MAX_AGE.days} days; "
            "run seed_demo again for fresh ones):"
        )
        out("\n".join(participant_lines))
        data = maps.load_map(workshop)
        out(
            f"The map has {len(data.nodes)} nodes and {len(data.links)} links; "
            f"suggestions from participants waiting for review: {maps.pending_count(workshop)}."
        )
        out(plan_summary(workshop))
        out(self.later_stages(workshop))

    def later_stages(self, workshop: Workshop) -> str:
        """Review, progress, personal plans and the other counties, in words."""
        from actionplans.models import MeasureReading, PersonalPlan, StepUpdate, Submission

        plan = workshop.plans.order_by("-number").first()
        sent = Submission.objects.filter(plan=plan).count()
        updates = StepUpdate.objects.filter(step__objective__goal__plan=plan).count()
        readings = MeasureReading.objects.filter(measure__objective__goal__plan=plan).count()
        personal = PersonalPlan.objects.filter(membership__workshop=workshop).count()
        others = (
            Workshop.objects.filter(county__state=workshop.county.state)
            .exclude(pk=workshop.pk)
            .select_related("county")
            .order_by("county__name", "cycle")
        )
        return (
            f"Plan v{plan.number}: {plan.get_status_display().lower()} by the state team after "
            f"{sent} submissions; progress updates: {updates}, measure readings: {readings}, "
            f"personal action plans: {personal}.\n"
            f"Other workshops of {workshop.county.state.name} for the state dashboard: "
            + ", ".join(f"{w.county.name} {w.cycle} ({w.get_stage_display()})" for w in others)
            + "."
        )

    def prepare(self, workshop: Workshop) -> None:
        """Meetings, a hybrid series held (the first one debriefed), the stage."""
        if workshop.meetings.exists():
            return
        User = get_user_model()
        reviewer = User.objects.get(username="reviewer")
        facilitator = User.objects.get(username="facilitator")
        committee = User.objects.get(username="committee")
        today = timezone.localdate()
        at_ten = timezone.make_aware(datetime.combine(today, time(10)))
        Topic = Meeting.Topic
        meetings = [
            (at_ten - timedelta(weeks=8), [Topic.PLANNING_PROCESS, Topic.GOALS],
             "Walked through the planning process and what the county wants from the workshop.",
             "Goal: a shared map of services for children and youth, and a first action plan."),
            (at_ten - timedelta(weeks=6), [Topic.PARTICIPANTS, Topic.TIMEFRAME],
             "Reviewed the invitation list: no medical, substance use or developmental "
             "disabilities lead yet. Chose the hybrid format.",
             "Invite the pediatric practice and the substance use coalition. Hybrid series."),
            (at_ten + timedelta(weeks=1), [], "", ""),
        ]  # fmt: skip
        for when, topics, notes, decisions in meetings:
            meeting = Meeting.objects.create(
                workshop=workshop,
                scheduled_at=when,
                place="https://zoom.example.org/j/5550100",
                topics_reviewed=[str(topic) for topic in topics],
                notes=notes,
                decisions=decisions,
            )
            if notes:
                meeting.attendees.set([reviewer, facilitator, committee])

        # The series is over: the plan it made has been reviewed and is being carried out.
        first_day = today - timedelta(weeks=5)
        sessions = apply_plan(
            workshop,
            Workshop.Format.HYBRID,
            plan_sessions(Workshop.Format.HYBRID, first_day),
            meeting_link="https://zoom.example.org/j/5550123",
            location="Tompkins County Public Library, Borg Warner Room, 101 E Green St, Ithaca",
        )
        for session in sessions:
            session.live_started_at = session.starts_at
            session.live_ended_at = session.ends_at
            session.save()
        held = sessions[0]
        Debrief.objects.create(
            session=held,
            working_well="The youth and family voices spoke up early; people shared openly.",
            worried_about="Medical and substance use were not represented; few surveys are done.",
            next_steps="Personal calls to the pediatric practice and the substance use coalition.",
            adjustments="Open session 2 with survey results by system; leave more time to map.",
            recorded_by=facilitator,
        )
        for from_stage, to_stage in [(Workshop.Stage.PREPARE, Workshop.Stage.ASSESS)]:
            change = StageChange.objects.create(
                workshop=workshop, from_stage=from_stage, to_stage=to_stage,
                changed_by=facilitator, note="Format chosen, sessions scheduled, roster invited.",
            )  # fmt: skip
            # After the second planning meeting, before the review's back-dated steps.
            StageChange.objects.filter(pk=change.pk).update(changed_at=at_ten - timedelta(weeks=6))
            workshop.stage = to_stage
        workshop.save()
