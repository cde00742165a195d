"""The gaps service: proposing, editing without lost updates, merging, evidence and its words."""

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection, connections

from actionplans import gaps
from actionplans.gaps import GapFields, MergeRefused, Target, parse_target
from actionplans.models import Dot, Evidence, Gap, Principle, PriorityArea, Voting
from assessments.models import DataRow, DataValue, MapLink, MapNode, Metric, Proposal, Question
from tests.assessments.test_results import questions, respond
from tests.factories import ParticipantFactory, WorkshopFactory, county, system

Kind = Evidence.Kind


def principle(key: str) -> Principle:
    return Principle.objects.get(key=key)


def gap(workshop, title="Gap", **fields) -> Gap:
    fields.setdefault("proposed_by", None)
    systems = fields.pop("systems", [])
    principles = fields.pop("principles", [])
    made = Gap.objects.create(workshop=workshop, title=title, **fields)
    made.systems.set(systems)
    made.principles.set(principles)
    return made


def node(workshop, label, slug="crisis", **fields) -> MapNode:
    return MapNode.objects.create(workshop=workshop, system=system(slug), label=label, **fields)


def link(a: MapNode, b: MapNode, **fields) -> MapLink:
    a, b = sorted([a, b], key=lambda n: n.pk)
    return MapLink.objects.create(workshop=a.workshop, source=a, target=b, **fields)


def dot(member, slot: int, on: Gap) -> Dot:
    return Dot.objects.create(workshop=on.workshop, membership=member, slot=slot, gap=on)


def figure(workshop, member, key: str, value) -> None:
    row, _ = DataRow.objects.get_or_create(workshop=workshop, membership=member)
    DataValue.objects.create(row=row, metric=Metric.objects.get(key=key), value=Decimal(value))


def evidence(on: Gap, target: Target, note: str = "") -> Evidence:
    return Evidence.objects.create(gap=on, note=note, **target.fields())


def cell(slug: str, dimension: str = "availability") -> Target:
    return Target(Kind.HEAT_CELL, system_id=system(slug).pk, dimension=dimension)


def fields(**overrides) -> GapFields:
    values = {
        "title": "No crisis beds for teens",
        "description": "Families drive three hours.",
        "kind": Gap.Kind.GAP,
        "systems": [system("crisis")],
        "principles": [principle("community-based")],
    }
    return GapFields(**{**values, **overrides})


@pytest.fixture
def workshop(db):
    return WorkshopFactory()


# --- proposing and editing ----------------------------------------------------------------------


def test_it_proposes_a_gap_with_its_systems_and_principles(workshop):
    member = ParticipantFactory(workshop=workshop)
    voting = Voting.objects.create(workshop=workshop)
    made = gaps.propose(workshop, member, fields())
    assert made.proposed_by == member
    assert list(made.systems.all()) == [system("crisis")]
    assert list(made.principles.all()) == [principle("community-based")]
    voting.refresh_from_db()
    assert voting.version == 1


def test_it_saves_an_edit_of_the_version_it_was_made_on(workshop):
    made = gaps.propose(workshop, None, fields())
    assert gaps.save_gap(made, 1, fields(title="Crisis beds", systems=[], kind="barrier"))
    made.refresh_from_db()
    assert (made.title, made.kind, made.version) == ("Crisis beds", "barrier", 2)
    assert list(made.systems.all()) == []
    assert made.history.count() >= 2


def test_it_refuses_an_edit_of_an_older_version(workshop):
    made = gaps.propose(workshop, None, fields())
    assert gaps.save_gap(Gap.objects.get(pk=made.pk), 1, fields(title="First"))
    assert not gaps.save_gap(Gap.objects.get(pk=made.pk), 1, fields(title="Second"))
    made.refresh_from_db()
    assert (made.title, made.version) == ("First", 2)


def test_it_lists_gaps_not_merged_with_their_counts(workshop):
    first = gap(workshop, "First", systems=[system("crisis")], kind="opportunity")
    second = gap(workshop, "Second", systems=[system("education")])
    gap(workshop, "Merged", merged_into=first)
    gap(WorkshopFactory(county=county("Erie")), "Elsewhere")
    member = ParticipantFactory(workshop=workshop)
    dot(member, 1, first)
    dot(member, 2, first)
    evidence(first, cell("crisis"))
    evidence(first, cell("education"))
    evidence(first, cell("youth"))
    rows = list(gaps.gap_rows(workshop))
    assert [(g.title, g.evidence_count, g.dot_count) for g in rows] == [
        ("First", 3, 2),
        ("Second", 0, 0),
    ]
    assert [g.title for g in gaps.gap_rows(workshop, kind="opportunity")] == ["First"]
    assert [g.title for g in gaps.gap_rows(workshop, system_id=system("education").pk)] == [
        second.title
    ]


# --- merging ------------------------------------------------------------------------------------


@pytest.fixture
def pair(workshop):
    kept = gap(
        workshop, "Crisis beds", systems=[system("crisis")], principles=[principle("youth-guided")]
    )
    duplicate = gap(
        workshop,
        "No beds for teens in crisis",
        systems=[system("crisis"), system("youth")],
        principles=[principle("community-based")],
    )
    return kept, duplicate


def test_it_merges_evidence_systems_principles_and_dots(workshop, pair):
    kept, duplicate = pair
    voting = Voting.objects.create(workshop=workshop, budget=3)
    evidence(kept, cell("crisis"))
    evidence(duplicate, cell("crisis"), note="Lowest availability")
    evidence(duplicate, cell("youth"))
    both, other = ParticipantFactory(workshop=workshop), ParticipantFactory(workshop=workshop)
    dot(both, 1, kept)
    dot(both, 2, duplicate)
    dot(other, 1, duplicate)
    older = gap(workshop, "Teens wait in the ER", merged_into=duplicate)

    merged = gaps.merge(workshop, duplicate.pk, kept.pk)

    assert (merged.evidence_moved, merged.evidence_skipped, merged.dots_moved) == (1, 1, 2)
    assert sorted(kept.evidence.values_list("system__slug", "note")) == [
        ("crisis", "Lowest availability"),  # the duplicate's note fills the kept one's blank
        ("youth", ""),
    ]
    assert set(kept.systems.values_list("slug", flat=True)) == {"crisis", "youth"}
    assert set(kept.principles.values_list("key", flat=True)) == {
        "youth-guided",
        "community-based",
    }
    # Two dots of one person on the two gaps are two dots on the kept one: the budget holds.
    assert list(both.dots.values_list("slot", "gap_id")) == [(1, kept.pk), (2, kept.pk)]
    assert list(other.dots.values_list("gap_id", flat=True)) == [kept.pk]
    duplicate.refresh_from_db()
    older.refresh_from_db()
    assert duplicate.merged_into == kept
    assert older.merged_into == kept
    assert [g.pk for g in gaps.gap_rows(workshop)] == [kept.pk]
    voting.refresh_from_db()
    assert voting.version == 1
    kept.refresh_from_db()
    assert kept.version == 2  # an edit begun before the merge gets a conflict


@pytest.mark.parametrize("case", ["itself", "other workshop", "merged", "kept merged"])
def test_it_refuses_a_merge_that_cannot_be(workshop, pair, case):
    kept, duplicate = pair
    if case == "itself":
        kept = duplicate
    elif case == "other workshop":
        kept = gap(WorkshopFactory(county=county("Erie")), "Elsewhere")
    elif case == "merged":
        duplicate.merged_into = kept
        duplicate.save()
    else:
        kept.merged_into = gap(workshop, "Third")
        kept.save()
    with pytest.raises(MergeRefused):
        gaps.merge(workshop, duplicate.pk, kept.pk)


def test_it_refuses_to_merge_a_promoted_gap_and_changes_nothing(workshop, pair):
    kept, duplicate = pair
    PriorityArea.objects.create(workshop=workshop, gap=duplicate, title=duplicate.title)
    member = ParticipantFactory(workshop=workshop)
    dot(member, 1, duplicate)
    evidence(duplicate, cell("youth"))
    with pytest.raises(MergeRefused, match="promoted gaps cannot be merged"):
        gaps.merge(workshop, duplicate.pk, kept.pk)
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None
    assert duplicate.dots.count() == 1
    assert duplicate.evidence.count() == 1
    assert kept.systems.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_it_merges_only_one_way_when_two_people_merge_a_pair_at_once():
    """A into B and B into A at the same moment: the row locks let one through."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers; the row locks matter on PostgreSQL")
    workshop = WorkshopFactory()
    a, b = gap(workshop, "A"), gap(workshop, "B")
    barrier = threading.Barrier(2)

    def merge(ids: tuple[int, int]) -> str:
        try:
            barrier.wait()
            gaps.merge(workshop, *ids)
            return "merged"
        except MergeRefused:
            return "refused"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(merge, [(a.pk, b.pk), (b.pk, a.pk)]))
    assert outcomes == ["merged", "refused"]
    assert Gap.objects.filter(workshop=workshop, merged_into__isnull=True).count() == 1


# --- evidence -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("question:12", Target(Kind.QUESTION, question_id=12)),
        ("heat_cell:3:availability", Target(Kind.HEAT_CELL, system_id=3, dimension="availability")),
        ("map_node:7", Target(Kind.MAP_NODE, map_node_id=7)),
        ("map_link:8", Target(Kind.MAP_LINK, map_link_id=8)),
        ("figure:2", Target(Kind.FIGURE, metric_id=2)),
        ("map_node:x", None),
        ("heat_cell:3", None),
        ("heat_cell::availability", None),
        ("planet:3", None),
        ("", None),
        ("question:-1", None),
    ],
)
def test_it_reads_a_choice_of_evidence(value, expected):
    assert parse_target(value) == expected
    if expected is not None:
        assert expected.value == value


@pytest.fixture
def assessed(workshop):
    """A workshop with survey answers, a map, figures; and another workshop's map."""
    by_key = questions(workshop)
    for _ in range(3):
        respond(
            workshop,
            scale={"youth-guided": 2},
            matrix={("crisis", "availability"): 1, ("education", "availability"): 4},
            by_key=by_key,
        )
    respond(workshop, matrix={("youth", "availability"): 5}, by_key=by_key)  # alone: hidden
    beds = node(workshop, "Crisis beds", status=MapNode.Status.GAP)
    mobile = node(workshop, "Mobile crisis team", status=MapNode.Status.STRENGTH)
    node(workshop, "Suggested clinic", proposal=Proposal.PENDING)
    road = link(beds, mobile, strength=MapLink.Strength.MISSING)
    elsewhere = WorkshopFactory(county=county("Erie"))
    foreign = node(elsewhere, "Erie crisis beds")
    foreign_link = link(foreign, node(elsewhere, "Erie team"))
    member = ParticipantFactory(workshop=workshop)
    figure(workshop, member, "served-total", 120)
    figure(workshop, ParticipantFactory(workshop=workshop), "served-total", 80)
    return {
        "by_key": by_key,
        "beds": beds,
        "road": road,
        "foreign": foreign,
        "foreign_link": foreign_link,
    }


def test_it_offers_this_workshops_evidence_only(workshop, assessed):
    sources = gaps.sources_for(workshop)
    targets = sources.targets()
    assert Target(Kind.MAP_NODE, map_node_id=assessed["beds"].pk).value in targets
    assert Target(Kind.MAP_LINK, map_link_id=assessed["road"].pk).value in targets
    assert Target(Kind.MAP_NODE, map_node_id=assessed["foreign"].pk).value not in targets
    assert Target(Kind.MAP_LINK, map_link_id=assessed["foreign_link"].pk).value not in targets
    labels = [label for _, options in sources.choices() for _, label in options]
    assert "Suggested clinic" not in " ".join(labels)
    assert len(sources.nodes) == 2
    assert cell("crisis").value in targets
    questions_offered = {q.purpose for q in sources.questions}
    assert questions_offered == {Question.Purpose.PRINCIPLE, Question.Purpose.DOMAIN}
    assert len(sources.questions) == 17
    assert len(sources.dimensions) == 3


def test_it_describes_evidence_in_words(workshop, assessed):
    on = gap(workshop)
    youth_guided = assessed["by_key"]["youth-guided"]
    evidence(on, Target(Kind.QUESTION, question_id=youth_guided.pk))
    evidence(on, cell("crisis"), note="The lowest cell")
    evidence(on, cell("youth"))
    evidence(on, Target(Kind.MAP_NODE, map_node_id=assessed["beds"].pk))
    evidence(on, Target(Kind.MAP_LINK, map_link_id=assessed["road"].pk))
    evidence(on, Target(Kind.FIGURE, metric_id=Metric.objects.get(key="served-total").pk))
    lines = gaps.sources_for(workshop).describe(gaps.evidence_of(on))
    said = [(line.kind, line.subject, line.figure, line.where) for line in lines]
    assert said == [
        ("Survey question", youth_guided.text, "mean 2.0 of 5, from 3 people", "results"),
        ("Heat-map cell", "Crisis · Availability", "mean 1.0 of 5, from 3 people", "results"),
        (
            "Heat-map cell",
            "Youth · Availability",
            "hidden: fewer than 3 people rated it",
            "results",
        ),
        ("Map node", "Crisis beds (Crisis)", "marked: gap", "map"),
        ("Map link", "Crisis beds \N{EN DASH} Mobile crisis team", "Needed but missing", "map"),
        (
            "Data-table figure",
            Metric.objects.get(key="served-total").label,
            "county total 200, from 2 agencies",
            "data",
        ),
    ]
    assert lines[3].system_id == system("crisis").pk


def test_it_says_when_a_node_left_the_map(workshop, assessed):
    on = gap(workshop)
    beds = assessed["beds"]
    evidence(on, Target(Kind.MAP_NODE, map_node_id=beds.pk))
    beds.proposal = Proposal.DISMISSED
    beds.save()
    (line,) = gaps.sources_for(workshop).describe(gaps.evidence_of(on))
    assert line.figure == "marked: gap; no longer on the map"


def test_it_loads_the_sources_in_a_fixed_number_of_queries(
    workshop, assessed, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        sources = gaps.sources_for(workshop)
        sources.choices()
        sources.targets()
