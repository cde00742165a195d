"""PLACEHOLDER: being written; replace every function of this module."""

from django.http import HttpRequest, HttpResponse

from workshops.access import Perm, workshop_view
from workshops.models import Workshop


@workshop_view(Perm.PREPARE)
def roster(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    raise NotImplementedError


@workshop_view(Perm.PREPARE)
def roster_add(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    raise NotImplementedError


@workshop_view(Perm.PREPARE)
def roster_import(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    raise NotImplementedError


@workshop_view(Perm.PREPARE)
def roster_edit(request: HttpRequest, workshop: Workshop, member_id: int) -> HttpResponse:
    raise NotImplementedError


@workshop_view(Perm.PREPARE)
def invite(request: HttpRequest, workshop: Workshop, member_id: int) -> HttpResponse:
    raise NotImplementedError


@workshop_view(Perm.PREPARE)
def invite_all(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    raise NotImplementedError
