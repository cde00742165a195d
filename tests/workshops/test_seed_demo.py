from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from assessments import maps
from assessments.models import MapLink, MapNode, Proposal
from workshops.models import Membership, StateReviewer, Workshop


def run_seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_it_creates_the_demo_and_prints_logins(db):
    output = run_seed()
    workshop = Workshop.objects.get()
    assert workshop.county.name == "Tompkins"
    assert StateReviewer.objects.count() == 1
    assert workshop.memberships.filter(role=Membership.Role.PARTICIPANT).count() == 8
    assert "username facilitator" in output
    assert workshop.stage == Workshop.Stage.ASSESS
    assert workshop.format == Workshop.Format.HYBRID
    assert workshop.sessions.count() == 4
    assert workshop.meetings.count() == 3
    assert workshop.sessions.get(number=1).debrief.adjustments
    responses = workshop.survey.responses
    assert responses.filter(submitted_at__isnull=False).count() == 6
    assert responses.filter(submitted_at=None).count() == 1
    assert workshop.data_rows.filter(submitted_at__isnull=False).count() == 4
    roster_systems = set(workshop.memberships.values_list("system__name", flat=True))
    assert "Medical" not in roster_systems
    assert output.count(f"/join/{workshop.code}/?token=") == 8


def test_it_draws_the_county_map(db):
    output = run_seed()
    workshop = Workshop.objects.get()
    data = maps.load_map(workshop, with_pending=True)
    assert 35 <= len(data.nodes) <= 40
    assert 35 <= len(data.links) <= 40
    statuses = {node.status for node in data.nodes}
    assert {MapNode.Status.STRENGTH, MapNode.Status.CONCERN, MapNode.Status.GAP} <= statuses
    assert {link.strength for link in data.links} == set(MapLink.Strength)
    assert all(link.source_id < link.target_id for link in data.links)
    assert sum(bool(link.note) for link in data.links) >= 30
    # Started from what is known: one node per participant agency, linked to its participant.
    agencies = workshop.memberships.filter(role=Membership.Role.PARTICIPANT)
    nodes = workshop.map_nodes.filter(membership__isnull=False, kind=MapNode.Kind.AGENCY)
    assert sorted(nodes.values_list("label", flat=True)) == sorted(
        agencies.values_list("agency", flat=True)
    )
    assert workshop.system_map.started_at is not None
    # Every system has something on the map.
    assert {node.system_id for node in data.nodes} == {system.id for system in data.systems}
    # Two participants' suggestions wait for the facilitator.
    assert len(data.pending_nodes) == 1
    assert len(data.pending_links) == 1
    assert all(item.suggested_by.role == Membership.Role.PARTICIPANT
               for item in [*data.pending_nodes, *data.pending_links])  # fmt: skip
    assert "suggestions from participants waiting for review: 2" in output


def test_it_can_run_twice(db):
    run_seed()
    workshop = Workshop.objects.get()
    version = workshop.system_map.version
    nodes = list(MapNode.objects.values_list("label", "status", "proposal").order_by("id"))
    links = list(MapLink.objects.values_list("source", "target", "strength").order_by("id"))
    run_seed()
    assert Workshop.objects.count() == 1
    assert Membership.objects.count() == 10
    assert Workshop.objects.get().sessions.count() == 4
    assert list(MapNode.objects.values_list("label", "status", "proposal").order_by("id")) == nodes
    assert list(MapLink.objects.values_list("source", "target", "strength").order_by("id")) == links
    assert MapNode.objects.filter(proposal=Proposal.PENDING).count() == 1
    workshop.system_map.refresh_from_db()
    assert workshop.system_map.version == version


def test_its_links_sign_participants_in(client, db):
    output = run_seed()
    link = next(line.strip() for line in output.splitlines() if "token=" in line)
    path = link.split("8000", 1)[1] if "8000" in link else link
    assert client.get(path).status_code == 200


def test_it_refuses_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="not in production"):
        call_command("seed_demo")
