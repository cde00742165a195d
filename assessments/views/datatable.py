"""PLACEHOLDER: being written; replace every function of this module."""

from django.http import HttpRequest, HttpResponse

from workshops.access import Perm, workshop_view
from workshops.models import Workshop


@workshop_view(Perm.PARTICIPATE)
def data_row(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    raise NotImplementedError


@workshop_view(Perm.PREPARE)
def data_table(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    raise NotImplementedError


@workshop_view(Perm.RUN)
def data_row_for(request: HttpRequest, workshop: Workshop, member_id: int) -> HttpResponse:
    raise NotImplementedError
