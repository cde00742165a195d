from django.core import mail
from django.urls import reverse

from tests.conftest import sign_in
from tests.factories import ParticipantFactory, system


def people_url(workshop):
    return reverse("workshops:people", args=[workshop.code])


def test_it_lists_members_and_missing_systems(client, cast):
    sign_in(client, cast.facilitator.user)
    response = client.get(people_url(cast.workshop))
    assert response.status_code == 200
    assert len(response.context["members"]) == 3
    missing = {s.name for s in response.context["missing_systems"]}
    assert "Mental Health" not in missing  # the cast's participant represents it
    assert {"Youth", "Caregivers", "Crisis"} <= missing
    assert len(missing) == 12


def test_it_keeps_a_fixed_query_count(client, cast, django_assert_max_num_queries):
    sign_in(client, cast.facilitator.user)
    for slug in ["youth", "education", "crisis", "medical", "child-welfare"]:
        ParticipantFactory(workshop=cast.workshop, system=system(slug))
    with django_assert_max_num_queries(9):
        client.get(people_url(cast.workshop))


def test_it_emails_a_sign_in_link(client, cast):
    sign_in(client, cast.facilitator.user)
    url = reverse("workshops:send_link", args=[cast.workshop.code, cast.participant.pk])
    response = client.post(url)
    assert response.status_code == 302
    assert mail.outbox[0].to == [cast.participant.user.email]
    cast.participant.refresh_from_db()
    assert cast.participant.last_link_sent_at is not None


def test_it_refuses_a_member_of_another_workshop(client, cast):
    sign_in(client, cast.facilitator.user)
    url = reverse("workshops:send_link", args=[cast.workshop.code, cast.outsider.pk])
    assert client.post(url).status_code == 404
    assert mail.outbox == []


def test_it_explains_a_member_without_email(client, cast):
    cast.participant.user.email = ""
    cast.participant.user.save()
    sign_in(client, cast.facilitator.user)
    url = reverse("workshops:send_link", args=[cast.workshop.code, cast.participant.pk])
    response = client.post(url, follow=True)
    assert b"has no email address" in response.content
    assert mail.outbox == []


def test_it_refuses_get_on_send_link(client, cast):
    sign_in(client, cast.facilitator.user)
    url = reverse("workshops:send_link", args=[cast.workshop.code, cast.participant.pk])
    assert client.get(url).status_code == 405
