"""The state of a live session and the facilitator's moves through its agenda."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from workshops.models import AgendaItem, Workshop, WorkshopSession


class RunnerError(Exception):
    """A move the runner refuses, with a message for the facilitator."""


# The map's version, so that participants' screens also follow the room's edits to the map.
MAP_VERSION = "workshop__system_map__version"


@dataclass(frozen=True)
class LiveState:
    session: WorkshopSession | None
    item: AgendaItem | None
    map_version: int = 0

    @staticmethod
    def version_key(current: tuple[int, int, int | None] | None) -> str:
        """What a participant's screen shows: "<session id>.<version>.<map version>" or "none"."""
        if current is None:
            return "none"
        session_id, live_version, map_version = current
        return f"{session_id}.{live_version}.{map_version or 0}"

    @property
    def item_started_at_iso(self) -> str:
        started = self.session.item_started_at if self.session else None
        return started.isoformat() if started else ""

    @property
    def version(self) -> str:
        if self.session is None:
            return self.version_key(None)
        return self.version_key((self.session.pk, self.session.live_version, self.map_version))


def with_map_version(sessions: QuerySet[WorkshopSession]) -> QuerySet[WorkshopSession]:
    """Sessions with their workshop's map version (0 before the map is started), in one query."""
    return sessions.select_related("current_item").annotate(map_version=Coalesce(MAP_VERSION, 0))


def live_state(workshop: Workshop) -> LiveState:
    session = with_map_version(workshop.sessions.live()).first()
    if session is None:
        return LiveState(None, None)
    return LiveState(session, session.current_item, session.map_version)


ACTIONS = {"start", "next", "prev", "goto", "end"}


@transaction.atomic
def move(session: WorkshopSession, action: str, item_id: str | None = None) -> None:
    """Start, step through (next, prev, goto an item) or end a live session."""
    if action not in ACTIONS:
        raise RunnerError("Unknown action.")
    session = WorkshopSession.objects.select_for_update().get(pk=session.pk)
    agenda = list(session.agenda.all())
    now = timezone.now()
    if action == "start":
        if session.is_live:
            raise RunnerError("This session is already live.")
        others = session.workshop.sessions.live().exclude(pk=session.pk)
        if others.exists():
            raise RunnerError(f"Session {others.first().number} is still live: end it first.")
        session.live_started_at = session.live_started_at or now
        session.live_ended_at = None
        target = agenda[0] if agenda else None
    elif not session.is_live:
        raise RunnerError("Start the session first.")
    elif action == "end":
        session.live_ended_at = now
        target = None
    else:
        target = _target(agenda, session.current_item_id, action, item_id)
    # A queryset update: the runner's moves are not edits worth a history row each.
    WorkshopSession.objects.filter(pk=session.pk).update(
        live_started_at=session.live_started_at,
        live_ended_at=session.live_ended_at,
        current_item=target,
        item_started_at=now if target else None,
        live_version=F("live_version") + 1,
    )


def _target(agenda: list[AgendaItem], current_id: int | None, action: str, item_id):
    if not agenda:
        raise RunnerError("This session has no agenda items to show.")
    ids = [item.pk for item in agenda]
    index = ids.index(current_id) if current_id in ids else -1
    if action == "goto":
        try:
            return agenda[ids.index(int(item_id))]
        except (TypeError, ValueError):
            raise RunnerError("That item is not on this session's agenda.") from None
    if action == "next":
        if index + 1 >= len(agenda):
            raise RunnerError("This is the last item: end the session when you are done.")
        return agenda[index + 1]
    if index <= 0:
        raise RunnerError("This is the first item.")
    return agenda[index - 1]
