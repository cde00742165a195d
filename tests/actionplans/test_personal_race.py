"""One participant adding the third relationship from two devices at once: one is added, the
other is told the plan is full; never a fourth, never a 500."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from actionplans import personal
from actionplans.models import Relationship
from tests.conftest import sign_in
from tests.factories import ParticipantFactory


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_two_devices_never_add_a_fourth_relationship():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers; the plan's row lock matters on PostgreSQL")
    member = ParticipantFactory()
    plan = personal.plan_for(member)
    for agency in ("Probation", "Schools"):
        personal.save_relationship(
            plan, Relationship(agency=agency, now="challenging", improve="Referrals")
        )
    devices = [sign_in(Client(), member.user, member.workshop) for _ in range(2)]
    add_url = reverse("actionplans:personal_add", args=[member.workshop.code])
    barrier = threading.Barrier(2)

    def add(n: int) -> tuple[int, bool]:
        try:
            barrier.wait()
            data = {"agency": f"Device {n}", "now": "none", "improve": "Meet them"}
            response = devices[n].post(add_url, data)
            return response.status_code, "three relationships already" in response.text
        finally:
            connections.close_all()

    for _ in range(3):
        with ThreadPoolExecutor(2) as pool:
            answers = sorted(pool.map(add, [0, 1]))
        assert answers == [(200, True), (302, False)]
        assert plan.relationships.count() == 3
        personal.remove(plan, plan.relationships.get(order=3))
