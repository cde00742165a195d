"""The gap pages: list and propose, a gap with its evidence, editing, merging; bad input."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans.gaps import Target
from actionplans.models import Dot, Evidence, Gap, PriorityArea, Voting
from assessments.models import Metric, Proposal
from tests.actionplans.test_gaps import cell, dot, evidence, figure, gap, link, node, principle
from tests.assessments.test_results import questions, respond
from tests.conftest import sign_in
from tests.factories import ParticipantFactory, WorkshopFactory, county, system

Kind = Evidence.Kind
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, workshop, *args) -> str:
    return reverse(f"actionplans:{name}", args=[workshop.code, *args])


@pytest.fixture
def participant(client, cast):
    return sign_in(client, cast.participant.user, cast.workshop)


@pytest.fixture
def facilitator(client, cast):
    return sign_in(client, cast.facilitator.user)


def next_to(html: str, field: str, message: str) -> bool:
    """The message is in the field's own block of the form (crispy's ``div_<id>``)."""
    at = html.index(f'name="{field}"')
    start = html.rfind('<div id="div_', 0, at)
    end = html.find('<div id="div_', at)
    return message in html[start : end if end != -1 else len(html)]


def proposal(**overrides) -> dict:
    return {
        "title": "No crisis beds for teens",
        "description": "Families drive three hours.",
        "kind": "gap",
        "systems": [system("crisis").pk, system("youth").pk],
        "principles": [principle("community-based").pk],
        **overrides,
    }


# --- the list -----------------------------------------------------------------------------------


def test_it_lists_the_gaps_with_what_they_rest_on(participant, cast):
    first = gap(
        cast.workshop,
        "Crisis beds",
        proposed_by=cast.participant,
        systems=[system("crisis")],
        principles=[principle("youth-guided")],
    )
    gap(cast.workshop, "Transport", kind="barrier")
    gap(cast.workshop, "Merged away", merged_into=first)
    evidence(first, cell("crisis"))
    dot(cast.participant, 1, first)
    dot(cast.participant, 2, first)
    page = participant.get(url("gaps", cast.workshop))
    assert page.status_code == 200
    text = page.text
    assert "Crisis beds" in text and "Transport" in text
    assert "Merged away" not in text
    assert "1 piece of evidence" in text and "2 dots" in text
    assert f"Proposed by {cast.participant.display_name}" in text
    assert "Youth-guided" in text
    assert "Barrier" in text
    assert "Propose a gap or opportunity" in text
    assert 'aria-current="page" href="' + url("gaps", cast.workshop) in text


def test_it_filters_by_kind_and_system(participant, cast):
    gap(cast.workshop, "Crisis beds", systems=[system("crisis")])
    gap(cast.workshop, "School mentors", kind="opportunity", systems=[system("education")])
    page = participant.get(url("gaps", cast.workshop), {"kind": "opportunity"})
    assert "School mentors" in page.text and "Crisis beds" not in page.text
    page = participant.get(url("gaps", cast.workshop), {"system": system("crisis").pk})
    assert "Crisis beds" in page.text and "School mentors" not in page.text
    page = participant.get(url("gaps", cast.workshop), {"kind": "barrier"})
    assert "No gap matches these filters." in page.text


@pytest.mark.parametrize("query", [{"kind": "planet"}, {"system": "x"}, {"system": "999999"}])
def test_it_leaves_out_an_invalid_filter(participant, cast, query):
    gap(cast.workshop, "Crisis beds")
    page = participant.get(url("gaps", cast.workshop), query)
    assert page.status_code == 200
    assert "Crisis beds" in page.text
    assert "invalid-feedback" in page.text


def test_it_says_what_to_do_when_there_are_no_gaps(participant, cast):
    page = participant.get(url("gaps", cast.workshop))
    assert "No gaps or opportunities yet." in page.text
    assert "Propose the first one" in page.text


def test_it_shows_the_list_in_spanish(participant, cast):
    participant.post(reverse("set_language"), {"language": "es", "next": "/"})
    gap(cast.workshop, "Camas", principles=[principle("youth-guided")], systems=[system("crisis")])
    page = participant.get(url("gaps", cast.workshop))
    assert '<html lang="es">' in page.text
    assert "Guiado por los jóvenes" in page.text  # the principle, on the card and in the form
    assert "Centrado en el niño y dirigido por la familia" in page.text


def count_queries(client, address) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


def many_gaps(workshop, n: int, members, slots: tuple[int, ...]) -> None:
    systems = [system("crisis"), system("youth"), system("education")]
    for i in range(n):
        made = gap(
            workshop,
            f"Gap {i}",
            proposed_by=members[i % len(members)],
            systems=systems[: i % 3 + 1],
            principles=[principle("youth-guided"), principle("cultural")],
        )
        evidence(made, cell("crisis"))
        evidence(made, cell("youth"))
    Dot.objects.bulk_create(
        Dot(workshop=workshop, membership=member, slot=slot, gap=made)
        for member in members
        for slot in slots
    )


def test_it_keeps_a_fixed_query_count(participant, cast, django_assert_max_num_queries):
    members = [ParticipantFactory(workshop=cast.workshop) for _ in range(3)]
    many_gaps(cast.workshop, 3, members, slots=(1, 2))
    few = count_queries(participant, url("gaps", cast.workshop))
    many_gaps(cast.workshop, 37, members, slots=(3, 4))
    assert Gap.objects.filter(workshop=cast.workshop).count() == 40
    with django_assert_max_num_queries(few):
        page = participant.get(url("gaps", cast.workshop))
    assert "40 gaps and opportunities" in page.text
    assert count_queries(participant, url("gaps", cast.workshop)) == few
    filtered = url("gaps", cast.workshop) + f"?system={system('crisis').pk}"
    assert count_queries(participant, filtered) == few


# --- proposing ----------------------------------------------------------------------------------


def test_it_proposes_a_gap(participant, cast):
    voting = Voting.objects.create(workshop=cast.workshop)
    response = participant.post(url("gap_new", cast.workshop), proposal())
    made = Gap.objects.get(workshop=cast.workshop)
    assert response.status_code == 302
    assert response.url == url("gap", cast.workshop, made.pk) + "#evidence"
    assert made.proposed_by == cast.participant
    assert set(made.systems.values_list("slug", flat=True)) == {"crisis", "youth"}
    assert list(made.principles.values_list("key", flat=True)) == ["community-based"]
    voting.refresh_from_db()
    assert voting.version == 1
    page = participant.get(response.url)
    assert "“No crisis beds for teens” is proposed." in page.text


def test_it_proposes_with_htmx_and_answers_with_the_list(participant, cast):
    response = participant.post(url("gap_new", cast.workshop), proposal(), **HTMX)
    assert response.status_code == 200
    assert 'id="gap-board"' in response.text
    assert "<html" not in response.text
    assert "No crisis beds for teens" in response.text
    assert "is proposed." in response.text


def test_it_shows_the_propose_page(participant, cast):
    page = participant.get(url("gap_new", cast.workshop))
    assert page.status_code == 200
    assert 'name="title"' in page.text


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": "x" * 121}, "title", "Keep the title to 120 characters (it has 121)"),
        ({"title": "  "}, "title", "This field is required."),
        ({"kind": "planet"}, "kind", "Choose gap, barrier or opportunity."),
        ({"systems": ["999999"]}, "systems", "Select a valid choice."),
        ({"description": "y" * 2001}, "description", "at most 2000 characters"),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_it_explains_bad_input_next_to_the_field(participant, cast, data, field, message, htmx):
    response = participant.post(
        url("gap_new", cast.workshop), proposal(**data), **(HTMX if htmx else {})
    )
    assert response.status_code == (422 if htmx else 200)
    assert message in response.text
    assert next_to(response.text, field, message)
    assert not Gap.objects.exists()


def test_it_escapes_markup(participant, cast):
    participant.post(
        url("gap_new", cast.workshop),
        proposal(title="<script>alert(1)</script>", description="<b>bold</b> & more"),
    )
    made = Gap.objects.get()
    assert made.title == "<script>alert(1)</script>"
    for address in (url("gaps", cast.workshop), url("gap", cast.workshop, made.pk)):
        page = participant.get(address)
        assert "<script>alert(1)</script>" not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    page = participant.get(url("gap", cast.workshop, made.pk))
    assert "<b>bold</b>" not in page.text
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in page.text


# --- one gap and its evidence -------------------------------------------------------------------


@pytest.fixture
def assessed(cast):
    workshop = cast.workshop
    by_key = questions(workshop)
    for _ in range(3):
        respond(
            workshop,
            scale={"youth-guided": 2},
            matrix={("crisis", "availability"): 1},
            by_key=by_key,
        )
    respond(workshop, matrix={("youth", "availability"): 5}, by_key=by_key)
    beds = node(workshop, "Crisis beds", status="gap")
    team = node(workshop, "Mobile crisis team", status="strength")
    elsewhere = WorkshopFactory(county=county("Erie"))
    foreign = node(elsewhere, "Erie crisis beds")
    figure(workshop, cast.participant, "served-total", 120)
    return {
        "by_key": by_key,
        "beds": beds,
        "team": team,
        "road": link(beds, team, strength="missing"),
        "pending": node(workshop, "Suggested clinic", proposal=Proposal.PENDING),
        "foreign": foreign,
        "foreign_link": link(foreign, node(elsewhere, "Erie team")),
    }


def test_it_shows_a_gap_with_its_evidence_votes_and_merged_duplicates(participant, cast, assessed):
    shown = gap(cast.workshop, "Crisis beds", description="Line one\nLine two")
    evidence(shown, Target(Kind.QUESTION, question_id=assessed["by_key"]["youth-guided"].pk))
    evidence(shown, cell("crisis"), note="Lowest of all")
    evidence(shown, cell("youth"))
    evidence(shown, Target(Kind.MAP_NODE, map_node_id=assessed["beds"].pk))
    evidence(shown, Target(Kind.MAP_LINK, map_link_id=assessed["road"].pk))
    evidence(shown, Target(Kind.FIGURE, metric_id=Metric.objects.get(key="served-total").pk))
    gap(cast.workshop, "Beds for teens", merged_into=shown, proposed_by=cast.committee)
    dot(cast.participant, 1, shown)
    dot(cast.participant, 2, shown)
    dot(cast.facilitator, 1, shown)
    page = participant.get(url("gap", cast.workshop, shown.pk))
    assert page.status_code == 200
    text = page.text
    assert "Line one<br>Line two" in text
    assert "Mean 2.0 of 5, from 3 people" in text
    assert "Crisis · Availability" in text and "Mean 1.0 of 5, from 3 people" in text
    assert "Hidden: fewer than 3 people rated it" in text
    assert "Lowest of all" in text
    assert "Crisis beds (Crisis)" in text and "Marked: gap" in text
    map_url = reverse("assessments:map", args=[cast.workshop.code])
    assert f'href="{map_url}?system={system("crisis").pk}"' in text
    assert "Needed but missing" in text
    assert "County total 120, from 1 agency" in text
    assert "3 dots" in text and "from 2 people" in text
    assert "Merged from" in text and "Beds for teens" in text
    # Participants do not see the results page: no link to it.
    assert reverse("assessments:results", args=[cast.workshop.code]) not in text
    assert "Add evidence" in text
    assert "Remove" not in text  # removing evidence is for the plan's editors


def test_it_links_the_evidence_to_the_results_for_the_team(facilitator, cast, assessed):
    shown = gap(cast.workshop)
    evidence(shown, cell("crisis"))
    page = facilitator.get(url("gap", cast.workshop, shown.pk))
    assert (
        reverse("assessments:results", args=[cast.workshop.code]) + "#ratings-heading" in page.text
    )
    assert "Remove" in page.text


def test_it_sends_a_merged_gap_to_the_one_it_was_merged_into(participant, cast):
    kept = gap(cast.workshop, "Kept")
    merged = gap(cast.workshop, "Merged", merged_into=kept)
    response = participant.get(url("gap", cast.workshop, merged.pk))
    assert response.status_code == 302
    assert response.url == url("gap", cast.workshop, kept.pk)


def test_it_hides_another_workshops_gap(participant, cast):
    other = gap(WorkshopFactory(county=county("Erie")), "Elsewhere")
    assert participant.get(url("gap", cast.workshop, other.pk)).status_code == 404
    assert participant.get(url("gap_edit", cast.workshop, other.pk)).status_code in (403, 404)


def evidence_choices(cast, assessed) -> dict[str, str]:
    return {
        "question": f"question:{assessed['by_key']['youth-guided'].pk}",
        "cell": f"heat_cell:{system('crisis').pk}:availability",
        "node": f"map_node:{assessed['beds'].pk}",
        "link": f"map_link:{assessed['road'].pk}",
        "figure": f"figure:{Metric.objects.get(key='served-total').pk}",
    }


@pytest.mark.parametrize("kind", ["question", "cell", "node", "link", "figure"])
def test_it_adds_evidence(participant, cast, assessed, kind):
    on = gap(cast.workshop)
    value = evidence_choices(cast, assessed)[kind]
    page = participant.get(url("gap", cast.workshop, on.pk))
    assert f'value="{value}"' in page.text
    response = participant.post(
        url("evidence_add", cast.workshop, on.pk), {"source": value, "note": "Shows it"}
    )
    assert response.status_code == 302
    assert response.url.endswith("#evidence")
    added = on.evidence.get()
    assert (added.note, added.added_by) == ("Shows it", cast.participant.user)


def test_it_adds_evidence_with_htmx(participant, cast, assessed):
    on = gap(cast.workshop)
    response = participant.post(
        url("evidence_add", cast.workshop, on.pk),
        {"source": evidence_choices(cast, assessed)["node"]},
        **HTMX,
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="evidence"')
    assert "Evidence added." in response.text and "Crisis beds (Crisis)" in response.text


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("foreign_node", "That map node is not on this workshop&#x27;s map."),
        ("foreign_link", "That map link is not on this workshop&#x27;s map."),
        ("pending", "That map node is not on this workshop&#x27;s map."),
        ("question:999999", "That question is not in this workshop&#x27;s survey."),
        ("heat_cell:999999:availability", "That heat-map cell is not in this workshop"),
        ("heat_cell:1:speed", "That heat-map cell is not in this workshop"),
        ("figure:999999", "That figure is not in the data table."),
        ("planet:3", "Choose a piece of evidence from the list."),
        ("map_node:abc", "Choose a piece of evidence from the list."),
        ("", "Choose a piece of evidence from the list."),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_it_refuses_evidence_from_elsewhere(participant, cast, assessed, value, message, htmx):
    on = gap(cast.workshop)
    value = {
        "foreign_node": f"map_node:{assessed['foreign'].pk}",
        "foreign_link": f"map_link:{assessed['foreign_link'].pk}",
        "pending": f"map_node:{assessed['pending'].pk}",
    }.get(value, value)
    response = participant.post(
        url("evidence_add", cast.workshop, on.pk), {"source": value}, **(HTMX if htmx else {})
    )
    assert response.status_code == (422 if htmx else 200)
    assert message in response.text
    assert next_to(response.text, "source", message)
    assert not Evidence.objects.exists()


def test_it_refuses_the_same_evidence_twice(participant, cast, assessed):
    on = gap(cast.workshop)
    evidence(on, cell("crisis"))
    response = participant.post(
        url("evidence_add", cast.workshop, on.pk),
        {"source": evidence_choices(cast, assessed)["cell"]},
    )
    assert response.status_code == 200
    assert "This gap already has that evidence." in response.text
    assert on.evidence.count() == 1


def test_it_refuses_an_overlong_note(participant, cast, assessed):
    on = gap(cast.workshop)
    response = participant.post(
        url("evidence_add", cast.workshop, on.pk),
        {"source": evidence_choices(cast, assessed)["cell"], "note": "n" * 301},
    )
    assert response.status_code == 200
    assert "at most 300 characters" in response.text


def test_it_removes_evidence(facilitator, cast):
    on = gap(cast.workshop)
    kept = evidence(on, cell("crisis"))
    gone = evidence(on, cell("youth"))
    response = facilitator.post(url("evidence_remove", cast.workshop, on.pk, gone.pk))
    assert response.status_code == 302
    assert list(on.evidence.all()) == [kept]
    response = facilitator.post(url("evidence_remove", cast.workshop, on.pk, kept.pk), **HTMX)
    assert response.status_code == 200
    assert "Evidence removed." in response.text and "No evidence yet." in response.text


def test_it_removes_no_evidence_of_another_gap(facilitator, cast):
    on, other = gap(cast.workshop), gap(cast.workshop, "Other")
    theirs = evidence(other, cell("crisis"))
    facilitator.post(url("evidence_remove", cast.workshop, on.pk, theirs.pk))
    assert Evidence.objects.filter(pk=theirs.pk).exists()


# --- editing ------------------------------------------------------------------------------------


def edit_data(made: Gap, **overrides) -> dict:
    return proposal(version=made.version, **overrides)


def test_it_edits_a_gap(facilitator, cast):
    made = gap(cast.workshop, "Old title")
    page = facilitator.get(url("gap_edit", cast.workshop, made.pk))
    assert page.status_code == 200 and 'value="Old title"' in page.text
    response = facilitator.post(
        url("gap_edit", cast.workshop, made.pk), edit_data(made, title="New")
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert (made.title, made.version) == ("New", 2)


def test_it_shows_both_versions_when_someone_saved_first(client, cast):
    made = gap(cast.workshop, "Crisis beds", description="Saved first")
    seen = made.version
    sign_in(client, cast.committee.user)
    first = client.post(
        url("gap_edit", cast.workshop, made.pk),
        proposal(version=seen, title="Their title", description="Theirs"),
    )
    assert first.status_code == 302
    sign_in(client, cast.facilitator.user)
    second = client.post(
        url("gap_edit", cast.workshop, made.pk),
        proposal(version=seen, title="My title", description="Mine"),
    )
    assert second.status_code == 409
    assert "Someone else saved this gap while you were editing it" in second.text
    assert "Their title" in second.text and "My title" in second.text
    assert "Keep the saved version" in second.text
    made.refresh_from_db()
    assert made.title == "Their title"  # nothing lost, nothing overwritten yet
    assert f'name="version" value="{made.version}"' in second.text
    # Choosing "save my version" sends the form again, now with the stored version.
    third = client.post(
        url("gap_edit", cast.workshop, made.pk),
        proposal(version=made.version, title="My title", description="Mine"),
    )
    assert third.status_code == 302
    made.refresh_from_db()
    assert made.title == "My title"


def test_it_refuses_bad_edits_next_to_the_field(facilitator, cast):
    made = gap(cast.workshop)
    response = facilitator.post(
        url("gap_edit", cast.workshop, made.pk), edit_data(made, title="t" * 121, kind="planet")
    )
    assert response.status_code == 200
    assert "Keep the title to 120 characters" in response.text
    assert "Choose gap, barrier or opportunity." in response.text
    response = facilitator.post(url("gap_edit", cast.workshop, made.pk), proposal())
    assert response.status_code == 200
    assert "missing its version number" in response.text


# --- merging ------------------------------------------------------------------------------------


def test_it_merges_a_duplicate(facilitator, cast):
    kept = gap(cast.workshop, "Crisis beds", systems=[system("crisis")])
    duplicate = gap(cast.workshop, "Beds for teens", systems=[system("youth")])
    evidence(duplicate, cell("youth"))
    dot(cast.participant, 1, kept)
    dot(cast.participant, 2, duplicate)
    page = facilitator.get(url("gap_merge", cast.workshop, duplicate.pk))
    assert page.status_code == 200
    assert f'value="{kept.pk}"' in page.text
    assert f'value="{duplicate.pk}"' not in page.text
    response = facilitator.post(url("gap_merge", cast.workshop, duplicate.pk), {"kept": kept.pk})
    assert response.status_code == 302
    assert response.url == url("gap", cast.workshop, kept.pk)
    page = facilitator.get(response.url)
    assert "1 piece of evidence and 1 dot moved here" in page.text
    assert "Merged from" in page.text
    assert "2 dots" in page.text
    assert "Beds for teens" not in facilitator.get(url("gaps", cast.workshop)).text


@pytest.mark.parametrize("case", ["itself", "other workshop", "merged", "nonsense", "missing"])
@pytest.mark.parametrize("htmx", [False, True])
def test_it_refuses_a_bad_merge_next_to_the_field(facilitator, cast, case, htmx):
    duplicate = gap(cast.workshop, "Duplicate")
    target = {
        "itself": duplicate.pk,
        "other workshop": gap(WorkshopFactory(county=county("Erie")), "Elsewhere").pk,
        "merged": gap(cast.workshop, "Gone", merged_into=gap(cast.workshop, "Kept")).pk,
        "nonsense": "abc",
        "missing": "",
    }[case]
    response = facilitator.post(
        url("gap_merge", cast.workshop, duplicate.pk), {"kept": target}, **(HTMX if htmx else {})
    )
    assert response.status_code == (422 if htmx else 200)
    message = {
        "itself": "A gap cannot be merged into itself",
        "missing": "Choose the gap to keep.",
    }.get(case, "Choose one of this workshop&#x27;s gaps that is not merged already.")
    assert message in response.text
    assert next_to(response.text, "kept", message)
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


def test_it_refuses_to_merge_a_promoted_gap(facilitator, cast):
    kept = gap(cast.workshop, "Kept")
    promoted = gap(cast.workshop, "Promoted")
    PriorityArea.objects.create(workshop=cast.workshop, gap=promoted, title="Promoted")
    page = facilitator.get(url("gap_merge", cast.workshop, promoted.pk))
    assert "promoted gaps cannot be merged" in page.text
    assert 'name="kept"' not in page.text
    response = facilitator.post(url("gap_merge", cast.workshop, promoted.pk), {"kept": kept.pk})
    assert response.status_code == 200
    assert "promoted gaps cannot be merged" in response.text
    promoted.refresh_from_db()
    assert promoted.merged_into is None


def test_it_merges_into_a_promoted_gap(facilitator, cast):
    promoted = gap(cast.workshop, "Promoted")
    PriorityArea.objects.create(workshop=cast.workshop, gap=promoted, title="Promoted")
    duplicate = gap(cast.workshop, "Duplicate")
    response = facilitator.post(
        url("gap_merge", cast.workshop, duplicate.pk), {"kept": promoted.pk}
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == promoted


def test_it_shows_a_gap_in_a_fixed_number_of_queries(participant, cast, assessed):
    shown = gap(cast.workshop, "Crisis beds", systems=[system("crisis")])
    evidence(shown, cell("crisis"))
    few = count_queries(participant, url("gap", cast.workshop, shown.pk))
    for slug in ("youth", "education", "medical", "juvenile-justice"):
        evidence(shown, cell(slug), note=slug)
    evidence(shown, Target(Kind.MAP_NODE, map_node_id=assessed["beds"].pk))
    evidence(shown, Target(Kind.MAP_NODE, map_node_id=assessed["team"].pk))
    evidence(shown, Target(Kind.MAP_LINK, map_link_id=assessed["road"].pk))
    evidence(shown, Target(Kind.QUESTION, question_id=assessed["by_key"]["cultural"].pk))
    evidence(shown, Target(Kind.FIGURE, metric_id=Metric.objects.get(key="served-total").pk))
    for i in range(5):
        gap(cast.workshop, f"Duplicate {i}", merged_into=shown, proposed_by=cast.committee)
    assert shown.evidence.count() == 10
    assert count_queries(participant, url("gap", cast.workshop, shown.pk)) == few
