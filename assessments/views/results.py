"""PLACEHOLDER: being written; replace every function of this module."""

from django.http import HttpRequest, HttpResponse

from workshops.access import Perm, workshop_view
from workshops.models import Workshop


@workshop_view(Perm.PREPARE)
def results(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    raise NotImplementedError
