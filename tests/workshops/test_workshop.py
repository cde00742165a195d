"""Creating a workshop, its settings and its team."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from tests.conftest import sign_in
from tests.factories import ParticipantFactory, UserFactory, WorkshopFactory, county
from workshops.models import County, Membership, Workshop

User = get_user_model()
NEW = reverse("workshops:new")


def new_data(**overrides) -> dict:
    data = {
        "county": county("Albany").pk,
        "title": "",
        "cycle": "2027",
        "target_start": "2027-02-01",
        "target_end": "2027-03-15",
        "max_participants": "25",
    }
    return {**data, **overrides}


def test_it_offers_only_counties_of_my_states(client, cast):
    sign_in(client, cast.reviewer)
    response = client.get(NEW)
    assert response.status_code == 200
    counties = response.context["form"].fields["county"].queryset
    assert {c.state.code for c in counties} == {"NY"}
    assert counties.count() == 62
    assert b"novalidate" in response.content


def test_it_creates_a_workshop_with_the_default_title(client, cast):
    sign_in(client, cast.reviewer)
    response = client.post(NEW, new_data(), follow=True)
    workshop = Workshop.objects.get(county__name="Albany")
    assert response.redirect_chain[-1][0] == workshop.get_absolute_url()
    assert workshop.title == "Albany County SOC Action Planning Workshop"
    assert workshop.cycle == 2027
    assert workshop.target_start == date(2027, 2, 1)
    assert workshop.max_participants == 25
    assert workshop.created_by == cast.reviewer
    assert workshop.stage == Workshop.Stage.PREPARE
    assert b"Workshop created" in response.content


def test_it_keeps_a_title_given(client, cast):
    sign_in(client, cast.reviewer)
    client.post(NEW, new_data(title="Albany Youth Workshop"))
    assert Workshop.objects.filter(title="Albany Youth Workshop").exists()


def test_it_refuses_a_county_of_another_state(client, cast):
    vermont = County.objects.create(
        state=cast.other_reviewer.state_roles.get().state, name="Addison"
    )
    sign_in(client, cast.reviewer)
    response = client.post(NEW, new_data(county=vermont.pk))
    assert response.status_code == 200
    assert "county" in response.context["form"].errors
    assert not Workshop.objects.filter(county=vermont).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("cycle", "1999"),
        ("cycle", "2101"),
        ("cycle", "soon"),
        ("target_end", "2027-01-31"),
        ("target_start", "not a date"),
        ("max_participants", "0"),
        ("max_participants", "31"),
        ("county", ""),
    ],
)
def test_it_shows_errors_next_to_fields(client, cast, field, value):
    sign_in(client, cast.reviewer)
    before = Workshop.objects.count()
    response = client.post(NEW, new_data(**{field: value}))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert b"invalid-feedback" in response.content
    assert Workshop.objects.count() == before


@override_settings(MAX_PARTICIPANTS=40)
def test_it_follows_the_configured_participant_limit(client, cast):
    sign_in(client, cast.reviewer)
    client.post(NEW, new_data(max_participants="40"))
    assert Workshop.objects.get(county__name="Albany").max_participants == 40


def test_it_refuses_a_duplicate_title_with_a_form_error(client, cast):
    WorkshopFactory(
        county=county("Albany"), cycle=2027, title="Albany County SOC Action Planning Workshop"
    )
    sign_in(client, cast.reviewer)
    response = client.post(NEW, new_data())
    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    assert Workshop.objects.filter(county__name="Albany").count() == 1


@pytest.mark.parametrize("role", ["facilitator", "committee", "participant", "outsider"])
def test_it_lets_only_state_reviewers_create_workshops(client, cast, role):
    sign_in(client, cast.user(role), cast.workshop)
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, new_data()).status_code == 403
    assert not Workshop.objects.filter(county__name="Albany").exists()


def test_it_edits_the_settings_but_not_the_county(client, cast):
    sign_in(client, cast.reviewer)
    url = reverse("workshops:edit", args=[cast.workshop.code])
    assert "county" not in client.get(url).context["form"].fields
    data = new_data(title="Renamed", county=county("Albany").pk, max_participants="20")
    response = client.post(url, data)
    assert response.status_code == 302
    cast.workshop.refresh_from_db()
    assert cast.workshop.title == "Renamed"
    assert cast.workshop.cycle == 2027
    assert cast.workshop.county.name == "Tompkins"


def test_it_keeps_the_limit_above_the_roster(client, cast):
    ParticipantFactory.create_batch(2, workshop=cast.workshop)
    sign_in(client, cast.reviewer)
    url = reverse("workshops:edit", args=[cast.workshop.code])
    response = client.post(url, new_data(title="Tompkins SOC Workshop", max_participants="2"))
    assert response.status_code == 200
    assert "max_participants" in response.context["form"].errors


def test_it_refuses_an_edit_that_duplicates_another_workshop(client, cast):
    WorkshopFactory(title="Twin", cycle=2027)
    sign_in(client, cast.reviewer)
    url = reverse("workshops:edit", args=[cast.workshop.code])
    response = client.post(url, new_data(title="Twin"))
    assert response.status_code == 200
    assert "title" in response.context["form"].errors


def test_it_lists_the_team(client, cast):
    sign_in(client, cast.reviewer)
    response = client.get(reverse("workshops:team", args=[cast.workshop.code]))
    assert list(response.context["members"]) == [cast.facilitator, cast.committee]
    assert cast.participant.display_name.encode() not in response.content


def team_data(**overrides) -> dict:
    data = {"email": "New.Person@Example.org", "first_name": "Nia", "last_name": "Lee"}
    return {**data, "role": Membership.Role.FACILITATOR, **overrides}


def test_it_adds_a_new_person_with_a_password_link(client, cast):
    sign_in(client, cast.reviewer)
    url = reverse("workshops:team", args=[cast.workshop.code])
    response = client.post(url, team_data())
    assert response.status_code == 302
    user = User.objects.get(username="new.person@example.org")
    assert user.email == "New.Person@example.org"
    assert not user.has_usable_password()
    assert cast.workshop.memberships.get(user=user).role == Membership.Role.FACILITATOR
    [message] = mail.outbox
    assert message.to == ["New.Person@example.org"]
    link = next(line for line in message.body.splitlines() if "/password/reset/" in line)
    uidb64, token = link.rstrip("/").split("/")[-2:]
    assert force_str(urlsafe_base64_decode(uidb64)) == str(user.pk)
    assert default_token_generator.check_token(user, token)


def test_it_adds_an_existing_user_without_a_new_account(client, cast):
    known = UserFactory(username="known", email="known@example.org")
    sign_in(client, cast.reviewer)
    url = reverse("workshops:team", args=[cast.workshop.code])
    data = team_data(email="KNOWN@example.org", role=Membership.Role.COMMITTEE)
    assert client.post(url, data).status_code == 302
    assert cast.workshop.memberships.get(user=known).role == Membership.Role.COMMITTEE
    assert User.objects.filter(email__iexact="known@example.org").count() == 1
    [message] = mail.outbox
    assert "/password/reset/" not in message.body


@pytest.mark.parametrize("who", ["facilitator", "participant"])
def test_it_refuses_someone_already_in_the_workshop(client, cast, who):
    sign_in(client, cast.reviewer)
    url = reverse("workshops:team", args=[cast.workshop.code])
    email = cast.user(who).email.upper()
    response = client.post(url, team_data(email=email, role=Membership.Role.COMMITTEE))
    assert response.status_code == 200
    assert "already in the workshop" in response.context["form"].errors["email"][0]
    assert cast.workshop.memberships.count() == 3
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("field", "value"),
    [("email", "not-an-email"), ("first_name", ""), ("last_name", ""), ("role", "participant")],
)
def test_it_shows_team_form_errors(client, cast, field, value):
    sign_in(client, cast.reviewer)
    url = reverse("workshops:team", args=[cast.workshop.code])
    response = client.post(url, team_data(**{field: value}))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert cast.workshop.memberships.count() == 3


def test_it_removes_a_team_member(client, cast):
    sign_in(client, cast.reviewer)
    url = reverse("workshops:team_remove", args=[cast.workshop.code, cast.committee.pk])
    assert client.post(url).status_code == 302
    assert not Membership.objects.filter(pk=cast.committee.pk).exists()


def test_it_does_not_remove_participants_or_other_workshops_members(client, cast):
    sign_in(client, cast.reviewer)
    for member in [cast.participant, cast.outsider]:
        url = reverse("workshops:team_remove", args=[cast.workshop.code, member.pk])
        assert client.post(url).status_code == 404
        assert Membership.objects.filter(pk=member.pk).exists()


def test_it_removes_only_by_post(client, cast):
    sign_in(client, cast.reviewer)
    url = reverse("workshops:team_remove", args=[cast.workshop.code, cast.committee.pk])
    assert client.get(url).status_code == 405
    assert Membership.objects.filter(pk=cast.committee.pk).exists()
