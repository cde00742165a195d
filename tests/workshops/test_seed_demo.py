from io import StringIO

import pytest
from django.core.management import CommandError, call_command

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


def test_it_can_run_twice(db):
    run_seed()
    run_seed()
    assert Workshop.objects.count() == 1
    assert Membership.objects.count() == 10
    assert Workshop.objects.get().sessions.count() == 4


def test_its_links_sign_participants_in(client, db):
    output = run_seed()
    link = next(line.strip() for line in output.splitlines() if "token=" in line)
    path = link.split("8000", 1)[1] if "8000" in link else link
    assert client.get(path).status_code == 200


def test_it_refuses_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="not in production"):
        call_command("seed_demo")
