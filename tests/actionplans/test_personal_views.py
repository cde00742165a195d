"""The personal action plan's pages: my plan, a relationship added (from the map or not),
edited and removed, sharing, the read-only page of a colleague's plan, looking back; privacy,
bad input and query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionplans import personal
from actionplans.models import PersonalPlan, Relationship
from assessments.models import MapLink, MapNode
from tests.conftest import sign_in
from tests.factories import MembershipFactory, ParticipantFactory, WorkshopFactory, system

Strength = MapLink.Strength
PROBATION = {
    "agency": "County Probation",
    "now": "challenging",
    "improve": "Youth on diversion wait for the clinic.",
    "strategies": ["work_together", "goals"],
    "actions": "Renew the agreement.",
    "success": "A first appointment within 14 days.",
}


def url(name: str, workshop, *args) -> str:
    return reverse(f"actionplans:{name}", args=[workshop.code, *args])


def add(member, agency: str = "County Probation", **fields) -> Relationship:
    values = {"now": "challenging", "improve": "Referrals get lost.", **fields}
    return personal.save_relationship(
        personal.plan_for(member), Relationship(agency=agency, **values)
    )


def errors(response) -> dict:
    return response.context["form"].errors


@pytest.fixture
def participant(client, cast):
    sign_in(client, cast.participant.user, cast.workshop)
    return cast.participant


def map_of(member) -> dict[str, MapNode]:
    """The member's agency on the map, with a broken link to probation and a strong one."""
    workshop = member.workshop
    own = MapNode.objects.create(
        workshop=workshop, system=member.system, label="Clinic", kind="agency", membership=member
    )
    probation = MapNode.objects.create(
        workshop=workshop,
        system=system("juvenile-justice"),
        label="Probation diversion program",
        provider="County Probation",
    )
    friends = MapNode.objects.create(
        workshop=workshop, system=system("youth"), label="Youth Bureau"
    )
    MapLink.objects.create(workshop=workshop, source=own, target=probation,
                           strength=Strength.BROKEN, note="The agreement lapsed.")  # fmt: skip
    MapLink.objects.create(workshop=workshop, source=own, target=friends, strength=Strength.STRONG)
    return {"own": own, "probation": probation, "friends": friends}


# --- my plan -----------------------------------------------------------------------------------


def test_an_empty_plan_explains_the_exercise_and_offers_the_maps_suggestions(
    client, cast, participant
):
    nodes = map_of(participant)
    response = client.get(url("personal", cast.workshop))
    assert response.status_code == 200
    text = response.text
    assert "Relationships to improve (0 of 3)" in text
    assert "the dotted lines, the crossed-out lines" in text
    assert "Relationships the map shows are weak or missing" in text
    assert f"{url('personal_add', cast.workshop)}?node={nodes['probation'].pk}" in text
    assert "The agreement lapsed." in text and "Strained or broken" in text
    assert "Youth Bureau" not in text  # a strong link is no place to start
    assert "Nobody else can read your plan" in text
    assert "No colleague has shared their plan with you yet." in text
    assert "css/personal.css" in text  # the print stylesheet


def test_it_adds_a_relationship_from_a_map_suggestion(client, cast, participant):
    nodes = map_of(participant)
    form_page = client.get(f"{url('personal_add', cast.workshop)}?node={nodes['probation'].pk}")
    form = form_page.context["form"]
    assert [form[name].value() for name in ("agency", "node", "now", "improve")] == [
        "County Probation",
        nodes["probation"].pk,
        Relationship.Now.CHALLENGING,
        "The agreement lapsed.",
    ]
    assert "From the map:" in form_page.text
    # Each of the seven strategies comes with its explanation.
    assert form_page.text.count('name="strategies"') == 7
    assert "shadow them" in form_page.text
    response = client.post(
        url("personal_add", cast.workshop), {**PROBATION, "node": nodes["probation"].pk}
    )
    assert response.status_code == 302
    assert response.url == f"{url('personal', cast.workshop)}#relationship-1"
    relationship = Relationship.objects.get()
    assert relationship.node == nodes["probation"]
    assert relationship.strategies == ["work_together", "goals"]
    page = client.get(url("personal", cast.workshop)).text
    assert "Added: County Probation" in page
    assert "On the map: Probation diversion program (Juvenile Justice)" in page
    assert "Set goals and measure success" in page and "Renew the agreement." in page
    # What the plan holds is no longer suggested.
    assert "Relationships the map shows are weak or missing" not in page
    assert url("personal_edit", cast.workshop, 1) in page


def test_it_edits_and_removes_a_relationship(client, cast, participant):
    relationship = add(participant)
    edit = url("personal_edit", cast.workshop, relationship.order)
    assert client.get(edit).context["form"].initial["version"] == relationship.version
    response = client.post(
        edit, {**PROBATION, "agency": "Probation", "version": relationship.version}
    )
    assert response.status_code == 302
    relationship.refresh_from_db()
    assert relationship.agency == "Probation" and relationship.actions == "Renew the agreement."
    remove = url("personal_remove", cast.workshop, relationship.order)
    assert "Remove the relationship with Probation" in client.get(remove).text
    assert client.post(remove).status_code == 302
    assert not Relationship.objects.exists()
    assert "Removed: Probation" in client.get(url("personal", cast.workshop)).text
    assert client.get(edit).status_code == 404


def test_a_conflicting_edit_shows_both_values_and_saves_on_the_second_try(
    client, cast, participant
):
    relationship = add(participant, improve="Referrals get lost.")
    edit = url("personal_edit", cast.workshop, relationship.order)
    read = relationship.version
    client.post(edit, {**PROBATION, "improve": "From the phone", "version": read})
    response = client.post(edit, {**PROBATION, "improve": "From the laptop", "version": read})
    assert response.status_code == 200
    assert "saved elsewhere" in response.text
    conflict = response.context["conflict"]
    assert [(d.label, d.theirs, d.mine) for d in conflict] == [
        ("What I want to improve", "From the phone", "From the laptop")
    ]
    form = response.context["form"]
    assert form["improve"].value() == "From the laptop"
    assert Relationship.objects.get().improve == "From the phone"
    again = client.post(edit, {**PROBATION, "improve": "From the laptop",
                               "version": form["version"].value()})  # fmt: skip
    assert again.status_code == 302
    assert Relationship.objects.get().improve == "From the laptop"


def test_the_three_relationships_are_cards_and_a_fourth_is_refused(client, cast, participant):
    for agency in ("Probation", "Schools", "Courts"):
        add(participant, agency)
    page = client.get(url("personal", cast.workshop)).text
    assert page.count('class="card mb-3 personal-card"') == 3
    assert "Relationships to improve (3 of 3)" in page
    assert url("personal_add", cast.workshop) not in page
    refused = client.get(url("personal_add", cast.workshop))
    assert refused.status_code == 302
    assert "three relationships already" in client.get(refused.url).text
    response = client.post(url("personal_add", cast.workshop), PROBATION)
    assert response.status_code == 200
    assert "three relationships already" in response.text
    assert Relationship.objects.count() == 3


def test_facilitators_and_committee_members_keep_their_own_plans(client, cast):
    sign_in(client, cast.facilitator.user)
    assert client.post(url("personal_add", cast.workshop), PROBATION).status_code == 302
    assert PersonalPlan.objects.get().membership == cast.facilitator


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("agency", "  ", "Name the agency or organization."),
        ("agency", "x" * 201, "Keep the name to 200 characters (it has 201)."),
        ("now", "", "Say whether the relationship is challenging or does not exist yet."),
        ("now", "great", "Choose challenging or does not exist yet."),
        ("improve", "", "Say what you want to improve in this relationship."),
        ("strategies", ["share", "bribes"], "Choose among the seven practical collaboration"),
    ],
)
def test_bad_input_gets_a_message_next_to_the_field(
    client, cast, participant, field, value, message
):
    response = client.post(url("personal_add", cast.workshop), {**PROBATION, field: value})
    assert response.status_code == 200
    assert message in " ".join(errors(response)[field])
    assert message.split("(")[0] in response.text
    assert not Relationship.objects.exists()


def test_a_node_not_on_the_workshops_map_is_left_out(client, cast, participant):
    elsewhere = map_of(ParticipantFactory(workshop=WorkshopFactory()))["probation"]
    response = client.post(url("personal_add", cast.workshop), {**PROBATION, "node": elsewhere.pk})
    assert response.status_code == 302
    assert Relationship.objects.get().node is None
    page = client.get(f"{url('personal_add', cast.workshop)}?node={elsewhere.pk}")
    assert page.context["form"]["agency"].value() == ""
    assert "From the map:" not in page.text


def test_an_edit_without_its_version_asks_to_reload(client, cast, participant):
    relationship = add(participant)
    response = client.post(url("personal_edit", cast.workshop, relationship.order), PROBATION)
    assert response.status_code == 200
    assert "missing its version number" in response.text


def test_a_place_without_a_relationship_is_not_found(client, cast, participant):
    assert client.get(url("personal_edit", cast.workshop, 2)).status_code == 404
    assert client.post(url("personal_remove", cast.workshop, 9)).status_code == 404


# --- sharing -----------------------------------------------------------------------------------


def test_it_shares_with_ticked_colleagues_and_stops_with_unticked_ones(client, cast, participant):
    share = url("personal_share", cast.workshop)
    page = client.get(share)
    names = [label for _value, label in page.context["form"].fields["colleagues"].choices]
    assert len(names) == 2 and not any("participant" in str(n) for n in names)
    response = client.post(share, {"colleagues": [cast.facilitator.pk, cast.committee.pk]})
    assert response.status_code == 302
    plan = PersonalPlan.objects.get(membership=cast.participant)
    assert set(plan.shared_with.all()) == {cast.facilitator, cast.committee}
    assert "Your plan is shared with" in client.get(response.url).text
    client.post(share, {"colleagues": [cast.committee.pk]})
    assert list(plan.shared_with.all()) == [cast.committee]
    client.post(share, {})
    assert not plan.shared_with.exists()


@pytest.mark.parametrize("who", ["outsider", "participant", "nonsense"])
def test_it_refuses_to_share_outside_the_workshop_or_with_oneself(client, cast, participant, who):
    pk = "x" if who == "nonsense" else getattr(cast, who).pk
    response = client.post(url("personal_share", cast.workshop), {"colleagues": [pk]})
    assert response.status_code == 200
    expected = (
        "Choose colleagues from the list."
        if who == "nonsense"
        else "You can share your plan only with colleagues in this workshop, not with yourself."
    )
    assert errors(response)["colleagues"] == [expected]
    assert not PersonalPlan.objects.filter(shared_with__isnull=False).exists()


def test_a_colleague_reads_a_shared_plan_under_shared_with_me(client, cast):
    add(cast.participant, **{k: v for k, v in PROBATION.items() if k != "agency"})
    plan = personal.plan_for(cast.participant)
    personal.share(plan, [cast.committee])
    sign_in(client, cast.committee.user)
    page = client.get(url("personal", cast.workshop)).text
    shared = url("personal_shared", cast.workshop, plan.pk)
    assert shared in page and "1 relationship" in page
    response = client.get(shared)
    assert response.status_code == 200
    assert "County Probation" in response.text and "Renew the agreement." in response.text
    assert "Shared with you to read" in response.text
    assert url("personal_edit", cast.workshop, 1) not in response.text


def test_nobody_reads_a_plan_not_shared_with_them(client, cast):
    add(cast.participant, "Confidential Agency")
    plan = personal.plan_for(cast.participant)
    personal.share(plan, [cast.committee])
    shared = url("personal_shared", cast.workshop, plan.pk)
    sign_in(client, cast.facilitator.user)  # a colleague it was not shared with
    assert client.get(shared).status_code == 404
    assert "Confidential Agency" not in client.get(url("personal", cast.workshop)).text
    sign_in(client, cast.outsider.user)  # a member of another workshop
    assert client.get(shared).status_code == 404
    outside = reverse("actionplans:personal_shared", args=[cast.outsider.workshop.code, plan.pk])
    assert client.get(outside).status_code == 404
    # Shared by a slip of the database with a member of another workshop: still not found.
    plan.shared_with.add(cast.outsider)
    assert client.get(outside).status_code == 404
    sign_in(client, cast.participant.user, cast.workshop)  # the owner sees their own
    assert "as the colleagues you shared it with see it" in client.get(shared).text


def test_state_reviewers_are_told_plans_are_private(client, cast):
    add(cast.participant, "Confidential Agency")
    plan = personal.plan_for(cast.participant)
    sign_in(client, cast.reviewer)
    for path in (url("personal", cast.workshop), url("personal_shared", cast.workshop, plan.pk),
                 url("personal_review", cast.workshop)):  # fmt: skip
        response = client.get(path)
        assert response.status_code == 200
        assert "private to each participant" in response.text
        assert "Confidential Agency" not in response.text
    response = client.post(url("personal_add", cast.workshop), PROBATION, follow=True)
    assert response.redirect_chain[0][1] == 302
    assert "private to each participant" in response.text
    assert Relationship.objects.count() == 1 and PersonalPlan.objects.count() == 1


# --- looking back ------------------------------------------------------------------------------


def test_it_records_how_each_relationship_went(client, cast, participant):
    one, two = add(participant, "Probation"), add(participant, "Schools")
    review = url("personal_review", cast.workshop)
    page = client.get(review)
    assert "1. Probation" in page.text and "2. Schools" in page.text
    response = client.post(review, {
        "reviewed": "",
        f"outcome_{one.pk}": "achieved",
        f"note_{one.pk}": "Signed in May.",
        f"outcome_{two.pk}": "not_yet",
        "review_notes": "Schools need another approach.",
    })  # fmt: skip
    assert response.status_code == 302
    one.refresh_from_db()
    assert (one.outcome, one.outcome_note) == ("achieved", "Signed in May.")
    plan = PersonalPlan.objects.get()
    assert plan.review_notes == "Schools need another approach." and plan.reviewed_at
    text = client.get(url("personal", cast.workshop)).text
    assert "Last reviewed on" in text and "Achieved" in text and "Not yet" in text


def test_a_second_review_from_an_old_form_shows_both(client, cast, participant):
    one = add(participant)
    review = url("personal_review", cast.workshop)
    client.post(review, {"reviewed": "", f"outcome_{one.pk}": "partly", "review_notes": "Phone"})
    response = client.post(review, {"reviewed": "", "review_notes": "Laptop"})
    assert response.status_code == 200
    assert "Another review of your plan was saved" in response.text
    labels = [d.label for d in response.context["conflict"]]
    assert labels == ["Looking back", "County Probation: How it went"]
    token = response.context["form"]["reviewed"].value()
    assert client.post(review, {"reviewed": token, "review_notes": "Laptop"}).status_code == 302
    assert PersonalPlan.objects.get().review_notes == "Laptop"


def test_bad_review_input_gets_messages(client, cast, participant):
    one = add(participant)
    review = url("personal_review", cast.workshop)
    response = client.post(review, {"reviewed": "yesterday", f"outcome_{one.pk}": "perfect"})
    assert response.status_code == 200
    assert errors(response)[f"outcome_{one.pk}"] == ["Choose achieved, partly achieved or not yet."]
    assert "This form is out of date" in response.text
    assert PersonalPlan.objects.get().reviewed_at is None


def test_a_review_date_is_set_and_its_day_brings_a_reminder(client, cast, participant):
    dated = url("personal_review_date", cast.workshop)
    today = timezone.localdate()
    response = client.post(dated, {"review_on": today.isoformat()}, follow=True)
    assert f"You will look back at your plan on {today:%-d %b %Y}." in response.text
    assert "Time to look back at your plan" in response.text  # the day has come
    response = client.post(dated, {"review_on": "soon"}, follow=True)
    assert "Enter a date, for example 2026-12-01." in response.text
    response = client.post(dated, {"review_on": "2020-03-01"}, follow=True)
    assert "Choose a day from today on" in response.text
    assert PersonalPlan.objects.get().review_on == today
    client.post(dated, {"review_on": ""})
    assert PersonalPlan.objects.get().review_on is None


# --- query counts ------------------------------------------------------------------------------


def queries_of(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_page_keeps_its_query_count_from_one_to_three_relationships(client, cast, participant):
    map_of(participant)
    add(participant, "Probation", strategies=["share"])
    one = queries_of(client, url("personal", cast.workshop))
    nodes = MapNode.objects.all()
    add(participant, "Schools", node=nodes[1], strategies=["share", "goals"])
    two = queries_of(client, url("personal", cast.workshop))
    add(participant, "Courts", node=nodes[2])
    three = queries_of(client, url("personal", cast.workshop))
    assert one == two
    assert three == one - 1  # a full plan asks the map for no suggestions
    assert one <= 12


def test_the_page_keeps_its_query_count_from_two_to_twenty_shared(client, cast, participant):
    def colleagues(n: int) -> list:
        return [MembershipFactory(workshop=cast.workshop) for _ in range(n)]

    def share_both_ways(people: list) -> None:
        mine = personal.plan_for(cast.participant)
        personal.share(mine, people)
        for person in people:
            add(person, "Schools")
            personal.share(personal.plan_for(person), [cast.participant])

    share_both_ways(colleagues(2))
    two = queries_of(client, url("personal", cast.workshop))
    share_both_ways(colleagues(18))
    twenty = queries_of(client, url("personal", cast.workshop))
    assert two == twenty
    page = client.get(url("personal", cast.workshop)).text
    assert page.count(url("personal_shared", cast.workshop, 0)[:-2]) >= 20
