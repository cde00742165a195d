"""PLACEHOLDER: being written; replace every function of this module."""

from django.http import HttpRequest, HttpResponse

from workshops.access import Perm, workshop_view
from workshops.models import Workshop


@workshop_view(Perm.PREPARE)
def completion(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    raise NotImplementedError


@workshop_view(Perm.PREPARE)
def remind(request: HttpRequest, workshop: Workshop, member_id: int) -> HttpResponse:
    raise NotImplementedError


@workshop_view(Perm.PREPARE)
def remind_all(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    raise NotImplementedError


@workshop_view(Perm.RUN)
def survey_close(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    raise NotImplementedError
