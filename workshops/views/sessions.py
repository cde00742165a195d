"""PLACEHOLDER: being written; replace every function of this module."""

from django.http import HttpRequest, HttpResponse

from workshops.access import Perm, workshop_view
from workshops.models import Workshop


@workshop_view(Perm.PREPARE)
def format_choice(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    raise NotImplementedError


@workshop_view(Perm.VIEW)
def session_list(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    raise NotImplementedError


@workshop_view(Perm.VIEW)
def session_detail(request: HttpRequest, workshop: Workshop, number: int) -> HttpResponse:
    raise NotImplementedError


@workshop_view(Perm.PREPARE)
def session_edit(request: HttpRequest, workshop: Workshop, number: int) -> HttpResponse:
    raise NotImplementedError


@workshop_view(Perm.VIEW)
def session_ics(request: HttpRequest, workshop: Workshop, number: int) -> HttpResponse:
    raise NotImplementedError


@workshop_view(Perm.VIEW)
def series_ics(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    raise NotImplementedError


@workshop_view(Perm.RUN)
def debrief(request: HttpRequest, workshop: Workshop, number: int) -> HttpResponse:
    raise NotImplementedError
