"""Personal action plans (actionplans/personal.py): three relationships at most, edits that
never overwrite another tab's work, sharing inside the workshop, the review, the map's
suggestions, and the demo's plan."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from actionplans import personal
from actionplans.demo_personal import personal_demo
from actionplans.models import PersonalPlan, Relationship
from actionplans.personal import Outcome, PersonalPlanError
from actionplans.plans import Conflict
from assessments.models import MapLink, MapNode, Proposal
from tests.factories import MembershipFactory, ParticipantFactory, WorkshopFactory, system
from workshops.models import Workshop

Strength = MapLink.Strength


def new_relationship(agency: str = "County Probation", **fields) -> Relationship:
    values = {"now": Relationship.Now.CHALLENGING, "improve": "Referrals get lost."}
    return Relationship(agency=agency, **{**values, **fields})


def add(plan: PersonalPlan, agency: str = "County Probation", **fields) -> Relationship:
    return personal.save_relationship(plan, new_relationship(agency, **fields))


@pytest.fixture
def plan(cast) -> PersonalPlan:
    return personal.plan_for(cast.participant)


# --- the plan and its relationships ------------------------------------------------------------


def test_it_makes_one_plan_per_member(cast):
    first = personal.plan_for(cast.participant)
    assert personal.plan_for(cast.participant) == first
    assert PersonalPlan.objects.count() == 1


def test_it_places_up_to_three_relationships_and_refuses_a_fourth(plan):
    added = [add(plan, name) for name in ("Probation", "Schools", "Courts")]
    assert [r.order for r in added] == [1, 2, 3]
    with pytest.raises(PersonalPlanError, match="three relationships already"):
        add(plan, "Hospital")
    assert plan.relationships.count() == 3


def test_a_removed_relationship_frees_its_place(plan):
    add(plan, "Probation")
    schools = add(plan, "Schools")
    add(plan, "Courts")
    personal.remove(plan, schools)
    assert add(plan, "Hospital").order == 2
    assert list(plan.relationships.values_list("agency", flat=True)) == [
        "Probation",
        "Hospital",
        "Courts",
    ]


def test_it_keeps_the_strategies_in_the_handouts_order(plan):
    relationship = add(plan, strategies=["assess", "share", "work_together", "share"])
    relationship.refresh_from_db()
    assert relationship.strategies == ["work_together", "share", "assess"]
    chosen = personal.relationships_of(plan)[0].chosen
    assert [c.label for c in chosen] == [
        "Work together",
        "Share information",
        "Assess progress on a regularly scheduled basis",
    ]
    assert "regularly" in chosen[2].explanation


def test_an_edit_claims_the_version_it_read(plan):
    relationship = add(plan)
    read = relationship.version
    relationship.improve = "Agree on a referral form."
    saved = personal.save_relationship(plan, relationship, version=read)
    assert saved.version > read
    stale = Relationship.objects.get(pk=relationship.pk)
    stale.improve = "Something else"
    with pytest.raises(Conflict) as clash:
        personal.save_relationship(plan, stale, version=read)
    assert clash.value.stored.improve == "Agree on a referral form."
    differences = personal.differences(
        clash.value.stored, {**vars(stale), "strategies": ["share"], "node": None}
    )
    assert [(d.label, d.theirs, d.mine) for d in differences] == [
        ("What I want to improve", "Agree on a referral form.", "Something else"),
        ("Collaboration strategies", "—", "Share information"),
    ]


def test_a_form_read_before_a_removal_never_overwrites_the_relationship_added_in_its_place(plan):
    """Versions come from the plan's counter: the newcomer never has the old one's version."""
    old = add(plan, "Probation")
    read = old.version
    personal.remove(plan, old)
    newcomer = add(plan, "Schools")
    assert newcomer.order == old.order
    stale = Relationship.objects.get(pk=newcomer.pk)
    stale.agency = "Probation, edited"
    with pytest.raises(Conflict):
        personal.save_relationship(plan, stale, version=read)
    assert Relationship.objects.get(pk=newcomer.pk).agency == "Schools"


def test_an_edit_of_a_removed_relationship_says_so(plan):
    relationship = add(plan)
    Relationship.objects.filter(pk=relationship.pk).delete()
    with pytest.raises(PersonalPlanError, match="removed meanwhile"):
        personal.save_relationship(plan, relationship, version=relationship.version)


# --- sharing -----------------------------------------------------------------------------------


def test_it_shares_with_colleagues_of_the_workshop_only(cast, plan):
    personal.share(plan, [cast.facilitator, cast.committee])
    assert set(personal.shared_with(plan)) == {cast.facilitator, cast.committee}
    with pytest.raises(PersonalPlanError, match="only with colleagues in this workshop"):
        personal.share(plan, [cast.outsider])
    with pytest.raises(PersonalPlanError, match="choose a colleague"):
        personal.share(plan, [cast.participant])
    personal.unshare(plan, [cast.committee])
    assert personal.shared_with(plan) == [cast.facilitator]


def test_colleagues_are_everyone_else_in_the_workshop(cast):
    assert set(personal.colleagues(cast.participant)) == {cast.facilitator, cast.committee}


def test_a_plan_is_readable_by_its_owner_and_whom_it_is_shared_with(cast, plan):
    add(plan)
    personal.share(plan, [cast.committee])
    assert personal.readable_plan(cast.participant, plan.pk) == plan
    assert personal.readable_plan(cast.committee, plan.pk) == plan
    assert personal.readable_plan(cast.facilitator, plan.pk) is None
    assert personal.readable_plan(cast.outsider, plan.pk) is None


def test_it_lists_the_plans_shared_with_a_member(cast, plan):
    add(plan, "Probation")
    add(plan, "Schools")
    other = personal.plan_for(cast.facilitator)
    personal.share(plan, [cast.committee])
    personal.share(other, [cast.committee, cast.participant])
    mine = personal.shared_with_me(cast.committee)
    assert {p.pk: p.relationship_count for p in mine} == {plan.pk: 2, other.pk: 0}
    assert personal.shared_with_me(cast.participant) == [other]


# --- looking back ------------------------------------------------------------------------------


def test_a_review_records_how_each_relationship_went(plan):
    one, two = add(plan, "Probation"), add(plan, "Schools")
    outcomes = {one.pk: Outcome("achieved", "Signed in May."), two.pk: Outcome("not_yet", "")}
    personal.review(plan, outcomes, "A good start.", personal.review_token(plan))
    plan.refresh_from_db()
    assert plan.review_notes == "A good start."
    assert plan.reviewed_at is not None
    one.refresh_from_db()
    assert (one.outcome, one.outcome_note) == ("achieved", "Signed in May.")
    assert Relationship.objects.get(pk=two.pk).outcome == "not_yet"


def test_a_review_read_before_another_was_saved_conflicts(plan):
    one = add(plan)
    read = personal.review_token(plan)
    personal.review(plan, {one.pk: Outcome("partly", "")}, "First look.", read)
    with pytest.raises(Conflict) as clash:
        personal.review(plan, {one.pk: Outcome("achieved", "")}, "Second look.", read)
    differences = personal.review_differences(
        clash.value.stored, {one.pk: Outcome("achieved", "")}, "Second look."
    )
    assert [(d.label, d.theirs, d.mine) for d in differences] == [
        ("Looking back", "First look.", "Second look."),
        ("County Probation: How it went", "Partly achieved", "Achieved"),
    ]
    # The token of what is stored now goes through.
    stored = PersonalPlan.objects.get(pk=plan.pk)
    personal.review(plan, {}, "Second look.", personal.review_token(stored))
    assert PersonalPlan.objects.get(pk=plan.pk).review_notes == "Second look."


def test_a_review_is_due_from_its_day_until_it_is_done(plan):
    today = date(2026, 12, 1)
    assert not personal.review_due(plan, today)
    personal.set_review_date(plan, today)
    assert personal.review_due(plan, today)
    assert not personal.review_due(plan, today - timedelta(days=1))
    plan.reviewed_at = timezone.make_aware(timezone.datetime(2026, 12, 2, 12))
    assert not personal.review_due(plan, today + timedelta(days=5))


# --- the map's suggestions ---------------------------------------------------------------------


def node(workshop: Workshop, label: str, **fields) -> MapNode:
    fields.setdefault("system", system("mental-health"))
    return MapNode.objects.create(workshop=workshop, label=label, **fields)


def link(one: MapNode, other: MapNode, strength: str, note: str = "", **fields) -> MapLink:
    source, target = sorted([one, other], key=lambda n: n.pk)
    return MapLink.objects.create(
        workshop=one.workshop, source=source, target=target, strength=strength, note=note, **fields
    )


@pytest.fixture
def maria(db):
    workshop = WorkshopFactory()
    return ParticipantFactory(workshop=workshop, agency="County Mental Health")


def draw(maria, extra: int = 0) -> dict[str, MapNode]:
    """Maria's agency, a service it provides, and their weak, broken, missing and strong links."""
    workshop = maria.workshop
    nodes = {
        "agency": node(workshop, "County Mental Health", kind="agency", membership=maria),
        "clinic": node(workshop, "Children's clinic", provider="county mental health"),
        "probation": node(workshop, "Probation diversion", provider="County Probation",
                          system=system("juvenile-justice")),
        "schools": node(workshop, "School counselors", provider="City School District",
                        system=system("education")),
        "er": node(workshop, "Emergency department", system=system("medical")),
        "pantry": node(workshop, "Food pantry", system=system("community-providers")),
        "dss": node(workshop, "Social Services", kind="agency", system=system("child-welfare")),
    }  # fmt: skip
    link(nodes["clinic"], nodes["probation"], Strength.BROKEN, "The agreement lapsed.")
    link(nodes["clinic"], nodes["schools"], Strength.WEAK, "Referrals take 6 weeks.")
    link(nodes["agency"], nodes["schools"], Strength.MISSING)  # the same node: broken wins
    link(nodes["clinic"], nodes["er"], Strength.MISSING, "Needed: a warm hand-off.")
    link(nodes["agency"], nodes["pantry"], Strength.STRONG)
    link(nodes["agency"], nodes["clinic"], Strength.WEAK)  # both Maria's own: not a suggestion
    link(nodes["agency"], nodes["dss"], Strength.WEAK, proposal=Proposal.PENDING)
    link(nodes["pantry"], nodes["dss"], Strength.BROKEN)  # not Maria's
    for n in range(extra):
        far = node(workshop, f"Service {n}", system=system("youth"))
        link(nodes["clinic"], far, Strength.WEAK)
        link(nodes["pantry"], far, Strength.BROKEN)
    return nodes


def test_it_suggests_the_weak_broken_and_missing_links_of_the_members_agency(maria):
    nodes = draw(maria)
    found = personal.suggestions(maria)
    assert [(s.node.label, s.strength) for s in found] == [
        ("Probation diversion", Strength.BROKEN),
        ("Emergency department", Strength.MISSING),
        ("School counselors", Strength.MISSING),
    ]
    probation, er, _schools = found
    assert (probation.agency, probation.now, probation.note) == (
        "County Probation",
        Relationship.Now.CHALLENGING,
        "The agreement lapsed.",
    )
    assert probation.via == "Children's clinic"
    assert (er.agency, er.now) == ("Emergency department", Relationship.Now.NONE)
    assert [s.node.label for s in personal.suggestions(maria, [nodes["er"].pk])] == [
        "Probation diversion",
        "School counselors",
    ]
    # Another member's agency is not Maria's.
    other = ParticipantFactory(workshop=maria.workshop, agency="Somewhere else")
    assert personal.suggestions(other) == []


def test_it_finds_the_suggestions_in_one_query_whatever_the_size_of_the_map(
    maria, django_assert_num_queries
):
    draw(maria)
    with django_assert_num_queries(1):
        small = personal.suggestions(maria)
    bigger = ParticipantFactory(workshop=WorkshopFactory(), agency="County Mental Health")
    draw(bigger, extra=20)
    with django_assert_num_queries(1):
        big = personal.suggestions(bigger)
    assert (len(small), len(big)) == (3, 23)


def test_a_member_without_an_agency_gets_only_their_own_nodes_links(db):
    facilitator = MembershipFactory(agency="")
    assert personal.suggestions(facilitator) == []


# --- the demo ----------------------------------------------------------------------------------


def test_the_demo_gives_maria_a_shared_plan_once(db):
    call_command("seed_demo", stdout=StringIO())
    workshop = Workshop.objects.get(county__name="Tompkins", cycle=2026)
    personal_demo(workshop)
    plan = PersonalPlan.objects.get(membership__user__first_name="Maria")
    records = plan.history.count()
    personal_demo(workshop)
    assert plan.history.count() == records  # the second run changes nothing
    relationships = list(plan.relationships.select_related("node"))
    assert [(r.order, r.agency) for r in relationships] == [
        (1, "County Probation"),
        (2, "Ithaca City School District"),
    ]
    assert all(r.node is not None and len(r.strategies) == 3 for r in relationships)
    assert [m.user.get_full_name() for m in plan.shared_with.all()] == ["Aisha Khan"]
    assert plan.review_on is not None
    # The map's suggestions left for Maria do not repeat what her plan holds.
    maria = plan.membership
    taken = [r.node_id for r in relationships]
    labels = [s.node.label for s in personal.suggestions(maria, taken)]
    assert labels and "Probation diversion program" not in labels
    assert PersonalPlan.objects.count() == 1
