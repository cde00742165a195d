"""The roster page, adding, editing and removing participants, and the cap."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.test import override_settings
from django.urls import reverse

from tests.conftest import sign_in
from tests.factories import (
    MembershipFactory,
    ParticipantFactory,
    UserFactory,
    WorkshopFactory,
    county,
    system,
)
from workshops.models import Membership, System
from workshops.roster import Person, RosterFull, add_participants

User = get_user_model()


def url(name: str, workshop, *args) -> str:
    return reverse(f"workshops:{name}", args=[workshop.code, *args])


def participants(workshop):
    return workshop.memberships.filter(role=Membership.Role.PARTICIPANT)


def person_data(**overrides) -> dict:
    data = {
        "first_name": "Ana",
        "last_name": "Lopez",
        "email": "Ana.Lopez@Example.org",
        "agency": "Tompkins County Mental Health",
        "title": "Director",
        "system": system("youth").pk,
        "leadership": "on",
    }
    data.update(overrides)
    return data


def fill(workshop, count: int) -> None:
    for _ in range(count):
        ParticipantFactory(workshop=workshop)


# The roster page


def test_it_groups_participants_by_system(client, cast):
    ParticipantFactory(workshop=cast.workshop, system=system("youth"), agency="Youth Bureau")
    sign_in(client, cast.facilitator.user)
    response = client.get(url("roster", cast.workshop))
    assert response.status_code == 200
    systems = dict(response.context["systems"])
    assert len(systems) == 13
    assert systems[system("mental-health")] == [cast.participant]
    assert [p.agency for p in systems[system("youth")]] == ["Youth Bureau"]
    assert response.context["participant_count"] == 2
    assert "2 of 30 participants" in response.text
    assert "Youth Bureau" in response.text


def test_it_flags_systems_with_nobody_and_calls_out_missing_voice(client, cast):
    sign_in(client, cast.committee.user)
    response = client.get(url("roster", cast.workshop))
    missing = {s.slug for s in response.context["missing"]}
    assert len(missing) == 12
    assert "mental-health" not in missing
    assert {s.slug for s in response.context["missing_voice"]} == {"caregivers", "youth"}
    assert "Missing caregiver voice and youth voice" in response.text
    assert "12 of 13 systems have no one yet" in response.text


def test_it_stops_calling_out_voice_once_represented(client, cast):
    ParticipantFactory(workshop=cast.workshop, system=system("caregivers"))
    ParticipantFactory(workshop=cast.workshop, system=system("youth"))
    sign_in(client, cast.facilitator.user)
    response = client.get(url("roster", cast.workshop))
    assert response.context["missing_voice"] == []
    assert "Missing caregiver" not in response.text
    assert "10 of 13 systems have no one yet" in response.text


def test_it_lists_the_team_separately(client, cast):
    sign_in(client, cast.facilitator.user)
    response = client.get(url("roster", cast.workshop))
    assert set(response.context["team"]) == {cast.facilitator, cast.committee}
    assert "Facilitators and planning committee" in response.text
    assert "Committee member" in response.text


def test_it_explains_how_to_start_an_empty_roster(client, cast):
    cast.participant.delete()
    sign_in(client, cast.facilitator.user)
    response = client.get(url("roster", cast.workshop))
    assert "No participants yet" in response.text
    assert url("roster_import", cast.workshop) in response.text


def test_it_keeps_a_fixed_query_count(client, cast, django_assert_max_num_queries):
    sign_in(client, cast.facilitator.user)
    slugs = [s.slug for s in System.objects.all()]
    for index in range(29):
        ParticipantFactory(workshop=cast.workshop, system=system(slugs[index % 13]))
    # session, user, 2 savepoints, workshop, reviewer check, membership, members, systems
    with django_assert_max_num_queries(9):
        response = client.get(url("roster", cast.workshop))
    assert response.context["participant_count"] == 30
    assert "30 of 30 participants" in response.text


# Adding one participant


def test_it_adds_a_participant_without_a_password(client, cast):
    sign_in(client, cast.facilitator.user)
    response = client.post(url("roster_add", cast.workshop), person_data())
    assert response.status_code == 302
    assert response.url == url("roster", cast.workshop)
    added = participants(cast.workshop).get(user__email="ana.lopez@example.org")
    assert added.user.username == "ana.lopez@example.org"
    assert (added.user.first_name, added.user.last_name) == ("Ana", "Lopez")
    assert not added.user.has_usable_password()
    assert (added.system.slug, added.agency, added.title) == ("youth", added.agency, "Director")
    assert added.leadership is True
    assert added.invitation == Membership.Invitation.NOT_SENT


def test_it_shows_the_add_form(client, cast):
    sign_in(client, cast.committee.user)
    response = client.get(url("roster_add", cast.workshop))
    assert response.status_code == 200
    assert "Choose a system" in response.text
    assert "novalidate" in response.text


def test_it_reuses_the_account_of_a_person_from_another_workshop(client, cast):
    elsewhere = ParticipantFactory(workshop=WorkshopFactory(county=county("Erie")))
    sign_in(client, cast.facilitator.user)
    data = person_data(email=elsewhere.user.email.upper(), leadership="")
    client.post(url("roster_add", cast.workshop), data)
    added = participants(cast.workshop).get(user=elsewhere.user)
    assert added.leadership is False
    assert User.objects.filter(email__iexact=elsewhere.user.email).count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "This is not a valid email address."),
        ("email", "", "Enter the person&#x27;s email address."),
        ("first_name", "", "Enter the person&#x27;s first name."),
        ("last_name", "", "Enter the person&#x27;s last name."),
        ("system", "", "Choose the system this person represents."),
        ("system", "9999", "Select a valid choice."),
        ("agency", "x" * 201, "Ensure this value has at most 200 characters"),
    ],
)
def test_it_refuses_bad_input(client, cast, field, value, message):
    sign_in(client, cast.facilitator.user)
    before = Membership.objects.count()
    response = client.post(url("roster_add", cast.workshop), person_data(**{field: value}))
    assert response.status_code == 200
    assert message in response.text
    assert field in response.context["form"].errors
    assert Membership.objects.count() == before


def test_it_refuses_someone_already_on_the_roster(client, cast):
    sign_in(client, cast.facilitator.user)
    for email in [cast.participant.user.email.upper(), cast.committee.user.email]:
        response = client.post(url("roster_add", cast.workshop), person_data(email=email))
        assert response.status_code == 200
        assert response.context["form"].errors["email"] == ["This person is already on the roster."]
    assert participants(cast.workshop).count() == 1


# The cap


@override_settings(MAX_PARTICIPANTS=30)
def test_it_takes_the_30th_and_refuses_the_31st(client, cast):
    fill(cast.workshop, 28)
    sign_in(client, cast.facilitator.user)
    response = client.post(url("roster_add", cast.workshop), person_data())
    assert response.status_code == 302
    assert participants(cast.workshop).count() == 30
    response = client.post(url("roster_add", cast.workshop), person_data(email="31@example.org"))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "This workshop already has 30 participants, the most it can have. "
        "Remove someone or ask the state team to raise the limit."
    ]
    assert participants(cast.workshop).count() == 30


def test_it_follows_the_workshops_own_limit(client, cast):
    cast.workshop.max_participants = 2
    cast.workshop.save()
    fill(cast.workshop, 1)
    sign_in(client, cast.facilitator.user)
    response = client.post(url("roster_add", cast.workshop), person_data())
    assert "already has 2 participants" in response.text
    assert participants(cast.workshop).count() == 2


def test_it_does_not_count_the_team_against_the_cap(cast):
    cast.workshop.max_participants = 2
    cast.workshop.save()
    person = Person("Bo", "Ng", "bo@example.org", "", "", system("crisis"))
    add_participants(cast.workshop, [person])
    assert participants(cast.workshop).count() == 2
    with pytest.raises(RosterFull):
        add_participants(cast.workshop, [Person("Cy", "Ng", "cy@example.org", "", "", None)])


# Editing and removing


def test_it_shows_a_participant_to_edit(client, cast):
    sign_in(client, cast.facilitator.user)
    response = client.get(url("roster_edit", cast.workshop, cast.participant.pk))
    assert response.status_code == 200
    assert response.context["form"].initial["email"] == cast.participant.user.email
    assert "Remove from roster" in response.text


def test_it_edits_a_participant(client, cast):
    sign_in(client, cast.facilitator.user)
    data = person_data(
        email=cast.participant.user.email, first_name="Pat", system=system("crisis").pk
    )
    response = client.post(url("roster_edit", cast.workshop, cast.participant.pk), data)
    assert response.status_code == 302
    cast.participant.refresh_from_db()
    assert cast.participant.user.first_name == "Pat"
    assert cast.participant.system.slug == "crisis"
    assert cast.participant.leadership is True


def test_it_changes_the_address_of_a_participant_and_resets_the_invitation(client, cast):
    cast.participant.invited_at = cast.participant.last_link_sent_at = cast.participant.created_at
    cast.participant.save()
    user_pk = cast.participant.user_id
    sign_in(client, cast.facilitator.user)
    data = person_data(email="New.Address@example.org")
    client.post(url("roster_edit", cast.workshop, cast.participant.pk), data)
    cast.participant.refresh_from_db()
    assert cast.participant.user_id == user_pk
    assert (
        cast.participant.user.email == cast.participant.user.username == "new.address@example.org"
    )
    assert cast.participant.invitation == Membership.Invitation.NOT_SENT


def test_it_leaves_a_shared_account_alone_when_the_address_changes(client, cast):
    shared = cast.participant.user
    ParticipantFactory(workshop=WorkshopFactory(county=county("Erie")), user=shared)
    old_email = shared.email
    sign_in(client, cast.facilitator.user)
    client.post(
        url("roster_edit", cast.workshop, cast.participant.pk),
        person_data(email="someone.else@example.org"),
    )
    shared.refresh_from_db()
    assert shared.email == old_email
    cast.participant.refresh_from_db()
    assert cast.participant.user.email == "someone.else@example.org"


def test_it_refuses_an_edit_to_an_address_on_the_roster(client, cast):
    other = ParticipantFactory(workshop=cast.workshop)
    sign_in(client, cast.facilitator.user)
    response = client.post(
        url("roster_edit", cast.workshop, cast.participant.pk),
        person_data(email=other.user.email),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["This person is already on the roster."]


def test_it_refuses_bad_input_on_edit(client, cast):
    sign_in(client, cast.facilitator.user)
    response = client.post(
        url("roster_edit", cast.workshop, cast.participant.pk), person_data(system="")
    )
    assert response.status_code == 200
    assert "Choose the system this person represents." in response.text
    cast.participant.refresh_from_db()
    assert cast.participant.system.slug == "mental-health"


@pytest.mark.parametrize("who", ["facilitator", "outsider"])
def test_it_edits_only_participants_of_this_workshop(client, cast, who):
    sign_in(client, cast.facilitator.user)
    member = getattr(cast, who)
    assert client.get(url("roster_edit", cast.workshop, member.pk)).status_code == 404
    other = MembershipFactory(user=UserFactory(), role=Membership.Role.PARTICIPANT)
    assert client.get(url("roster_edit", cast.workshop, other.pk)).status_code == 404


def test_it_asks_before_removing(client, cast):
    sign_in(client, cast.facilitator.user)
    edit = url("roster_edit", cast.workshop, cast.participant.pk)
    response = client.post(edit, {"remove": "1"})
    assert response.status_code == 200
    assert "Remove " in response.text
    assert Membership.objects.filter(pk=cast.participant.pk).exists()
    response = client.post(edit, {"remove": "confirmed"})
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=cast.participant.pk).exists()
    assert User.objects.filter(pk=cast.participant.user_id).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_it_holds_the_cap_when_two_people_add_at_once():
    """Two simultaneous adds for the last place: the workshop row lock lets one through."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers; the row lock matters on PostgreSQL")
    workshop = WorkshopFactory(max_participants=2)
    fill(workshop, 1)
    barrier = threading.Barrier(2)

    def add(n: int) -> str:
        try:
            barrier.wait()
            person = Person("P", str(n), f"p{n}@example.org", "", "", system("crisis"))
            add_participants(workshop, [person])
            return "added"
        except RosterFull:
            return "full"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(2) as pool:
        results = sorted(pool.map(add, [1, 2]))
    assert results == ["added", "full"]
    assert participants(workshop).count() == 2
