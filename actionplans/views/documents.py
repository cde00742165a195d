"""Placeholder views (issue 7): being written."""

from django.http import HttpRequest, HttpResponse

from workshops.access import Perm, workshop_view
from workshops.models import Workshop


@workshop_view(Perm.VIEW)
def pdf_page(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    return HttpResponse(status=501)


@workshop_view(Perm.VIEW)
def pdf_request(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    return HttpResponse(status=501)


@workshop_view(Perm.VIEW)
def pdf_status(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    return HttpResponse(status=501)


@workshop_view(Perm.EDIT_PLAN)
def pdf_preview(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    return HttpResponse(status=501)


@workshop_view(Perm.VIEW)
def pdf_download(
    request: HttpRequest, workshop: Workshop, document_id: int, filename: str
) -> HttpResponse:
    return HttpResponse(status=501)
