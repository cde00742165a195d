"""Workshop pages."""

from django.db.models import Count
from django.http import HttpRequest
from django.template.response import TemplateResponse

from workshops.access import Perm, workshop_view
from workshops.models import Membership, Workshop


@workshop_view(Perm.VIEW)
def detail(request: HttpRequest, workshop: Workshop) -> TemplateResponse:
    counts = dict(workshop.memberships.values_list("role").annotate(n=Count("id")).order_by())
    context = {
        "workshop": workshop,
        "stages": Workshop.Stage.choices,
        "stage_index": Workshop.Stage.values.index(workshop.stage),
        "counts": {role: counts.get(role, 0) for role in Membership.Role.values},
    }
    return TemplateResponse(request, "workshops/detail.html", context)
