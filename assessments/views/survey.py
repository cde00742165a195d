"""PLACEHOLDER: being written; replace every function of this module."""

from django.http import HttpRequest, HttpResponse

from workshops.access import Perm, workshop_view
from workshops.models import Workshop


@workshop_view(Perm.PARTICIPATE)
def survey_start(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    raise NotImplementedError


@workshop_view(Perm.PARTICIPATE)
def survey_section(request: HttpRequest, workshop: Workshop, number: int) -> HttpResponse:
    raise NotImplementedError


@workshop_view(Perm.PARTICIPATE)
def survey_answer(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    raise NotImplementedError


@workshop_view(Perm.PARTICIPATE)
def survey_review(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    raise NotImplementedError


@workshop_view(Perm.PARTICIPATE)
def survey_submit(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    raise NotImplementedError
