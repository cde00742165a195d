"""Placeholder views (issue 6): being written."""

from django.http import HttpRequest, HttpResponse

from workshops.access import Perm, workshop_view
from workshops.models import Workshop


@workshop_view(Perm.VIEW)
def gap_list(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    return HttpResponse(status=501)


@workshop_view(Perm.PARTICIPATE)
def gap_new(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    return HttpResponse(status=501)


@workshop_view(Perm.VIEW)
def gap_detail(request: HttpRequest, workshop: Workshop, gap_id: int) -> HttpResponse:
    return HttpResponse(status=501)


@workshop_view(Perm.EDIT_PLAN)
def gap_edit(request: HttpRequest, workshop: Workshop, gap_id: int) -> HttpResponse:
    return HttpResponse(status=501)


@workshop_view(Perm.RUN)
def gap_merge(request: HttpRequest, workshop: Workshop, gap_id: int) -> HttpResponse:
    return HttpResponse(status=501)


@workshop_view(Perm.PARTICIPATE)
def evidence_add(request: HttpRequest, workshop: Workshop, gap_id: int) -> HttpResponse:
    return HttpResponse(status=501)


@workshop_view(Perm.EDIT_PLAN)
def evidence_remove(
    request: HttpRequest, workshop: Workshop, gap_id: int, evidence_id: int
) -> HttpResponse:
    return HttpResponse(status=501)
