"""PLACEHOLDER: being written; replace every function of this module."""

from django.http import HttpRequest, HttpResponse

from workshops.access import Perm, state_reviewer, workshop_view
from workshops.models import Workshop


@state_reviewer
def new(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


@workshop_view(Perm.MANAGE)
def edit(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    raise NotImplementedError


@workshop_view(Perm.MANAGE)
def team(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    raise NotImplementedError


@workshop_view(Perm.MANAGE)
def team_remove(request: HttpRequest, workshop: Workshop, member_id: int) -> HttpResponse:
    raise NotImplementedError


@workshop_view(Perm.RUN)
def stage(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    raise NotImplementedError
