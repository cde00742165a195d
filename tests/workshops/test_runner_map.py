"""The map in the live session runner: participants' screens follow the room's edits."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import maps
from assessments.models import MapLink, MapNode, Proposal
from tests.conftest import sign_in
from tests.factories import system
from tests.workshops.test_runner import HTMX, add_agenda, poll
from workshops.models import System
from workshops.runner import live_state
from workshops.runner import move as runner_move


def add_node(workshop, label, slug="crisis", **fields) -> MapNode:
    return maps.save_node(MapNode(workshop=workshop, system=system(slug), label=label, **fields))


def draw(workshop, nodes: int, links: int, prefix: str = "Service") -> None:
    """A generated map: ``nodes`` nodes across the 13 systems, ``links`` links between them."""
    systems = list(System.objects.order_by("order"))
    statuses = list(MapNode.Status)
    made = [
        add_node(
            workshop,
            f"{prefix} {number}",
            systems[number % len(systems)].slug,
            status=statuses[number % len(statuses)],
            description=f"What service {number} does",
        )
        for number in range(nodes)
    ]
    pairs = [(a, b) for step in (1, 2, 3) for a, b in zip(made, made[step:], strict=False)]
    strengths = list(MapLink.Strength)
    for number, (a, b) in enumerate(pairs[:links]):
        maps.save_link(
            MapLink(
                workshop=workshop,
                source=a,
                target=b,
                strength=strengths[number % len(strengths)],
                note=f"Note {number}",
            )
        )


def count_queries(client, url, **extra) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url, **extra).status_code == 200
    return len(context.captured_queries)


def test_it_shows_participants_the_map_and_where_to_suggest(client, cast):
    add_agenda(cast.session, "mapping")
    add_node(cast.workshop, "Youth mobile crisis team", status=MapNode.Status.CONCERN)
    runner_move(cast.session, "start")
    sign_in(client, cast.participant.user, cast.workshop)
    response = client.get(reverse("workshops:live", args=[cast.workshop.code]))
    content = response.content.decode()
    assert "System of care mapping" in content
    assert "<svg" in content
    assert "Youth mobile crisis team" in content
    assert "Suggest a service or a link" in content
    assert reverse("assessments:map", args=[cast.workshop.code]) in content


def test_it_answers_polls_in_one_query_when_the_map_did_not_change(
    client, cast, django_assert_num_queries
):
    add_agenda(cast.session, "mapping")
    add_node(cast.workshop, "Youth mobile crisis team")
    runner_move(cast.session, "start")
    sign_in(client, cast.participant.user, cast.workshop)
    version = live_state(cast.workshop).version
    assert version.endswith(f".{maps.map_version(cast.workshop.pk)}")
    with CaptureQueriesContext(connection) as context:
        assert poll(client, cast, version).status_code == 204
    # Besides who is asking (session, user, workshop, their access), one query answers.
    answering = [
        query["sql"]
        for query in context.captured_queries
        if "workshops_workshopsession" in query["sql"]
    ]
    assert len(answering) == 1
    assert "assessments_systemmap" in answering[0]
    assert not any("assessments_map" in query["sql"] for query in context.captured_queries)
    with django_assert_num_queries(len(context.captured_queries)):
        assert poll(client, cast, version).status_code == 204


def test_it_sends_the_map_again_after_an_edit(client, cast):
    add_agenda(cast.session, "mapping")
    crisis = add_node(cast.workshop, "Youth mobile crisis team")
    runner_move(cast.session, "start")
    sign_in(client, cast.participant.user, cast.workshop)
    version = live_state(cast.workshop).version
    assert poll(client, cast, version).status_code == 204

    gap = add_node(cast.workshop, "After-hours crisis response", status=MapNode.Status.GAP)
    response = poll(client, cast, version)
    assert response.status_code == 200
    assert b"After-hours crisis response" in response.content
    new_version = live_state(cast.workshop).version
    assert new_version != version
    assert f"v={new_version}".encode() in response.content
    assert poll(client, cast, new_version).status_code == 204

    maps.save_link(
        MapLink(workshop=cast.workshop, source=crisis, target=gap, strength="broken", note="")
    )
    assert poll(client, cast, new_version).status_code == 200


def test_it_starts_with_no_map_and_follows_its_first_node(client, cast):
    add_agenda(cast.session, "mapping")
    runner_move(cast.session, "start")
    sign_in(client, cast.participant.user, cast.workshop)
    version = live_state(cast.workshop).version
    assert version.endswith(".0")
    assert poll(client, cast, version).status_code == 204
    add_node(cast.workshop, "Family peer advocates", "caregivers")
    response = poll(client, cast, version)
    assert response.status_code == 200
    assert b"Family peer advocates" in response.content


def test_it_keeps_the_live_screen_query_count_whatever_the_map_size(client, cast, db):
    add_agenda(cast.session, "mapping")
    runner_move(cast.session, "start")
    live_url = reverse("workshops:live", args=[cast.workshop.code])
    poll_url = reverse("workshops:live_poll", args=[cast.workshop.code])
    runner_url = reverse("workshops:runner", args=[cast.workshop.code, cast.session.number])
    participant = sign_in(client.__class__(), cast.participant.user, cast.workshop)
    facilitator = sign_in(client.__class__(), cast.facilitator.user)

    def measure() -> tuple[int, int, int]:
        return (
            count_queries(participant, live_url),
            count_queries(participant, poll_url, data={"v": "stale"}, **HTMX),
            count_queries(facilitator, runner_url),
        )

    draw(cast.workshop, nodes=3, links=2)
    small = measure()
    draw(cast.workshop, nodes=37, links=58, prefix="More")
    assert small == measure()
    assert len(maps.load_map(cast.workshop).nodes) == 40
    assert len(maps.load_map(cast.workshop).links) == 60


def test_it_shows_the_facilitator_the_editor_and_the_suggestions(client, cast):
    add_agenda(cast.session, "welcome", "mapping")
    crisis = add_node(cast.workshop, "Youth mobile crisis team")
    school = add_node(cast.workshop, "School counselors", "education")
    runner_move(cast.session, "start")
    sign_in(client, cast.facilitator.user)
    url = reverse("workshops:runner", args=[cast.workshop.code, cast.session.number])
    assert b"Open the map editor" not in client.get(url).content

    runner_move(cast.session, "next")
    content = client.get(url).content.decode()
    assert "Open the map editor" in content
    assert reverse("assessments:map", args=[cast.workshop.code]) in content
    assert "No suggestions from participants are waiting" in content

    pending = {"proposal": Proposal.PENDING, "suggested_by": cast.participant}
    add_node(cast.workshop, "Kinship support", "child-welfare", **pending)
    maps.save_link(MapLink(workshop=cast.workshop, source=crisis, target=school, **pending))
    content = client.get(url).content.decode()
    assert "2 suggestions" in content
    assert maps.pending_count(cast.workshop) == 2
