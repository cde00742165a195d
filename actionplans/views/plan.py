"""Placeholder views (issue 6): being written."""

from django.http import HttpRequest, HttpResponse

from workshops.access import Perm, workshop_view
from workshops.models import Workshop


@workshop_view(Perm.VIEW)
def outline(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    return HttpResponse(status=501)


@workshop_view(Perm.EDIT_PLAN)
def item_add(request: HttpRequest, workshop: Workshop, kind: str) -> HttpResponse:
    return HttpResponse(status=501)


@workshop_view(Perm.EDIT_PLAN)
def item_edit(request: HttpRequest, workshop: Workshop, kind: str, item_id: int) -> HttpResponse:
    return HttpResponse(status=501)


@workshop_view(Perm.EDIT_PLAN)
def item_remove(request: HttpRequest, workshop: Workshop, kind: str, item_id: int) -> HttpResponse:
    return HttpResponse(status=501)


@workshop_view(Perm.EDIT_PLAN)
def item_move(request: HttpRequest, workshop: Workshop, kind: str, item_id: int) -> HttpResponse:
    return HttpResponse(status=501)


@workshop_view(Perm.VIEW)
def item_history(request: HttpRequest, workshop: Workshop, kind: str, item_id: int) -> HttpResponse:
    return HttpResponse(status=501)


@workshop_view(Perm.VIEW)
def principles(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    return HttpResponse(status=501)


@workshop_view(Perm.EDIT_PLAN)
def stance_edit(request: HttpRequest, workshop: Workshop, principle_id: int) -> HttpResponse:
    return HttpResponse(status=501)
