from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in
from tests.factories import SessionFactory
from workshops.formats import apply_plan, plan_sessions
from workshops.models import Activity, AgendaItem, Debrief, Workshop, WorkshopSession

Format = Workshop.Format
LINK = "https://zoom.us/j/98765"


def url(cast, name, **kwargs):
    return reverse(f"workshops:{name}", kwargs={"code": cast.workshop.code, **kwargs})


def first_day(days=30):
    return timezone.localdate() + timedelta(days=days)


def choice(**overrides):
    data = {
        "format": Format.VIRTUAL,
        "first_day": first_day().isoformat(),
        "start_time": "",
        "meeting_link": LINK,
        "location": "",
    }
    return {**data, **overrides}


def schedule(cast, workshop_format=Format.VIRTUAL, days=30):
    cast.workshop.sessions.all().delete()
    plans = plan_sessions(workshop_format, first_day(days))
    return apply_plan(cast.workshop, workshop_format, plans, LINK, "County Library")


# Format choice


def test_it_shows_the_format_form(client, cast):
    sign_in(client, cast.committee.user)
    response = client.get(url(cast, "format"))
    assert response.status_code == 200
    assert b"Virtual: five 2-hour sessions" in response.content
    assert b'type="radio"' in response.content


def test_it_fills_the_form_from_the_current_sessions(client, cast):
    sessions = schedule(cast, Format.VIRTUAL)
    sessions[0].starts_at += timedelta(hours=3)
    sessions[0].save()
    sign_in(client, cast.facilitator.user)
    form = client.get(url(cast, "format")).context["form"]
    assert form.initial["format"] == Format.VIRTUAL
    assert form.initial["first_day"] == first_day()
    assert form.initial["start_time"].hour == 13
    assert form.initial["meeting_link"] == LINK


def test_it_asks_for_confirmation_before_generating(client, cast):
    cast.workshop.sessions.all().delete()
    sign_in(client, cast.facilitator.user)
    response = client.post(url(cast, "format"), choice())
    assert response.status_code == 200
    assert response.templates[0].name == "workshops/format_confirm.html"
    assert len(response.context["plans"]) == 5
    assert b"Confirm and schedule the sessions" in response.content
    assert not cast.workshop.sessions.exists()


def test_it_generates_sessions_on_confirm(client, cast):
    cast.workshop.sessions.all().delete()
    sign_in(client, cast.facilitator.user)
    preview = client.post(url(cast, "format"), choice(format=Format.HYBRID, location="Hall"))
    data = choice(format=Format.HYBRID, location="Hall", confirm="1")
    data["seen"] = preview.context["fingerprint"]
    response = client.post(url(cast, "format"), data)
    assert response.status_code == 302
    assert response.url == url(cast, "sessions")
    sessions = list(cast.workshop.sessions.order_by("number"))
    assert [s.duration_minutes for s in sessions] == [120, 120, 120, 210]
    assert sessions[3].location == "Hall"
    assert sessions[0].meeting_link == LINK
    assert sessions[1].starts_at - sessions[0].starts_at == timedelta(weeks=1)
    assert AgendaItem.objects.filter(session=sessions[0]).exists()
    cast.workshop.refresh_from_db()
    assert cast.workshop.format == Format.HYBRID


def test_it_shows_what_regeneration_changes(client, cast):
    schedule(cast, Format.VIRTUAL)
    sign_in(client, cast.facilitator.user)
    response = client.post(url(cast, "format"), choice(format=Format.IN_PERSON, location="Hall"))
    assert response.status_code == 200
    kinds = [change.kind for change in response.context["changes"]]
    assert kinds == ["changed", "removed", "removed", "removed", "removed"]
    assert b"Session 5 is removed" in response.content
    assert b"Confirm and replace the sessions" in response.content
    assert cast.workshop.sessions.count() == 5

    data = choice(format=Format.IN_PERSON, location="Hall", confirm="1")
    data["seen"] = response.context["fingerprint"]
    assert client.post(url(cast, "format"), data).status_code == 302
    assert list(cast.workshop.sessions.values_list("number", "duration_minutes")) == [(1, 450)]


def test_it_rechecks_when_sessions_changed_since_the_preview(client, cast):
    schedule(cast, Format.VIRTUAL)
    sign_in(client, cast.facilitator.user)
    data = choice(format=Format.IN_PERSON, location="Hall", confirm="1", seen="stale")
    response = client.post(url(cast, "format"), data)
    assert response.status_code == 200
    assert response.templates[0].name == "workshops/format_confirm.html"
    assert cast.workshop.sessions.count() == 5


def test_it_refuses_to_change_the_format_after_a_session_happened(client, cast):
    cast.session.starts_at = timezone.now() - timedelta(hours=3)
    cast.session.save()
    sign_in(client, cast.facilitator.user)
    assert b"has already happened" in client.get(url(cast, "format")).content
    data = choice(confirm="1")
    response = client.post(url(cast, "format"), data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert b"has already happened" in response.content
    assert list(cast.workshop.sessions.all()) == [cast.session]


def test_it_rejects_bad_format_choices(client, cast):
    sign_in(client, cast.facilitator.user)
    cases = [
        ({"format": ""}, "format"),
        ({"format": "weekly"}, "format"),
        ({"first_day": "next tuesday"}, "first_day"),
        ({"first_day": (timezone.localdate() - timedelta(days=1)).isoformat()}, "first_day"),
        ({"start_time": "25:99"}, "start_time"),
        ({"meeting_link": "http://not a url"}, "meeting_link"),
        ({"meeting_link": "ftp://files.example.org/x"}, "meeting_link"),
        ({"meeting_link": ""}, "meeting_link"),
        ({"format": Format.IN_PERSON, "location": ""}, "location"),
        ({"format": Format.HYBRID, "location": ""}, "location"),
    ]
    for overrides, field in cases:
        response = client.post(url(cast, "format"), choice(**overrides, confirm="1"))
        assert response.status_code == 200, overrides
        assert field in response.context["form"].errors, overrides
        assert b"invalid-feedback" in response.content
    assert list(cast.workshop.sessions.all()) == [cast.session]


def test_it_rejects_a_start_time_already_passed_today(client, cast):
    sign_in(client, cast.facilitator.user)
    now = timezone.localtime()
    if now.hour == 0 and now.minute == 0:
        return
    data = choice(first_day=now.date().isoformat(), start_time="00:00")
    response = client.post(url(cast, "format"), data)
    assert "start_time" in response.context["form"].errors


def test_it_answers_an_empty_format_post_with_errors(client, cast):
    sign_in(client, cast.facilitator.user)
    response = client.post(url(cast, "format"), {})
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"format", "first_day"}


# Session list


def test_it_lists_sessions_with_calendar_links(client, cast):
    schedule(cast, Format.HYBRID)
    sign_in(client, cast.participant.user, cast.workshop)
    response = client.get(url(cast, "sessions"))
    assert response.status_code == 200
    assert response.content.count(b"Upcoming") == 4
    assert url(cast, "series_ics").encode() in response.content
    assert url(cast, "session_ics", number=4).encode() in response.content
    assert LINK.encode() in response.content
    assert b"County Library" in response.content
    assert b"Change format" not in response.content
    assert url(cast, "session_edit", number=1).encode() not in response.content
    assert "Hybrid: three 2-hour online sessions and one 3.5-hour in person" in response.text
    client.cookies["django_language"] = "es"
    spanish = client.get(url(cast, "sessions")).text
    assert "Híbrido: tres sesiones de 2 horas en línea y una de 3,5 horas en persona" in spanish


def test_it_shows_staff_the_format_and_edit_links(client, cast):
    sign_in(client, cast.committee.user)
    response = client.get(url(cast, "sessions"))
    assert url(cast, "format").encode() in response.content
    assert url(cast, "session_edit", number=cast.session.number).encode() in response.content


def test_it_marks_held_and_live_sessions(client, cast):
    sessions = schedule(cast, Format.VIRTUAL)
    WorkshopSession.objects.filter(pk=sessions[0].pk).update(
        starts_at=timezone.now() - timedelta(days=7), live_ended_at=timezone.now()
    )
    WorkshopSession.objects.filter(pk=sessions[1].pk).update(live_started_at=timezone.now())
    sign_in(client, cast.facilitator.user)
    content = client.get(url(cast, "sessions")).content
    assert b"Held" in content
    assert b"Live now" in content


def test_it_explains_the_empty_list(client, cast):
    cast.workshop.sessions.all().delete()
    sign_in(client, cast.committee.user)
    response = client.get(url(cast, "sessions"))
    assert b"No sessions yet" in response.content
    assert url(cast, "format").encode() in response.content
    sign_in(client, cast.participant.user, cast.workshop)
    response = client.get(url(cast, "sessions"))
    assert b"your facilitators will schedule them" in response.content.lower()
    assert url(cast, "format").encode() not in response.content


def test_it_keeps_a_fixed_query_count_on_the_list(client, cast, django_assert_max_num_queries):
    cast.workshop.sessions.all().delete()  # its number comes from a sequence and could clash
    for number in range(100, 130):
        session = SessionFactory(workshop=cast.workshop, number=number)
        Debrief.objects.create(session=session, working_well="Good")
    sign_in(client, cast.facilitator.user)
    with django_assert_max_num_queries(8):
        response = client.get(url(cast, "sessions"))
    assert response.status_code == 200


# Session detail


def test_it_shows_the_agenda_with_clock_times(client, cast):
    sessions = schedule(cast, Format.VIRTUAL)
    sign_in(client, cast.participant.user, cast.workshop)
    response = client.get(url(cast, "session", number=1))
    assert response.status_code == 200
    agenda = response.context["agenda"]
    assert agenda[0][0].activity == Activity.WELCOME
    assert agenda[0][1] == sessions[0].starts_at
    assert agenda[1][1] == sessions[0].starts_at + timedelta(minutes=15)
    assert b"10:00" in response.content and b"10:15" in response.content
    assert url(cast, "live").encode() in response.content
    assert url(cast, "runner", number=1).encode() not in response.content


def test_it_shows_staff_the_previous_adjustments(client, cast):
    sessions = schedule(cast, Format.VIRTUAL)
    Debrief.objects.create(session=sessions[0], adjustments="Start with breakout rooms.")
    sign_in(client, cast.facilitator.user)
    response = client.get(url(cast, "session", number=2))
    assert b"Adjustments agreed after session 1" in response.content
    assert b"Start with breakout rooms." in response.content
    assert url(cast, "runner", number=2).encode() in response.content
    assert url(cast, "debrief", number=2).encode() in response.content
    first = client.get(url(cast, "session", number=1))
    assert b"Adjustments agreed" not in first.content
    sign_in(client, cast.participant.user, cast.workshop)
    response = client.get(url(cast, "session", number=2))
    assert b"Start with breakout rooms." not in response.content


def test_it_404s_a_missing_session(client, cast):
    sign_in(client, cast.facilitator.user)
    assert client.get(url(cast, "session", number=999)).status_code == 404


def test_it_keeps_a_fixed_query_count_on_the_detail(client, cast, django_assert_max_num_queries):
    cast.workshop.sessions.all().delete()  # its number comes from a sequence and could clash
    session = SessionFactory(workshop=cast.workshop, number=200, duration_minutes=720)
    for order in range(40):
        AgendaItem.objects.create(
            session=session, order=order, activity=Activity.OTHER, title=f"Item {order}", minutes=5
        )
    for number in range(150, 190):
        Debrief.objects.create(session=SessionFactory(workshop=cast.workshop, number=number))
    sign_in(client, cast.facilitator.user)
    with django_assert_max_num_queries(11):
        response = client.get(url(cast, "session", number=200))
    assert len(response.context["agenda"]) == 40


# Session edit


def edit_data(session, items, **overrides):
    data = {
        "starts_at": timezone.localtime(session.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": str(session.duration_minutes),
        "meeting_link": session.meeting_link,
        "location": session.location,
        "agenda-TOTAL_FORMS": str(len(items)),
        "agenda-INITIAL_FORMS": str(sum(1 for item in items if item.get("id"))),
        "agenda-MIN_NUM_FORMS": "0",
        "agenda-MAX_NUM_FORMS": "1000",
    }
    for index, item in enumerate(items):
        for key, value in item.items():
            data[f"agenda-{index}-{key}"] = str(value)
    data.update(overrides)
    return data


def agenda_rows(session):
    return [
        {
            "id": item.pk,
            "session": session.pk,
            "order": item.order,
            "activity": item.activity,
            "title": item.title,
            "minutes": item.minutes,
        }
        for item in session.agenda.all()
    ]


def test_it_shows_the_edit_form(client, cast):
    schedule(cast)
    sign_in(client, cast.committee.user)
    response = client.get(url(cast, "session_edit", number=2))
    assert response.status_code == 200
    assert b'name="agenda-0-order"' in response.content
    assert b"Remove" in response.content


def test_it_edits_time_and_agenda(client, cast):
    sessions = schedule(cast)
    session = sessions[1]
    rows = agenda_rows(session)
    rows[0]["DELETE"] = "on"
    rows[1]["order"] = 9
    rows.append({"order": 1, "activity": Activity.FRAMEWORK, "title": "", "minutes": 20})
    new_start = session.starts_at + timedelta(hours=2)
    data = edit_data(
        session,
        rows,
        starts_at=timezone.localtime(new_start).strftime("%Y-%m-%dT%H:%M"),
        duration_minutes="150",
    )
    sign_in(client, cast.committee.user)
    response = client.post(url(cast, "session_edit", number=2), data)
    assert response.status_code == 302, response.context["formset"].errors
    session.refresh_from_db()
    assert session.starts_at == new_start
    assert session.duration_minutes == 150
    items = list(session.agenda.all())
    assert [item.title for item in items] == [
        Activity.FRAMEWORK.label,
        Activity.NEXT_STEPS.label,
        Activity.MAPPING.label,
    ]
    assert [item.order for item in items] == [1, 2, 3]


def test_it_adds_a_row_without_saving(client, cast):
    session = schedule(cast)[0]
    rows = agenda_rows(session)
    sign_in(client, cast.committee.user)
    response = client.post(
        url(cast, "session_edit", number=1), edit_data(session, rows, add_row="1")
    )
    assert response.status_code == 200
    assert len(response.context["formset"].forms) == len(rows) + 1


def test_it_rejects_bad_session_edits(client, cast):
    sessions = schedule(cast)
    session = sessions[1]
    rows = agenda_rows(session)
    before = timezone.localtime(sessions[0].starts_at - timedelta(days=1))
    after = timezone.localtime(sessions[2].starts_at + timedelta(hours=1))
    cases = [
        ({"starts_at": "soon"}, "starts_at"),
        ({"starts_at": before.strftime("%Y-%m-%dT%H:%M")}, "starts_at"),
        ({"starts_at": after.strftime("%Y-%m-%dT%H:%M")}, "starts_at"),
        ({"duration_minutes": "10"}, "duration_minutes"),
        ({"duration_minutes": "721"}, "duration_minutes"),
        ({"duration_minutes": "two hours"}, "duration_minutes"),
        ({"meeting_link": ""}, "meeting_link"),
        ({"meeting_link": "zoom meeting"}, "meeting_link"),
    ]
    sign_in(client, cast.committee.user)
    for overrides, field in cases:
        response = client.post(
            url(cast, "session_edit", number=2), edit_data(session, rows, **overrides)
        )
        assert response.status_code == 200, overrides
        assert field in response.context["form"].errors, overrides
    stored = WorkshopSession.objects.get(pk=session.pk)
    assert (stored.starts_at, stored.duration_minutes) == (session.starts_at, 120)


def test_it_rejects_bad_agenda_rows(client, cast):
    session = schedule(cast)[0]
    sign_in(client, cast.committee.user)
    rows = agenda_rows(session)
    rows[0]["minutes"] = 0
    response = client.post(url(cast, "session_edit", number=1), edit_data(session, rows))
    assert response.status_code == 200
    assert "minutes" in response.context["formset"].forms[0].errors
    rows = agenda_rows(session)
    rows[0]["activity"] = "karaoke"
    response = client.post(url(cast, "session_edit", number=1), edit_data(session, rows))
    assert "activity" in response.context["formset"].forms[0].errors
    rows = agenda_rows(session)
    rows[0]["minutes"] = 100  # 100 + 60 + 35 + 10 > 120
    response = client.post(url(cast, "session_edit", number=1), edit_data(session, rows))
    assert response.status_code == 200
    assert "adds up to 205 minutes" in str(response.context["formset"].non_form_errors())
    assert b"adds up to 205 minutes" in response.content
    assert session.agenda.get(order=1).minutes == 15


def test_it_answers_an_empty_edit_post_with_errors(client, cast):
    sign_in(client, cast.facilitator.user)
    response = client.post(url(cast, "session_edit", number=cast.session.number), {})
    assert response.status_code == 200
    assert "starts_at" in response.context["form"].errors
