"""PLACEHOLDER: being written; replace every function of this module."""

from django.http import HttpRequest, HttpResponse

from workshops.access import Perm, workshop_view
from workshops.models import Workshop


@workshop_view(Perm.PREPARE)
def meeting_list(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    raise NotImplementedError


@workshop_view(Perm.PREPARE)
def meeting_new(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    raise NotImplementedError


@workshop_view(Perm.PREPARE)
def meeting_detail(request: HttpRequest, workshop: Workshop, meeting_id: int) -> HttpResponse:
    raise NotImplementedError
