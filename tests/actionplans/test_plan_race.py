"""Two editors saving the same objective at once: one saves, the other sees a conflict."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from actionplans.models import Objective
from tests.conftest import sign_in
from tests.factories import MembershipFactory, WorkshopFactory, plan_tree
from workshops.models import Membership


def edit_url(objective: Objective) -> str:
    workshop = objective.goal.plan.workshop
    return reverse("actionplans:item_edit", args=[workshop.code, "objective", objective.pk])


def form(objective: Objective, title: str) -> dict:
    return {"title": title, "target_date": "2027-06-30", "version": objective.version}


def editors(workshop, n: int) -> list[Client]:
    clients = []
    for i in range(n):
        member = MembershipFactory(
            workshop=workshop, user__username=f"editor{i}", role=Membership.Role.COMMITTEE
        )
        clients.append(sign_in(Client(), member.user))
    return clients


def test_it_refuses_the_second_of_two_saves_of_the_same_version(db):
    """The plain sequence, on every database: both read version 1, both save."""
    objective = plan_tree(WorkshopFactory()).objective
    first, second = editors(objective.goal.plan.workshop, 2)
    mine, theirs = form(objective, "Mine"), form(objective, "Theirs")
    assert first.post(edit_url(objective), mine).status_code == 302
    response = second.post(edit_url(objective), theirs, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert "Mine" in response.text and "Theirs" in response.text
    stored = Objective.objects.get(pk=objective.pk)
    assert (stored.title, stored.version) == ("Mine", 2)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_it_never_loses_an_update_when_two_editors_save_at_once():
    """Two requests claim version 1 at the same moment: the row lock lets one through."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers; the row lock matters on PostgreSQL")
    objective = plan_tree(WorkshopFactory()).objective
    clients = editors(objective.goal.plan.workshop, 2)
    barrier = threading.Barrier(2)

    def save(n: int) -> int:
        try:
            barrier.wait()
            title = f"Editor {n}"
            response = clients[n].post(
                edit_url(objective), form(objective, title), HTTP_HX_REQUEST="true"
            )
            return response.status_code
        finally:
            connections.close_all()

    for _ in range(5):
        records = objective.history.count()
        with ThreadPoolExecutor(2) as pool:
            statuses = sorted(pool.map(save, [0, 1]))
        assert statuses == [200, 409]
        stored = Objective.objects.get(pk=objective.pk)
        assert stored.version == objective.version + 1
        assert stored.title in ("Editor 0", "Editor 1")
        assert stored.history.count() == records + 1  # one save, recorded once
        objective = stored
