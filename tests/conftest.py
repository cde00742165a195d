"""The shared cast: one workshop and a person in each role, plus outsiders."""

from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import translation

from tests.factories import (
    MeetingFactory,
    MembershipFactory,
    ParticipantFactory,
    SessionFactory,
    StateReviewerFactory,
    UserFactory,
    WorkshopFactory,
    county,
)
from workshops.access import remember_link_workshop
from workshops.models import Meeting, Membership, State, Workshop, WorkshopSession


@pytest.fixture(autouse=True)
def _english():
    """Each test starts in English: a Spanish request leaves Spanish active in its thread."""
    translation.activate("en")
    yield
    translation.activate("en")


@dataclass
class Cast:
    workshop: Workshop
    reviewer: object
    facilitator: Membership
    committee: Membership
    participant: Membership
    outsider: Membership  # facilitator of another county's workshop
    other_reviewer: object  # state reviewer of another state
    meeting: Meeting
    session: WorkshopSession

    def user(self, role: str):
        person = getattr(self, role)
        return person.user if isinstance(person, Membership) else person


ROLES = [
    "reviewer",
    "facilitator",
    "committee",
    "participant",
    "outsider",
    "other_reviewer",
]


@pytest.fixture
def cast(db) -> Cast:
    workshop = WorkshopFactory(title="Tompkins SOC Workshop")
    other = WorkshopFactory(county=county("Erie"), title="Erie SOC Workshop")
    vermont = State.objects.create(code="VT", name="Vermont")
    return Cast(
        workshop=workshop,
        meeting=MeetingFactory(workshop=workshop),
        session=SessionFactory(workshop=workshop),
        reviewer=StateReviewerFactory(user__username="reviewer").user,
        facilitator=MembershipFactory(workshop=workshop, user__username="facilitator"),
        committee=MembershipFactory(
            workshop=workshop, user__username="committee", role=Membership.Role.COMMITTEE
        ),
        participant=ParticipantFactory(workshop=workshop, user__username="participant"),
        outsider=MembershipFactory(workshop=other, user__username="outsider"),
        other_reviewer=StateReviewerFactory(user__username="vt-reviewer", state=vermont).user,
    )


def sign_in(client: Client, user, workshop: Workshop | None = None) -> Client:
    """Sign the client in as the user; participants also get the workshop of their link."""
    client.force_login(user)
    if workshop is not None and not user.has_usable_password():
        session = client.session
        remember_link_workshop(session, workshop)
        session.save()
    return client


@pytest.fixture
def user_factory(db):
    return UserFactory
