"""The survey's results for facilitators, the committee and the state team.

Participants see the results only in the live session (``workshops.views.runner``), through
the summary partial this page shares.
"""

from django.http import HttpRequest
from django.template.response import TemplateResponse

from assessments.datatable import active_metrics, county_totals, workshop_figures
from assessments.instruments import survey_for
from assessments.results import results_for
from workshops.access import Perm, workshop_view
from workshops.models import Workshop


@workshop_view(Perm.PREPARE)
def results(request: HttpRequest, workshop: Workshop) -> TemplateResponse:
    outcome = results_for(workshop.pk, survey_for(workshop))
    outcome.totals = county_totals(workshop_figures(workshop), active_metrics())
    context = {"workshop": workshop, "results": outcome}
    return TemplateResponse(request, "assessments/results.html", context)
