from workshops.models.content import FrameworkSection
from workshops.models.meetings import Meeting
from workshops.models.sessions import Activity, AgendaItem, Debrief, WorkshopSession
from workshops.models.workshop import (
    County,
    Membership,
    StageChange,
    State,
    StateReviewer,
    System,
    Workshop,
)

__all__ = [
    "Activity",
    "AgendaItem",
    "County",
    "Debrief",
    "FrameworkSection",
    "Meeting",
    "Membership",
    "StageChange",
    "State",
    "StateReviewer",
    "System",
    "Workshop",
    "WorkshopSession",
]
