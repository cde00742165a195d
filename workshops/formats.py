"""The workshop formats a county can choose and the sessions each one generates."""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from workshops.models import Activity, AgendaItem, Workshop, WorkshopSession

Mode = WorkshopSession.Mode


@dataclass(frozen=True)
class AgendaPlan:
    activity: Activity
    minutes: int
    title: str = ""

    @property
    def label(self) -> str:
        return self.title or Activity(self.activity).label


@dataclass(frozen=True)
class SessionPlan:
    number: int
    mode: WorkshopSession.Mode
    starts_at: datetime
    duration_minutes: int
    agenda: tuple[AgendaPlan, ...] = field(default=())

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)


A = AgendaPlan
# Agendas follow the workshop's arc: framework and principles → assessment results and mapping
# → gaps and priorities → action plan → next steps.
AGENDAS: dict[str, list[tuple[Mode, int, tuple[AgendaPlan, ...]]]] = {
    Workshop.Format.VIRTUAL: [
        (Mode.ONLINE, 120, (A(Activity.WELCOME, 15), A(Activity.FRAMEWORK, 60),
                            A(Activity.ASSESSMENT, 35), A(Activity.NEXT_STEPS, 10))),
        (Mode.ONLINE, 120, (A(Activity.ASSESSMENT, 40), A(Activity.MAPPING, 70),
                            A(Activity.NEXT_STEPS, 10))),
        (Mode.ONLINE, 120, (A(Activity.MAPPING, 50), A(Activity.GAPS, 60),
                            A(Activity.NEXT_STEPS, 10))),
        (Mode.ONLINE, 120, (A(Activity.GAPS, 30), A(Activity.VOTING, 40),
                            A(Activity.ACTION_PLAN, 40), A(Activity.NEXT_STEPS, 10))),
        (Mode.ONLINE, 120, (A(Activity.ACTION_PLAN, 95), A(Activity.NEXT_STEPS, 25))),
    ],
    Workshop.Format.HYBRID: [
        (Mode.ONLINE, 120, (A(Activity.WELCOME, 15), A(Activity.FRAMEWORK, 60),
                            A(Activity.ASSESSMENT, 35), A(Activity.NEXT_STEPS, 10))),
        (Mode.ONLINE, 120, (A(Activity.ASSESSMENT, 30), A(Activity.MAPPING, 80),
                            A(Activity.NEXT_STEPS, 10))),
        (Mode.ONLINE, 120, (A(Activity.MAPPING, 30), A(Activity.GAPS, 50),
                            A(Activity.VOTING, 30), A(Activity.NEXT_STEPS, 10))),
        (Mode.IN_PERSON, 210, (A(Activity.WELCOME, 15), A(Activity.ACTION_PLAN, 90),
                               A(Activity.BREAK, 15), A(Activity.ACTION_PLAN, 60),
                               A(Activity.NEXT_STEPS, 30))),
    ],
    Workshop.Format.IN_PERSON: [
        (Mode.IN_PERSON, 450, (A(Activity.WELCOME, 20), A(Activity.FRAMEWORK, 45),
                               A(Activity.ASSESSMENT, 40), A(Activity.MAPPING, 75),
                               A(Activity.BREAK, 45, "Lunch"), A(Activity.GAPS, 45),
                               A(Activity.VOTING, 30), A(Activity.BREAK, 15),
                               A(Activity.ACTION_PLAN, 105), A(Activity.NEXT_STEPS, 30))),
    ],
}  # fmt: skip

DEFAULT_START_TIME = {Mode.ONLINE: time(10, 0), Mode.IN_PERSON: time(9, 0)}


def plan_sessions(
    workshop_format: str, first_day: date, start_time: time | None = None
) -> list[SessionPlan]:
    """The sessions of a format: weekly from ``first_day``, at ``start_time`` local time."""
    plans = []
    for index, (mode, minutes, agenda) in enumerate(AGENDAS[workshop_format]):
        day = first_day + timedelta(weeks=index)
        at = start_time or DEFAULT_START_TIME[mode]
        starts_at = timezone.make_aware(datetime.combine(day, at))
        plans.append(SessionPlan(index + 1, mode, starts_at, minutes, agenda))
    return plans


def has_mode(workshop_format: str, mode: WorkshopSession.Mode) -> bool:
    return any(session_mode == mode for session_mode, _, _ in AGENDAS[workshop_format])


class HeldSessionsError(Exception):
    """A format change would remove sessions that have already happened."""


@dataclass(frozen=True)
class PlanChange:
    """How one session number fares when a plan replaces the existing sessions."""

    class Kind(StrEnum):
        ADDED = "added"
        REMOVED = "removed"
        CHANGED = "changed"
        UNCHANGED = "unchanged"

    number: int
    before: WorkshopSession | None
    after: SessionPlan | None
    what: tuple[str, ...] = ()

    @property
    def kind(self) -> "PlanChange.Kind":
        if self.before is None:
            return self.Kind.ADDED
        if self.after is None:
            return self.Kind.REMOVED
        return self.Kind.CHANGED if self.what else self.Kind.UNCHANGED


def diff_plans(
    existing: list[WorkshopSession],
    plans: list[SessionPlan],
    meeting_link: str = "",
    location: str = "",
) -> list[PlanChange]:
    """Session by session (matched by number), what confirming ``plans`` would change."""
    before = {session.number: session for session in existing}
    after = {plan.number: plan for plan in plans}
    changes = []
    for number in sorted(before.keys() | after.keys()):
        old, new = before.get(number), after.get(number)
        what: list[str] = []
        if old is not None and new is not None:
            link, place = place_of(new.mode, meeting_link, location)
            if old.starts_at != new.starts_at:
                what.append("date and time")
            if old.duration_minutes != new.duration_minutes:
                what.append("duration")
            if old.mode != new.mode:
                what.append("mode")
            if old.meeting_link != link:
                what.append("meeting link")
            if old.location != place:
                what.append("location")
        changes.append(PlanChange(number, old, new, tuple(what)))
    return changes


def sessions_fingerprint(sessions: list[WorkshopSession]) -> str:
    """Identifies the sessions a confirmation page was shown, to detect changes since."""
    parts = [
        f"{s.number}|{s.starts_at.isoformat()}|{s.duration_minutes}|{s.mode}|"
        f"{s.meeting_link}|{s.location}"
        for s in sessions
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:20]


def place_of(mode: str, meeting_link: str, location: str) -> tuple[str, str]:
    """Online sessions carry the link, in-person ones the location."""
    if mode == Mode.ONLINE:
        return meeting_link, ""
    return "", location


@transaction.atomic
def apply_plan(
    workshop: Workshop,
    workshop_format: str,
    plans: list[SessionPlan],
    meeting_link: str = "",
    location: str = "",
) -> list[WorkshopSession]:
    """Replace the workshop's sessions (and their agendas) with ``plans``; set its format.

    Refuses with ``HeldSessionsError`` when a session has already happened: held sessions are
    the workshop's history and may not silently vanish.
    """
    Workshop.objects.select_for_update().filter(pk=workshop.pk).first()  # one change at a time
    existing = list(workshop.sessions.all())
    held = [session.number for session in existing if session.has_happened]
    if held:
        raise HeldSessionsError(held)
    workshop.sessions.all().delete()
    sessions = bulk_create_with_history(
        [
            WorkshopSession(
                workshop=workshop,
                number=plan.number,
                mode=plan.mode,
                starts_at=plan.starts_at,
                duration_minutes=plan.duration_minutes,
                meeting_link=place_of(plan.mode, meeting_link, location)[0],
                location=place_of(plan.mode, meeting_link, location)[1],
            )
            for plan in plans
        ],
        WorkshopSession,
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(
            session=session,
            order=order,
            activity=item.activity,
            title=item.label,
            minutes=item.minutes,
        )
        for session, plan in zip(sessions, plans, strict=True)
        for order, item in enumerate(plan.agenda, start=1)
    )
    workshop.format = workshop_format
    workshop.save(update_fields=["format"])
    return sessions
