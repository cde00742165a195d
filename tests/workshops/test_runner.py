from django.urls import reverse

from tests.conftest import sign_in
from tests.factories import ParticipantFactory, SessionFactory
from workshops.models import Activity, AgendaItem, WorkshopSession
from workshops.runner import live_state
from workshops.runner import move as runner_move

HTMX = {"HTTP_HX_REQUEST": "true"}


def add_agenda(session, *activities):
    return [
        AgendaItem.objects.create(
            session=session, order=i, activity=a, title=Activity(a).label, minutes=30
        )
        for i, a in enumerate(activities)
    ]


def move(client, cast, action, **data):
    url = reverse("workshops:runner_move", args=[cast.workshop.code, cast.session.number])
    return client.post(url, {"action": action, **data}, follow=True)


def poll(client, cast, version):
    url = reverse("workshops:live_poll", args=[cast.workshop.code])
    return client.get(url, {"v": version}, **HTMX)


def test_after_a_move_the_focus_is_on_the_control_to_press_next(client, cast):
    add_agenda(cast.session, "welcome", "framework", "next_steps")
    sign_in(client, cast.facilitator.user)
    runner = reverse("workshops:runner", args=[cast.workshop.code, cast.session.number])
    for action, focused in [("start", "Next"), ("next", "Next"), ("prev", "Previous")]:
        page = move(client, cast, action)
        assert page.redirect_chain[-1][0].endswith(f"?focus={focused.lower()[:4]}")
        html = page.content.decode()
        assert html.count(" autofocus") == 1
        assert f"autofocus>{'← ' if focused == 'Previous' else ''}{focused}" in html
    page = move(client, cast, "end")
    assert page.redirect_chain[-1][0] == f"{runner}?focus=start"
    assert "autofocus>Restart the session" in page.content.decode()
    # A focus of no known control is ignored.
    assert b" autofocus" not in client.get(runner, {"focus": "elsewhere"}).content


def test_it_steps_through_the_agenda(client, cast):
    first, second, third = add_agenda(cast.session, "welcome", "framework", "next_steps")
    sign_in(client, cast.facilitator.user)
    move(client, cast, "start")
    cast.session.refresh_from_db()
    assert cast.session.is_live
    assert cast.session.current_item == first
    move(client, cast, "next")
    cast.session.refresh_from_db()
    assert cast.session.current_item == second
    move(client, cast, "goto", item=third.pk)
    cast.session.refresh_from_db()
    assert cast.session.current_item == third
    move(client, cast, "prev")
    cast.session.refresh_from_db()
    assert cast.session.current_item == second
    assert cast.session.live_version == 4
    move(client, cast, "end")
    cast.session.refresh_from_db()
    assert not cast.session.is_live
    assert live_state(cast.workshop).session is None


def test_it_explains_refused_moves(client, cast):
    add_agenda(cast.session, "welcome")
    sign_in(client, cast.facilitator.user)
    assert b"Start the session first" in move(client, cast, "next").content
    move(client, cast, "start")
    assert b"This is the last item" in move(client, cast, "next").content
    assert b"This is the first item" in move(client, cast, "prev").content
    assert b"Unknown action" in move(client, cast, "dance").content
    assert b"not on this session" in move(client, cast, "goto", item="x").content
    other = SessionFactory(workshop=cast.workshop)
    foreign = add_agenda(other, "gaps")[0]
    assert b"not on this session" in move(client, cast, "goto", item=foreign.pk).content


def test_it_allows_one_live_session_at_a_time(client, cast):
    add_agenda(cast.session, "welcome")
    other = SessionFactory(workshop=cast.workshop)
    add_agenda(other, "welcome")
    sign_in(client, cast.facilitator.user)
    move(client, cast, "start")
    url = reverse("workshops:runner_move", args=[cast.workshop.code, other.number])
    response = client.post(url, {"action": "start"}, follow=True)
    assert f"Session {cast.session.number} is still live".encode() in response.content
    assert not WorkshopSession.objects.get(pk=other.pk).is_live


def test_it_shows_participants_the_current_activity(client, cast):
    add_agenda(cast.session, "framework")
    sign_in(client, cast.participant.user, cast.workshop)
    response = client.get(reverse("workshops:live", args=[cast.workshop.code]))
    assert b"No session is live right now" in response.content
    cast.session.refresh_from_db()
    runner_move(cast.session, "start")
    response = client.get(reverse("workshops:live", args=[cast.workshop.code]))
    assert b"SOC framework and core principles" in response.content
    assert b"Core values and principles" in response.content  # the state team's content
    assert b"Youth-guided" in response.content


def test_it_answers_polls_cheaply_when_nothing_changed(client, cast, django_assert_max_num_queries):
    add_agenda(cast.session, "welcome", "mapping")
    runner_move(cast.session, "start")
    sign_in(client, cast.participant.user, cast.workshop)
    version = live_state(cast.workshop).version
    with django_assert_max_num_queries(8):
        response = poll(client, cast, version)
    assert response.status_code == 204
    assert response.content == b""
    runner_move(cast.session, "next")
    response = poll(client, cast, version)
    assert response.status_code == 200
    assert b"System of care mapping" in response.content
    assert live_state(cast.workshop).version.encode() in response.content


def test_it_sends_plain_poll_requests_to_the_live_page(client, cast):
    sign_in(client, cast.participant.user, cast.workshop)
    response = client.get(reverse("workshops:live_poll", args=[cast.workshop.code]))
    assert response.status_code == 302
    assert response.url == reverse("workshops:live", args=[cast.workshop.code])


def test_it_keeps_a_fixed_query_count(client, cast, django_assert_max_num_queries):
    add_agenda(cast.session, *["mapping"] * 12)
    ParticipantFactory.create_batch(20, workshop=cast.workshop)
    for _ in range(5):
        add_agenda(SessionFactory(workshop=cast.workshop), "gaps", "voting")
    runner_move(cast.session, "start")
    sign_in(client, cast.facilitator.user)
    runner_url = reverse("workshops:runner", args=[cast.workshop.code, cast.session.number])
    with django_assert_max_num_queries(17):  # the map: 5 queries, its suggestions: 2
        assert client.get(runner_url).status_code == 200
    with django_assert_max_num_queries(13):
        assert client.get(reverse("workshops:live", args=[cast.workshop.code])).status_code == 200


def test_it_404s_a_session_of_another_workshop(client, cast):
    sign_in(client, cast.facilitator.user)
    url = reverse("workshops:runner", args=[cast.workshop.code, 99])
    assert client.get(url).status_code == 404
