from datetime import UTC, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from tests.conftest import sign_in
from tests.factories import SessionFactory
from workshops.formats import apply_plan, plan_sessions
from workshops.models import Workshop

Format = Workshop.Format
LINK = "https://zoom.us/j/98765"


def schedule(cast, workshop_format=Format.HYBRID):
    cast.workshop.sessions.all().delete()
    plans = plan_sessions(workshop_format, timezone.localdate() + timedelta(days=30))
    return apply_plan(cast.workshop, workshop_format, plans, LINK, "County Library, Ithaca")


def test_it_exports_the_series(client, cast):
    sessions = schedule(cast)
    sign_in(client, cast.participant.user, cast.workshop)
    response = client.get(reverse("workshops:series_ics", args=[cast.workshop.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="tompkins-soc-workshop-sessions.ics"'
    )
    calendar = Calendar.from_ical(response.content)
    events = calendar.events
    assert len(events) == 4
    first, last = events[0], events[3]
    assert first.start == sessions[0].starts_at.astimezone(UTC)
    assert first.end == sessions[0].starts_at.astimezone(UTC) + timedelta(minutes=120)
    assert str(first["LOCATION"]) == LINK
    assert str(last["LOCATION"]) == "County Library, Ithaca"
    assert last.end - last.start == timedelta(minutes=210)
    assert str(first["SUMMARY"]) == "Tompkins SOC Workshop — Session 1"
    assert str(first["UID"]) == f"{cast.workshop.code}-session-1@socplan"
    assert str(first["URL"]) == settings.SITE_URL + reverse(
        "workshops:session", args=[cast.workshop.code, 1]
    )
    assert "10:00-10:15 Welcome and introductions (15 min)" in str(first["DESCRIPTION"])


def test_it_exports_one_session(client, cast):
    schedule(cast)
    sign_in(client, cast.facilitator.user)
    response = client.get(reverse("workshops:session_ics", args=[cast.workshop.code, 4]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-session-4.ics"')
    events = Calendar.from_ical(response.content).events
    assert len(events) == 1
    assert str(events[0]["UID"]) == f"{cast.workshop.code}-session-4@socplan"
    assert events[0].start.tzinfo is not None


def test_it_raises_the_sequence_when_a_session_changes(client, cast):
    sessions = schedule(cast)
    sign_in(client, cast.facilitator.user)
    ics_url = reverse("workshops:session_ics", args=[cast.workshop.code, 1])
    assert Calendar.from_ical(client.get(ics_url).content).events[0]["SEQUENCE"] == 0
    sessions[0].starts_at += timedelta(hours=1)
    sessions[0].save()
    assert Calendar.from_ical(client.get(ics_url).content).events[0]["SEQUENCE"] == 1


def test_it_exports_an_empty_series(client, cast):
    cast.workshop.sessions.all().delete()
    sign_in(client, cast.facilitator.user)
    response = client.get(reverse("workshops:series_ics", args=[cast.workshop.code]))
    assert Calendar.from_ical(response.content).events == []


def test_it_404s_the_calendar_of_a_missing_session(client, cast):
    sign_in(client, cast.facilitator.user)
    response = client.get(reverse("workshops:session_ics", args=[cast.workshop.code, 999]))
    assert response.status_code == 404


def test_it_keeps_a_fixed_query_count(client, cast, django_assert_max_num_queries):
    schedule(cast, Format.VIRTUAL)
    for number in range(10, 40):
        SessionFactory(workshop=cast.workshop, number=number)
    sign_in(client, cast.facilitator.user)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("workshops:series_ics", args=[cast.workshop.code]))
    assert len(Calendar.from_ical(response.content).events) == 35
