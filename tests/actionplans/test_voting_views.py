"""The voting board, its poll, the dot buttons, the facilitator's controls and the
priority areas pages: answers for people with and without JavaScript, and bad input."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from actionplans import voting
from actionplans.models import Dot, Gap, PriorityArea, Voting
from tests.conftest import sign_in
from tests.factories import ParticipantFactory, WorkshopFactory, county

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, cast, *args):
    return reverse(f"actionplans:{name}", args=[cast.workshop.code, *args])


def gaps(workshop, *titles):
    return [Gap.objects.create(workshop=workshop, title=title) for title in titles]


def dot(client, cast, gap, action="add", htmx=False, follow=False, **data):
    headers = HTMX if htmx else {}
    data = {"action": action, "gap": gap, **data}
    return client.post(url("dot", cast), data, follow=follow, **headers)


def page_text(client, cast, name="voting"):
    return client.get(url(name, cast)).content.decode()


def test_it_shows_a_participant_their_dots_and_the_tally(client, cast):
    a, _b = gaps(cast.workshop, "Transport", "Respite")
    voting.open_voting(cast.workshop, 3)
    voting.place_dot(cast.workshop, cast.participant, a)
    voting.place_dot(cast.workshop, ParticipantFactory(workshop=cast.workshop), a)
    sign_in(client, cast.participant.user, cast.workshop)
    text = page_text(client, cast)
    assert "Add a dot to Transport" in text
    assert "Take a dot back from Respite" in text
    assert "2 of 3 dots left" in text
    assert "2 dots placed" in text and "by 2 people" in text
    assert "1 of yours" in text
    assert 'role="status"' in text
    assert "Facilitator controls" not in text
    assert reverse("actionplans:voting_poll", args=[cast.workshop.code]) in text


def test_it_shows_facilitators_the_controls_and_the_ranking(client, cast):
    _a, b = gaps(cast.workshop, "Transport", "Respite")
    voting.open_voting(cast.workshop, 3)
    voting.place_dot(cast.workshop, cast.participant, b)
    sign_in(client, cast.facilitator.user)
    text = page_text(client, cast)
    assert "Facilitator controls" in text and "Close voting" in text
    assert "Ranking: the gaps by number of dots" in text
    assert "Add a dot to" not in text  # facilitators run the vote, they have no dots


def test_it_says_what_to_do_when_there_is_nothing_to_vote_on(client, cast):
    sign_in(client, cast.participant.user, cast.workshop)
    text = page_text(client, cast)
    assert "No gaps to vote on yet." in text
    assert "Voting has not started yet" in text
    assert reverse("actionplans:gaps", args=[cast.workshop.code]) in text


def test_it_adds_a_dot_with_htmx_and_answers_with_the_board(client, cast):
    (a,) = gaps(cast.workshop, "Transport")
    voting.open_voting(cast.workshop, 3)
    sign_in(client, cast.participant.user, cast.workshop)
    response = dot(client, cast, a.pk, htmx=True)
    text = response.content.decode()
    assert response.status_code == 200
    assert text.lstrip().startswith('<div id="voting-board"')
    assert "2 of 3 dots left" in text
    assert 'hx-swap-oob="innerHTML"' in text
    assert "Dot added to “Transport”." in text
    assert Dot.objects.filter(membership=cast.participant, gap=a).count() == 1


def test_it_works_without_javascript(client, cast):
    a, b = gaps(cast.workshop, "Transport", "Respite")
    voting.open_voting(cast.workshop, 1)
    sign_in(client, cast.participant.user, cast.workshop)
    response = dot(client, cast, a.pk)
    assert response.status_code == 302
    assert response.url == url("voting", cast)
    response = dot(client, cast, b.pk, follow=True)
    assert "You have placed your 1 dot: take it back to move it." in response.content.decode()
    response = dot(client, cast, a.pk, action="move", to=b.pk, follow=True)
    assert "Dot moved from “Transport” to “Respite”." in response.content.decode()
    response = dot(client, cast, b.pk, action="remove", follow=True)
    assert "Dot taken back from “Respite”." in response.content.decode()
    assert not Dot.objects.exists()


def test_it_sends_people_back_to_the_page_they_voted_from(client, cast):
    (a,) = gaps(cast.workshop, "Transport")
    voting.open_voting(cast.workshop)
    sign_in(client, cast.participant.user, cast.workshop)
    live = reverse("workshops:live", args=[cast.workshop.code])
    assert dot(client, cast, a.pk, next=live).url == live
    assert dot(client, cast, a.pk, next="https://evil.example.org/").url == url("voting", cast)


@pytest.mark.parametrize("htmx", [False, True])
def test_it_explains_bad_dots_and_never_fails(client, cast, htmx):
    (a,) = gaps(cast.workshop, "Transport")
    merged = Gap.objects.create(workshop=cast.workshop, title="Old", merged_into=a)
    foreign = Gap.objects.create(workshop=WorkshopFactory(county=county("Erie")), title="Far")
    sign_in(client, cast.participant.user, cast.workshop)
    cases = [
        ({"action": "add", "gap": a.pk}, "Voting has not started yet."),
        ({"action": "add", "gap": merged.pk}, "That gap is not on this workshop"),
        ({"action": "add", "gap": foreign.pk}, "That gap is not on this workshop"),
        ({"action": "add", "gap": "abc"}, "That gap is not on this workshop"),
        ({"action": "add"}, "That gap is not on this workshop"),
        ({"action": "dance", "gap": a.pk}, "Unknown action."),
        ({"action": "move", "gap": a.pk, "to": foreign.pk}, "That gap is not on this workshop"),
        ({"action": "move", "gap": a.pk}, "That gap is not on this workshop"),
    ]
    for data, message in cases:
        headers = HTMX if htmx else {}
        response = client.post(url("dot", cast), data, follow=not htmx, **headers)
        assert response.status_code == 200, data
        assert message in response.content.decode(), data
    voting.open_voting(cast.workshop, 1)
    for data, message in [
        ({"action": "add", "gap": a.pk}, "Dot added"),
        ({"action": "add", "gap": a.pk}, "You have placed your 1 dot"),
        ({"action": "remove", "gap": merged.pk}, "That gap is not on this workshop"),
    ]:
        headers = HTMX if htmx else {}
        response = client.post(url("dot", cast), data, follow=not htmx, **headers)
        assert message in response.content.decode(), data
    assert Dot.objects.count() == 1


def test_it_tells_reviewers_and_facilitators_they_have_no_dots(client, cast):
    (a,) = gaps(cast.workshop, "Transport")
    voting.open_voting(cast.workshop)
    for user in (cast.reviewer, cast.facilitator.user):
        sign_in(client, user)
        response = dot(client, cast, a.pk, follow=True)
        assert "Only participants and committee members place dots." in response.content.decode()
    assert not Dot.objects.exists()


# --- the poll ---------------------------------------------------------------------------------


def poll(client, cast, version, **headers):
    return client.get(url("voting_poll", cast), {"v": version}, **headers)


def test_it_answers_an_unchanged_poll_with_204_and_one_query(client, cast):
    gaps(cast.workshop, "Transport")
    voting.open_voting(cast.workshop)
    sign_in(client, cast.participant.user, cast.workshop)
    version = voting.board_version(cast.workshop)
    with CaptureQueriesContext(connection) as context:
        assert poll(client, cast, version, **HTMX).status_code == 204
    answering = [q["sql"] for q in context.captured_queries if "actionplans_" in q["sql"]]
    assert len(answering) == 1
    assert "actionplans_voting" in answering[0]


def test_it_sends_the_board_again_when_someone_voted(client, cast):
    (a,) = gaps(cast.workshop, "Transport")
    voting.open_voting(cast.workshop)
    sign_in(client, cast.participant.user, cast.workshop)
    version = voting.board_version(cast.workshop)
    voting.place_dot(cast.workshop, cast.committee, a)
    response = poll(client, cast, version, **HTMX)
    text = response.content.decode()
    assert response.status_code == 200
    assert "1 dot placed" in text
    assert f"v={voting.board_version(cast.workshop)}" in text
    assert "1 dot placed; most dots: Transport (1)." in text  # the live region's words


def test_it_sends_pollers_without_htmx_to_the_board(client, cast):
    sign_in(client, cast.participant.user, cast.workshop)
    response = poll(client, cast, "x")
    assert response.status_code == 302
    assert response.url == url("voting", cast)


def crowd(workshop, gap_count: int, voter_count: int):
    made = gaps(workshop, *[f"Gap {n}" for n in range(gap_count)])
    voting.open_voting(workshop, 3)
    voters = [ParticipantFactory(workshop=workshop) for _ in range(voter_count)]
    Dot.objects.bulk_create(
        Dot(workshop=workshop, membership=m, slot=s, gap=made[(i + s) % gap_count])
        for i, m in enumerate(voters)
        for s in (1, 2, 3)
    )


@pytest.mark.parametrize("name", ["voting", "voting_poll", "priorities"])
def test_it_keeps_a_fixed_query_count(client, cast, name, django_assert_num_queries):
    """3 gaps and 2 voters, then 40 gaps and 30 voters: the same number of queries."""
    sign_in(client, cast.participant.user, cast.workshop)
    crowd(cast.workshop, 3, 2)
    headers = HTMX if name == "voting_poll" else {}
    with CaptureQueriesContext(connection) as small:
        assert client.get(url(name, cast), {"v": "old"}, **headers).status_code == 200
    other = WorkshopFactory(county=county("Erie"))
    crowd(other, 40, 30)
    sign_in(client, ParticipantFactory(workshop=other).user, other)
    big = reverse(f"actionplans:{name}", args=[other.code])
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(big, {"v": "old"}, **headers).status_code == 200


# --- the facilitator's controls ---------------------------------------------------------------


def control(client, cast, **data):
    return client.post(url("voting_control", cast), data, follow=True)


def test_it_lets_facilitators_open_close_and_reopen_voting(client, cast):
    sign_in(client, cast.facilitator.user)
    text = control(client, cast, action="open", budget="5").content.decode()
    assert "Voting is open: each participant has 5 dots to place." in text
    vote = Voting.objects.get(workshop=cast.workshop)
    assert vote.is_open and vote.budget == 5
    text = control(client, cast, action="close").content.decode()
    assert "Voting is closed." in text
    vote.refresh_from_db()
    assert vote.closed_by == cast.facilitator.user and vote.closed_at
    assert "Reopen voting" in text
    control(client, cast, action="open")
    vote.refresh_from_db()
    assert vote.is_open and vote.closed_by is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "budget", "budget": "0"}, "Choose between 1 and 10 dots."),
        ({"action": "budget", "budget": "11"}, "Choose between 1 and 10 dots."),
        ({"action": "budget", "budget": "abc"}, "Choose between 1 and 10 dots."),
        ({"action": "budget"}, "Choose between 1 and 10 dots."),
        ({"action": "open", "budget": "-3"}, "Choose between 1 and 10 dots."),
        ({"action": "dance"}, "Unknown action."),
        ({}, "Unknown action."),
        ({"action": "close"}, "Voting is not open."),
    ],
)
def test_it_explains_bad_controls(client, cast, data, message):
    sign_in(client, cast.facilitator.user)
    response = control(client, cast, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Voting.objects.filter(opened_at__isnull=False).exists()


def test_it_says_why_the_budget_cannot_go_down(client, cast):
    (a,) = gaps(cast.workshop, "Transport")
    voting.open_voting(cast.workshop, 3)
    for _ in range(3):
        voting.place_dot(cast.workshop, cast.participant, a)
    sign_in(client, cast.facilitator.user)
    text = control(client, cast, action="budget", budget="2").content.decode()
    assert "1 person already holds more than 2 dots" in text
    assert Voting.objects.get().budget == 3
    text = control(client, cast, action="budget", budget="4").content.decode()
    assert "Each participant now has 4 dots." in text


# --- priority areas ---------------------------------------------------------------------------


def test_it_lists_priority_areas_for_everyone(client, cast):
    a, _b = gaps(cast.workshop, "Transport", "Respite")
    voting.promote(cast.workshop, a, "high", cast.facilitator.user)
    sign_in(client, cast.participant.user, cast.workshop)
    text = page_text(client, cast, "priorities")
    assert "Transport" in text and "High priority" in text
    assert "promoted by" in text
    assert "Promote a gap" not in text
    assert "Who decided" in text
    with translation.override("es"):
        spanish = client.get(url("priorities", cast), HTTP_ACCEPT_LANGUAGE="es").text
    assert "Prioridad alta" in spanish and "Prioridad Alta" not in spanish


def test_it_lets_facilitators_promote_after_the_vote(client, cast):
    _a, b = gaps(cast.workshop, "Transport", "Respite")
    voting.open_voting(cast.workshop, 3)
    voting.place_dot(cast.workshop, cast.participant, b)
    sign_in(client, cast.facilitator.user)
    text = page_text(client, cast, "priorities")
    assert "Close voting first" in text
    response = client.post(url("promote", cast), {"gap_id": b.pk, "level": "high"}, follow=True)
    assert "Close voting first" in response.content.decode()
    voting.close_voting(cast.workshop, cast.facilitator.user)
    text = page_text(client, cast, "priorities")
    assert text.index('Promote<span class="visually-hidden"> Respite') < text.index(
        'Promote<span class="visually-hidden"> Transport'
    )  # most dots first
    response = client.post(url("promote", cast), {"gap_id": b.pk, "level": "medium"}, follow=True)
    assert "“Respite” is now priority area 1." in response.content.decode()
    area = PriorityArea.objects.get()
    assert (area.votes, area.level, area.decided_by) == (1, "medium", cast.facilitator.user)
    assert "promoted “Respite” (rank 1, medium priority)" in page_text(client, cast, "priorities")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "That gap is not on this workshop"),
        ({"gap_id": "abc", "level": "high"}, "That gap is not on this workshop"),
        ({"gap_id": "{merged}", "level": "high"}, "That gap is not on this workshop"),
        ({"gap_id": "{foreign}", "level": "high"}, "That gap is not on this workshop"),
        ({"gap_id": "{gap}", "level": "urgent"}, "Choose high, medium or low."),
        ({"gap_id": "{promoted}", "level": "high"}, "already a priority area"),
    ],
)
def test_it_explains_bad_promotions(client, cast, data, message):
    gap, promoted = gaps(cast.workshop, "Transport", "Respite")
    voting.promote(cast.workshop, promoted, "high", cast.facilitator.user)
    ids = {
        "{gap}": gap.pk,
        "{promoted}": promoted.pk,
        "{merged}": Gap.objects.create(workshop=cast.workshop, title="Old", merged_into=gap).pk,
        "{foreign}": Gap.objects.create(
            workshop=WorkshopFactory(county=county("Erie")), title="Far"
        ).pk,
    }
    data = {key: ids.get(value, value) for key, value in data.items()}
    sign_in(client, cast.facilitator.user)
    response = client.post(url("promote", cast), data, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert PriorityArea.objects.count() == 1


def promoted(cast, *titles):
    return [
        voting.promote(cast.workshop, gap, "high", cast.facilitator.user)
        for gap in gaps(cast.workshop, *titles)
    ]


def order(cast):
    return list(cast.workshop.priorities.order_by("rank").values_list("title", flat=True))


def test_it_moves_priority_areas_up_and_down(client, cast):
    a, _b, c = promoted(cast, "A", "B", "C")
    sign_in(client, cast.facilitator.user)
    response = client.post(url("priority_edit", cast, c.pk), {"move": "up"})
    assert response.status_code == 302
    assert response.url.endswith(f"#priority-{c.pk}")
    assert order(cast) == ["A", "C", "B"]
    client.post(url("priority_edit", cast, a.pk), {"move": "down"})
    assert order(cast) == ["C", "A", "B"]
    response = client.post(url("priority_edit", cast, a.pk), {"move": "sideways"}, follow=True)
    assert "Unknown move." in response.content.decode()
    text = page_text(client, cast, "priorities")
    assert "moved “A” from rank 1 to 2" in text


def test_it_edits_title_level_and_rank(client, cast):
    _a, _b, c = promoted(cast, "A", "B", "C")
    sign_in(client, cast.facilitator.user)
    assert "Save the priority area" in page_text_edit(client, cast, c)
    data = {"title": "C, renamed", "level": "low", "rank": "1", "version": c.version}
    response = client.post(url("priority_edit", cast, c.pk), data)
    assert response.status_code == 302
    assert order(cast) == ["C, renamed", "A", "B"]
    c.refresh_from_db()
    assert c.level == "low"
    text = page_text_edit(client, cast, c)
    assert "renamed “C” to “C, renamed”" in text
    assert "set “C, renamed” to low priority" in text


def page_text_edit(client, cast, area):
    return client.get(url("priority_edit", cast, area.pk)).content.decode()


def test_it_shows_a_conflict_instead_of_losing_an_edit(client, cast):
    (a,) = promoted(cast, "A")
    sign_in(client, cast.facilitator.user)
    first = {"title": "First", "level": "high", "rank": "1", "version": a.version}
    second = {"title": "Second", "level": "low", "rank": "1", "version": a.version}
    assert client.post(url("priority_edit", cast, a.pk), first).status_code == 302
    response = client.post(url("priority_edit", cast, a.pk), second)
    assert response.status_code == 409
    text = response.content.decode()
    assert "Someone else changed this priority area" in text
    assert "First" in text and "Second" in text
    a.refresh_from_db()
    assert a.title == "First"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "level": "high", "rank": "1"}, "This field is required."),
        ({"title": "A", "level": "urgent", "rank": "1"}, "Select a valid choice."),
        ({"title": "A", "level": "high", "rank": "0"}, "greater than or equal to 1"),
        ({"title": "A", "level": "high", "rank": "abc"}, "Enter a whole number, 1 or more."),
        ({"title": "A", "level": "high", "rank": "1", "version": "x"}, "missing its version"),
    ],
)
def test_it_explains_bad_priority_edits(client, cast, data, message):
    (a,) = promoted(cast, "A")
    sign_in(client, cast.facilitator.user)
    response = client.post(url("priority_edit", cast, a.pk), {"version": a.version, **data})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_it_finds_priority_areas_of_this_workshop_only(client, cast):
    other = WorkshopFactory(county=county("Erie"))
    (gap,) = gaps(other, "Far")
    foreign = voting.promote(other, gap, "high", None)
    sign_in(client, cast.facilitator.user)
    assert client.get(url("priority_edit", cast, foreign.pk)).status_code == 404
    assert client.post(url("priority_edit", cast, foreign.pk), {"move": "up"}).status_code == 404


def test_it_adds_priorities_to_the_workshop_menu(client, cast):
    sign_in(client, cast.participant.user, cast.workshop)
    text = page_text(client, cast, "priorities")
    assert f'aria-current="page" href="{url("priorities", cast)}">Priorities</a>' in text


def test_participants_can_read_it_in_spanish(client, cast):
    gaps(cast.workshop, "Transporte")
    voting.open_voting(cast.workshop)
    sign_in(client, cast.participant.user, cast.workshop)
    with translation.override("es"):
        response = client.get(url("voting", cast), HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    assert '<html lang="es"' in response.content.decode()


def test_its_board_renders_on_the_live_screen_from_voting_context(rf, cast):
    """What the runner's activity_context adds for a "voting" item is enough for the board."""
    gaps(cast.workshop, "Transport")
    voting.open_voting(cast.workshop)
    request = rf.get("/")
    request.user = cast.participant.user
    context = {
        "workshop": cast.workshop,
        "can": {"run": False},
        **voting.voting_context(cast.workshop, cast.participant),
    }
    text = render_to_string("actionplans/_voting_board.html", context, request=request)
    live = reverse("workshops:live", args=[cast.workshop.code])
    assert "Add a dot to Transport" in text
    assert f'name="next" value="{live}"' in text
    assert "every 2s" in text
