"""The plan as a PDF: its page (the latest rendering's state, asking for one, progress, the
download), the stored file, and the facilitators' preview of the PDF's HTML.

The PDF is never made in a request: ``pdf_request`` queues it (``documents.request``) and the
page polls ``pdf_status`` with the version of what it shows, which answers "204 No Content"
after two small queries until the state changes. The status region is swapped inside a live
region that stays on the page, so screen readers hear each change once.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import content_disposition_header, http_date, quote_etag
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_GET, require_POST

from actionplans import documents, pdf, plans
from actionplans.models import ActionPlan, PlanDocument
from workshops.access import Perm, workshop_view
from workshops.models import Workshop

POLL_SECONDS = 2
SLOW_SECONDS = 30  # waiting longer than this: the page says so, and what it may mean
DOWNLOAD_MAX_AGE = 3600  # a document's bytes never change; the browser may keep them an hour


def status_context(workshop: Workshop, plan: ActionPlan) -> dict:
    return {
        "workshop": workshop,
        "plan": plan,
        "pdf": documents.pdf_state(plan, get_language()),
        "poll_seconds": POLL_SECONDS,
        "slow_seconds": SLOW_SECONDS,
    }


def with_earlier(context: dict) -> dict:
    """The other renderings of the version, and of them the current one in another language
    (shown when there is none in the reader's language yet)."""
    shown, plan = context["pdf"], context["plan"]
    context["earlier"] = documents.earlier(plan, shown)
    context["other_language"] = next(
        (
            item
            for item in context["earlier"]
            if item.status == PlanDocument.Status.READY
            and item.is_current
            and item.language != shown.language
        ),
        None,
    )
    return context


def page_response(
    request: HttpRequest, workshop: Workshop, plan: ActionPlan, status: int = 200, **extra
) -> TemplateResponse:
    context = with_earlier(status_context(workshop, plan))
    context["has_content"] = documents.has_content(plan)
    context.update(extra)
    return TemplateResponse(request, "actionplans/pdf_page.html", context, status=status)


def status_response(request: HttpRequest, workshop: Workshop, plan: ActionPlan) -> HttpResponse:
    """The status region's content, with the list of renderings out of band."""
    context = with_earlier(status_context(workshop, plan))
    context["oob"] = True
    return TemplateResponse(request, "actionplans/_pdf_status.html", context)


@workshop_view(Perm.VIEW)
@require_GET
def pdf_page(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    return page_response(request, workshop, plans.current_plan(workshop))


@workshop_view(Perm.VIEW)
@require_POST
def pdf_request(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    """Make the PDF (or get the one made or being made already); htmx: the new status."""
    plan = plans.current_plan(workshop)
    document = documents.request(plan, request.user, get_language())
    if request.htmx:
        return status_response(request, workshop, plan)
    if document.status == PlanDocument.Status.READY:
        messages.success(request, gettext("The PDF of the plan as it is now is ready."))
    else:
        messages.info(request, gettext("The PDF is being made: this page shows when it is ready."))
    return redirect("actionplans:pdf", workshop.code)


@workshop_view(Perm.VIEW)
@require_GET
def pdf_status(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    if not request.htmx:
        return redirect("actionplans:pdf", workshop.code)
    plan = plans.current_plan(workshop)
    if request.GET.get("v") == documents.poll_version(plan, get_language()):
        return HttpResponse(status=204)
    return status_response(request, workshop, plan)


@workshop_view(Perm.EDIT_PLAN)
@require_GET
def pdf_preview(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    """The PDF's own HTML in the browser, with a bar leading to the PDF page: rendered here
    and now (no WeasyPrint), so facilitators see a change at once."""
    html = pdf.plan_html(plans.current_plan(workshop), language=get_language(), preview=True)
    response = HttpResponse(html)
    patch_cache_control(response, private=True, no_store=True)
    return response


@workshop_view(Perm.VIEW)
@require_GET
def pdf_download(
    request: HttpRequest, workshop: Workshop, document_id: int, filename: str
) -> HttpResponse:
    """The stored PDF, as a file to save; a document that is not ready: the PDF page, 404."""
    document = get_object_or_404(
        PlanDocument.objects.filter(plan__workshop=workshop).select_related(
            "plan__workshop__county"
        ),
        pk=document_id,
    )
    if document.status != PlanDocument.Status.READY:
        plan = plans.current_plan(workshop)
        return page_response(request, workshop, plan, status=404, missing=document)
    name = documents.filename(document)
    if filename != name:
        return redirect(
            reverse("actionplans:pdf_download", args=[workshop.code, document.pk, name])
        )
    finished = document.finished_at or document.requested_at
    etag = quote_etag(f"pdf-{document.pk}-{int(finished.timestamp() * 1000)}")
    not_modified = get_conditional_response(
        request, etag=etag, last_modified=int(finished.timestamp())
    )
    response = not_modified or HttpResponse(bytes(document.pdf), content_type="application/pdf")
    if not_modified is None:
        response["Content-Disposition"] = content_disposition_header(True, name)
        response["Content-Length"] = str(len(response.content))
    response["ETag"] = etag
    response["Last-Modified"] = http_date(finished.timestamp())
    patch_cache_control(response, private=True, max_age=DOWNLOAD_MAX_AGE)
    return response
