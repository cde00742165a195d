"""The hand-written reads of every request (socplan.rows, socplan.sessions, socplan.auth and
workshops.access.access_of) give what the ORM gives, on SQLite and PostgreSQL alike."""

import uuid
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from socplan.auth import ModelBackend
from socplan.rows import Columns
from socplan.sessions import SessionStore
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    StateReviewerFactory,
    UserFactory,
    WorkshopFactory,
    county,
)
from workshops.access import access_of
from workshops.models import Membership, Workshop

User = get_user_model()


def fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


# --- socplan.rows -------------------------------------------------------------------------------


def test_a_row_becomes_the_instance_the_orm_makes(db):
    workshop = WorkshopFactory(target_start=timezone.localdate())
    columns = Columns(Workshop, "w")
    table = connection.ops.quote_name(Workshop._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns.sql(connection)} FROM {table} w WHERE w.id = %s",  # noqa: S608
                       [workshop.pk])  # fmt: skip
        built = columns.build(cursor.fetchone(), 0, connection)
    assert fields(built) == fields(Workshop.objects.get(pk=workshop.pk))
    assert not built._state.adding and built._state.db == "default"


# --- socplan.sessions ---------------------------------------------------------------------------


def test_a_session_reads_back_what_was_saved(db):
    store = SessionStore()
    store["answer"] = [42, "forty-two"]
    store.create()
    assert SessionStore(store.session_key)["answer"] == [42, "forty-two"]


def test_an_expired_session_is_empty_and_gets_a_new_key_when_saved(db):
    store = SessionStore()
    store["answer"] = 42
    store.create()
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    again = SessionStore(store.session_key)
    assert "answer" not in again
    again["fresh"] = True
    again.save()
    assert again.session_key != store.session_key


def test_an_unknown_or_malformed_key_is_an_empty_session(db):
    assert dict(SessionStore("x" * 32).items()) == {}
    assert dict(SessionStore("not a key; drop table").items()) == {}


def test_a_session_costs_one_query(db):
    store = SessionStore()
    store["answer"] = 42
    store.create()
    with CaptureQueriesContext(connection) as queries:
        assert SessionStore(store.session_key)["answer"] == 42
    assert len(queries) == 1


# --- socplan.auth -------------------------------------------------------------------------------


def test_the_backend_loads_the_user_as_the_orm_does(db):
    user = MembershipFactory().user
    User.objects.filter(pk=user.pk).update(last_login=timezone.now())
    with CaptureQueriesContext(connection) as queries:
        loaded = ModelBackend().get_user(str(user.pk))  # as the session holds it
    assert len(queries) == 1
    assert fields(loaded) == fields(User.objects.get(pk=user.pk))
    assert loaded.check_password(PASSWORD)


@pytest.mark.parametrize("user_id", ["999999", "not a number", ""])
def test_no_user_for_an_unknown_or_bad_id(db, user_id):
    assert ModelBackend().get_user(user_id) is None


def test_an_inactive_user_is_not_signed_in(db, client):
    user = MembershipFactory().user
    client.force_login(user, backend="socplan.auth.ModelBackend")
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert ModelBackend().get_user(user.pk) is None
    assert client.get("/").wsgi_request.user.is_anonymous


# --- workshops.access.access_of ---------------------------------------------------------------


def test_access_of_a_member_gives_the_workshop_county_state_and_membership(db):
    membership = MembershipFactory(role=Membership.Role.COMMITTEE)
    with CaptureQueriesContext(connection) as queries:
        workshop, found, by_reviewer = access_of(membership.workshop.code, membership.user_id)
        state = found.workshop.county.state  # no more queries: all came in the one row
    assert len(queries) == 1
    assert by_reviewer is False
    expected = Membership.objects.select_related("workshop__county__state").get(pk=membership.pk)
    assert found.workshop is workshop
    assert fields(found) == fields(expected)
    assert fields(workshop) == fields(expected.workshop)
    assert fields(workshop.county) == fields(expected.workshop.county)
    assert fields(state) == fields(expected.workshop.county.state)


def test_access_of_the_state_team_gives_the_workshop_without_a_membership(db):
    workshop = WorkshopFactory()
    reviewer = StateReviewerFactory(state=workshop.county.state).user
    assert access_of(workshop.code, reviewer.pk) == (workshop, None, True)


def test_access_of_a_member_also_on_the_state_team(db):
    membership = MembershipFactory()
    StateReviewerFactory(user=membership.user, state=membership.workshop.county.state)
    assert access_of(membership.workshop.code, membership.user_id)[1:] == (membership, True)


def test_access_of_another_states_team_is_no_reviewer(db):
    from workshops.models import State

    workshop = WorkshopFactory()
    reviewer = StateReviewerFactory(state=State.objects.create(code="VT", name="VT")).user
    assert access_of(workshop.code, reviewer.pk) == (workshop, None, False)


def test_access_of_someone_elses_workshop_or_none_at_all(db):
    membership = MembershipFactory()
    other = WorkshopFactory()
    assert access_of(other.code, membership.user_id) == (other, None, False)
    assert access_of(uuid.uuid4(), membership.user_id) == (None, None, False)


def test_reviewed_states_are_what_the_orm_gives_with_their_versions(db):
    from workshops import pagecache
    from workshops.access import reviewed_states
    from workshops.models import State

    ny = WorkshopFactory().county.state
    WorkshopFactory(county=county("Erie"))
    Workshop.objects.filter(county__state=ny).update(content_changed_at=timezone.now())
    vt = State.objects.create(code="VT", name="Vermont")  # no workshop yet: no version parts
    State.objects.create(code="NH", name="New Hampshire")  # not theirs
    user = StateReviewerFactory(state=ny).user
    StateReviewerFactory(user=user, state=vt)
    orm = list(pagecache.with_version(State.objects.filter(reviewers__user=user)))
    with CaptureQueriesContext(connection) as captured:
        found = reviewed_states(user.pk)
    assert len(captured) == 1
    assert found == orm and [s.code for s in found] == [s.code for s in orm]
    for ours, theirs in zip(found, orm, strict=True):
        assert (ours.name, ours.latest_change, ours.workshop_count) == (
            theirs.name,
            theirs.latest_change,
            theirs.workshop_count,
        )
        assert pagecache.state_version(ours) == pagecache.state_version(theirs)
    assert {s.code: s.workshop_count for s in found} == {"NY": 2, "VT": None}
    assert reviewed_states(UserFactory().pk) == []
