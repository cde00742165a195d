"""The plan's PDF as a service: asking for it, its state, and the task that makes it.

The renderer is replaced by a fake one here (fast); ``test_it_makes_the_demo_plan_for_real``
runs WeasyPrint on the demo county's plan.
"""

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import override_settings
from django.utils import timezone

from actionplans import documents, plans, tasks, voting
from actionplans.models import ActionPlan, PlanDocument
from actionplans.pdf import RenderedPdf, RenderError
from actionplans.tasks import render_document
from tests.factories import UserFactory, WorkshopFactory, plan_tree

Status = PlanDocument.Status


class FakeRenderer:
    """Stands in for ``render_plan_pdf``: counts its calls, or fails as told."""

    def __init__(self):
        self.calls: list[tuple[int, str, float | None]] = []
        self.error: BaseException | None = None
        self.during = None  # called while "rendering"

    def __call__(self, plan, *, language="en", time_limit=None) -> RenderedPdf:
        self.calls.append((plan.pk, language, time_limit))
        if self.during is not None:
            self.during(plan)
        if self.error is not None:
            raise self.error
        return RenderedPdf(pdf=b"%PDF-1.7 fake plan " + str(plan.pk).encode(), pages=3)


@pytest.fixture
def renderer(monkeypatch) -> FakeRenderer:
    fake = FakeRenderer()
    monkeypatch.setattr(tasks, "render_plan_pdf", fake)
    return fake


@pytest.fixture
def plan(db) -> ActionPlan:
    return plan_tree(WorkshopFactory()).plan


@pytest.fixture
def user(db):
    return UserFactory(username="asker", first_name="Ada", last_name="Asker")


def ask(plan, user, capture, language="en") -> PlanDocument:
    """Ask for the PDF and run what waits for the commit (the immediate backend renders)."""
    with capture(execute=True):
        document = documents.request(plan, user, language)
    return PlanDocument.objects.get(pk=document.pk)


def age(document: PlanDocument, seconds: int, **fields) -> None:
    """Move the document's clock back, as if it had been waiting that long."""
    past = timezone.now() - timedelta(seconds=seconds)
    PlanDocument.objects.filter(pk=document.pk).update(requested_at=past, **fields)


# --- asking -----------------------------------------------------------------------------------


def test_it_makes_the_pdf_after_the_commit(
    plan, user, renderer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        document = documents.request(plan, user)
    assert document.status == Status.QUEUED and renderer.calls == []  # nothing before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    document.refresh_from_db()
    assert document.status == Status.READY
    assert bytes(document.pdf).startswith(b"%PDF")
    assert (document.pages, document.size) == (3, len(bytes(document.pdf)))
    assert document.attempts == 1 and document.render_ms is not None
    assert document.started_at <= document.finished_at
    assert document.task_id and document.requested_by == user
    assert document.content_at == plan.changed_at and document.language == "en"


def test_it_serves_the_stored_pdf_again(plan, user, renderer, django_capture_on_commit_callbacks):
    first = ask(plan, user, django_capture_on_commit_callbacks)
    again = ask(plan, user, django_capture_on_commit_callbacks)
    assert again.pk == first.pk and again.status == Status.READY
    assert len(renderer.calls) == 1
    assert PlanDocument.objects.count() == 1


def test_it_makes_one_pdf_when_five_people_ask_at_once(
    plan, renderer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        asked = {documents.request(plan, UserFactory()).pk for _ in range(5)}
    assert len(asked) == 1 and len(callbacks) == 1
    assert PlanDocument.objects.get().status == Status.QUEUED


def test_it_passes_the_language_and_the_time_limit(
    plan, user, renderer, django_capture_on_commit_callbacks
):
    with override_settings(PDF_RENDER_TIME_LIMIT=7):
        document = ask(plan, user, django_capture_on_commit_callbacks, language="es-mx")
    assert document.language == "es"
    assert renderer.calls == [(plan.pk, "es", 7)]
    today, cycle = timezone.localdate().isoformat(), plan.workshop.cycle
    name = f"tompkins-{cycle}-soc-action-plan-v1-draft-{today}"
    assert documents.filename(document) == f"{name}-es.pdf"
    english = ask(plan, user, django_capture_on_commit_callbacks, language="fr")
    assert english.language == "en" and english.pk != document.pk
    assert documents.filename(english) == f"{name}.pdf"


# --- its state --------------------------------------------------------------------------------


def test_it_has_nothing_to_show_at_first(plan):
    shown = documents.pdf_state(plan, "en")
    assert (shown.state, shown.current, shown.latest_ready) == ("none", None, None)
    assert shown.version == documents.poll_version(plan, "en")


def test_it_marks_the_pdf_stale_once_the_plan_changes(
    plan, user, renderer, django_capture_on_commit_callbacks
):
    first = ask(plan, user, django_capture_on_commit_callbacks)
    assert documents.pdf_state(plan, "en").state == "ready"
    plans.touched(plan)
    shown = documents.pdf_state(plan, "en")
    assert shown.state == "stale" and shown.current is None
    assert shown.out_of_date.pk == first.pk  # still there to download, marked out of date
    assert shown.version == documents.poll_version(plan, "en")

    second = ask(plan, user, django_capture_on_commit_callbacks)
    assert second.pk != first.pk and second.status == Status.READY
    shown = documents.pdf_state(plan, "en")
    assert shown.state == "ready" and shown.out_of_date is None
    assert [d.pk for d in documents.earlier(plan, shown)] == [first.pk]


def test_it_moves_the_version_when_the_state_changes(
    plan, user, renderer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        document = documents.request(plan, user)
    queued = documents.poll_version(plan, "en")
    assert queued == documents.pdf_state(plan, "en").version
    documents.claim(document.pk)
    rendering = documents.poll_version(plan, "en")
    assert rendering != queued
    assert documents.pdf_state(plan, "en").state == "rendering"
    assert callbacks  # the task never ran: the claim above stood in for it


def test_it_shows_a_pdf_that_waited_too_long_as_stuck(plan, user, renderer):
    document = PlanDocument.objects.create(plan=plan, content_at=plan.changed_at)
    assert documents.pdf_state(plan, "en").state == "queued"
    age(document, 179)
    assert documents.pdf_state(plan, "en").state == "queued"
    age(document, 181)
    assert documents.pdf_state(plan, "en").state == "stuck"
    with override_settings(PDF_RENDER_DEADLINE_SECONDS=600):
        assert documents.pdf_state(plan, "en").state == "queued"


def test_it_counts_a_rendering_from_when_it_started(plan):
    document = PlanDocument.objects.create(
        plan=plan, content_at=plan.changed_at, status=Status.RENDERING, attempts=1
    )
    age(document, 3600, started_at=timezone.now())
    assert documents.pdf_state(plan, "en").state == "rendering"
    age(document, 3600, started_at=timezone.now() - timedelta(seconds=200))
    assert documents.pdf_state(plan, "en").state == "stuck"


def test_it_queues_a_stuck_pdf_again_when_asked(
    plan, user, renderer, django_capture_on_commit_callbacks
):
    """A worker died while rendering: the next request makes it again (attempt 2)."""
    document = PlanDocument.objects.create(
        plan=plan, content_at=plan.changed_at, status=Status.RENDERING, attempts=1
    )
    age(document, 600, started_at=timezone.now() - timedelta(seconds=400))
    again = ask(plan, user, django_capture_on_commit_callbacks)
    assert again.pk == document.pk
    assert (again.status, again.attempts, again.error) == (Status.READY, 2, "")
    assert again.requested_by == user
    assert len(renderer.calls) == 1


def test_it_tries_a_failed_pdf_again(plan, user, renderer, django_capture_on_commit_callbacks):
    renderer.error = RenderError("The PDF took longer than 60 seconds to make.")
    failed = ask(plan, user, django_capture_on_commit_callbacks)
    assert failed.status == Status.FAILED
    shown = documents.pdf_state(plan, "en")
    assert shown.state == "failed" and shown.failed
    renderer.error = None
    again = ask(plan, user, django_capture_on_commit_callbacks)
    assert again.pk == failed.pk
    assert (again.status, again.attempts, again.error) == (Status.READY, 2, "")


def test_it_survives_a_task_queue_that_refuses_the_task(
    plan, user, renderer, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    """The request still succeeds; the PDF waits, shows as stuck, and is queued again."""

    class Refusing:
        def enqueue(self, document_id):
            raise ConnectionError("the task queue is down")

    monkeypatch.setattr(tasks, "render_document", Refusing())
    document = ask(plan, user, django_capture_on_commit_callbacks)
    assert document.status == Status.QUEUED and "the task queue is down" in caplog.text
    age(document, 600)
    assert documents.pdf_state(plan, "en").state == "stuck"
    monkeypatch.undo()
    monkeypatch.setattr(tasks, "render_plan_pdf", renderer)
    again = ask(plan, user, django_capture_on_commit_callbacks)
    assert again.pk == document.pk and again.status == Status.READY


def test_it_says_whether_there_is_any_plan_yet(db):
    workshop = WorkshopFactory()
    empty = plans.current_plan(workshop)
    assert not documents.has_content(empty)
    assert documents.has_content(plan_tree(workshop).plan)


# --- the task ---------------------------------------------------------------------------------


def test_it_fails_cleanly_on_a_render_error(
    plan, user, renderer, django_capture_on_commit_callbacks
):
    renderer.error = RenderError("The PDF took longer than 60 seconds to make.")
    document = ask(plan, user, django_capture_on_commit_callbacks)
    assert document.status == Status.FAILED
    assert document.error == "The PDF took longer than 60 seconds to make."
    assert document.pdf is None and document.finished_at is not None


def test_it_fails_cleanly_on_any_error_and_logs_the_traceback(
    plan, user, renderer, django_capture_on_commit_callbacks, caplog
):
    renderer.error = ZeroDivisionError("division by zero in a chart")
    with caplog.at_level(logging.ERROR, logger="actionplans.tasks"):
        document = ask(plan, user, django_capture_on_commit_callbacks)
    assert document.status == Status.FAILED
    assert document.error == "The PDF could not be made because of an error."
    assert "ZeroDivisionError" in caplog.text and "Traceback" in caplog.text


def test_it_never_leaves_a_pdf_being_made_when_the_worker_stops(plan, renderer):
    document = PlanDocument.objects.create(plan=plan, content_at=plan.changed_at)
    renderer.error = SystemExit(1)
    with pytest.raises(SystemExit):
        render_document.call(document.pk)
    document.refresh_from_db()
    assert document.status == Status.FAILED
    assert "worker stopped" in document.error


def test_it_shortens_long_error_messages(plan, renderer):
    document = PlanDocument.objects.create(plan=plan, content_at=plan.changed_at)
    renderer.error = RenderError("word " * 200)
    assert render_document.call(document.pk) == "failed"
    document.refresh_from_db()
    assert len(document.error) == documents.ERROR_LENGTH and document.error.endswith("…")


def test_it_lets_one_of_two_workers_claim_a_document(plan, renderer):
    document = PlanDocument.objects.create(plan=plan, content_at=plan.changed_at)
    first = documents.claim(document.pk)
    assert first is not None and first.attempts == 1
    assert documents.claim(document.pk) is None
    assert render_document.call(document.pk) == "skipped"
    assert renderer.calls == []


def test_it_skips_a_document_that_is_ready_already(plan, renderer):
    document = PlanDocument.objects.create(
        plan=plan, content_at=plan.changed_at, status=Status.READY, pdf=b"%PDF"
    )
    assert render_document.call(document.pk) == "skipped"
    assert renderer.calls == []


def test_it_drops_the_result_of_an_attempt_given_up(plan, renderer):
    """A slow worker's result arrives after its document was queued again: it is dropped."""
    document = PlanDocument.objects.create(plan=plan, content_at=plan.changed_at)
    slow = documents.claim(document.pk)
    PlanDocument.objects.filter(pk=document.pk).update(status=Status.QUEUED)  # asked again
    fresh = documents.claim(document.pk)
    assert fresh.attempts == 2
    assert not documents.store(slow, RenderedPdf(b"%PDF old", 1), 10)
    assert documents.store(fresh, RenderedPdf(b"%PDF new", 1), 10)
    document.refresh_from_db()
    assert bytes(document.pdf) == b"%PDF new"


def test_it_keeps_a_pdf_made_while_the_plan_changed_as_stale(
    plan, user, renderer, django_capture_on_commit_callbacks
):
    renderer.during = plans.touched  # someone edits the plan while the PDF is being made
    document = ask(plan, user, django_capture_on_commit_callbacks)
    assert document.status == Status.READY
    plan.refresh_from_db()
    assert document.content_at < plan.changed_at
    assert documents.pdf_state(plan, "en").state == "stale"


def test_it_dates_the_content_from_when_the_rendering_starts(plan, renderer):
    document = PlanDocument.objects.create(plan=plan, content_at=plan.changed_at)
    plans.touched(plan)  # changed while the document waited for a worker
    claimed = documents.claim(document.pk)
    assert claimed.content_at == plan.changed_at


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_it_renders_once_when_two_workers_race(renderer):
    """Two workers pick up the same document at the same moment: one makes it."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the race matters on PostgreSQL")
    plan = plan_tree(WorkshopFactory()).plan
    barrier = threading.Barrier(2)

    def work(document_id: int) -> str:
        try:
            barrier.wait()
            return render_document.call(document_id)
        finally:
            connections.close_all()

    for _ in range(5):
        document = PlanDocument.objects.create(plan=plan, content_at=plan.changed_at)
        with ThreadPoolExecutor(2) as pool:
            outcomes = sorted(pool.map(work, [document.pk, document.pk]))
        assert outcomes == ["ready", "skipped"]
        document.refresh_from_db()
        assert (document.status, document.attempts) == (Status.READY, 1)
    assert len(renderer.calls) == 5


# --- what makes the PDF stale -------------------------------------------------------------------


def test_it_marks_the_pdf_stale_when_the_priorities_change(plan):
    workshop = plan.workshop
    second = plan_tree(workshop, 2).priority
    stamps = [ActionPlan.objects.get(pk=plan.pk).changed_at]
    voting.rerank(workshop, second, rank=1)
    stamps.append(ActionPlan.objects.get(pk=plan.pk).changed_at)
    voting.promote(workshop, workshop.gaps.create(title="Transport to services"), "high", None)
    stamps.append(ActionPlan.objects.get(pk=plan.pk).changed_at)
    assert stamps == sorted(set(stamps))  # each change moved it on


def test_it_touches_no_plan_when_there_is_none_yet(db):
    workshop = WorkshopFactory()
    gap = workshop.gaps.create(title="Transport to services")
    voting.promote(workshop, gap, "high", None)
    assert not ActionPlan.objects.filter(workshop=workshop).exists()


# --- for real -----------------------------------------------------------------------------------


def test_it_makes_the_demo_plan_for_real(db, django_capture_on_commit_callbacks):
    call_command("seed_demo", stdout=StringIO())
    plan = ActionPlan.objects.get(workshop__county__name="Tompkins", workshop__cycle=2026)
    # The demo's submissions queued their PDFs for the worker, which tests do not run.
    PlanDocument.objects.filter(plan=plan).delete()
    document = ask(plan, None, django_capture_on_commit_callbacks)
    assert document.status == Status.READY, document.error
    assert bytes(document.pdf).startswith(b"%PDF") and document.pages >= 5
    assert document.size == len(bytes(document.pdf)) and document.render_ms > 0
