from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in
from tests.factories import SessionFactory
from workshops.models import Debrief

ANSWERS = {
    "working_well": "People talked across systems.",
    "worried_about": "Youth voice was missing.",
    "next_steps": "Invite the youth council.",
    "adjustments": "Shorter presentations, longer breakouts.",
}


def url(cast, number=None):
    return reverse("workshops:debrief", args=[cast.workshop.code, number or cast.session.number])


def held_session(cast):
    cast.session.starts_at = timezone.now() - timedelta(days=1)
    cast.session.save()
    return cast.session


def test_it_shows_the_three_questions(client, cast):
    sign_in(client, cast.facilitator.user)
    response = client.get(url(cast))
    assert response.status_code == 200
    for question in (
        b"What&#x27;s working well?",
        b"What are we worried about?",
        b"What needs to happen next?",
        b"Adjustments for the next session",
    ):
        assert question in response.content
    assert response.context["form"]["version"].value() in (0, "0")


def test_it_records_a_debrief(client, cast):
    session = held_session(cast)
    sign_in(client, cast.facilitator.user)
    response = client.post(url(cast), {**ANSWERS, "version": "0"})
    assert response.status_code == 302
    assert response.url == reverse("workshops:session", args=[cast.workshop.code, session.number])
    debrief = Debrief.objects.get(session=session)
    assert debrief.adjustments == ANSWERS["adjustments"]
    assert debrief.recorded_by == cast.facilitator.user
    assert debrief.version == 1
    assert debrief.history.count() == 1


def test_it_updates_a_debrief(client, cast):
    session = held_session(cast)
    Debrief.objects.create(session=session, working_well="Old", version=1)
    sign_in(client, cast.reviewer)
    response = client.get(url(cast))
    assert response.context["form"]["version"].value() == 1
    response = client.post(url(cast), {**ANSWERS, "version": "1"})
    assert response.status_code == 302
    debrief = Debrief.objects.get(session=session)
    assert (debrief.working_well, debrief.version) == (ANSWERS["working_well"], 2)
    assert debrief.recorded_by == cast.reviewer


def test_it_keeps_both_versions_on_conflict(client, cast):
    session = held_session(cast)
    Debrief.objects.create(session=session, working_well="Theirs", version=3)
    sign_in(client, cast.facilitator.user)
    response = client.post(url(cast), {**ANSWERS, "version": "2"})
    assert response.status_code == 200
    assert b"Someone else saved this debrief" in response.content
    assert b"Theirs" in response.content
    assert ANSWERS["working_well"].encode() in response.content
    assert response.context["form"]["version"].value() == "3"
    assert Debrief.objects.get(session=session).working_well == "Theirs"
    response = client.post(url(cast), {**ANSWERS, "version": "3"})
    assert response.status_code == 302
    assert Debrief.objects.get(session=session).working_well == ANSWERS["working_well"]


def test_it_treats_a_concurrent_first_debrief_as_a_conflict(client, cast):
    session = held_session(cast)
    Debrief.objects.create(session=session, worried_about="Theirs first")
    sign_in(client, cast.facilitator.user)
    response = client.post(url(cast), {**ANSWERS, "version": "0"})
    assert response.status_code == 200
    assert b"Theirs first" in response.content
    assert Debrief.objects.get(session=session).worried_about == "Theirs first"


def test_it_rejects_bad_debriefs(client, cast):
    sign_in(client, cast.facilitator.user)
    response = client.post(url(cast), {"version": "0"})
    assert response.status_code == 200
    assert b"Answer at least one of the questions." in response.content
    response = client.post(url(cast), {**ANSWERS})
    assert response.status_code == 200
    assert b"reload the page" in response.content
    response = client.post(url(cast), {**ANSWERS, "version": "minus one"})
    assert response.status_code == 200
    assert b"reload the page" in response.content
    response = client.post(url(cast), {})
    assert response.status_code == 200
    assert not Debrief.objects.exists()


def test_it_shows_the_adjustments_on_the_next_session(client, cast):
    session = held_session(cast)
    following = SessionFactory(workshop=cast.workshop, number=session.number + 1)
    sign_in(client, cast.facilitator.user)
    client.post(url(cast), {**ANSWERS, "version": "0"})
    response = client.get(reverse("workshops:session", args=[cast.workshop.code, following.number]))
    assert f"Adjustments agreed after session {session.number}".encode() in response.content
    assert ANSWERS["adjustments"].encode() in response.content
