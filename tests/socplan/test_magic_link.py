from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from sesame.utils import get_query_string

from tests.factories import MembershipFactory, ParticipantFactory, WorkshopFactory, county
from workshops.links import link_scope, magic_link_url


def link_path(membership, workshop=None) -> str:
    workshop = workshop or membership.workshop
    token_query = get_query_string(membership.user, link_scope(workshop))
    return reverse("magic_link", args=[workshop.code]) + token_query


def test_it_asks_for_confirmation_without_signing_in(client, cast):
    response = client.get(link_path(cast.participant))
    assert response.status_code == 200
    assert b"Continue to the workshop" in response.content
    assert "_auth_user_id" not in client.session


def test_it_signs_in_on_confirm(client, cast):
    path = link_path(cast.participant)
    token = path.split("token=")[1]
    response = client.post(path, {"token": token})
    assert response.status_code == 302
    assert response.url == cast.workshop.get_absolute_url()
    assert client.get(response.url).status_code == 200


def test_it_leads_to_a_page_of_the_workshop_when_given_one(client, cast):
    page = reverse("assessments:survey", args=[cast.workshop.code])
    link = magic_link_url(cast.participant, page).removeprefix(settings.SITE_URL)
    confirm = client.get(link)
    assert f'name="next" value="{page}"' in confirm.text
    response = client.post(link.split("?")[0], {"token": link.split("token=")[1].split("&")[0],
                                                "next": page})  # fmt: skip
    assert response.url == page


@pytest.mark.parametrize(
    "elsewhere",
    [
        "https://evil.example/w/",
        "//evil.example/",
        "/admin/",
        "/w/00000000-0000-0000-0000-000000000000/",
    ],
)
def test_it_leads_nowhere_outside_the_workshop(client, cast, elsewhere):
    elsewhere = elsewhere.format(home=cast.workshop.get_absolute_url())
    path = link_path(cast.participant)
    confirm = client.get(path + "&" + urlencode({"next": elsewhere}))
    form = confirm.text.split('name="token"')[1].split("</form>")[0]
    assert 'name="next"' not in form
    response = client.post(path, {"token": path.split("token=")[1], "next": elsewhere})
    assert response.url == cast.workshop.get_absolute_url()


def test_it_survives_a_prefetch_before_the_click(client, cast):
    path = link_path(cast.participant)
    client.get(path)  # a mail scanner
    client.get(path)
    response = client.post(path, {"token": path.split("token=")[1]})
    assert response.status_code == 302


def test_it_works_only_once(client, cast):
    path = link_path(cast.participant)
    token = path.split("token=")[1]
    client.post(path, {"token": token})
    client.logout()
    response = client.post(path, {"token": token})
    assert response.status_code == 400
    assert b"This link cannot sign you in" in response.content
    assert client.get(path).status_code == 400


def test_a_used_link_opened_again_where_it_signed_in_leads_to_the_workshop(client, cast):
    page = reverse("assessments:survey", args=[cast.workshop.code])
    path = magic_link_url(cast.participant, page).removeprefix(settings.SITE_URL)
    client.post(path, {"token": path.split("token=")[1].split("&")[0], "next": page})
    again = client.get(path, follow=True)
    assert again.redirect_chain == [(page, 302)]
    assert "You are already signed in." in again.text


def test_a_used_link_opened_by_someone_else_signed_in_is_refused(client, cast):
    path = link_path(cast.participant)
    token = path.split("token=")[1]
    client.post(path, {"token": token})
    client.logout()
    other = MembershipFactory(workshop=WorkshopFactory(county=county("Erie")))
    client.force_login(other.user)  # signed in, but not in this workshop
    response = client.get(path)
    assert response.status_code == 400
    assert b"This link cannot sign you in" in response.content


def test_it_expires(client, cast, settings):
    path = link_path(cast.participant)
    settings.SESAME_MAX_AGE = timedelta(seconds=-1)
    response = client.get(path)
    assert response.status_code == 400
    assert b"has expired" in response.content


def test_it_refuses_a_link_of_another_workshop(client, cast):
    other = WorkshopFactory(county=county("Erie"))
    response = client.get(link_path(cast.participant, workshop=other))
    assert response.status_code == 400
    token = link_path(cast.participant).split("token=")[1]
    wrong_workshop = reverse("magic_link", args=[other.code])
    assert client.post(wrong_workshop, {"token": token}).status_code == 400


def test_it_refuses_a_member_removed_since(client, cast):
    path = link_path(cast.participant)
    cast.participant.delete()
    assert client.get(path).status_code == 400


@pytest.mark.parametrize("token", ["", "garbage", "A" * 5000, "<script>alert(1)</script>"])
def test_it_refuses_malformed_tokens(client, cast, token):
    url = reverse("magic_link", args=[cast.workshop.code])
    response = client.get(url, {"token": token})
    assert response.status_code == 400
    assert b"<script>alert" not in response.content


def test_it_404s_an_unknown_workshop(client, db):
    response = client.get("/join/00000000-0000-0000-0000-000000000000/?token=x")
    assert response.status_code == 404


def test_it_404s_a_malformed_workshop_code(client, db):
    assert client.get("/join/not-a-uuid/").status_code == 404


def test_it_keeps_a_participant_to_the_workshops_of_their_links(client, cast):
    other = WorkshopFactory(county=county("Erie"))
    ParticipantFactory(workshop=other, user=cast.participant.user)
    path = link_path(cast.participant)
    client.post(path, {"token": path.split("token=")[1]})
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(cast.workshop.get_absolute_url()).status_code == 200


def test_it_emails_a_new_link_to_a_member(client, cast):
    url = reverse("new_magic_link", args=[cast.workshop.code])
    response = client.post(url, {"email": cast.participant.user.email.upper()})
    assert response.status_code == 200
    assert b"Check your email" in response.content
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [cast.participant.user.email]
    assert f"/join/{cast.workshop.code}/?token=" in mail.outbox[0].body


def test_it_says_the_same_to_strangers(client, cast):
    url = reverse("new_magic_link", args=[cast.workshop.code])
    response = client.post(url, {"email": "stranger@example.org"})
    assert response.status_code == 200
    assert b"Check your email" in response.content
    assert mail.outbox == []


def test_it_does_not_flood_an_inbox(client, cast):
    url = reverse("new_magic_link", args=[cast.workshop.code])
    for _ in range(3):
        client.post(url, {"email": cast.participant.user.email})
    assert len(mail.outbox) == 1
    cast.participant.refresh_from_db()
    cast.participant.last_link_sent_at = timezone.now() - timedelta(minutes=5)
    cast.participant.save()
    client.post(url, {"email": cast.participant.user.email})
    assert len(mail.outbox) == 2


def test_it_explains_a_bad_email(client, cast):
    url = reverse("new_magic_link", args=[cast.workshop.code])
    response = client.post(url, {"email": "not an email"})
    assert response.status_code == 400
    assert b"Enter a valid email address" in response.content


def test_it_builds_absolute_links(cast, settings):
    settings.SITE_URL = "https://socplan.example.org"
    assert magic_link_url(cast.participant).startswith(
        f"https://socplan.example.org/join/{cast.workshop.code}/?token="
    )
