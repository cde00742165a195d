from datetime import timedelta

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.instruments import survey_for
from assessments.models import DataRow, Reminder, Response
from tests.conftest import sign_in
from tests.factories import ParticipantFactory, system
from workshops.models import Membership


def url(cast, name="completion", *args) -> str:
    return reverse(f"assessments:{name}", args=[cast.workshop.code, *args])


def start(membership, section=2, submitted=False) -> Response:
    survey = survey_for(membership.workshop)
    return Response.objects.create(
        survey=survey,
        membership=membership,
        instrument_id=survey.instrument_id,
        last_section=section,
        submitted_at=timezone.now() if submitted else None,
    )


def data_row(membership, complete=False) -> DataRow:
    return DataRow.objects.create(
        workshop=membership.workshop,
        membership=membership,
        submitted_at=timezone.now() if complete else None,
    )


def finish(membership) -> None:
    start(membership, 5, submitted=True)
    data_row(membership, complete=True)


def test_it_shows_each_participants_status_by_system(client, cast):
    started = ParticipantFactory(workshop=cast.workshop, system=system("youth"))
    done = ParticipantFactory(workshop=cast.workshop, system=system("youth"))
    start(started, section=3)
    data_row(started)
    finish(done)
    sign_in(client, cast.facilitator.user)
    response = client.get(url(cast))
    assert response.status_code == 200
    content = response.content.decode()
    assert "1 of 3 submitted the survey (1 more started); 1 of 3 completed the data" in content
    assert "Not opened" in content and "Not started" in content  # cast.participant
    assert "section 3 of 5" in content
    assert "In progress" in content
    assert "Submitted" in content and "Complete" in content
    assert content.index("Mental Health") < content.index("Youth")
    assert "Remind everyone who has not finished (2)" in content
    assert content.count(">Remind<span") == 2
    assert "Close the survey" in content


def test_it_explains_the_empty_page_and_hides_run_actions_from_the_committee(client, cast):
    Membership.objects.filter(pk=cast.participant.pk).delete()
    sign_in(client, cast.committee.user)
    content = client.get(url(cast)).content.decode()
    assert "No participants yet" in content
    assert "Close the survey" not in content
    assert "Remind everyone" not in content


def test_it_reminds_one_participant_with_a_fresh_link(client, cast):
    sign_in(client, cast.facilitator.user)
    start(cast.participant)
    response = client.post(url(cast, "remind", cast.participant.pk), follow=True)
    assert b"Reminder sent to" in response.content
    (email,) = mail.outbox
    assert email.to == [cast.participant.user.email]
    assert f"/join/{cast.workshop.code}/?token=" in email.body
    assert "you have started it" in email.body
    assert "Administrative Data Table" in email.body
    reminder = Reminder.objects.get()
    assert reminder.membership == cast.participant and reminder.sent_by == cast.facilitator.user
    cast.participant.refresh_from_db()
    assert cast.participant.last_link_sent_at is not None
    assert "0\xa0minutes ago" in response.content.decode()  # the last reminder, on the page


def test_it_tells_what_is_left(client, cast):
    start(cast.participant, submitted=True)
    sign_in(client, cast.facilitator.user)
    client.post(url(cast, "remind", cast.participant.pk))
    body = mail.outbox[0].body
    assert "One thing is left before the workshop: your agency's row" in body
    assert "Thank you for completing the survey" in body


def test_it_does_not_remind_those_who_finished(client, cast):
    finish(cast.participant)
    sign_in(client, cast.facilitator.user)
    response = client.post(url(cast, "remind", cast.participant.pk), follow=True)
    assert b"has already finished" in response.content
    assert mail.outbox == []
    assert not Reminder.objects.exists()


def test_it_refuses_without_an_email_address(client, cast):
    cast.participant.user.email = ""
    cast.participant.user.save()
    sign_in(client, cast.committee.user)
    response = client.post(url(cast, "remind", cast.participant.pk), follow=True)
    assert b"has no email address" in response.content
    assert mail.outbox == []


def test_it_404s_reminders_to_non_participants_and_other_workshops(client, cast):
    sign_in(client, cast.facilitator.user)
    assert client.post(url(cast, "remind", cast.committee.pk)).status_code == 404
    assert client.post(url(cast, "remind", cast.outsider.pk)).status_code == 404
    assert client.get(url(cast, "remind", cast.participant.pk)).status_code == 405


def test_it_reminds_everyone_who_has_not_finished(client, cast):
    finish(ParticipantFactory(workshop=cast.workshop))
    halfway = ParticipantFactory(workshop=cast.workshop)
    start(halfway, submitted=True)
    ParticipantFactory(workshop=cast.workshop, user__email="")
    sign_in(client, cast.facilitator.user)
    response = client.post(url(cast, "remind_all"), follow=True)
    assert b"Sent 2 reminders." in response.content
    assert sorted(e.to[0] for e in mail.outbox) == sorted(
        [cast.participant.user.email, halfway.user.email]
    )
    tokens = {e.body.split("?token=")[1].split()[0] for e in mail.outbox}
    assert len(tokens) == 2  # each email its own link
    assert set(Reminder.objects.values_list("membership_id", flat=True)) == {
        cast.participant.pk,
        halfway.pk,
    }
    Reminder.objects.update(sent_at=timezone.now() - timedelta(hours=2))
    content = client.get(url(cast)).content.decode()
    assert content.count("2\xa0hours ago") == 2


def test_it_says_when_everyone_has_finished(client, cast):
    finish(cast.participant)
    sign_in(client, cast.facilitator.user)
    response = client.post(url(cast, "remind_all"), follow=True)
    assert b"nothing was sent" in response.content
    assert mail.outbox == []


def test_it_closes_and_reopens_the_survey(client, cast):
    sign_in(client, cast.facilitator.user)
    response = client.post(url(cast, "survey_close"), {"action": "close"}, follow=True)
    assert b"The survey is closed" in response.content
    survey = survey_for(cast.workshop)
    assert survey.closed_at is not None and survey.closed_by == cast.facilitator.user
    assert b"Reopen the survey" in response.content
    response = client.post(url(cast, "survey_close"), {"action": "reopen"}, follow=True)
    assert b"The survey is open again" in response.content
    survey.refresh_from_db()
    assert survey.is_open and survey.closed_by is None
    response = client.post(url(cast, "survey_close"), {"action": "explode"}, follow=True)
    assert b"Choose to close or to reopen" in response.content
    survey.refresh_from_db()
    assert survey.is_open


def test_it_keeps_a_fixed_query_count(client, cast, django_assert_max_num_queries):
    sign_in(client, cast.facilitator.user)
    client.get(url(cast))  # opens the survey
    with CaptureQueriesContext(connection) as one:
        client.get(url(cast))
    people = ParticipantFactory.create_batch(30, workshop=cast.workshop)
    for i, person in enumerate(people):
        if i % 3:
            start(person, submitted=i % 2 == 0)
        if i % 4:
            data_row(person, complete=i % 2 == 0)
        Reminder.objects.create(membership=person)
    sign_in(client, cast.facilitator.user)
    with django_assert_max_num_queries(12):
        response = client.get(url(cast))
    assert response.status_code == 200
    assert b"of 31 submitted the survey" in response.content
    assert len(one) == 12
