"""The workshop lifecycle: what each stage needs before it opens, and where a workshop stands.

Moving forward goes one stage at a time and runs the checks registered for the stage being
opened; moving back (to redo a stage) is always allowed. Later features register their own
checks, e.g. "no priority areas yet" for the plan stage::

    @register_check(Workshop.Stage.PLAN)
    def has_priorities(workshop: Workshop) -> str | None:
        ...
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from assessments.models import Response
from workshops.models import Meeting, Membership, StageChange, System, Workshop, WorkshopSession

Stage = Workshop.Stage
STAGES: list[Stage] = list(Stage)
Check = Callable[[Workshop], str | None]

CHECKS: dict[Stage, list[Check]] = {stage: [] for stage in Stage}


def register_check(stage: Stage) -> Callable[[Check], Check]:
    """Adds a check that must pass (return None) before the workshop may enter ``stage``."""

    def decorator(check: Check) -> Check:
        CHECKS[Stage(stage)].append(check)
        return check

    return decorator


def problems_entering(workshop: Workshop, stage: Stage) -> list[str]:
    return [problem for check in CHECKS[Stage(stage)] if (problem := check(workshop))]


def next_stage(stage: str) -> Stage | None:
    index = STAGES.index(Stage(stage))
    return STAGES[index + 1] if index + 1 < len(STAGES) else None


def earlier_stages(stage: str) -> list[Stage]:
    return STAGES[: STAGES.index(Stage(stage))]


def sessions_held(workshop: Workshop) -> Q:
    return Q(workshop=workshop) & (
        Q(live_started_at__isnull=False) | Q(starts_at__lte=timezone.now())
    )


@register_check(Stage.ASSESS)
def format_chosen(workshop: Workshop) -> str | None:
    if not workshop.format:
        return "Choose the workshop format (virtual, hybrid or in person)."
    return None


@register_check(Stage.ASSESS)
def sessions_generated(workshop: Workshop) -> str | None:
    if workshop.format and not workshop.sessions.exists():
        return "Generate the sessions of the chosen format."
    return None


@register_check(Stage.ASSESS)
def has_participants(workshop: Workshop) -> str | None:
    if not workshop.memberships.filter(role=Membership.Role.PARTICIPANT).exists():
        return "Add at least one participant to the roster."
    return None


@register_check(Stage.PRIORITIZE)
def session_held(workshop: Workshop) -> str | None:
    if not WorkshopSession.objects.filter(sessions_held(workshop)).exists():
        return "Hold at least one workshop session."
    return None


class StageMoveError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def move(workshop: Workshop, to: str, user, note: str = "") -> StageChange:
    """Moves the workshop to ``to`` and records who did it, or raises StageMoveError.

    The workshop row is locked so that two people pressing "Move" at once make one move.
    """
    target = Stage(to)
    locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
    current = Stage(locked.stage)
    if target == current:
        raise StageMoveError([f"The workshop is already at the {target.label} stage."])
    if STAGES.index(target) > STAGES.index(current):
        following = next_stage(current)
        if target != following:
            raise StageMoveError(
                [f"Move one stage at a time: the next stage is {following.label}."]
            )
        problems = problems_entering(locked, target)
        if problems:
            raise StageMoveError(problems)
    locked.stage = target
    locked.save(update_fields=["stage"])
    workshop.stage = target
    return StageChange.objects.create(
        workshop=locked, from_stage=current, to_stage=target, changed_by=user, note=note
    )


class StageState(models.TextChoices):
    DONE = "done", "done"
    CURRENT = "current", "current stage"
    NEXT = "next", "next"
    LATER = "later", "later"


@dataclass(frozen=True)
class StageInfo:
    stage: Stage
    state: StageState
    done_items: list[str] = field(default_factory=list)
    todo_items: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.stage.label


@dataclass
class WorkshopFacts:
    """What the dashboard and the stage tracker count, loaded in a fixed number of queries."""

    roles: dict[str, int]
    invited: int
    meetings: list[Meeting]
    sessions: list[WorkshopSession]
    systems_missing: int
    surveys: dict[str, int] = field(default_factory=dict)  # started, submitted
    data_rows_complete: int = 0
    now: datetime = field(default_factory=timezone.now)

    @classmethod
    def load(cls, workshop: Workshop) -> "WorkshopFacts":
        role = Membership.Role
        counts = workshop.memberships.aggregate(
            **{r.value: Count("id", filter=Q(role=r)) for r in role},
            invited=Count("id", filter=Q(role=role.PARTICIPANT, invited_at__isnull=False)),
        )
        invited = counts.pop("invited")
        represented = Count(
            "memberships",
            filter=Q(memberships__workshop=workshop, memberships__role=role.PARTICIPANT),
        )
        return cls(
            roles=counts,
            invited=invited,
            meetings=list(
                workshop.meetings.only("workshop_id", "scheduled_at", "place", "topics_reviewed")
            ),
            sessions=list(workshop.sessions.order_by("number")),
            systems_missing=System.objects.annotate(n=represented).filter(n=0).count(),
            surveys=Response.objects.filter(survey__workshop=workshop).aggregate(
                started=Count("id"), submitted=Count("id", filter=Q(submitted_at__isnull=False))
            ),
            data_rows_complete=workshop.data_rows.filter(submitted_at__isnull=False).count(),
        )

    @property
    def participants(self) -> int:
        return self.roles[Membership.Role.PARTICIPANT]

    @property
    def meetings_held(self) -> int:
        return sum(1 for meeting in self.meetings if meeting.scheduled_at <= self.now)

    @property
    def next_meeting(self) -> Meeting | None:
        return next((m for m in self.meetings if m.scheduled_at > self.now), None)

    @property
    def topics_not_reviewed(self) -> list[Meeting.Topic]:
        return topics_not_reviewed(self.meetings)

    @property
    def held_sessions(self) -> int:
        return sum(1 for session in self.sessions if session.has_happened)

    @property
    def next_session(self) -> WorkshopSession | None:
        return next((s for s in self.sessions if s.ends_at > self.now), None)


def topics_not_reviewed(meetings: list[Meeting]) -> list[Meeting.Topic]:
    reviewed = {value for meeting in meetings for value in meeting.topics_reviewed}
    return [topic for topic in Meeting.Topic if topic.value not in reviewed]


def _prepare_items(workshop: Workshop, facts: WorkshopFacts) -> tuple[list[str], list[str]]:
    done, todo = [], []
    held = facts.meetings_held
    if held:
        done.append(
            ngettext(
                "%(count)s planning-committee meeting held",
                "%(count)s planning-committee meetings held",
                held,
            )
            % {"count": held}
        )
    else:
        todo.append(gettext("Hold a first planning-committee meeting"))
    missing = facts.topics_not_reviewed
    reviewed = len(Meeting.Topic) - len(missing)
    if reviewed:
        done.append(
            gettext("%(reviewed)s of %(count)s meeting topics reviewed")
            % {"reviewed": reviewed, "count": len(Meeting.Topic)}
        )
    if missing:
        todo.append(
            gettext("Review with the committee: %(topics)s")
            % {"topics": ", ".join(str(t.label) for t in missing)}
        )
    if workshop.format:
        chosen = workshop.get_format_display()
        done.append(gettext("Format chosen: %(format)s") % {"format": chosen})
    if facts.sessions:
        count = len(facts.sessions)
        done.append(
            ngettext("%(count)s session scheduled", "%(count)s sessions scheduled", count)
            % {"count": count}
        )
    if facts.invited:
        done.append(
            gettext("%(invited)s of %(most)s participants invited")
            % {"invited": facts.invited, "most": workshop.max_participants}
        )
    if facts.participants > facts.invited:
        waiting = facts.participants - facts.invited
        todo.append(
            ngettext(
                "Invite the %(count)s participant not yet invited",
                "Invite the %(count)s participants not yet invited",
                waiting,
            )
            % {"count": waiting}
        )
    return done, todo


def _assess_items(workshop: Workshop, facts: WorkshopFacts) -> tuple[list[str], list[str]]:
    done, todo = [], []
    if facts.sessions:
        done.append(
            gettext("%(held)s of %(count)s sessions held")
            % {"held": facts.held_sessions, "count": len(facts.sessions)}
        )
    people = facts.participants
    submitted = facts.surveys.get("submitted", 0)
    if submitted:
        done.append(
            gettext("%(submitted)s of %(people)s participants submitted the survey")
            % {"submitted": submitted, "people": people}
        )
    if people and submitted < people:
        left = people - submitted
        todo.append(
            ngettext(
                "%(count)s participant still to submit the survey",
                "%(count)s participants still to submit the survey",
                left,
            )
            % {"count": left}
        )
    if facts.data_rows_complete:
        done.append(
            gettext("%(complete)s of %(people)s data-table rows complete")
            % {"complete": facts.data_rows_complete, "people": people}
        )
    if people and facts.data_rows_complete < people:
        rows = people - facts.data_rows_complete
        todo.append(
            ngettext(
                "%(count)s data-table row still to complete",
                "%(count)s data-table rows still to complete",
                rows,
            )
            % {"count": rows}
        )
    return done, todo


ITEMS: dict[Stage, Callable[[Workshop, WorkshopFacts], tuple[list[str], list[str]]]] = {
    Stage.PREPARE: _prepare_items,
    Stage.ASSESS: _assess_items,
}


def stage_status(workshop: Workshop, facts: WorkshopFacts | None = None) -> list[StageInfo]:
    """Each stage of the lifecycle: done, current, next or later, with what is done and to do.

    The current stage's to-do list ends with whatever stops the move to the next stage.
    """
    facts = facts or WorkshopFacts.load(workshop)
    current = STAGES.index(Stage(workshop.stage))
    infos = []
    for index, stage in enumerate(STAGES):
        if index < current:
            state = StageState.DONE
        elif index == current:
            state = StageState.CURRENT
        elif index == current + 1:
            state = StageState.NEXT
        else:
            state = StageState.LATER
        done, todo = ITEMS[stage](workshop, facts) if stage in ITEMS else ([], [])
        if state == StageState.CURRENT and (following := next_stage(stage)):
            todo += [p for p in problems_entering(workshop, following) if p not in todo]
        infos.append(StageInfo(stage, state, done, todo))
    return infos
