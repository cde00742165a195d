"""iCalendar (.ics) files of a workshop's sessions, for people's calendar programs."""

from collections.abc import Sequence
from datetime import UTC, timedelta

from django.conf import settings
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from workshops.models import Workshop, WorkshopSession

PRODID = "-//socplan//SOC Action Planning Workshop sessions//EN"


def session_url(session: WorkshopSession, workshop: Workshop) -> str:
    return settings.SITE_URL + reverse("workshops:session", args=[workshop.code, session.number])


def event_uid(workshop: Workshop, number: int) -> str:
    """Stable across regenerations, so re-importing updates events instead of adding copies."""
    return f"{workshop.code}-session-{number}@socplan"


def agenda_text(session: WorkshopSession) -> str:
    """The agenda with clock times; expects ``session.agenda`` to be prefetched."""
    lines = []
    at = session.starts_at
    for item in session.agenda.all():
        ends = at + timedelta(minutes=item.minutes)
        lines.append(
            f"{timezone.localtime(at):%H:%M}-{timezone.localtime(ends):%H:%M} "
            f"{item.title} ({item.minutes} min)"
        )
        at = ends
    return "\n".join(lines)


def session_event(workshop: Workshop, session: WorkshopSession, sequence: int = 0) -> Event:
    url = session_url(session, workshop)
    online = session.mode == WorkshopSession.Mode.ONLINE
    parts = []
    if online and session.meeting_link:
        parts.append(f"Join online: {session.meeting_link}")
    elif session.location:
        parts.append(f"Location: {session.location}")
    agenda = agenda_text(session)
    if agenda:
        parts.append(f"Agenda:\n{agenda}")
    parts.append(f"Session page: {url}")
    return Event.new(
        uid=event_uid(workshop, session.number),
        sequence=sequence,
        start=session.starts_at.astimezone(UTC),
        end=session.ends_at.astimezone(UTC),
        summary=f"{workshop.title} — Session {session.number}",
        location=(session.meeting_link if online else session.location) or None,
        url=url,
        description="\n\n".join(parts),
    )


def sequences(workshop: Workshop, numbers: Sequence[int]) -> dict[int, int]:
    """Revision counts per session number (from the history), so calendars apply updates."""
    rows = (
        WorkshopSession.history.filter(workshop_id=workshop.pk, number__in=numbers)
        .values_list("number")
        .annotate(revisions=Count("history_id"))
        .order_by()
    )
    return {number: revisions - 1 for number, revisions in rows}


def build_calendar(workshop: Workshop, sessions: Sequence[WorkshopSession]) -> Calendar:
    """One VEVENT per session, times in UTC; sessions need their agenda prefetched."""
    revisions = sequences(workshop, [session.number for session in sessions])
    return Calendar.new(
        prodid=PRODID,
        uid=f"{workshop.code}@socplan",
        name=workshop.title,
        method="PUBLISH",
        subcomponents=[
            session_event(workshop, session, max(revisions.get(session.number, 0), 0))
            for session in sessions
        ],
    )
