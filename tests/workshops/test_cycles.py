"""A county's next cycle: starting a workshop from the last one's roster, and the results
page comparing this cycle with the last (workshops/cycles.py, assessments/results.py)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import DataRow, Survey
from assessments.results import Change, Stat, compare, results_for
from tests.assessments.test_results import count_queries, questions, respond, respond_fully
from tests.conftest import sign_in
from tests.factories import (
    MembershipFactory,
    ParticipantFactory,
    WorkshopFactory,
    county,
    system,
)
from tests.workshops.test_workshop import new_data as workshop_form
from workshops.cycles import copy_roster, latest_workshop, previous_cycle
from workshops.models import Membership, Workshop

NEW = reverse("workshops:new")


def earlier_workshop(cast, cycle: int = 2025) -> Workshop:
    return WorkshopFactory(county=cast.workshop.county, cycle=cycle, title=f"Tompkins {cycle}")


# --- copying the roster -----------------------------------------------------------------------


def test_it_copies_every_membership_without_its_invitation(cast):
    source = cast.workshop
    now = timezone.now()
    Membership.objects.filter(pk=cast.participant.pk).update(
        title="Director", leadership=False, invited_at=now, link_opened_at=now, accepted_at=now,
        last_link_sent_at=now,
    )  # fmt: skip
    target = WorkshopFactory(county=source.county, cycle=2027, title="Next")
    copied = copy_roster(source, target, by=cast.reviewer)
    assert len(copied) == 3
    fields = ["user_id", "role", "system_id", "agency", "title", "leadership"]
    assert set(target.memberships.values_list(*fields)) == set(
        source.memberships.values_list(*fields)
    )
    again = target.memberships.get(user=cast.participant.user)
    assert (again.title, again.leadership) == ("Director", False)
    assert again.invitation == Membership.Invitation.NOT_SENT
    assert again.last_link_sent_at is None
    assert again.history.get().history_user == cast.reviewer
    assert not DataRow.objects.filter(workshop=target).exists()  # this cycle's figures: anew


def test_it_skips_people_already_in_the_new_workshop(cast):
    target = WorkshopFactory(county=cast.workshop.county, cycle=2027, title="Next")
    MembershipFactory(workshop=target, user=cast.facilitator.user)
    assert len(copy_roster(cast.workshop, target)) == 2
    assert target.memberships.count() == 3


def test_it_finds_the_latest_and_the_previous_cycle(cast):
    assert previous_cycle(cast.workshop) is None
    oldest = earlier_workshop(cast, 2023)
    older = earlier_workshop(cast, 2025)
    assert previous_cycle(cast.workshop) == older
    assert previous_cycle(older) == oldest
    assert latest_workshop(cast.workshop.county) == cast.workshop
    twin = WorkshopFactory(county=cast.workshop.county, cycle=2026, title="Second in 2026")
    assert latest_workshop(cast.workshop.county) == twin
    assert previous_cycle(twin) == older  # the same cycle is not an earlier one
    assert latest_workshop(county("Albany")) is None


# --- the new-workshop form --------------------------------------------------------------------


def new_data(**overrides) -> dict:
    """The next cycle of the cast's Tompkins workshop, unless told otherwise."""
    return workshop_form(**{"county": county("Tompkins").pk, **overrides})


def test_it_offers_to_start_from_the_county_s_latest_workshop(client, cast):
    earlier_workshop(cast)
    sign_in(client, cast.reviewer)
    response = client.get(NEW, {"county": county("Tompkins").pk})
    form = response.context["form"]
    assert form.initial["county"] == str(county("Tompkins").pk)
    assert form.fields["start_from"].label == "Start from the 2026 workshop"
    assert form.initial["start_from"] is True
    content = response.content.decode()
    assert "“Tompkins SOC Workshop”: 1 participant and 2 team members." in content
    assert 'id="start-from" aria-live="polite"' in content
    assert 'hx-select="#div_id_start_from"' in content
    assert "Leave empty for “Tompkins County SOC Action Planning Workshop”." in content


def test_it_makes_no_offer_for_a_county_without_a_workshop(client, cast):
    sign_in(client, cast.reviewer)
    for value in [county("Albany").pk, "nonsense", "99999"]:
        response = client.get(NEW, {"county": value})
        assert response.status_code == 200
        field = response.context["form"].fields["start_from"]
        assert field.label == "Start from the latest workshop"
        assert "start_from" not in response.context["form"].initial


def test_it_creates_the_next_cycle_with_the_same_people(client, cast):
    sign_in(client, cast.reviewer)
    response = client.post(NEW, new_data(start_from="on"), follow=True)
    new = Workshop.objects.get(county__name="Tompkins", cycle=2027)
    assert response.redirect_chain[-1][0] == new.get_absolute_url()
    assert "with the roster of the 2026 workshop (3 people)" in response.content.decode()
    assert set(new.memberships.values_list("user_id", "role")) == set(
        cast.workshop.memberships.values_list("user_id", "role")
    )
    assert new.stage == Workshop.Stage.PREPARE


def test_it_creates_an_empty_workshop_when_not_asked_to_copy(client, cast):
    sign_in(client, cast.reviewer)
    client.post(NEW, new_data())
    new = Workshop.objects.get(county__name="Tompkins", cycle=2027)
    assert new.memberships.count() == 0


def test_it_refuses_to_start_from_nothing(client, cast):
    sign_in(client, cast.reviewer)
    response = client.post(NEW, new_data(county=county("Albany").pk, start_from="on"))
    assert response.status_code == 200
    assert response.context["form"].errors["start_from"] == [
        "Albany has no earlier workshop to start from."
    ]
    assert not Workshop.objects.filter(county__name="Albany").exists()


def test_it_refuses_a_roster_larger_than_the_new_limit(client, cast):
    for _ in range(2):
        ParticipantFactory(workshop=cast.workshop)
    sign_in(client, cast.reviewer)
    response = client.post(NEW, new_data(start_from="on", max_participants="2"))
    assert response.context["form"].errors["max_participants"] == [
        "The 2026 workshop had 3 participants: allow at least 3, or start with an empty roster."
    ]
    assert "allow at least 3, or start with an empty roster" in response.content.decode()
    assert Workshop.objects.filter(cycle=2027).count() == 0


def test_it_does_not_offer_a_copy_when_editing(client, cast):
    sign_in(client, cast.reviewer)
    response = client.get(reverse("workshops:edit", args=[cast.workshop.code]))
    assert "start_from" not in response.context["form"].fields


# --- the results compared with the last cycle -------------------------------------------------


def results(workshop):
    return results_for(workshop.pk, Survey.objects.filter(workshop=workshop).first())


def test_it_says_how_each_mean_changed():
    assert Change(Stat(3.46, 5), Stat(2.96, 4)).words == "up 0.5"
    assert Change(Stat(3.46, 5), Stat(2.96, 4)).arrow == "↑"
    assert Change(Stat(2.0, 5), Stat(2.25, 4)).words == "down 0.3"  # 2.0 against 2.3 shown
    assert Change(Stat(2.0, 5), Stat(2.25, 4)).direction == "down"
    assert Change(Stat(3.04, 5), Stat(2.96, 3)).words == "no change"  # 3.0 and 3.0 on screen
    assert Change(Stat(3.04, 5), Stat(2.96, 3)).arrow == "="
    hidden = Change(Stat(3.0, 5), Stat(None, 2, suppressed=True))
    assert hidden.direction == "none" and hidden.arrow == ""
    assert hidden.words == "not compared: fewer than 3 people rated it in one of the cycles"
    assert Change(Stat(3.0, 5), Stat()).words == "not compared: no rating in one of the cycles"


def test_it_compares_each_mean_with_the_last_cycle_respecting_the_three_rater_rule(cast):
    earlier = earlier_workshop(cast)
    for value in (2, 2, 3):
        respond(earlier, scale={"youth-guided": value, "planning": 4},
                matrix={("crisis", "availability"): 1, ("youth", "coordination"): 5})  # fmt: skip
    respond(earlier, scale={"cultural": 5})
    for value in (4, 4, 4, 5):
        respond(cast.workshop, scale={"youth-guided": value, "cultural": 3, "planning": 4},
                matrix={("crisis", "availability"): value})  # fmt: skip
    comparison = compare(results(cast.workshop), results(earlier), earlier.cycle)
    assert comparison.cycle == 2025 and comparison.respondents == 4
    items = {item.label: item.change for item in comparison.principles + comparison.domains}
    youth = items["Services are youth-guided."]
    assert (youth.now, youth.before) == (Stat(4.25, 4), Stat(7 / 3, 3))
    assert youth.words == "up 2.0"  # 4.3 against 2.3 on screen
    assert items["Planning"].words == "no change"
    cultural = items["Services are culturally and linguistically competent."]
    assert cultural.before.suppressed and cultural.direction == "none"
    systems = {row.label: row.changes for row in comparison.systems}
    assert comparison.columns[0] == "Availability"
    assert systems["Crisis"][0].words == "up 3.3"
    assert systems["Youth"][2].words == "not compared: no rating in one of the cycles"
    assert [group for group, _ in comparison.groups] == [
        "SOC values and principles", "Infrastructure domains"
    ]  # fmt: skip


def results_url(workshop) -> str:
    return reverse("assessments:results", args=[workshop.code])


def test_it_shows_the_comparison_on_the_results_page(client, cast):
    earlier = earlier_workshop(cast)
    for value in (2, 2, 2):
        respond(earlier, scale={"collaboration": value})
    for value in (3, 3, 4):
        respond(cast.workshop, scale={"collaboration": value})
    sign_in(client, cast.facilitator.user)
    content = client.get(results_url(cast.workshop)).content.decode()
    assert "Compared with the 2025 cycle" in content
    assert "(3 respondents)" in content
    assert '<span aria-hidden="true">↑</span> up 1.3' in content
    assert "not compared: no rating in one of the cycles" in content


def test_it_says_when_the_last_cycle_has_no_answers(client, cast):
    earlier_workshop(cast)
    for value in (3, 3, 4):
        respond(cast.workshop, scale={"collaboration": value})
    sign_in(client, cast.reviewer)
    content = client.get(results_url(cast.workshop)).content.decode()
    assert "The county's 2025 workshop has no submitted surveys to compare with." in content


def test_it_shows_no_comparison_without_an_earlier_cycle(client, cast):
    later = WorkshopFactory(county=cast.workshop.county, cycle=2027, title="Later")
    for value in (3, 3, 4):
        respond(cast.workshop, scale={"collaboration": value})
        respond(later, scale={"collaboration": value})
    sign_in(client, cast.reviewer)
    assert b"Compared with the" not in client.get(results_url(cast.workshop)).content
    assert b"Compared with the 2026 cycle" in client.get(results_url(later)).content


@pytest.mark.django_db
def test_it_compares_in_a_fixed_number_of_queries(client, cast, django_assert_max_num_queries):
    earlier = earlier_workshop(cast)
    by_key = questions(cast.workshop)
    respond_fully(earlier, 3, by_key)
    respond_fully(cast.workshop, 3, by_key)
    sign_in(client, cast.facilitator.user)
    url = results_url(cast.workshop)
    few = count_queries(client, url)
    respond_fully(earlier, 20, by_key)
    respond_fully(cast.workshop, 20, by_key)
    with django_assert_max_num_queries(22):
        content = client.get(url).content.decode()
    assert "Compared with the 2025 cycle" in content and "(23 respondents)" in content
    assert count_queries(client, url) == few


def test_the_comparison_counts_only_the_earlier_cycle_s_submitted_surveys(cast):
    earlier = earlier_workshop(cast)
    for value in (1, 1, 1):
        respond(earlier, scale={"policy": value})
    respond(earlier, scale={"policy": 5}, submitted=False)
    respond(earlier, ParticipantFactory(workshop=earlier, system=system("youth")),
            scale={"policy": 5}, submitted=False)  # fmt: skip
    for value in (2, 2, 2):
        respond(cast.workshop, scale={"policy": value})
    comparison = compare(results(cast.workshop), results(earlier), 2025)
    policy = next(item for item in comparison.domains if item.label == "Policy")
    assert policy.change.before == Stat(1.0, 3) and policy.change.words == "up 1.0"
