"""PLACEHOLDER: being written; replace every function of this module."""

from django.http import HttpRequest, HttpResponse

from workshops.access import Perm, workshop_view
from workshops.models import Workshop


@workshop_view(Perm.RUN)
def runner(request: HttpRequest, workshop: Workshop, number: int) -> HttpResponse:
    raise NotImplementedError


@workshop_view(Perm.RUN)
def runner_move(request: HttpRequest, workshop: Workshop, number: int) -> HttpResponse:
    raise NotImplementedError


@workshop_view(Perm.VIEW)
def live(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    raise NotImplementedError


@workshop_view(Perm.VIEW)
def live_poll(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    raise NotImplementedError
