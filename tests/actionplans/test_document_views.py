"""The PDF page, asking for the PDF, the status poll and the download.

The renderer is a fake one here; the immediate task backend runs the task when the request's
transaction commits (``django_capture_on_commit_callbacks(execute=True)``).
"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionplans import documents, plans, tasks
from actionplans.models import ActionPlan, PlanDocument
from actionplans.pdf import RenderedPdf, RenderError
from tests.conftest import sign_in
from tests.factories import WorkshopFactory, county, plan_tree

Status = PlanDocument.Status
HTMX = {"HTTP_HX_REQUEST": "true"}
FAKE_PDF = b"%PDF-1.7 fake plan"


@pytest.fixture
def renderer(monkeypatch):
    calls = []

    def fake(plan, *, language="en", time_limit=None):
        calls.append(language)
        return RenderedPdf(pdf=FAKE_PDF, pages=4)

    monkeypatch.setattr(tasks, "render_plan_pdf", fake)
    return calls


def url(name: str, cast, *args) -> str:
    return reverse(f"actionplans:{name}", args=[cast.workshop.code, *args])


def download_url(document: PlanDocument) -> str:
    workshop = document.plan.workshop
    return reverse(
        "actionplans:pdf_download", args=[workshop.code, document.pk, documents.filename(document)]
    )


def base_name(cast, status: str = "draft") -> str:
    """The download's name, without ``.pdf``, of a PDF of version 1 made today."""
    made = timezone.localdate().isoformat()
    return f"tompkins-{cast.workshop.cycle}-soc-action-plan-v1-{status}-{made}"


def ready(plan, **fields) -> PlanDocument:
    now = timezone.now()
    values = {
        "content_at": plan.changed_at,
        "status": Status.READY,
        "pdf": FAKE_PDF,
        "pages": 4,
        "size": len(FAKE_PDF),
        "started_at": now,
        "finished_at": now,
        "attempts": 1,
        **fields,
    }
    return PlanDocument.objects.create(plan=plan, **values)


def page(client, cast) -> str:
    response = client.get(url("pdf", cast))
    assert response.status_code == 200
    return response.content.decode()


# --- the page ---------------------------------------------------------------------------------


def test_it_offers_to_make_the_first_pdf(client, cast):
    plan_tree(cast.workshop)
    sign_in(client, cast.participant.user, cast.workshop)
    text = page(client, cast)
    assert "No PDF of this version of the plan in English yet." in text
    assert "Make the PDF" in text and url("pdf_request", cast) in text
    assert 'id="pdf-status" role="status" aria-live="polite"' in text
    assert "no priority areas or goals yet" not in text
    assert url("pdf_preview", cast) not in text  # the preview is for those who edit the plan


def test_in_spanish_it_offers_the_english_pdf_ready_while_none_is_in_spanish(client, cast):
    plan = plan_tree(cast.workshop).plan
    english = ready(plan)
    old = ready(plan, content_at=plan.changed_at - timedelta(hours=1))  # an older content's
    sign_in(client, cast.participant.user, cast.workshop)
    client.cookies["django_language"] = "es"
    text = page(client, cast)
    assert "Todavía no hay un PDF de esta versión del plan en español." in text
    assert "El PDF en inglés está listo:" in text
    assert f'href="{download_url(english)}" download hreflang="en">' in text
    assert download_url(old) not in text.split('id="pdf-earlier"')[0]
    english.delete()
    assert "El PDF en inglés está listo" not in page(client, cast)


def test_a_pdf_made_before_the_review_moved_the_plan_on_says_so(client, cast):
    plan = plan_tree(cast.workshop).plan
    ready(plan)  # says "Draft"
    ActionPlan.objects.filter(pk=plan.pk).update(status=ActionPlan.Status.APPROVED)
    sign_in(client, cast.facilitator.user)
    text = page(client, cast)
    assert (
        "The plan's status changed since its last PDF was made: that one says “Draft”, "
        "the plan is now “Approved”." in text
    )
    assert "Make a new PDF" in text and "Out of date" in text
    assert "shows the plan as it is, but with its earlier status, “Draft”." in text


def test_it_links_the_preview_for_facilitators(client, cast):
    sign_in(client, cast.facilitator.user)
    assert url("pdf_preview", cast) in page(client, cast)


def test_it_says_when_there_is_no_plan_yet_and_still_offers_the_pdf(client, cast):
    sign_in(client, cast.facilitator.user)
    text = page(client, cast)
    assert "The plan has no priority areas or goals yet." in text
    assert "Make the PDF" in text


def test_it_shows_progress_while_the_pdf_is_made(client, cast):
    plan = plan_tree(cast.workshop).plan
    PlanDocument.objects.create(plan=plan, content_at=plan.changed_at, requested_by=cast.reviewer)
    sign_in(client, cast.facilitator.user)
    text = page(client, cast)
    assert "Waiting for a worker to make the PDF" in text
    assert "It usually takes a few seconds." in text
    assert "data-elapsed-since=" in text
    assert f"by {cast.reviewer.get_full_name()}" in text
    poll = re.search(r'hx-get="([^"]+)" hx-trigger="every 2s"', text)
    assert poll and poll.group(1).startswith(url("pdf_status", cast))
    assert "Make the PDF" not in text
    # Past half a minute the page says what a long wait may mean (shown by pdf.js).
    assert 'data-slow-after="30" hidden>This is taking longer than usual.' in text


def test_it_offers_the_download_when_ready(client, cast):
    plan = plan_tree(cast.workshop).plan
    document = ready(plan, requested_by=cast.facilitator.user)
    sign_in(client, cast.participant.user, cast.workshop)
    text = page(client, cast)
    assert "Ready" in text and download_url(document) in text
    assert f"{base_name(cast)}.pdf" in text
    assert "18\xa0bytes, 4 pages" in text
    assert f"asked for by {cast.facilitator.user.get_full_name()}" in text
    assert "hx-trigger" not in text  # nothing to wait for: no polling


def test_it_marks_the_old_pdf_out_of_date_once_the_plan_changes(client, cast):
    plan = plan_tree(cast.workshop).plan
    old = ready(plan)
    plans.touched(plan)
    sign_in(client, cast.facilitator.user)
    text = page(client, cast)
    assert "Out of date" in text and "The plan changed since its last PDF was made." in text
    assert "Make a new PDF" in text
    assert "Download the out-of-date PDF" in text and download_url(old) in text


def test_it_shows_a_failure_with_try_again(client, cast):
    plan = plan_tree(cast.workshop).plan
    PlanDocument.objects.create(
        plan=plan,
        content_at=plan.changed_at,
        status=Status.FAILED,
        attempts=1,
        error="Making the PDF took longer than 60 seconds, so it was stopped.",
    )
    sign_in(client, cast.facilitator.user)
    text = page(client, cast)
    assert "The PDF could not be made." in text
    assert "took longer than 60 seconds" in text and "Try again" in text


def test_it_shows_a_stuck_pdf_as_failed(client, cast):
    plan = plan_tree(cast.workshop).plan
    document = PlanDocument.objects.create(plan=plan, content_at=plan.changed_at)
    PlanDocument.objects.filter(pk=document.pk).update(
        requested_at=timezone.now() - timedelta(minutes=10)
    )
    sign_in(client, cast.facilitator.user)
    text = page(client, cast)
    assert "The PDF was not made in time." in text and "Try again" in text
    assert "hx-trigger" not in text


def test_it_lists_earlier_pdfs(client, cast):
    plan = plan_tree(cast.workshop).plan
    first = ready(plan)
    plans.touched(plan)
    second = ready(plan, content_at=plans.current_plan(cast.workshop).changed_at)
    sign_in(client, cast.facilitator.user)
    text = page(client, cast)
    assert "Other PDFs of this version" in text
    assert download_url(first) in text and download_url(second) in text


def test_it_keeps_the_page_to_a_fixed_number_of_queries(client, cast, django_assert_num_queries):
    plan = plan_tree(cast.workshop).plan
    ready(plan)
    sign_in(client, cast.facilitator.user)
    with CaptureQueriesContext(connection) as few:
        page(client, cast)
    for _ in range(8):
        plans.touched(plan)
        ready(plan, content_at=plans.current_plan(cast.workshop).changed_at)
    with django_assert_num_queries(len(few.captured_queries)):
        page(client, cast)


@pytest.mark.parametrize("name", ["plan", "detail"])
def test_it_is_linked_from_the_plan_and_the_dashboard(client, cast, name):
    sign_in(client, cast.participant.user, cast.workshop)
    where = "workshops:detail" if name == "detail" else "actionplans:plan"
    text = client.get(reverse(where, args=[cast.workshop.code])).content.decode()
    assert url("pdf", cast) in text and "PDF of the plan" in text


# --- asking for it ----------------------------------------------------------------------------


def test_it_makes_the_pdf_when_asked(client, cast, renderer, django_capture_on_commit_callbacks):
    plan_tree(cast.workshop)
    sign_in(client, cast.participant.user, cast.workshop)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("pdf_request", cast))
    assert response.status_code == 302 and response.url == url("pdf", cast)
    document = PlanDocument.objects.get()
    assert document.status == Status.READY and document.requested_by == cast.participant.user
    assert download_url(document) in page(client, cast)
    assert renderer == ["en"]


def renders(callbacks: list) -> list:
    """The callbacks that queue a rendering (the others bump the page cache's version)."""
    return [c for c in callbacks if c.__qualname__ != "touch.<locals>.bump"]


def test_it_answers_htmx_with_the_status(client, cast, django_capture_on_commit_callbacks):
    plan_tree(cast.workshop)
    sign_in(client, cast.facilitator.user)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url("pdf_request", cast), **HTMX)
    assert response.status_code == 200 and len(renders(callbacks)) == 1
    text = response.content.decode()
    assert "Waiting for a worker to make the PDF" in text
    assert 'hx-swap-oob="true"' in text  # the list of earlier PDFs comes along
    assert "<html" not in text


def test_it_makes_no_second_pdf_when_asked_again(client, cast, django_capture_on_commit_callbacks):
    plan_tree(cast.workshop)
    sign_in(client, cast.facilitator.user)
    with django_capture_on_commit_callbacks() as callbacks:
        for _ in range(3):
            client.post(url("pdf_request", cast), **HTMX)
    assert len(renders(callbacks)) == 1 and PlanDocument.objects.count() == 1


def test_it_makes_it_in_the_page_language(
    client, cast, renderer, django_capture_on_commit_callbacks
):
    plan_tree(cast.workshop)
    sign_in(client, cast.participant.user, cast.workshop)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("pdf_request", cast), HTTP_ACCEPT_LANGUAGE="es")
    assert renderer == ["es"]
    assert PlanDocument.objects.get().language == "es"


def test_it_refuses_get_on_the_request(client, cast):
    sign_in(client, cast.facilitator.user)
    assert client.get(url("pdf_request", cast)).status_code == 405


# --- the poll ---------------------------------------------------------------------------------


def test_it_answers_the_poll_with_204_until_the_state_changes(
    client, cast, django_assert_max_num_queries
):
    plan = plan_tree(cast.workshop).plan
    document = PlanDocument.objects.create(plan=plan, content_at=plan.changed_at)
    sign_in(client, cast.participant.user, cast.workshop)
    version = documents.pdf_state(plan, "en").version
    # session, user, workshop, reviewer?, membership, plan, its PDF; the request's savepoint
    with django_assert_max_num_queries(9):
        response = client.get(url("pdf_status", cast), {"v": version}, **HTMX)
    assert response.status_code == 204

    PlanDocument.objects.filter(pk=document.pk).update(
        status=Status.READY, pdf=FAKE_PDF, finished_at=timezone.now()
    )
    response = client.get(url("pdf_status", cast), {"v": version}, **HTMX)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Download the PDF" in text and "hx-trigger" not in text


def test_it_sends_the_poll_without_htmx_to_the_page(client, cast):
    sign_in(client, cast.facilitator.user)
    response = client.get(url("pdf_status", cast))
    assert response.status_code == 302 and response.url == url("pdf", cast)


# --- the download -----------------------------------------------------------------------------


def test_it_downloads_the_stored_pdf(client, cast):
    document = ready(plan_tree(cast.workshop).plan)
    sign_in(client, cast.participant.user, cast.workshop)
    response = client.get(download_url(document))
    assert response.status_code == 200
    assert response.content == FAKE_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{base_name(cast)}.pdf"'
    assert response["Content-Length"] == str(len(FAKE_PDF))
    assert "private" in response["Cache-Control"] and response["ETag"]
    assert response["Last-Modified"]

    again = client.get(download_url(document), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again.content == b""


def test_it_redirects_a_wrong_filename_to_the_right_one(client, cast):
    document = ready(plan_tree(cast.workshop).plan)
    sign_in(client, cast.facilitator.user)
    wrong = url("pdf_download", cast, document.pk, "plan.pdf")
    response = client.get(wrong)
    assert response.status_code == 302 and response.url == download_url(document)


def test_it_hides_another_workshops_pdf(client, cast):
    other = WorkshopFactory(county=county("Erie"))
    document = ready(plan_tree(other).plan)
    sign_in(client, cast.facilitator.user)
    assert client.get(url("pdf_download", cast, document.pk, "x.pdf")).status_code == 404
    assert client.get(url("pdf_download", cast, 999999, "x.pdf")).status_code == 404


@pytest.mark.parametrize("status", [Status.QUEUED, Status.RENDERING, Status.FAILED])
def test_it_answers_404_with_a_message_for_a_pdf_not_ready(client, cast, status):
    plan = plan_tree(cast.workshop).plan
    document = PlanDocument.objects.create(plan=plan, content_at=plan.changed_at, status=status)
    sign_in(client, cast.facilitator.user)
    response = client.get(download_url(document))
    assert response.status_code == 404
    text = response.content.decode()
    assert "That PDF cannot be downloaded." in text
    assert "PDF of the action plan" in text


def test_it_downloads_a_spanish_pdf_under_its_own_name(client, cast):
    document = ready(plan_tree(cast.workshop).plan, language="es")
    sign_in(client, cast.facilitator.user)
    response = client.get(download_url(document))
    assert response["Content-Disposition"].endswith(f'filename="{base_name(cast)}-es.pdf"')


def test_it_renders_fake_errors_into_the_page(
    client, cast, monkeypatch, django_capture_on_commit_callbacks
):
    def failing(plan, *, language="en", time_limit=None):
        raise RenderError("Making the PDF took longer than 60 seconds, so it was stopped.")

    monkeypatch.setattr(tasks, "render_plan_pdf", failing)
    plan_tree(cast.workshop)
    sign_in(client, cast.facilitator.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("pdf_request", cast))
    text = page(client, cast)
    assert "The PDF could not be made." in text and "longer than 60 seconds" in text
