"""The workshop formats a county can choose and the sessions each one generates."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from workshops.models import Activity, Workshop, WorkshopSession

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
