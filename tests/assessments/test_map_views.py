"""The map's pages: the board, its polling and downloads, adding and changing nodes and links,
participants' suggestions and the facilitators' decisions, bad input, query counts."""

import itertools
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import maps
from assessments.models import MapLink, MapNode, Proposal, SystemMap
from tests.assessments.test_results import DIMENSIONS, questions, respond
from tests.conftest import sign_in
from tests.factories import ParticipantFactory, WorkshopFactory, system
from workshops.models import System

HTMX = {"HTTP_HX_REQUEST": "true"}
Status, Strength = MapNode.Status, MapLink.Strength
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_NS = "{http://www.w3.org/2000/svg}"


def parse(svg: bytes) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def url(cast, name: str, *args, **query) -> str:
    path = reverse(f"assessments:{name}", args=[cast.workshop.code, *args])
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return path


def add_node(workshop, label, slug="crisis", **fields) -> MapNode:
    return maps.save_node(MapNode(workshop=workshop, system=system(slug), label=label, **fields))


def add_link(a, b, strength=Strength.MODERATE, **fields) -> MapLink:
    return maps.save_link(
        MapLink(workshop=a.workshop, source=a, target=b, strength=strength, **fields)
    )


def node_data(**fields) -> dict:
    return {
        "label": "Mobile crisis team",
        "system": system("crisis").pk,
        "kind": MapNode.Kind.SERVICE,
        "status": Status.GAP,
        "provider": "County crisis line",
        "description": "Comes to the family within the hour",
        **fields,
    }


def link_data(a, b, **fields) -> dict:
    return {"source": a.pk, "target": b.pk, "strength": Strength.BROKEN, "note": "", **fields}


def draw(workshop, nodes: int, links: int) -> list[MapNode]:
    """A generated map: ``nodes`` nodes across the 13 systems and ``links`` links."""
    systems = list(System.objects.order_by("order"))
    statuses = list(Status)
    made = [
        add_node(
            workshop,
            f"Service {number}",
            systems[number % len(systems)].slug,
            status=statuses[number % len(statuses)],
            provider=f"Agency {number}",
        )
        for number in range(nodes)
    ]
    pairs = [(a, b) for step in (1, 2, 3) for a, b in zip(made, made[step:], strict=False)]
    strengths = list(Strength)
    for number, (a, b) in enumerate(pairs[:links]):
        add_link(a, b, strengths[number % len(strengths)], note=f"Note {number}")
    return made


@pytest.fixture
def picture(cast):
    """A crisis team (gap) broken-linked to an ER (concern), and a youth club."""
    team = add_node(cast.workshop, "Mobile crisis team", "crisis", status=Status.GAP)
    er = add_node(cast.workshop, "ER", "medical", status=Status.CONCERN, provider="General")
    club = add_node(cast.workshop, "Youth club", "youth", status=Status.STRENGTH)
    add_link(team, er, Strength.BROKEN, note="No hand-over at night")
    return team, er, club


def tables(html: str) -> str:
    """The map's tables (the text equivalent of the picture) in a page."""
    return html.split("The map as tables")[1].split('id="map-node-options"')[0]


# --- the map page ------------------------------------------------------------------------------


def test_it_shows_the_picture_the_tables_and_the_editor(client, cast, picture):
    sign_in(client, cast.facilitator.user)
    page = client.get(url(cast, "map"))
    assert page.status_code == 200
    html = page.content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert "The map as tables" in html
    assert "Mobile crisis team" in html and "No hand-over at night" in html
    assert "Strained or broken" in html
    assert "Add a node" in html and "Link two nodes" in html
    assert "Suggestions to review" in html
    team = picture[0]
    assert url(cast, "map_node", team.pk) in html  # the row's "Edit"
    assert 'hx-trigger="every 3s, mapChanged from:body"' in html
    assert f"?v={maps.map_version(cast.workshop.pk)}" in html


def test_it_shows_participants_the_map_and_the_suggestion_forms(client, cast, picture):
    sign_in(client, cast.participant.user, cast.workshop)
    html = client.get(url(cast, "map")).content.decode()
    assert "Mobile crisis team" in html
    assert "Suggest a service, agency or support" in html
    assert "Suggest a link" in html
    assert "A facilitator will review your suggestion" in html
    assert "Add a node" not in html
    assert "Suggestions to review" not in html
    assert url(cast, "map_node", picture[0].pk) not in html  # no editing


def test_it_links_the_map_from_the_workshop_navigation(client, cast):
    sign_in(client, cast.participant.user, cast.workshop)
    html = client.get(reverse("workshops:detail", args=[cast.workshop.code])).content.decode()
    assert f'href="{url(cast, "map")}"' in html


def test_it_lists_the_places_to_look_in_words(client, cast):
    by_key = questions(cast.workshop)
    for _ in range(3):
        respond(cast.workshop, matrix={("crisis", d): 1 for d in DIMENSIONS}, by_key=by_key)
    add_node(cast.workshop, "Mobile crisis team")
    sign_in(client, cast.participant.user, cast.workshop)
    html = client.get(url(cast, "map")).content.decode()
    assert "Places to look:" in html
    assert "Crisis" in html.split("Places to look:")[1].split("</p>")[0]
    filtered = client.get(url(cast, "map", system=system("youth").pk)).content.decode()
    assert "Crisis" in filtered.split("Places to look:")[1].split("</p>")[0]


def test_it_says_what_to_do_on_an_empty_map(client, cast):
    sign_in(client, cast.facilitator.user)
    html = client.get(url(cast, "map")).content.decode()
    assert "The map is empty so far" in html
    assert "Start from the participants" in html
    assert url(cast, "map_start") in html
    sign_in(client, cast.participant.user, cast.workshop)
    html = client.get(url(cast, "map")).content.decode()
    assert "The map is empty so far" in html
    assert "Start from the participants" not in html
    assert "Suggest one" in html


def test_it_filters_by_system_and_gaps(client, cast, picture):
    sign_in(client, cast.facilitator.user)
    html = client.get(url(cast, "map", only="gaps")).content.decode()
    table = tables(html)
    assert "Mobile crisis team" in table and "Youth club" not in table and "ER<" not in table
    assert "Showing: only gaps." in html
    html = client.get(url(cast, "map", system=system("youth").pk)).content.decode()
    table = tables(html)
    assert "Youth club" in table and "Mobile crisis team" not in table
    html = client.get(url(cast, "map", only="broken")).content.decode()
    table = tables(html)
    assert "Mobile crisis team" in table and "ER" in table and "Youth club" not in table
    # The downloads and the polling keep the filters.
    assert url(cast, "map_download", "svg", only="broken") in html
    version = maps.map_version(cast.workshop.pk)
    assert url(cast, "map_poll") + f"?v={version}&amp;only=broken" in html


def test_it_ignores_filters_it_does_not_know(client, cast, picture):
    sign_in(client, cast.facilitator.user)
    for query in ({"system": "999"}, {"system": "crisis"}, {"only": "<script>"}):
        page = client.get(url(cast, "map"), query, follow=True)
        assert page.status_code == 200
        html = page.content.decode()
        assert "That filter is not available" in html
        assert "Youth club" in html  # the whole map
    html = client.get(url(cast, "map"), {"system": "999", "only": "gaps"}).content.decode()
    assert "Youth club" not in tables(html)  # the valid filter is kept


def test_it_says_when_nothing_matches_the_filters(client, cast, picture):
    sign_in(client, cast.facilitator.user)
    html = client.get(url(cast, "map", system=system("education").pk)).content.decode()
    assert "Nothing on the map matches these filters." in html


# --- polling -----------------------------------------------------------------------------------


def poll(client, cast, version, **query):
    return client.get(url(cast, "map_poll"), {"v": version, **query}, **HTMX)


def test_it_answers_polls_with_204_and_one_query_when_nothing_changed(client, cast, picture):
    sign_in(client, cast.participant.user, cast.workshop)
    version = maps.map_version(cast.workshop.pk)
    client.get(url(cast, "map"))  # the session and the user are loaded once
    with CaptureQueriesContext(connection) as queries:
        response = poll(client, cast, version)
    assert response.status_code == 204
    assert response.content == b""
    # The access check (session, user, the membership with its workshop) and one for the map.
    sql = statements(queries)
    assert len(sql) == 4
    assert [q for q in sql if "assessments_" in q] == [sql[-1]]
    assert sql[-1].startswith('SELECT "assessments_systemmap"."version"')


def test_it_sends_the_board_and_the_suggestions_when_the_map_changed(client, cast, picture):
    sign_in(client, cast.facilitator.user)
    version = maps.map_version(cast.workshop.pk)
    add_node(
        cast.workshop,
        "Peer support",
        "youth",
        proposal=Proposal.PENDING,
        suggested_by=cast.participant,
    )
    response = poll(client, cast, version)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="map-live"')
    assert f"?v={version + 1}" in html
    assert 'id="map-suggestions" class="map-suggestions mb-4"' in html
    assert 'hx-swap-oob="true"' in html and "Peer support" in html
    assert 'id="map-announce" hx-swap-oob="innerHTML"' in html


def test_it_ignores_bad_filters_of_polls_quietly(client, cast, picture):
    sign_in(client, cast.participant.user, cast.workshop)
    response = poll(client, cast, "0", system="999", only="nonsense")
    assert response.status_code == 200
    assert "Youth club" in tables(response.content.decode())
    assert "That filter is not available" not in client.get(url(cast, "map")).content.decode()


def test_it_sends_plain_poll_requests_to_the_map_page(client, cast):
    sign_in(client, cast.participant.user, cast.workshop)
    response = client.get(url(cast, "map_poll"), {"v": "3", "only": "gaps"})
    assert response.status_code == 302
    assert response.url == url(cast, "map", only="gaps")


def statements(queries: CaptureQueriesContext) -> list[str]:
    """The queries, without the savepoints of ATOMIC_REQUESTS (a transaction in production)."""
    return [
        q["sql"]
        for q in queries.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def count_queries(client, cast, target: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        if target == "page":
            assert client.get(url(cast, "map")).status_code == 200
        else:
            assert poll(client, cast, "0").status_code == 200
    return len(statements(queries))


@pytest.mark.parametrize("role", ["facilitator", "participant"])
def test_it_keeps_a_fixed_query_count_whatever_the_size_of_the_map(client, cast, role):
    sign_in(client, cast.user(role), cast.workshop)
    made = draw(cast.workshop, 3, 2)
    add_node(cast.workshop, "Suggested", proposal=Proposal.PENDING, suggested_by=cast.participant)
    client.get(url(cast, "map"))
    small = (count_queries(client, cast, "page"), count_queries(client, cast, "poll"))
    draw_more = draw(WorkshopFactory(), 1, 0)  # another workshop changes nothing
    assert draw_more
    for number in range(37):
        made.append(add_node(cast.workshop, f"More {number}", "youth"))
    for a, b in itertools.pairwise(made[3:]):  # 36 links
        add_link(a, b)
    for a, b in zip(made[3:27], made[5:], strict=False):  # 24 more
        add_link(a, b, Strength.WEAK)
    assert cast.workshop.map_nodes.count() == 41
    assert cast.workshop.map_links.count() == 62
    assert (count_queries(client, cast, "page"), count_queries(client, cast, "poll")) == small
    # Access 5, the map 7 (ratings, systems, nodes, links, version, suggested nodes and links);
    # the poll also reads the version first.
    assert small == (10, 11)


# --- downloads ---------------------------------------------------------------------------------


def test_it_downloads_the_map_as_svg(client, cast, picture):
    sign_in(client, cast.participant.user, cast.workshop)
    response = client.get(url(cast, "map_download", "svg"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Disposition"] == 'attachment; filename="tompkins-soc-map.svg"'
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = parse(response.content)
    assert root.tag == f"{SVG_NS}svg"
    assert root.find(f"{SVG_NS}title").text == "System of care map of Tompkins County, NY"
    assert "Mobile crisis team" in response.content.decode()


def test_it_downloads_the_filtered_map(client, cast, picture):
    sign_in(client, cast.participant.user, cast.workshop)
    response = client.get(url(cast, "map_download", "svg", only="gaps"))
    svg = response.content.decode()
    assert "Mobile crisis team" in svg and "Youth club" not in svg
    assert "only gaps" in parse(response.content).find(f"{SVG_NS}title").text


def test_it_downloads_the_map_as_png(client, cast, picture):
    sign_in(client, cast.participant.user, cast.workshop)
    response = client.get(url(cast, "map_download", "png"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="tompkins-soc-map.png"'
    assert response.content.startswith(PNG_SIGNATURE)


def test_it_offers_no_other_download(client, cast):
    sign_in(client, cast.participant.user, cast.workshop)
    assert client.get(url(cast, "map_download", "pdf")).status_code == 404


# --- starting the map --------------------------------------------------------------------------


def test_it_starts_the_map_from_the_participants_agencies(client, cast):
    ParticipantFactory(workshop=cast.workshop, agency="Family Services", system=system("youth"))
    sign_in(client, cast.facilitator.user)
    page = client.post(url(cast, "map_start"), follow=True)
    assert "Added 2 agencies of the participants to the map." in page.content.decode()
    assert cast.workshop.map_nodes.count() == 2
    page = client.post(url(cast, "map_start"), follow=True)
    assert "already on the map" in page.content.decode()


def test_it_says_when_no_participant_has_an_agency(client, cast):
    cast.participant.agency = ""
    cast.participant.save()
    sign_in(client, cast.facilitator.user)
    page = client.post(url(cast, "map_start"), follow=True)
    assert "add them on the roster" in page.content.decode()
    assert not cast.workshop.map_nodes.exists()


# --- nodes -------------------------------------------------------------------------------------


def test_it_adds_a_node_with_a_plain_form(client, cast):
    sign_in(client, cast.facilitator.user)
    page = client.get(url(cast, "map_node_new"))
    assert page.status_code == 200
    assert "hx-post" not in page.content.decode()  # a plain page posts plainly
    response = client.post(url(cast, "map_node_new", only="gaps"), node_data())
    assert response.status_code == 302
    assert response.url == url(cast, "map", only="gaps")
    node = cast.workshop.map_nodes.get()
    assert (node.label, node.status) == ("Mobile crisis team", Status.GAP)
    assert node.proposal == Proposal.ACCEPTED
    assert node.provider == "County crisis line"
    page = client.get(response.url)
    assert "“Mobile crisis team” is on the map." in page.content.decode()


def test_it_adds_a_node_in_the_editor_panel(client, cast):
    sign_in(client, cast.facilitator.user)
    version = maps.map_version(cast.workshop.pk)
    response = client.post(url(cast, "map_node_new"), node_data(), **HTMX)
    assert response.status_code == 200
    assert response["HX-Trigger"] == "mapChanged"
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="map-node-new"')
    assert "“Mobile crisis team” is on the map." in html
    assert 'value="Mobile crisis team"' not in html  # a fresh form
    assert f'<option value="{system("crisis").pk}" selected>' in html  # in the same system
    assert maps.map_version(cast.workshop.pk) == version + 1


def test_it_changes_a_node_and_moves_it_to_another_system(client, cast, picture):
    team = picture[0]
    sign_in(client, cast.facilitator.user)
    form = client.get(url(cast, "map_node", team.pk), **HTMX)
    assert form.status_code == 200
    assert form.content.decode().lstrip().startswith('<section id="map-node-edit"')
    assert "Remove from the map" in form.content.decode()
    data = node_data(label="Crisis team", system=system("mental-health").pk, status=Status.CONCERN)
    data["loaded"] = team.updated_at.isoformat()
    response = client.post(url(cast, "map_node", team.pk), data, **HTMX)
    assert response.status_code == 200
    assert response["HX-Trigger"] == "mapChanged"
    assert "Saved “Crisis team”." in response.content.decode()
    team.refresh_from_db()
    assert (team.label, team.system.slug, team.status) == (
        "Crisis team",
        "mental-health",
        Status.CONCERN,
    )


def test_it_changes_a_node_with_a_plain_form(client, cast, picture):
    team = picture[0]
    sign_in(client, cast.facilitator.user)
    page = client.get(url(cast, "map_node", team.pk))
    assert page.status_code == 200
    assert "Back to the map" in page.content.decode()
    response = client.post(url(cast, "map_node", team.pk), node_data(status=Status.STRENGTH))
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.status == Status.STRENGTH


def test_it_tells_about_a_change_made_meanwhile(client, cast, picture):
    team = picture[0]
    sign_in(client, cast.facilitator.user)
    loaded = team.updated_at.isoformat()
    MapNode.objects.filter(pk=team.pk).update(label="Crisis team (renamed)")
    team.refresh_from_db()
    assert team.updated_at.isoformat() == loaded  # update() leaves auto_now alone
    team.label = "Crisis team (renamed)"
    team.save()
    response = client.post(
        url(cast, "map_node", team.pk), {**node_data(label="Mine"), "loaded": loaded}, **HTMX
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Someone else changed this node while you were editing it" in html
    assert "Crisis team (renamed)" in html
    assert 'value="Mine"' in html
    team.refresh_from_db()
    assert team.label == "Crisis team (renamed)"
    # Saving again (with what the form now carries) goes through.
    response = client.post(
        url(cast, "map_node", team.pk),
        {**node_data(label="Mine"), "loaded": team.updated_at.isoformat()},
        **HTMX,
    )
    assert response.status_code == 200


def test_it_answers_404_for_a_node_removed_meanwhile(client, cast, picture):
    team = picture[0]
    sign_in(client, cast.facilitator.user)
    pk = team.pk
    maps.remove_node(team)
    assert client.get(url(cast, "map_node", pk), **HTMX).status_code == 404
    assert client.post(url(cast, "map_node", pk), node_data()).status_code == 404
    assert client.post(url(cast, "map_node_remove", pk)).status_code == 404


def test_it_removes_a_node_and_its_links(client, cast, picture):
    team = picture[0]
    sign_in(client, cast.facilitator.user)
    response = client.post(url(cast, "map_node_remove", team.pk), **HTMX)
    assert response.status_code == 200
    assert response["HX-Trigger"] == "mapChanged"
    assert "Removed “Mobile crisis team” and its link from the map." in response.content.decode()
    assert not cast.workshop.map_nodes.filter(pk=team.pk).exists()
    assert not cast.workshop.map_links.exists()


def test_it_removes_a_node_with_a_plain_form(client, cast, picture):
    club = picture[2]
    sign_in(client, cast.facilitator.user)
    page = client.post(url(cast, "map_node_remove", club.pk), follow=True)
    assert "Removed “Youth club” from the map." in page.content.decode()


def test_it_refuses_nodes_of_another_workshop(client, cast):
    elsewhere = add_node(WorkshopFactory(), "Erie's clinic")
    sign_in(client, cast.facilitator.user)
    assert client.get(url(cast, "map_node", elsewhere.pk)).status_code == 404
    assert client.post(url(cast, "map_node", elsewhere.pk), node_data()).status_code == 404
    assert client.post(url(cast, "map_node_remove", elsewhere.pk)).status_code == 404
    assert MapNode.objects.filter(pk=elsewhere.pk, label="Erie's clinic").exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"label": ""}, "label", "Give it a name."),
        ({"label": "   "}, "label", "Give it a name."),
        ({"label": "x" * 61}, "label", "Keep the name to 60 characters (it has 61)"),
        ({"system": ""}, "system", "Choose the system it belongs to."),
        ({"system": "9999"}, "system", "Choose one of the systems of the list."),
        ({"system": "crisis"}, "system", "Choose one of the systems of the list."),
        ({"status": "awful"}, "status", "Select a valid choice."),
        ({"kind": ""}, "kind", "This field is required."),
        ({"description": "d" * 301}, "description", "Keep the description to 300 characters"),
    ],
)
def test_it_refuses_bad_nodes_next_to_the_field(client, cast, fields, field, message):
    sign_in(client, cast.facilitator.user)
    page = client.post(url(cast, "map_node_new"), node_data(**fields))
    assert page.status_code == 200
    html = page.content.decode()
    assert message in html
    assert f'id="node-new-{field}"' in html and 'aria-invalid="true"' in html
    panel = client.post(url(cast, "map_node_new"), node_data(**fields), **HTMX)
    assert panel.status_code == 422
    assert message in panel.content.decode()
    assert not cast.workshop.map_nodes.exists()


def test_it_refuses_a_name_already_in_the_system(client, cast, picture):
    sign_in(client, cast.facilitator.user)
    response = client.post(url(cast, "map_node_new"), node_data(label="mobile CRISIS team"), **HTMX)
    assert response.status_code == 422
    assert "is already on the map in this system" in response.content.decode()
    assert cast.workshop.map_nodes.count() == 3


def test_it_keeps_markup_in_labels_as_typed_and_escapes_it(client, cast):
    label = '<img src=x onerror="alert(1)">'
    sign_in(client, cast.facilitator.user)
    client.post(url(cast, "map_node_new"), node_data(label=label, description="<b>bold</b>"))
    node = cast.workshop.map_nodes.get()
    assert node.label == label and node.description == "<b>bold</b>"
    html = client.get(url(cast, "map")).content.decode()
    assert "<img src=x" not in html and "<b>bold</b>" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    svg = client.get(url(cast, "map_download", "svg")).content
    assert b"<img" not in svg and b"<b>" not in svg
    parse(svg)  # still well-formed XML
    assert b"&lt;img src=x" in svg


# --- links -------------------------------------------------------------------------------------


def test_it_links_two_nodes(client, cast, picture):
    team, _er, club = picture
    sign_in(client, cast.facilitator.user)
    page = client.get(url(cast, "map_link_new"))
    assert page.status_code == 200
    assert '<optgroup label="Youth">' in page.content.decode()
    response = client.post(
        url(cast, "map_link_new"), link_data(club, team, strength=Strength.MISSING), **HTMX
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "mapChanged"
    assert "Linked “Mobile crisis team” and “Youth club”." in response.content.decode()
    link = cast.workshop.map_links.get(strength=Strength.MISSING)
    assert (link.source, link.target, link.proposal) == (team, club, Proposal.ACCEPTED)


def test_it_links_two_nodes_with_a_plain_form(client, cast, picture):
    team, _er, club = picture
    sign_in(client, cast.facilitator.user)
    response = client.post(url(cast, "map_link_new"), link_data(team, club, note="Weekly calls"))
    assert response.status_code == 302
    assert cast.workshop.map_links.filter(note="Weekly calls").exists()


def test_it_changes_and_removes_a_link(client, cast, picture):
    sign_in(client, cast.facilitator.user)
    link = cast.workshop.map_links.get()
    form = client.get(url(cast, "map_link", link.pk), **HTMX)
    assert form.status_code == 200
    assert "Remove the link" in form.content.decode()
    response = client.post(
        url(cast, "map_link", link.pk),
        link_data(link.target, link.source, strength=Strength.STRONG, note="Fixed"),
        **HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "mapChanged"
    link.refresh_from_db()
    assert (link.strength, link.note) == (Strength.STRONG, "Fixed")
    assert link.source_id < link.target_id
    assert client.get(url(cast, "map_link", link.pk)).status_code == 200  # plain page
    response = client.post(url(cast, "map_link_remove", link.pk))
    assert response.status_code == 302
    assert not cast.workshop.map_links.exists()
    assert client.get(url(cast, "map_link", link.pk)).status_code == 404


def test_it_refuses_a_link_to_a_node_of_another_workshop(client, cast, picture):
    team = picture[0]
    elsewhere = add_node(WorkshopFactory(), "Erie's clinic")
    sign_in(client, cast.facilitator.user)
    response = client.post(url(cast, "map_link_new"), link_data(team, elsewhere))
    assert response.status_code == 200
    assert "Choose a node of this map from the list." in response.content.decode()
    assert not MapLink.objects.filter(target=elsewhere).exists()
    link = cast.workshop.map_links.get()
    response = client.post(url(cast, "map_link", link.pk), link_data(elsewhere, team), **HTMX)
    assert response.status_code == 422
    assert "Choose a node of this map from the list." in response.content.decode()


def test_it_refuses_links_of_another_workshop(client, cast):
    other = WorkshopFactory()
    a, b = add_node(other, "A"), add_node(other, "B")
    link = add_link(a, b)
    sign_in(client, cast.facilitator.user)
    assert client.get(url(cast, "map_link", link.pk)).status_code == 404
    assert client.post(url(cast, "map_link_remove", link.pk)).status_code == 404
    assert MapLink.objects.filter(pk=link.pk).exists()


@pytest.mark.parametrize("order", ["same", "reversed"])
def test_it_refuses_duplicate_links_in_either_order(client, cast, picture, order):
    team, er, _club = picture
    ends = (team, er) if order == "same" else (er, team)
    sign_in(client, cast.facilitator.user)
    response = client.post(url(cast, "map_link_new"), link_data(*ends), **HTMX)
    assert response.status_code == 422
    assert "are already linked: change that link instead." in response.content.decode()
    assert cast.workshop.map_links.count() == 1


def test_it_refuses_a_self_link(client, cast, picture):
    team = picture[0]
    sign_in(client, cast.facilitator.user)
    response = client.post(url(cast, "map_link_new"), link_data(team, team))
    assert response.status_code == 200
    assert "A link joins two different nodes: choose another one." in response.content.decode()
    assert cast.workshop.map_links.count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"source": ""}, "Choose a node."),
        ({"target": "abc"}, "Choose a node of this map from the list."),
        ({"strength": "great"}, "Select a valid choice."),
        ({"note": "n" * 301}, "Keep the note to 300 characters (it has 301)."),
    ],
)
def test_it_refuses_bad_links_next_to_the_field(client, cast, picture, fields, message):
    team, _er, club = picture
    sign_in(client, cast.facilitator.user)
    response = client.post(url(cast, "map_link_new"), link_data(team, club, **fields), **HTMX)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert cast.workshop.map_links.count() == 1


# --- suggestions -------------------------------------------------------------------------------


def test_it_takes_a_participants_node_as_a_suggestion(client, cast):
    sign_in(client, cast.participant.user, cast.workshop)
    response = client.post(url(cast, "map_node_new"), node_data(status=Status.GAP), **HTMX)
    assert response.status_code == 200
    assert response["HX-Trigger"] == "mapChanged"
    assert "A facilitator will review it" in response.content.decode()
    node = cast.workshop.map_nodes.get()
    assert (node.proposal, node.suggested_by, node.status) == (
        Proposal.PENDING,
        cast.participant,
        Status.GAP,
    )
    html = client.get(url(cast, "map")).content.decode()
    assert "Your suggestions" in html and "Mobile crisis team" in html
    assert "The map is empty so far" in html  # not on the map yet


def test_it_shows_the_suggestion_to_the_facilitator_and_accepts_it(client, cast):
    sign_in(client, cast.participant.user, cast.workshop)
    client.post(url(cast, "map_node_new"), node_data())
    node = cast.workshop.map_nodes.get()
    sign_in(client, cast.facilitator.user)
    html = poll(client, cast, "0").content.decode()
    assert "Suggestions to review" in html and "Mobile crisis team" in html
    assert "1 suggestion from participants to review" in html
    assert f"Suggested by {cast.participant.display_name}" in html
    response = client.post(
        url(cast, "map_suggestion", "node", node.pk), {"decision": "accept"}, **HTMX
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "mapChanged"
    assert "Accepted “Mobile crisis team”: it is on the map." in response.content.decode()
    node.refresh_from_db()
    assert node.proposal == Proposal.ACCEPTED


def test_it_dismisses_a_suggestion(client, cast):
    node = add_node(
        cast.workshop, "Peer group", proposal=Proposal.PENDING, suggested_by=cast.participant
    )
    sign_in(client, cast.facilitator.user)
    page = client.post(
        url(cast, "map_suggestion", "node", node.pk), {"decision": "dismiss"}, follow=True
    )
    assert "Dismissed “Peer group”." in page.content.decode()
    node.refresh_from_db()
    assert node.proposal == Proposal.DISMISSED
    again = client.post(url(cast, "map_suggestion", "node", node.pk), {"decision": "accept"})
    assert again.status_code == 302
    assert "already handled" in client.get(again.url).content.decode()


def test_it_takes_a_participants_link_to_their_own_suggested_node(client, cast, picture):
    team = picture[0]
    sign_in(client, cast.participant.user, cast.workshop)
    client.post(url(cast, "map_node_new"), node_data(label="Peer group", system=system("youth").pk))
    mine = cast.workshop.map_nodes.get(label="Peer group")
    form = client.get(url(cast, "map_link_new")).content.decode()
    assert "Peer group (suggested)" in form
    response = client.post(url(cast, "map_link_new"), link_data(team, mine), **HTMX)
    assert response.status_code == 200
    link = cast.workshop.map_links.get(proposal=Proposal.PENDING)
    assert link.suggested_by == cast.participant

    sign_in(client, cast.facilitator.user)
    refused = client.post(
        url(cast, "map_suggestion", "link", link.pk), {"decision": "accept"}, **HTMX
    )
    assert refused.status_code == 422
    assert "Accept the nodes this link joins first." in refused.content.decode()
    link.refresh_from_db()
    assert link.proposal == Proposal.PENDING
    client.post(url(cast, "map_suggestion", "node", mine.pk), {"decision": "accept"})
    accepted = client.post(
        url(cast, "map_suggestion", "link", link.pk), {"decision": "accept"}, **HTMX
    )
    assert accepted.status_code == 200
    link.refresh_from_db()
    assert link.proposal == Proposal.ACCEPTED


def test_it_keeps_other_participants_suggestions_out_of_link_forms(client, cast, picture):
    other = ParticipantFactory(workshop=cast.workshop)
    theirs = add_node(cast.workshop, "Their idea", proposal=Proposal.PENDING, suggested_by=other)
    sign_in(client, cast.participant.user, cast.workshop)
    assert "Their idea" not in client.get(url(cast, "map")).content.decode()
    response = client.post(url(cast, "map_link_new"), link_data(picture[0], theirs))
    assert "Choose a node of this map from the list." in response.content.decode()


def test_it_asks_for_a_decision(client, cast):
    node = add_node(cast.workshop, "Peer group", proposal=Proposal.PENDING)
    sign_in(client, cast.facilitator.user)
    response = client.post(url(cast, "map_suggestion", "node", node.pk), {"decision": "maybe"})
    assert response.status_code == 302
    node.refresh_from_db()
    assert node.proposal == Proposal.PENDING
    assert client.post(url(cast, "map_suggestion", "vote", node.pk)).status_code == 404
    elsewhere = add_node(WorkshopFactory(), "Erie idea", proposal=Proposal.PENDING)
    response = client.post(
        url(cast, "map_suggestion", "node", elsewhere.pk), {"decision": "accept"}
    )
    assert response.status_code == 404


def test_it_keeps_the_map_version_while_nothing_changes(client, cast, picture):
    sign_in(client, cast.facilitator.user)
    before = SystemMap.objects.get(workshop=cast.workshop).version
    client.get(url(cast, "map"))
    client.post(url(cast, "map_node_new"), node_data(label=""))
    assert SystemMap.objects.get(workshop=cast.workshop).version == before
