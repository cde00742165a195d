"""``manage.py render_plans``: the state team's archive of plan PDFs."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from actionplans.management.commands import render_plans
from actionplans.pdf import RenderedPdf, RenderError
from tests.factories import WorkshopFactory, county, plan_tree
from workshops.models import State


@pytest.fixture
def renderer(monkeypatch):
    calls = []

    def fake(plan, *, language="en", time_limit=None):
        calls.append((plan.workshop.county.name, language))
        return RenderedPdf(pdf=b"%PDF-1.7 " + plan.workshop.county.name.encode(), pages=2)

    monkeypatch.setattr(render_plans, "render_plan_pdf", fake)
    return calls


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("render_plans", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_renders_one_workshop(db, tmp_path, renderer):
    workshop = plan_tree(WorkshopFactory()).plan.workshop
    out, _err = run("--workshop", str(workshop.code), "--out", str(tmp_path))
    written = tmp_path / "tompkins-2026-v1.pdf"
    assert written.read_bytes() == b"%PDF-1.7 Tompkins"
    assert f"{written}  2 pages  0 KB" in out and out.rstrip().endswith(" s")
    assert renderer == [("Tompkins", "en")]


def test_it_renders_every_workshop_of_a_state_and_skips_those_without_a_plan(
    db, tmp_path, renderer
):
    plan_tree(WorkshopFactory())
    plan_tree(WorkshopFactory(county=county("Erie"), cycle=2025))
    WorkshopFactory(county=county("Albany"), title="Albany, just started")
    vermont = State.objects.create(code="VT", name="Vermont")
    WorkshopFactory(county=vermont.counties.create(name="Windsor"))
    out, _err = run("--state", "ny", "--out", str(tmp_path / "archive"), "--language", "es")
    assert sorted(p.name for p in (tmp_path / "archive").iterdir()) == [
        "erie-2025-v1-es.pdf",
        "tompkins-2026-v1-es.pdf",
    ]
    assert "skipped Albany, just started" in out and "no action plan yet" in out
    assert renderer == [("Erie", "es"), ("Tompkins", "es")]


def test_it_names_two_workshops_of_one_county_and_cycle_apart(db, tmp_path, renderer):
    first, second = (plan_tree(WorkshopFactory()).plan.workshop for _ in range(2))
    run("--state", "NY", "--out", str(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"tompkins-{str(w.code)[:8]}-2026-v1.pdf" for w in (first, second)
    )


def test_it_refuses_an_unknown_workshop(db, tmp_path, renderer):
    with pytest.raises(CommandError, match="No workshop has the code"):
        run("--workshop", "7d2f3c1e-0000-4000-8000-000000000000", "--out", str(tmp_path))
    with pytest.raises(CommandError, match="is not a workshop code"):
        run("--workshop", "tompkins", "--out", str(tmp_path))
    assert renderer == []


def test_it_refuses_an_unknown_state(db, tmp_path, renderer):
    with pytest.raises(CommandError, match="No state with the code 'ZZ'"):
        run("--state", "ZZ", "--out", str(tmp_path))


def test_it_needs_a_workshop_or_a_state(db, tmp_path):
    with pytest.raises(CommandError, match="one of the arguments --workshop --state is required"):
        run("--out", str(tmp_path))


def test_it_refuses_a_folder_it_cannot_write_to(db, tmp_path, renderer):
    workshop = plan_tree(WorkshopFactory()).plan.workshop
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(CommandError, match="Cannot write to"):
        run("--workshop", str(workshop.code), "--out", str(blocker / "pdfs"))
    assert renderer == []


def test_it_goes_on_after_a_failed_render_and_says_so(db, tmp_path, monkeypatch):
    plan_tree(WorkshopFactory())
    plan_tree(WorkshopFactory(county=county("Erie")))

    def fake(plan, *, language="en", time_limit=None):
        if plan.workshop.county.name == "Erie":
            raise RenderError("Making the PDF took longer than 60 seconds, so it was stopped.")
        return RenderedPdf(pdf=b"%PDF", pages=1)

    monkeypatch.setattr(render_plans, "render_plan_pdf", fake)
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 of 2 plans could not be rendered"):
        call_command(
            "render_plans", "--state", "NY", "--out", str(tmp_path), stdout=out, stderr=err
        )
    assert (
        "failed erie-2026-v1.pdf" in err.getvalue() and "longer than 60 seconds" in err.getvalue()
    )
    assert [p.name for p in tmp_path.iterdir()] == ["tompkins-2026-v1.pdf"]


def test_it_renders_the_demo_for_real(db, tmp_path):
    call_command("seed_demo", stdout=StringIO())
    out, _err = run("--state", "NY", "--out", str(tmp_path))
    written = tmp_path / "tompkins-2026-v1.pdf"
    assert written.read_bytes().startswith(b"%PDF")
    assert str(written) in out and " pages " in out
