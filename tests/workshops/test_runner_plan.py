"""Gaps, voting and the action plan in the live session runner."""

from django.urls import reverse

from actionplans import voting
from actionplans.models import Gap
from tests.conftest import sign_in
from tests.factories import plan_tree
from tests.workshops.test_runner import add_agenda
from workshops.runner import move as runner_move


def live_page(client, cast, who):
    sign_in(client, who.user, cast.workshop)
    response = client.get(reverse("workshops:live", args=[cast.workshop.code]))
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_the_gaps_and_where_to_propose_one(client, cast):
    add_agenda(cast.session, "gaps")
    Gap.objects.create(workshop=cast.workshop, title="No crisis respite beds for teens")
    runner_move(cast.session, "start")
    page = live_page(client, cast, cast.participant)
    assert "No crisis respite beds for teens" in page
    assert reverse("actionplans:gap_new", args=[cast.workshop.code]) in page


def test_it_lets_participants_vote_from_the_live_screen(client, cast):
    add_agenda(cast.session, "voting")
    gap = Gap.objects.create(workshop=cast.workshop, title="Long waits for child psychiatry")
    voting.open_voting(cast.workshop)
    runner_move(cast.session, "start")
    page = live_page(client, cast, cast.participant)
    assert "Long waits for child psychiatry" in page
    assert reverse("actionplans:dot", args=[cast.workshop.code]) in page
    assert f'value="{gap.pk}"' in page


def test_it_shows_the_priority_areas_during_the_action_plan(client, cast):
    add_agenda(cast.session, "action_plan")
    tree = plan_tree(cast.workshop)
    runner_move(cast.session, "start")
    page = live_page(client, cast, cast.participant)
    assert tree.priority.title in page
    assert reverse("actionplans:plan", args=[cast.workshop.code]) in page


def test_the_runner_brings_plain_votes_back_to_itself(client, cast):
    add_agenda(cast.session, "voting")
    Gap.objects.create(workshop=cast.workshop, title="Transport to services")
    runner_move(cast.session, "start")
    sign_in(client, cast.facilitator.user, cast.workshop)
    url = reverse("workshops:runner", args=[cast.workshop.code, cast.session.number])
    response = client.get(url)
    assert response.status_code == 200
    assert "Transport to services" in response.content.decode()
