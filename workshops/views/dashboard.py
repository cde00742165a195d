"""The workshop's dashboard: where it stands, what is next, and who is taking part."""

from django.http import HttpRequest
from django.template.response import TemplateResponse

from workshops.access import Perm, workshop_view
from workshops.models import Workshop
from workshops.stages import StageState, WorkshopFacts, earlier_stages, next_stage, stage_status

HISTORY_LENGTH = 5


@workshop_view(Perm.VIEW)
def detail(request: HttpRequest, workshop: Workshop) -> TemplateResponse:
    facts = WorkshopFacts.load(workshop)
    stages = stage_status(workshop, facts)
    history = workshop.stage_changes.select_related("changed_by").order_by("-changed_at", "-id")
    context = {
        "workshop": workshop,
        "stages": stages,
        "current": next(info for info in stages if info.state == StageState.CURRENT),
        "next_stage": next_stage(workshop.stage),
        "earlier_stages": earlier_stages(workshop.stage),
        "history": list(history[:HISTORY_LENGTH]),
        "facts": facts,
        "counts": facts.roles,
    }
    return TemplateResponse(request, "workshops/detail.html", context)
