"""The survey's results for facilitators, the committee and the state team, compared with the
county's last cycle when there was one.

Participants see the results only in the live session (``workshops.views.runner``), through
the summary partial this page shares.
"""

from django.http import HttpRequest
from django.template.response import TemplateResponse

from assessments.datatable import active_metrics, county_totals, workshop_figures
from assessments.instruments import survey_for
from assessments.models import Survey
from assessments.results import compare, results_for
from workshops.access import Perm, workshop_view
from workshops.cycles import previous_cycle
from workshops.models import Workshop
from workshops.pagecache import cached_page


@workshop_view(Perm.PREPARE)
@cached_page
def results(request: HttpRequest, workshop: Workshop) -> TemplateResponse:
    outcome = results_for(workshop.pk, survey_for(workshop))
    outcome.totals = county_totals(workshop_figures(workshop), active_metrics())
    earlier = previous_cycle(workshop)
    if earlier is not None:
        survey = Survey.objects.select_related("instrument").filter(workshop=earlier).first()
        outcome.comparison = compare(outcome, results_for(earlier.pk, survey), earlier.cycle)
    context = {"workshop": workshop, "results": outcome}
    return TemplateResponse(request, "assessments/results.html", context)
