"""Votes at the same moment, on PostgreSQL (SQLite runs one writer at a time): no vote is
lost and no one exceeds their budget, not even from two tabs at once."""

import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections, transaction

from actionplans import voting
from actionplans.models import Dot, Gap, Voting
from actionplans.voting import VoteRefused
from tests.factories import ParticipantFactory, WorkshopFactory

pytestmark = [
    # Skipped before any database set-up: SQLite serializes writers, so there is no race there.
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the race matters on PostgreSQL"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]
BUDGET = 3


def room(voters: int, budget: int = BUDGET):
    workshop = WorkshopFactory()
    gaps = [Gap.objects.create(workshop=workshop, title=f"Gap {n}") for n in range(6)]
    people = [ParticipantFactory(workshop=workshop) for _ in range(voters)]
    voting.open_voting(workshop, budget)
    return workshop, gaps, people


def vote(workshop, membership, gaps, attempts: int, barrier: threading.Barrier, seed: int):
    """One browser placing dots as fast as it can: each dot a request of its own."""
    rng = random.Random(seed)  # noqa: S311 - picks gaps, not secrets
    placed = 0
    try:
        barrier.wait()
        for _ in range(attempts):
            try:
                with transaction.atomic():  # ATOMIC_REQUESTS, as in a request
                    voting.place_dot(workshop, membership, rng.choice(gaps))
                placed += 1
            except VoteRefused:
                pass
            finally:
                connection.close()  # the request ends: its connection goes back to the pool
        return membership.pk, placed
    finally:
        connections.close_all()


def test_it_loses_no_vote_when_30_people_vote_at_once():
    workshop, gaps, people = room(30)
    start = Voting.objects.get(workshop=workshop).version
    barrier = threading.Barrier(len(people))
    with ThreadPoolExecutor(len(people)) as pool:
        futures = [
            pool.submit(vote, workshop, person, gaps, BUDGET + 2, barrier, n)
            for n, person in enumerate(people)
        ]
        placed = dict(future.result() for future in futures)
    stored = Counter(Dot.objects.filter(workshop=workshop).values_list("membership", flat=True))
    assert all(count == BUDGET for count in placed.values())
    assert stored == Counter(placed)  # every dot reported placed is there, and no other
    assert sum(stored.values()) == len(people) * BUDGET
    # Each change counted once in the version the screens poll: no lost update there either.
    assert Voting.objects.get(workshop=workshop).version == start + len(people) * BUDGET


def two_tabs(budget: int, rounds: int = 5) -> list[int]:
    """One person voting from two tabs at once, ``rounds`` times: their dots each time."""
    workshop, gaps, (person,) = room(1, budget)
    counts = []
    for round_ in range(rounds):
        Dot.objects.filter(membership=person).delete()
        barrier = threading.Barrier(2)
        with ThreadPoolExecutor(2) as pool:
            futures = [
                pool.submit(vote, workshop, person, gaps, budget + 2, barrier, 10 * round_ + tab)
                for tab in (1, 2)
            ]
            placed = sum(future.result()[1] for future in futures)
        stored = Dot.objects.filter(membership=person).count()
        assert stored == placed  # no dot reported placed went missing
        counts.append(stored)
    return counts


def test_one_person_in_two_tabs_never_exceeds_the_budget():
    assert two_tabs(BUDGET) == [BUDGET] * 5


def test_the_slot_constraint_alone_keeps_the_budget(monkeypatch):
    """Without the lock on the voter's row, the tabs collide on slots: the unique slot wins."""
    monkeypatch.setattr(voting, "lock_voter", lambda membership: None)
    assert all(count <= 8 for count in two_tabs(8))
