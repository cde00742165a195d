"""Invitations: the email with the magic link, resending, inviting everyone, status."""

import re
from datetime import timedelta
from unittest import mock

from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in
from tests.factories import ParticipantFactory, SessionFactory, plan_tree, system
from workshops.models import Membership, Workshop, WorkshopSession


def invite_url(workshop, member) -> str:
    return reverse("workshops:invite", args=[workshop.code, member.pk])


def roster_url(workshop) -> str:
    return reverse("workshops:roster", args=[workshop.code])


def link_in(body: str) -> str:
    return re.search(r"http\S+/join/\S+", body).group(0)


def status_text(client, workshop, member) -> str:
    response = client.get(roster_url(workshop))
    (row,) = [p for _, people in response.context["systems"] for p in people if p.pk == member.pk]
    label = row.invitation.label
    assert f">{label}</span>" in response.text
    return label


def test_it_emails_the_invitation_with_the_magic_link(client, cast):
    inviter = cast.facilitator.user
    sign_in(client, inviter)
    response = client.post(invite_url(cast.workshop, cast.participant), follow=True)
    assert response.redirect_chain == [(roster_url(cast.workshop), 302)]
    assert f"Invitation sent to {cast.participant.display_name}" in response.text
    (email,) = mail.outbox
    assert email.to == [cast.participant.user.email]
    assert email.reply_to == [inviter.email]
    assert cast.workshop.title in email.subject
    body = email.body
    assert f"/join/{cast.workshop.code}/?token=" in body
    assert inviter.get_full_name() in body
    assert "Tompkins County, NY" in body
    assert "Local Infrastructure Self-Assessment Survey" in body
    assert "Administrative Data Table" in body
    assert "representing Mental Health" in body
    assert f"Session {cast.session.number}:" in body
    assert cast.session.meeting_link in body
    cast.participant.refresh_from_db()
    assert cast.participant.invited_at is not None
    assert cast.participant.last_link_sent_at == cast.participant.invited_at
    assert cast.participant.invitation == Membership.Invitation.SENT


def test_it_says_when_sessions_are_not_set_yet(client, cast):
    cast.session.delete()
    sign_in(client, cast.committee.user)
    client.post(invite_url(cast.workshop, cast.participant))
    assert "The dates of the sessions will follow." in mail.outbox[0].body


def test_it_lists_every_session(client, cast):
    SessionFactory(workshop=cast.workshop, meeting_link="", location="Ithaca Library")
    sign_in(client, cast.facilitator.user)
    client.post(invite_url(cast.workshop, cast.participant))
    assert "Ithaca Library" in mail.outbox[0].body
    assert mail.outbox[0].body.count("- Session ") == 2


def test_someone_added_after_the_sessions_is_told_they_were_held(client, cast):
    Workshop.objects.filter(pk=cast.workshop.pk).update(stage=Workshop.Stage.IMPLEMENT)
    WorkshopSession.objects.filter(pk=cast.session.pk).update(
        starts_at=timezone.now() - timedelta(days=30)
    )
    sign_in(client, cast.facilitator.user)
    client.post(invite_url(cast.workshop, cast.participant))
    body = mail.outbox[0].body
    assert "The workshop's sessions were held:" in body
    assert "mapped it, agreed on priorities and wrote the county's action plan." in body
    assert f"- Session {cast.session.number}: " in body
    assert "now at the Implement stage. On its pages you find the county's system" in body
    assert "the steps you lead" not in body  # a newcomer leads none yet
    step = plan_tree(cast.workshop).step
    step.lead_member = cast.participant
    step.save()
    client.post(invite_url(cast.workshop, cast.participant))
    assert "the steps you lead, to report their progress." in mail.outbox[-1].body
    assert "Before the workshop" not in body and "Self-Assessment Survey" not in body
    assert "Join:" not in body  # a past meeting's link is no use
    assert f"/join/{cast.workshop.code}/?token=" in body


def test_sessions_to_come_without_the_survey_once_it_is_past(client, cast):
    Workshop.objects.filter(pk=cast.workshop.pk).update(stage=Workshop.Stage.PLAN)
    sign_in(client, cast.facilitator.user)
    client.post(invite_url(cast.workshop, cast.participant))
    body = mail.outbox[0].body
    assert "The sessions:" in body and cast.session.meeting_link in body
    assert "Before the workshop" not in body and "steps you lead" not in body


def test_it_resends_an_invitation(client, cast):
    sign_in(client, cast.facilitator.user)
    client.post(invite_url(cast.workshop, cast.participant))
    cast.participant.refresh_from_db()
    first = cast.participant.invited_at
    response = client.post(invite_url(cast.workshop, cast.participant), follow=True)
    assert "Invitation sent again" in response.text
    assert len(mail.outbox) == 2
    cast.participant.refresh_from_db()
    assert cast.participant.invited_at == first
    assert cast.participant.last_link_sent_at > first
    assert "Resend invitation" in response.text


def test_it_invites_everyone_not_yet_invited(client, cast):
    others = [ParticipantFactory(workshop=cast.workshop, system=system("youth")) for _ in range(3)]
    ParticipantFactory(workshop=cast.workshop, user__email="")
    sign_in(client, cast.facilitator.user)
    client.post(invite_url(cast.workshop, cast.participant))
    page = client.get(roster_url(cast.workshop))
    assert "Send invitations to everyone not yet invited (3)" in page.text
    response = client.post(reverse("workshops:invite_all", args=[cast.workshop.code]), follow=True)
    assert "Sent 3 invitations." in response.text
    assert sorted(m.to[0] for m in mail.outbox[1:]) == sorted(o.user.email for o in others)
    assert "everyone not yet invited" not in response.text
    response = client.post(reverse("workshops:invite_all", args=[cast.workshop.code]), follow=True)
    assert "Everyone on the roster has already been invited." in response.text
    assert len(mail.outbox) == 4


def test_it_follows_the_invitation_from_sent_to_accepted(client, cast):
    sign_in(client, cast.facilitator.user)
    assert status_text(client, cast.workshop, cast.participant) == "Not sent"
    client.post(invite_url(cast.workshop, cast.participant))
    assert status_text(client, cast.workshop, cast.participant) == "Sent"

    link = link_in(mail.outbox[0].body)
    visitor = Client()  # the participant's own browser
    assert visitor.get(link).status_code == 200
    assert status_text(client, cast.workshop, cast.participant) == "Opened"

    token = link.split("token=")[1]
    confirm = visitor.post(link.split("?")[0], {"token": token})
    assert confirm.status_code == 302
    assert status_text(client, cast.workshop, cast.participant) == "Accepted"


def test_it_explains_a_participant_without_email(client, cast):
    cast.participant.user.email = ""
    cast.participant.user.save()
    sign_in(client, cast.facilitator.user)
    response = client.post(invite_url(cast.workshop, cast.participant), follow=True)
    assert "has no email address" in response.text
    assert mail.outbox == []


def test_it_reports_a_mail_failure(client, cast):
    sign_in(client, cast.facilitator.user)
    with mock.patch(
        "django.core.mail.EmailMessage.send", side_effect=ConnectionRefusedError("refused")
    ):
        response = client.post(invite_url(cast.workshop, cast.participant), follow=True)
        assert "could not be sent" in response.text
        response = client.post(
            reverse("workshops:invite_all", args=[cast.workshop.code]), follow=True
        )
        assert "could not be sent" in response.text
    cast.participant.refresh_from_db()
    assert cast.participant.invited_at is None


def test_it_invites_only_participants_of_this_workshop(client, cast):
    sign_in(client, cast.facilitator.user)
    for member in [cast.outsider, cast.committee]:
        assert client.post(invite_url(cast.workshop, member)).status_code == 404
    assert mail.outbox == []


def test_it_refuses_to_invite_by_get(client, cast):
    sign_in(client, cast.facilitator.user)
    assert client.get(invite_url(cast.workshop, cast.participant)).status_code == 405
    assert client.get(reverse("workshops:invite_all", args=[cast.workshop.code])).status_code == 405
