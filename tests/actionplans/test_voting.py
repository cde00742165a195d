"""The dot vote's service: slots within the budget, the facilitator's controls, the board,
and promoting gaps to ranked priority areas."""

import pytest
from django.db import IntegrityError
from django.urls import reverse

from actionplans import voting
from actionplans.models import Dot, Gap, PriorityArea, Voting
from actionplans.voting import VoteRefused
from tests.factories import ParticipantFactory, WorkshopFactory, county
from workshops.stages import problems_entering


def gaps(workshop, *titles):
    return [Gap.objects.create(workshop=workshop, title=title) for title in titles]


def opened(workshop, budget=3):
    return voting.open_voting(workshop, budget)


def dots_of(membership):
    return list(Dot.objects.filter(membership=membership).values_list("slot", "gap__title"))


def test_it_places_dots_in_the_lowest_free_slots_until_the_budget_is_spent(cast):
    a, b = gaps(cast.workshop, "Transport", "Respite")
    opened(cast.workshop)
    me = cast.participant
    voting.place_dot(cast.workshop, me, a)
    voting.place_dot(cast.workshop, me, a)  # several on one gap
    voting.place_dot(cast.workshop, me, b)
    assert dots_of(me) == [(1, "Transport"), (2, "Transport"), (3, "Respite")]
    with pytest.raises(VoteRefused, match="You have placed all 3 of your dots: take one back"):
        voting.place_dot(cast.workshop, me, b)
    voting.take_back(cast.workshop, me, a)
    assert dots_of(me) == [(1, "Transport"), (3, "Respite")]
    voting.place_dot(cast.workshop, me, b)
    assert dots_of(me) == [(1, "Transport"), (2, "Respite"), (3, "Respite")]


def test_it_moves_a_dot_to_another_gap(cast):
    a, b = gaps(cast.workshop, "Transport", "Respite")
    opened(cast.workshop, budget=1)
    voting.place_dot(cast.workshop, cast.participant, a)
    with pytest.raises(VoteRefused, match="You have placed your 1 dot: take it back"):
        voting.place_dot(cast.workshop, cast.participant, b)
    voting.move_dot(cast.workshop, cast.participant, a, b)
    assert dots_of(cast.participant) == [(1, "Respite")]
    with pytest.raises(VoteRefused, match="no dot on “Transport” to move"):
        voting.move_dot(cast.workshop, cast.participant, a, b)
    with pytest.raises(VoteRefused, match="another gap"):
        voting.move_dot(cast.workshop, cast.participant, b, b)


def test_it_refuses_to_take_back_a_dot_that_is_not_there(cast):
    (a,) = gaps(cast.workshop, "Transport")
    opened(cast.workshop)
    with pytest.raises(VoteRefused, match="no dot on “Transport” to take back"):
        voting.take_back(cast.workshop, cast.participant, a)


def test_it_takes_dots_only_while_voting_is_open(cast):
    (a,) = gaps(cast.workshop, "Transport")
    with pytest.raises(VoteRefused, match="Voting has not started yet"):
        voting.place_dot(cast.workshop, cast.participant, a)
    opened(cast.workshop)
    voting.place_dot(cast.workshop, cast.participant, a)
    voting.close_voting(cast.workshop, cast.facilitator.user)
    for change in (voting.place_dot, voting.take_back):
        with pytest.raises(VoteRefused, match="Voting is closed"):
            change(cast.workshop, cast.participant, a)
    assert Dot.objects.count() == 1


def test_it_gives_dots_to_participants_and_the_committee_only(cast):
    (a,) = gaps(cast.workshop, "Transport")
    opened(cast.workshop)
    voting.place_dot(cast.workshop, cast.committee, a)
    for someone in (cast.facilitator, None):
        with pytest.raises(VoteRefused, match="Only participants and committee members"):
            voting.place_dot(cast.workshop, someone, a)


def test_it_counts_every_change_in_the_version(cast):
    a, b = gaps(cast.workshop, "Transport", "Respite")
    vote = opened(cast.workshop)
    start = vote.version
    voting.place_dot(cast.workshop, cast.participant, a)
    voting.move_dot(cast.workshop, cast.participant, a, b)
    voting.take_back(cast.workshop, cast.participant, b)
    vote.refresh_from_db()
    assert vote.version == start + 3


def test_it_lets_the_last_update_decide_whether_a_dot_stands(cast):
    """The filtered UPDATE refuses a dot once voting closed or the budget no longer covers it."""
    vote = opened(cast.workshop, budget=3)
    Voting.objects.filter(pk=vote.pk).update(budget=2)
    with pytest.raises(VoteRefused, match="all 2 of your dots"):
        voting._bump(vote, slot=3)
    voting._bump(vote, slot=2)
    voting.close_voting(cast.workshop, cast.facilitator.user)
    with pytest.raises(VoteRefused, match="Voting is closed"):
        voting._bump(vote, slot=1)


def test_it_looks_again_when_another_tab_took_the_slot(cast, monkeypatch):
    a, b = gaps(cast.workshop, "Transport", "Respite")
    opened(cast.workshop)
    Dot.objects.create(workshop=cast.workshop, membership=cast.participant, slot=1, gap=b)
    stale = iter([1])  # what this tab saw before the other tab's dot landed
    real = voting._free_slot
    monkeypatch.setattr(
        voting, "_free_slot", lambda m, budget: next(stale, None) or real(m, budget)
    )
    voting.place_dot(cast.workshop, cast.participant, a)
    assert dots_of(cast.participant) == [(1, "Respite"), (2, "Transport")]


def test_it_refuses_after_two_collisions(cast, monkeypatch):
    (a,) = gaps(cast.workshop, "Transport")
    opened(cast.workshop)
    Dot.objects.create(workshop=cast.workshop, membership=cast.participant, slot=1, gap=a)
    monkeypatch.setattr(voting, "_free_slot", lambda m, budget: 1)
    with pytest.raises(VoteRefused, match="another window"):
        voting.place_dot(cast.workshop, cast.participant, a)
    assert Dot.objects.count() == 1


def test_the_database_refuses_two_dots_in_one_slot(cast):
    (a,) = gaps(cast.workshop, "Transport")
    Dot.objects.create(workshop=cast.workshop, membership=cast.participant, slot=1, gap=a)
    with pytest.raises(IntegrityError):
        Dot.objects.create(workshop=cast.workshop, membership=cast.participant, slot=1, gap=a)


# --- the facilitator's controls ---------------------------------------------------------------


def test_it_opens_closes_and_reopens_voting(cast):
    vote = voting.open_voting(cast.workshop, 5)
    assert vote.is_open and vote.budget == 5
    with pytest.raises(VoteRefused, match="already open"):
        voting.open_voting(cast.workshop)
    vote = voting.close_voting(cast.workshop, cast.facilitator.user)
    assert not vote.is_open
    assert vote.closed_by == cast.facilitator.user
    assert vote.closed_at is not None
    with pytest.raises(VoteRefused, match="not open"):
        voting.close_voting(cast.workshop, cast.facilitator.user)
    vote = voting.open_voting(cast.workshop)
    assert vote.is_open and vote.closed_by is None and vote.budget == 5


def test_it_keeps_the_budget_above_the_dots_people_hold(cast):
    a, b = gaps(cast.workshop, "Transport", "Respite")
    opened(cast.workshop, budget=3)
    for gap in (a, a, b):
        voting.place_dot(cast.workshop, cast.participant, gap)
    with pytest.raises(VoteRefused, match="1 person already holds more than 2 dots"):
        voting.set_budget(cast.workshop, 2)
    voting.take_back(cast.workshop, cast.participant, a)
    assert voting.set_budget(cast.workshop, 2).budget == 2
    for budget in (0, 11):
        with pytest.raises(VoteRefused, match="between 1 and 10"):
            voting.set_budget(cast.workshop, budget)


def test_it_renumbers_the_slots_when_the_budget_goes_down(cast):
    """Dots left in slots 3 and 4 move to 1 and 2: a budget of 2 then means 2 dots."""
    a, b, c, d = gaps(cast.workshop, "A", "B", "C", "D")
    opened(cast.workshop, budget=4)
    for gap in (a, b, c, d):
        voting.place_dot(cast.workshop, cast.participant, gap)
    voting.take_back(cast.workshop, cast.participant, a)
    voting.take_back(cast.workshop, cast.participant, b)
    voting.set_budget(cast.workshop, 2)
    assert dots_of(cast.participant) == [(1, "C"), (2, "D")]
    with pytest.raises(VoteRefused, match="all 2 of your dots"):
        voting.place_dot(cast.workshop, cast.participant, a)


# --- the board --------------------------------------------------------------------------------


def test_it_tallies_the_gaps_and_ranks_them_with_ties(cast):
    a, b, c = gaps(cast.workshop, "Transport", "Respite", "Housing")
    merged = Gap.objects.create(workshop=cast.workshop, title="Old", merged_into=a)
    other = ParticipantFactory(workshop=cast.workshop)
    opened(cast.workshop)
    for who, gap in [(cast.participant, b), (cast.participant, b), (other, b), (other, c)]:
        voting.place_dot(cast.workshop, who, gap)
    voting.place_dot(cast.workshop, cast.participant, a)
    board = voting.load_board(cast.workshop, cast.participant)
    assert merged not in board.gaps
    assert [(g.title, g.tally, g.mine) for g in board.gaps] == [
        ("Transport", 1, 1),
        ("Respite", 3, 2),
        ("Housing", 1, 0),
    ]
    assert [(g.place, g.title, g.share) for g in board.ranking] == [
        (1, "Respite", 100),
        (2, "Transport", 33),
        (2, "Housing", 33),
    ]
    assert (board.mine, board.left, board.total, board.voters) == (3, 0, 5, 2)
    assert board.leader.title == "Respite"
    assert board.slots == [True, True, True]


def test_it_shows_a_board_before_voting_exists(cast):
    board = voting.load_board(cast.workshop, None)
    assert not board.is_open and board.budget == 3 and board.gaps == []
    assert not board.voter
    assert not Voting.objects.exists()


def test_its_version_follows_dots_gaps_and_controls(cast):
    (a,) = gaps(cast.workshop, "Transport")
    Gap.objects.create(workshop=cast.workshop, title="Merged later", merged_into=a)
    seen = voting.board_version(cast.workshop)
    assert seen == voting.load_board(cast.workshop, None).version
    opened(cast.workshop)
    after_open = voting.board_version(cast.workshop)
    assert after_open != seen
    voting.place_dot(cast.workshop, cast.participant, a)
    after_dot = voting.board_version(cast.workshop)
    assert after_dot != after_open
    gaps(cast.workshop, "Respite")
    assert voting.board_version(cast.workshop) != after_dot
    assert voting.board_version(cast.workshop) == voting.load_board(cast.workshop, None).version


def test_it_gives_the_live_screen_what_the_board_needs(cast):
    gaps(cast.workshop, "Transport")
    context = voting.voting_context(cast.workshop, cast.participant)
    assert context["board"].voter
    assert [g.title for g in context["board"].gaps] == ["Transport"]
    assert context["voting_next"] == reverse("workshops:live", args=[cast.workshop.code])


# --- priority areas ---------------------------------------------------------------------------


def test_it_promotes_gaps_in_rank_order_with_their_dots(cast):
    a, b = gaps(cast.workshop, "Transport", "Respite")
    opened(cast.workshop)
    voting.place_dot(cast.workshop, cast.participant, b)
    voting.place_dot(cast.workshop, cast.participant, b)
    with pytest.raises(VoteRefused, match="Close voting first"):
        voting.promote(cast.workshop, b, "high", cast.facilitator.user)
    voting.close_voting(cast.workshop, cast.facilitator.user)
    first = voting.promote(cast.workshop, b, "high", cast.facilitator.user)
    second = voting.promote(cast.workshop, a, "low", cast.facilitator.user, title="Rides")
    assert (first.title, first.rank, first.votes, first.level) == ("Respite", 1, 2, "high")
    assert (second.title, second.rank, second.votes) == ("Rides", 2, 0)
    assert first.decided_by == cast.facilitator.user
    with pytest.raises(VoteRefused, match="already a priority area"):
        voting.promote(cast.workshop, b, "high", cast.facilitator.user)


def test_it_promotes_without_a_vote_when_none_was_held(cast):
    (a,) = gaps(cast.workshop, "Transport")
    assert voting.promote(cast.workshop, a, "medium", cast.facilitator.user).rank == 1


def test_it_refuses_merged_gaps_and_gaps_of_other_workshops(cast):
    (a,) = gaps(cast.workshop, "Transport")
    merged = Gap.objects.create(workshop=cast.workshop, title="Old", merged_into=a)
    foreign = Gap.objects.create(workshop=WorkshopFactory(county=county("Erie")), title="Elsewhere")
    for gap in (merged, foreign):
        with pytest.raises(VoteRefused, match="not on this workshop's list"):
            voting.promote(cast.workshop, gap, "high", cast.facilitator.user)
    assert not PriorityArea.objects.exists()


def test_it_reranks_and_keeps_who_decided(cast):
    a, b, c = gaps(cast.workshop, "A", "B", "C")
    areas = [voting.promote(cast.workshop, g, "high", cast.facilitator.user) for g in (a, b, c)]
    voting.rerank(cast.workshop, areas[2], step=-1)
    assert ranks(cast.workshop) == ["A", "C", "B"]
    voting.rerank(cast.workshop, areas[0], rank=3)
    assert ranks(cast.workshop) == ["C", "B", "A"]
    voting.rerank(cast.workshop, areas[2], step=-1)  # already first
    voting.rerank(cast.workshop, areas[0], rank=99)
    assert ranks(cast.workshop) == ["C", "B", "A"]
    records = PriorityArea.history.filter(id=areas[0].pk).order_by("history_date")
    assert [r.rank for r in records] == [1, 3]  # C's move up left A in place


def ranks(workshop):
    return list(workshop.priorities.order_by("rank").values_list("title", flat=True))


def test_it_asks_for_a_priority_before_the_plan_stage(cast):
    assert "Promote at least one gap to a priority area." in problems_entering(
        cast.workshop, cast.workshop.Stage.PLAN
    )
    (a,) = gaps(cast.workshop, "Transport")
    voting.promote(cast.workshop, a, "high", cast.facilitator.user)
    assert "Promote at least one gap to a priority area." not in problems_entering(
        cast.workshop, cast.workshop.Stage.PLAN
    )
