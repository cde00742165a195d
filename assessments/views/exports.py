"""PLACEHOLDER: being written; replace every function of this module."""

from django.http import HttpRequest, HttpResponse

from workshops.access import Perm, workshop_view
from workshops.models import Workshop


@workshop_view(Perm.PREPARE)
def export_responses(request: HttpRequest, workshop: Workshop, fmt: str) -> HttpResponse:
    raise NotImplementedError


@workshop_view(Perm.PREPARE)
def export_data(request: HttpRequest, workshop: Workshop, fmt: str) -> HttpResponse:
    raise NotImplementedError
