"""The map service: loading, filtering, the room's edits and suggestions, starting the map."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import maps
from assessments.maps import MapError, Only
from assessments.models import MapLink, MapNode, Proposal, SystemMap
from tests.assessments.test_results import DIMENSIONS, questions, respond
from tests.factories import MembershipFactory, ParticipantFactory, WorkshopFactory, system
from workshops.models import Membership, System

Status, Strength = MapNode.Status, MapLink.Strength


def node(workshop, label, slug="crisis", **fields) -> MapNode:
    return maps.save_node(MapNode(workshop=workshop, system=system(slug), label=label, **fields))


def link(a, b, strength=Strength.MODERATE, **fields) -> MapLink:
    return maps.save_link(
        MapLink(workshop=a.workshop, source=a, target=b, strength=strength, **fields)
    )


def version(workshop) -> int:
    return maps.map_version(workshop.pk)


@pytest.fixture
def workshop(db):
    return WorkshopFactory()


# --- loading and filtering --------------------------------------------------------------------


def test_it_loads_what_is_on_the_map(workshop):
    crisis = node(workshop, "Mobile crisis team", status=Status.CONCERN, provider="Crisis line")
    school = node(workshop, "School clinics", "education", status=Status.STRENGTH)
    node(workshop, "Drop-in group", "youth", proposal=Proposal.PENDING)
    node(workshop, "Old idea", "youth", proposal=Proposal.DISMISSED)
    link(crisis, school, Strength.WEAK, note="Referrals take 6 weeks")
    node(WorkshopFactory(), "Another county's clinic")

    data = maps.load_map(workshop)
    assert [n.label for n in data.nodes] == ["Mobile crisis team", "School clinics"]
    assert data.nodes[0].provider == "Crisis line"
    assert data.nodes[0].status == Status.CONCERN
    [only] = data.links
    assert (only.source_id, only.target_id) == (crisis.pk, school.pk)
    assert only.note == "Referrals take 6 weeks"
    assert data.version == version(workshop) > 0
    assert [s.name for s in data.systems][:3] == ["Mental Health", "Public Health", "Medical"]
    assert len(data.systems) == 13
    assert data.pending_nodes == []
    with_pending = maps.load_map(workshop, with_pending=True)
    assert [n.label for n in with_pending.pending_nodes] == ["Drop-in group"]


def test_it_loads_the_map_in_a_fixed_number_of_queries(workshop):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            data = maps.load_map(workshop, with_pending=True)
            [p.suggested_by for p in data.pending_nodes]  # touch what a page shows
            [(p.source.label, p.target.label) for p in data.pending_links]
        return len(context.captured_queries)

    suggester = ParticipantFactory(workshop=workshop)
    first = [node(workshop, f"Service {i}", "crisis") for i in range(3)]
    link(first[0], first[1])
    node(workshop, "Suggested", proposal=Proposal.PENDING, suggested_by=suggester)
    small = queries()
    systems = list(System.objects.all())
    many = [node(workshop, f"More {i}", systems[i % 13].slug) for i in range(37)]
    pairs = [(a, b) for step in (1, 2) for a, b in zip(many, many[step:], strict=False)]
    for a, b in pairs[:59]:
        link(a, b)
    link(first[2], many[0], proposal=Proposal.PENDING, suggested_by=suggester)
    assert len(maps.load_map(workshop).nodes) == 40
    assert len(maps.load_map(workshop).links) == 60
    assert queries() == small == 7


def test_it_highlights_the_systems_the_survey_rated_weakest(workshop):
    by_key = questions(workshop)
    weak = {"crisis": 1, "substance-use": 2, "medical": 2}
    for _ in range(3):
        matrix = {(slug, d): value for slug, value in weak.items() for d in DIMENSIONS}
        matrix |= {("education", d): 4 for d in DIMENSIONS}
        respond(workshop, matrix=matrix, by_key=by_key)
    # One person's very low rating of a system is not enough to single it out.
    respond(workshop, matrix={("youth", d): 1 for d in DIMENSIONS}, by_key=by_key)
    respond(workshop, matrix={("caregivers", d): 1 for d in DIMENSIONS}, submitted=False)

    systems = {s.name: s for s in maps.load_map(workshop).systems}
    assert {name for name, s in systems.items() if s.highlighted} == {
        "Crisis",
        "Substance Use",
        "Medical",
    }
    assert systems["Crisis"].mean == 1.0
    assert systems["Education"].mean == 4.0
    assert systems["Youth"].mean is None  # rated by fewer than three people
    assert systems["Caregivers"].mean is None  # not submitted


def test_it_highlights_nothing_before_the_survey(workshop):
    assert not any(s.highlighted for s in maps.load_map(workshop).systems)


@pytest.fixture
def picture(workshop):
    """Crisis team (concern) -broken- ER (gap) -strong- clinic; clinic -missing- school (gap)."""
    team = node(workshop, "Crisis team", "crisis", status=Status.CONCERN)
    er = node(workshop, "ER", "medical", status=Status.GAP)
    clinic = node(workshop, "Clinic", "mental-health", status=Status.STRENGTH)
    school = node(workshop, "School", "education", status=Status.GAP)
    link(team, er, Strength.BROKEN)
    link(er, clinic, Strength.STRONG)
    link(clinic, school, Strength.MISSING)
    return maps.load_map(workshop)


def labels(data) -> set[str]:
    return {n.label for n in data.nodes}


def ends(data) -> set[frozenset[str]]:
    by_id = data.node_by_id
    return {frozenset({by_id[k.source_id].label, by_id[k.target_id].label}) for k in data.links}


def test_it_filters_one_system_with_the_nodes_it_links_to(picture):
    medical = system("medical").pk
    data = picture.filtered(system_id=medical)
    assert labels(data) == {"ER", "Crisis team", "Clinic"}
    assert ends(data) == {frozenset({"Crisis team", "ER"}), frozenset({"ER", "Clinic"})}
    # A filtered picture shows the systems it has something in (and the one chosen).
    assert [s.name for s in data.systems] == ["Mental Health", "Medical", "Crisis"]
    assert data.version == picture.version
    youth = picture.filtered(system_id=system("youth").pk)
    assert youth.nodes == []
    assert [s.name for s in youth.systems] == ["Youth"]


def test_it_filters_gaps_and_broken_links(picture):
    gaps = picture.filtered(only=Only.GAPS)
    assert labels(gaps) == {"ER", "School"}
    assert gaps.links == []
    assert [s.name for s in gaps.systems] == ["Medical", "Education"]
    broken = picture.filtered(only=Only.BROKEN)
    assert labels(broken) == {"Crisis team", "ER", "Clinic", "School"}
    assert ends(broken) == {frozenset({"Crisis team", "ER"}), frozenset({"Clinic", "School"})}
    assert picture.filtered(only=Only.ALL) == picture
    one = picture.filtered(system_id=system("education").pk, only=Only.BROKEN)
    assert labels(one) == {"Clinic", "School"}
    assert labels(picture.filtered(system_id=system("crisis").pk, only=Only.GAPS)) == set()


# --- edits ------------------------------------------------------------------------------------


def test_it_bumps_the_version_on_every_edit(workshop):
    assert version(workshop) == 0
    assert not SystemMap.objects.exists()
    a = node(workshop, "A")
    assert version(workshop) == 1
    b = node(workshop, "B")
    a.status = Status.GAP
    maps.save_node(a)
    assert version(workshop) == 3
    k = link(a, b)
    k.strength = Strength.BROKEN
    maps.save_link(k)
    assert version(workshop) == 5
    maps.remove_link(k)
    assert version(workshop) == 6
    maps.remove_node(b)
    assert version(workshop) == 7
    assert SystemMap.objects.count() == 1


def test_it_refuses_a_name_already_in_the_system(workshop):
    node(workshop, "Mobile Crisis Team")
    with pytest.raises(MapError, match="already on the map in this system"):
        node(workshop, "mobile crisis team ")
    assert node(workshop, "Mobile crisis team", "youth").pk  # another system
    assert node(WorkshopFactory(), "Mobile crisis team").pk  # another workshop
    dismissed = node(workshop, "Old", proposal=Proposal.DISMISSED)
    assert node(workshop, "Old").pk != dismissed.pk
    before = version(workshop)
    with pytest.raises(MapError):
        node(workshop, "OLD")
    assert version(workshop) == before


def test_it_refuses_moving_a_node_onto_a_taken_name(workshop):
    node(workshop, "Clinic", "youth")
    clinic = node(workshop, "Clinic", "crisis")
    clinic.label = "Clinic"  # saving it unchanged is fine
    maps.save_node(clinic)
    clinic.system = system("youth")
    with pytest.raises(MapError, match="already on the map"):
        maps.save_node(clinic)


def test_it_stores_links_in_one_order(workshop):
    a, b = node(workshop, "A"), node(workshop, "B")
    made = link(b, a, Strength.WEAK)
    made.refresh_from_db()
    assert (made.source_id, made.target_id) == (a.pk, b.pk)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda a, b, other: (a, a), "two different nodes"),
        (lambda a, b, other: (a, b), "already linked"),
        (lambda a, b, other: (b, a), "already linked"),
        (lambda a, b, other: (a, other), "this workshop's map"),
    ],
    ids=["self", "duplicate", "duplicate-reversed", "other-workshop"],
)
def test_it_refuses_bad_links(workshop, make, message):
    a, b = node(workshop, "A"), node(workshop, "B")
    other = node(WorkshopFactory(), "Elsewhere")
    link(a, b)
    source, target = make(a, b, other)
    before = version(workshop)
    with pytest.raises(MapError, match=message):
        link(source, target)
    assert MapLink.objects.count() == 1
    assert version(workshop) == before


def test_it_refuses_links_to_nodes_off_the_map(workshop):
    a = node(workshop, "A")
    dismissed = node(workshop, "Dismissed", proposal=Proposal.DISMISSED)
    pending = node(workshop, "Pending", proposal=Proposal.PENDING)
    with pytest.raises(MapError, match="dismissed"):
        link(a, dismissed)
    with pytest.raises(MapError, match="Accept the nodes"):
        link(a, pending)  # a link on the map to a node that is not
    assert link(a, pending, proposal=Proposal.PENDING).pk  # a suggestion may
    assert maps.load_map(workshop).links == []


def test_it_lets_a_link_change_without_calling_it_a_duplicate(workshop):
    a, b = node(workshop, "A"), node(workshop, "B")
    made = link(a, b)
    made.note = "No shared release of information form"
    maps.save_link(made)
    assert MapLink.objects.get().note == "No shared release of information form"


def test_it_allows_a_link_again_after_its_suggestion_was_dismissed(workshop):
    a, b = node(workshop, "A"), node(workshop, "B")
    suggested = link(a, b, proposal=Proposal.PENDING)
    maps.decide(suggested, accept=False)
    assert link(b, a).proposal == Proposal.ACCEPTED


def test_it_removes_a_node_with_its_links(workshop):
    a, b, c = node(workshop, "A"), node(workshop, "B"), node(workshop, "C")
    link(a, b)
    link(b, c)
    link(a, c)
    maps.remove_node(b)
    data = maps.load_map(workshop)
    assert labels(data) == {"A", "C"}
    assert ends(data) == {frozenset({"A", "C"})}
    assert MapNode.history.filter(label="B").exists()  # it stays in the history


# --- suggestions ------------------------------------------------------------------------------


@pytest.fixture
def participant(workshop):
    return ParticipantFactory(workshop=workshop)


def test_it_accepts_a_suggested_node(workshop, participant):
    suggested = node(workshop, "Drop-in group", proposal=Proposal.PENDING, suggested_by=participant)
    assert maps.pending_count(workshop) == 1
    before = version(workshop)
    maps.decide(suggested, accept=True)
    suggested.refresh_from_db()
    assert suggested.proposal == Proposal.ACCEPTED
    assert suggested.suggested_by == participant
    assert version(workshop) == before + 1
    assert maps.pending_count(workshop) == 0
    assert labels(maps.load_map(workshop)) == {"Drop-in group"}
    with pytest.raises(MapError, match="already handled"):
        maps.decide(suggested, accept=False)


def test_it_accepts_a_suggested_link_once_its_nodes_are_on_the_map(workshop, participant):
    a = node(workshop, "A")
    b = node(workshop, "B", proposal=Proposal.PENDING, suggested_by=participant)
    suggested = link(a, b, Strength.MISSING, proposal=Proposal.PENDING, suggested_by=participant)
    assert maps.pending_count(workshop) == 2
    with pytest.raises(MapError, match="Accept the nodes this link joins first"):
        maps.decide(suggested, accept=True)
    maps.decide(b, accept=True)
    suggested.refresh_from_db()
    maps.decide(suggested, accept=True)
    assert ends(maps.load_map(workshop)) == {frozenset({"A", "B"})}


def test_it_dismisses_the_suggested_links_of_a_dismissed_node(workshop, participant):
    a, c = node(workshop, "A"), node(workshop, "C")
    b = node(workshop, "B", proposal=Proposal.PENDING, suggested_by=participant)
    to_b = link(a, b, proposal=Proposal.PENDING, suggested_by=participant)
    elsewhere = link(a, c, proposal=Proposal.PENDING, suggested_by=participant)
    maps.decide(b, accept=False)
    to_b.refresh_from_db()
    elsewhere.refresh_from_db()
    assert to_b.proposal == Proposal.DISMISSED
    assert elsewhere.proposal == Proposal.PENDING
    assert maps.pending_count(workshop) == 1
    data = maps.load_map(workshop, with_pending=True)
    assert [k.pk for k in data.pending_links] == [elsewhere.pk]


def test_it_counts_only_this_workshops_suggestions(workshop, participant):
    node(workshop, "Mine", proposal=Proposal.PENDING, suggested_by=participant)
    node(WorkshopFactory(), "Theirs", proposal=Proposal.PENDING)
    node(workshop, "Dismissed", proposal=Proposal.DISMISSED)
    assert maps.pending_count(workshop) == 1


# --- starting from what is known --------------------------------------------------------------


def test_it_starts_from_the_participants_agencies(workshop):
    clinic = ParticipantFactory(workshop=workshop, agency="County Clinic")
    ParticipantFactory(workshop=workshop, agency="County Clinic ")  # the same agency
    ParticipantFactory(workshop=workshop, agency="County Clinic", system=system("youth"))
    ParticipantFactory(workshop=workshop, agency="   ")
    ParticipantFactory(workshop=workshop, agency="No system", system=None)
    MembershipFactory(workshop=workshop, agency="Facilitators' agency")
    MembershipFactory(workshop=workshop, agency="Committee", role=Membership.Role.COMMITTEE)
    ParticipantFactory(workshop=WorkshopFactory(), agency="Another county's agency")
    long = ParticipantFactory(workshop=workshop, agency="A" * 80, system=system("education"))

    assert maps.start_from_known(workshop) == 3
    nodes = list(workshop.map_nodes.order_by("system__order"))
    assert [(n.label, n.system.slug) for n in nodes] == [
        ("County Clinic", "mental-health"),
        ("County Clinic", "youth"),
        ("A" * 60, "education"),
    ]
    assert all(n.kind == MapNode.Kind.AGENCY and n.status == Status.UNMARKED for n in nodes)
    assert nodes[0].membership == clinic
    assert nodes[2].membership == long
    started = SystemMap.objects.get(workshop=workshop)
    assert started.started_at is not None
    assert started.version == 1


def test_it_starts_only_once_per_agency(workshop):
    ParticipantFactory(workshop=workshop, agency="County Clinic")
    node(workshop, "Youth Bureau", "youth")
    maps.start_from_known(workshop)
    first = SystemMap.objects.get(workshop=workshop).started_at
    ParticipantFactory(workshop=workshop, agency="youth bureau", system=system("youth"))
    ParticipantFactory(workshop=workshop, agency="Food pantry", system=system("youth"))
    assert maps.start_from_known(workshop) == 1
    assert maps.start_from_known(workshop) == 0
    assert SystemMap.objects.get(workshop=workshop).started_at == first
    assert workshop.map_nodes.count() == 3
