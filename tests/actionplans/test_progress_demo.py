"""The demo county's implementation: leads, updates and readings (``progress_demo``)."""

from collections import Counter
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from actionplans import progress
from actionplans.demo_progress import progress_demo
from actionplans.models import ActionStep, MeasureReading, StepUpdate
from actionplans.progress import Standing
from workshops.management.commands.seed_demo import DEMO_COUNTY, DEMO_CYCLE
from workshops.models import Membership, Workshop


def seeded() -> Workshop:
    """The demo county's workshop, after seed_demo (which makes other counties too)."""
    call_command("seed_demo", stdout=StringIO())
    return Workshop.objects.get(county__name=DEMO_COUNTY, cycle=DEMO_CYCLE)


def test_it_shows_every_standing_an_overdue_step_and_participants_as_leads(db):
    workshop = seeded()
    progress_demo(workshop)
    plan = workshop.plans.order_by("-number").first()
    steps = ActionStep.objects.filter(objective__goal__plan=plan)
    led = steps.filter(lead_member__isnull=False).select_related("lead_member__user")
    assert led.count() >= 15
    assert all(step.lead == step.lead_member.display_name for step in led)
    maria = led.filter(lead_member__user__first_name="Maria")
    assert maria.exists()
    assert maria[0].lead_member.role == Membership.Role.PARTICIPANT
    overdue = [step for step in steps if step.is_overdue]
    assert [step.title for step in overdue] == [
        "Apply for state crisis services funding for the pilot"
    ]
    assert overdue[0].lead_member is not None
    # Each step's latest update says what the plan says.
    for step in steps.prefetch_related(progress.latest_update_prefetch()):
        if step.latest_updates:
            assert step.latest_updates[0].status == step.status, step.title
    today = timezone.localdate()
    rows = progress.measure_rows(plan, progress.start_of(plan), today)
    standings = Counter(row.status.standing for row in rows)
    assert standings[Standing.ON_TRACK] >= 2
    assert standings[Standing.BEHIND] >= 1
    assert standings[Standing.AT_RISK] >= 1
    assert standings[Standing.NO_READINGS] >= 1
    assert all(r.on <= today for r in MeasureReading.objects.all())


def test_it_can_run_twice(db):
    workshop = seeded()
    progress_demo(workshop)
    counts = (StepUpdate.objects.count(), MeasureReading.objects.count())
    leads = set(ActionStep.objects.values_list("pk", "lead_member_id"))
    progress_demo(workshop)
    assert (StepUpdate.objects.count(), MeasureReading.objects.count()) == counts
    assert set(ActionStep.objects.values_list("pk", "lead_member_id")) == leads
    assert counts[0] > 10 and counts[1] > 10
