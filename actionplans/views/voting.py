"""Placeholder views (issue 6): being written."""

from django.http import HttpRequest, HttpResponse

from workshops.access import Perm, workshop_view
from workshops.models import Workshop


@workshop_view(Perm.VIEW)
def board(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    return HttpResponse(status=501)


@workshop_view(Perm.VIEW)
def poll(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    return HttpResponse(status=501)


@workshop_view(Perm.PARTICIPATE)
def dot(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    return HttpResponse(status=501)


@workshop_view(Perm.RUN)
def control(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    return HttpResponse(status=501)


@workshop_view(Perm.VIEW)
def priorities(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    return HttpResponse(status=501)


@workshop_view(Perm.RUN)
def promote(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    return HttpResponse(status=501)


@workshop_view(Perm.RUN)
def priority_edit(request: HttpRequest, workshop: Workshop, priority_id: int) -> HttpResponse:
    return HttpResponse(status=501)
