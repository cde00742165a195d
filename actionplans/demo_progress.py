"""The demo county's implementation: step leads in the workshop, progress updates over the past
months and readings of several measures, so that the progress page shows measures on track,
behind and at risk, and an overdue step (the funding application, due a week before the seed).

Runs after ``workshops.demo_plan.plan_demo``; dates are relative to the day of the seed. Safe
to run again: the leads are set again, the updates and readings are added only once.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from actionplans.models import ActionStep, Measure, MeasureReading, StepUpdate
from workshops.models import Membership, Workshop

Status = ActionStep.Status

# Step (its title's start) → its updates: (weeks ago, status, what happened). The last one is
# the step's status in the demo plan.
UPDATES = {
    "Count after-hours youth crisis calls": [
        (12, Status.IN_PROGRESS, "Asked the hotline and the emergency department for a year of "
                                 "calls and visits."),
        (6, Status.DONE, "412 calls after 5 pm or on weekends; 96 ended in an ER visit."),
    ],
    "Agree the on-call rota": [
        (3, Status.IN_PROGRESS, "First meeting with psychiatry: they want a shared rota with the "
                                "crisis team, costed by March."),
    ],
    "Apply for state crisis services funding": [
        (6, Status.IN_PROGRESS, "Application drafted with Crisis Services."),
        (2, Status.IN_PROGRESS, "Still waiting for the hospital's letter of support."),
    ],
    "Write one release of information": [
        (8, Status.IN_PROGRESS, "Draft shared with the three legal teams."),
        (2, Status.DONE, "Signed by the ER, the crisis team and the clinic."),
    ],
    "Ask school counselors and probation": [
        (3, Status.DONE, "About 45 teens a year need treatment; most are 15 to 17."),
    ],
    "Find a licensed provider": [
        (2, Status.IN_PROGRESS, "Two providers are interested; site visits next month."),
    ],
    "Write the referral path": [
        (1, Status.IN_PROGRESS, "The coalition and two middle schools agreed the first draft."),
    ],
    "Ask the legislature for a sign-on bonus": [
        (8, Status.DONE, "Approved: 5,000 dollars over two years."),
    ],
    "Recruit two children's clinicians": [
        (4, Status.IN_PROGRESS, "Both positions posted; two applicants so far."),
        (1, Status.IN_PROGRESS, "One offer accepted: she starts next month."),
    ],
    "Restore the referral agreement": [
        (2, Status.IN_PROGRESS, "Probation and the clinic meet on the 15th to sign it again."),
    ],
    "Family peer advocates call each family": [
        (1, Status.IN_PROGRESS, "31 families called before their first appointment."),
    ],
}  # fmt: skip


@dataclass(frozen=True)
class Readings:
    by: str  # the first name of who took them
    values: tuple[tuple[int, str | None, str], ...]  # (weeks ago, value, note)


# Measure (its title's start) → its readings. With the plan's start 16 weeks before the seed:
# the days of wait fall faster than planned (on track), the schools trained lag a little
# (behind), the ER follow-ups went down (at risk); the missed appointments are on track.
READINGS = {
    "Days from referral to a first appointment": Readings("Maria", (
        (12, "62", "From the clinic's waitlist report."),
        (8, "58", ""),
        (4, "52", "The first new clinician took referrals."),
        (1, "47", ""),
    )),
    "Schools with a trained screener": Readings("Aisha", (
        (6, "2", ""),
        (1, "3", "One more middle school trained; the others wait for the spring."),
    )),
    "Youth seen by the clinic within 7 days": Readings("Maria", (
        (10, "20", ""),
        (2, "18", "Intake slots are blocked until the vacancies are filled."),
    )),
    "First appointments missed": Readings("Linda", (
        (8, "30", ""),
        (2, "26", "Peer advocates' calls before first appointments help."),
    )),
    "Referring agencies hear back within a week": Readings("Maria", (
        (3, None, "SPOA now answers every referral within five working days."),
    )),
    "Parents describe the hand-off from the ER": Readings("Linda", (
        (20, None, "Two families interviewed: both describe three separate systems."),
    )),
}  # fmt: skip


def progress_demo(workshop: Workshop) -> None:
    """Leads, updates and readings for the demo workshop's latest plan."""
    plan = workshop.plans.order_by("-number").first()
    if plan is None:
        return
    steps = list(ActionStep.objects.filter(objective__goal__plan=plan))
    members = {
        member.display_name: member for member in workshop.memberships.select_related("user")
    }
    for step in steps:
        member = members.get(step.lead)
        if member is not None and step.lead_member_id != member.pk:
            ActionStep.objects.filter(pk=step.pk).update(lead_member=member)
    if not StepUpdate.objects.filter(step__in=steps).exists():
        add_updates(steps, members)
    measures = list(Measure.objects.filter(objective__goal__plan=plan))
    if not MeasureReading.objects.filter(measure__in=measures).exists():
        add_readings(measures, {m.user.first_name: m for m in members.values()})


def starting(items: list, start: str):
    return next(item for item in items if item.title.startswith(start))


def add_updates(steps: list[ActionStep], members: dict[str, Membership]) -> None:
    today = timezone.localdate()
    for start, updates in UPDATES.items():
        step = starting(steps, start)
        author = members[step.lead].user
        StepUpdate.objects.bulk_create(
            StepUpdate(
                step=step, status=status, on=today - timedelta(weeks=weeks), note=note,
                author=author,
            )
            for weeks, status, note in updates
        )  # fmt: skip


def add_readings(measures: list[Measure], people: dict[str, Membership]) -> None:
    today = timezone.localdate()
    for start, readings in READINGS.items():
        measure = starting(measures, start)
        MeasureReading.objects.bulk_create(
            MeasureReading(
                measure=measure,
                on=today - timedelta(weeks=weeks),
                value=None if value is None else Decimal(value),
                note=note,
                author=people[readings.by].user,
            )
            for weeks, value, note in readings.values
        )
