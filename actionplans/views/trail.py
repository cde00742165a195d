"""Placeholder views (issue 6): being written."""

from django.http import HttpRequest, HttpResponse

from workshops.access import Perm, workshop_view
from workshops.models import Workshop


@workshop_view(Perm.VIEW)
def unaddressed(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    return HttpResponse(status=501)


@workshop_view(Perm.VIEW)
def why(request: HttpRequest, workshop: Workshop, step_id: int) -> HttpResponse:
    return HttpResponse(status=501)


@workshop_view(Perm.VIEW)
def timeline(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    return HttpResponse(status=501)


@workshop_view(Perm.VIEW)
def timeline_svg(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    return HttpResponse(status=501)
