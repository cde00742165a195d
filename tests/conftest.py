"""The shared cast: one workshop and a person in each role, plus outsiders."""

from dataclasses import dataclass

import pytest
from django.core.cache import caches
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


@pytest.fixture(autouse=True)
def _no_page_cache(request, settings):
    """Tests change data with the ORM between requests, which no request tells the page cache
    about: it is off but in tests marked ``page_cache`` (tests/workshops/test_pagecache.py)."""
    if request.node.get_closest_marker("page_cache"):
        caches["pages"].clear()
    else:
        settings.PAGE_CACHE_SECONDS = 0


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


def restore_reference_rows(snapshot: str) -> None:
    """Put back the migrations' rows (states, counties, systems, instrument...) in every table a
    transactional test's flush emptied.

    Tables that have rows are left alone: contenttypes, permissions and the state team group,
    which the flush's post_migrate recreates, and all of them before the first flush.
    """
    from django.core import serializers
    from django.db import transaction

    empty: dict[type, bool] = {}
    with transaction.atomic():
        for item in serializers.deserialize("json", snapshot):
            model = type(item.object)
            if model not in empty:
                empty[model] = not model._default_manager.exists()
            if empty[model]:
                item.save()


@pytest.fixture(scope="session")
def reference_snapshot(django_db_setup, django_db_blocker) -> str:
    """The rows the migrations created, taken once per test process."""
    from django.db import connection

    with django_db_blocker.unblock():
        return connection.creation.serialize_db_to_string()


@pytest.fixture
def reference_data(transactional_db, reference_snapshot) -> None:
    """For tests on a transactional database (race tests): the reference rows, whatever flushed
    the database before (pytest-django runs these tests after the others)."""
    restore_reference_rows(reference_snapshot)
