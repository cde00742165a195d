"""Planning-committee meetings: list, schedule, checklist, notes, attendees and conflicts."""

import re
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in
from tests.factories import MeetingFactory, MembershipFactory, ParticipantFactory
from workshops.models import Meeting

Topic = Meeting.Topic


def at(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text))


def list_url(cast) -> str:
    return reverse("workshops:meetings", args=[cast.workshop.code])


def new_url(cast) -> str:
    return reverse("workshops:meeting_new", args=[cast.workshop.code])


def detail_url(cast, meeting=None) -> str:
    return reverse("workshops:meeting", args=[cast.workshop.code, (meeting or cast.meeting).pk])


def test_it_lists_meetings_by_date_with_the_next_one_highlighted(client, cast):
    past = MeetingFactory(
        workshop=cast.workshop,
        scheduled_at=timezone.now() - timedelta(days=7),
        topics_reviewed=[Topic.GOALS, Topic.FACILITATORS],
    )
    later = MeetingFactory(workshop=cast.workshop, scheduled_at=timezone.now() + timedelta(days=30))
    sign_in(client, cast.committee.user)
    response = client.get(list_url(cast))
    assert response.status_code == 200
    assert response.context["meetings"] == [past, cast.meeting, later]
    assert response.context["upcoming"] == cast.meeting
    assert response.content.count(b"Next meeting</span>") == 1
    assert b"2 of 5" in response.content
    assert response.context["topics_missing"] == [
        Topic.PLANNING_PROCESS,
        Topic.PARTICIPANTS,
        Topic.TIMEFRAME,
    ]
    assert b"Topics not yet reviewed" in response.content


def test_it_says_what_to_do_without_meetings(client, cast):
    cast.meeting.delete()
    sign_in(client, cast.facilitator.user)
    response = client.get(list_url(cast))
    assert b"No meetings yet" in response.content
    assert new_url(cast).encode() in response.content


def test_it_lists_meetings_in_a_fixed_number_of_queries(
    client, cast, django_assert_max_num_queries
):
    sign_in(client, cast.facilitator.user)
    for day in range(1, 30):
        meeting = MeetingFactory(
            workshop=cast.workshop,
            scheduled_at=timezone.now() + timedelta(days=day),
            topics_reviewed=[Topic.GOALS],
        )
        meeting.attendees.add(cast.facilitator.user, cast.committee.user)
    with django_assert_max_num_queries(8):
        response = client.get(list_url(cast))
    assert len(response.context["meetings"]) == 30


def test_it_suggests_a_week_after_the_last_meeting(client, cast):
    MeetingFactory(
        workshop=cast.workshop,
        scheduled_at=at("2030-03-04 15:30"),
        duration_minutes=90,
        place="Room 2",
    )
    sign_in(client, cast.facilitator.user)
    response = client.get(new_url(cast))
    form = response.context["form"]
    assert form.initial["scheduled_at"] == at("2030-03-11 15:30")
    assert form.initial["duration_minutes"] == 90
    assert form.initial["place"] == "Room 2"
    assert b'type="datetime-local"' in response.content
    assert b'value="2030-03-11T15:30"' in response.content


def test_it_suggests_next_week_when_there_is_no_meeting(client, cast):
    cast.meeting.delete()
    sign_in(client, cast.facilitator.user)
    suggested = client.get(new_url(cast)).context["form"].initial["scheduled_at"]
    assert timezone.localtime(suggested).date() == timezone.localdate() + timedelta(weeks=1)


def test_it_suggests_a_week_after_a_given_meeting(client, cast):
    first = MeetingFactory(workshop=cast.workshop, scheduled_at=at("2030-01-07 09:00"))
    MeetingFactory(workshop=cast.workshop, scheduled_at=at("2030-05-01 09:00"))
    sign_in(client, cast.facilitator.user)
    response = client.get(new_url(cast) + f"?after={first.pk}")
    assert response.context["form"].initial["scheduled_at"] == at("2030-01-14 09:00")
    assert client.get(new_url(cast) + "?after=abc").status_code == 200


def test_it_schedules_a_meeting(client, cast):
    sign_in(client, cast.committee.user)
    data = {"scheduled_at": "2030-02-01T14:00", "duration_minutes": "45", "place": "Zoom"}
    response = client.post(new_url(cast), data)
    meeting = cast.workshop.meetings.get(place="Zoom")
    assert response.status_code == 302
    assert response.url == detail_url(cast, meeting)
    assert meeting.scheduled_at == at("2030-02-01 14:00")
    assert meeting.duration_minutes == 45


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("scheduled_at", ""),
        ("scheduled_at", "next tuesday"),
        ("duration_minutes", "4"),
        ("duration_minutes", "601"),
        ("duration_minutes", ""),
    ],
)
def test_it_refuses_bad_schedules(client, cast, field, value):
    sign_in(client, cast.committee.user)
    data = {"scheduled_at": "2030-02-01T14:00", "duration_minutes": "60", field: value}
    response = client.post(new_url(cast), data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert cast.workshop.meetings.count() == 1


def meeting_data(cast, **overrides) -> dict:
    data = {
        "scheduled_at": "2030-02-01T14:00",
        "duration_minutes": "60",
        "place": "County office",
        "topics_reviewed": [Topic.GOALS, Topic.PLANNING_PROCESS],
        "notes": "Talked about goals.",
        "decisions": "Hybrid format.",
        "attendees": [cast.facilitator.user.pk, cast.participant.user.pk, cast.reviewer.pk],
        "version": "1",
    }
    return {**data, **overrides}


def test_it_records_the_meeting(client, cast):
    sign_in(client, cast.committee.user)
    response = client.post(detail_url(cast), meeting_data(cast))
    assert response.status_code == 302
    cast.meeting.refresh_from_db()
    assert cast.meeting.topics_reviewed == [Topic.PLANNING_PROCESS, Topic.GOALS]
    assert cast.meeting.notes == "Talked about goals."
    assert cast.meeting.decisions == "Hybrid format."
    assert cast.meeting.place == "County office"
    assert set(cast.meeting.attendees.all()) == {
        cast.facilitator.user,
        cast.participant.user,
        cast.reviewer,
    }
    assert cast.meeting.version == 2
    assert cast.meeting.history.count() == 2


def test_it_shows_the_checklist_and_attendees(client, cast):
    cast.meeting.topics_reviewed = [Topic.TIMEFRAME]
    cast.meeting.save()
    sign_in(client, cast.facilitator.user)
    response = client.get(detail_url(cast))
    content = response.content.decode()
    assert content.count('name="topics_reviewed"') == 5
    assert re.search(r'value="timeframe"[^>]*checked', content)
    assert not re.search(r'value="goals"[^>]*checked', content)
    assert "(State SOC team)" in content
    assert f"{cast.participant.user.get_full_name()} (Participant)" in content
    assert cast.outsider.user.get_full_name() not in content
    assert 'name="version" value="1"' in content


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("scheduled_at", ""),
        ("duration_minutes", "601"),
        ("duration_minutes", "2"),
        ("topics_reviewed", ["goals", "budget"]),
        ("attendees", ["outsider"]),
        ("version", ""),
    ],
)
def test_it_refuses_bad_meeting_input(client, cast, field, value):
    if value == ["outsider"]:
        value = [cast.outsider.user.pk]
    sign_in(client, cast.committee.user)
    response = client.post(detail_url(cast), meeting_data(cast, **{field: value}))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    cast.meeting.refresh_from_db()
    assert (cast.meeting.notes, cast.meeting.version) == ("", 1)
    assert not cast.meeting.attendees.exists()


def test_it_does_not_overwrite_a_newer_save(client, cast):
    cast.meeting.notes = "Their notes"
    cast.meeting.decisions = "Their decision"
    cast.meeting.version = 2
    cast.meeting.save()
    sign_in(client, cast.committee.user)
    response = client.post(detail_url(cast), meeting_data(cast, notes="My notes", version="1"))
    assert response.status_code == 409
    content = response.content.decode()
    assert "Someone else saved this meeting" in content
    assert "Their notes" in content
    assert "Their decision" in content
    assert "My notes" in content
    assert 'name="version" value="2"' in content
    cast.meeting.refresh_from_db()
    assert (cast.meeting.notes, cast.meeting.version) == ("Their notes", 2)

    resubmit = client.post(detail_url(cast), meeting_data(cast, notes="My notes", version="2"))
    assert resubmit.status_code == 302
    cast.meeting.refresh_from_db()
    assert (cast.meeting.notes, cast.meeting.version) == ("My notes", 3)


def test_it_links_to_the_next_meeting(client, cast):
    following = MeetingFactory(
        workshop=cast.workshop, scheduled_at=cast.meeting.scheduled_at + timedelta(days=14)
    )
    sign_in(client, cast.facilitator.user)
    response = client.get(detail_url(cast))
    assert response.context["next_meeting"] == following
    assert b"Next meeting:" in response.content
    last = client.get(detail_url(cast, following))
    assert last.context["next_meeting"] is None
    assert f"{new_url(cast)}?after={following.pk}".encode() in last.content


def test_it_hides_other_workshops_meetings(client, cast):
    other = MeetingFactory(workshop=cast.outsider.workshop)
    sign_in(client, cast.reviewer)
    url = reverse("workshops:meeting", args=[cast.workshop.code, other.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, meeting_data(cast)).status_code == 404


def test_it_shows_the_meeting_in_a_fixed_number_of_queries(
    client, cast, django_assert_max_num_queries
):
    ParticipantFactory.create_batch(20, workshop=cast.workshop)
    MembershipFactory.create_batch(5, workshop=cast.workshop)
    cast.meeting.attendees.add(*[m.user for m in cast.workshop.memberships.all()])
    sign_in(client, cast.facilitator.user)
    with django_assert_max_num_queries(13):
        response = client.get(detail_url(cast))
    assert len(response.context["form"].fields["attendees"].labels) == 29


def test_it_shows_unreviewed_topics_on_the_dashboard(client, cast):
    cast.meeting.topics_reviewed = [topic.value for topic in Topic if topic != Topic.TIMEFRAME]
    cast.meeting.save()
    sign_in(client, cast.committee.user)
    response = client.get(cast.workshop.get_absolute_url())
    assert response.context["facts"].topics_not_reviewed == [Topic.TIMEFRAME]
    assert b"Topics not yet reviewed" in response.content
