"""The workshop's dashboard: where it stands, what is next, who is taking part, and how the
plan's implementation is going."""

from django.http import HttpRequest
from django.template.response import TemplateResponse

from actionplans import progress
from workshops.access import Perm, workshop_view
from workshops.models import Membership, Workshop
from workshops.pagecache import cached_page
from workshops.stages import (
    STAGES,
    StageState,
    WorkshopFacts,
    earlier_stages,
    next_stage,
    stage_status,
)

HISTORY_LENGTH = 5


def participant_tasks(membership: Membership | None) -> dict | None:
    """A participant's own to-do before the workshop: the survey and their data-table row."""
    if membership is None or membership.role != Membership.Role.PARTICIPANT:
        return None
    response = membership.survey_responses.only("submitted_at", "last_section").first()
    row = membership.data_rows.only("submitted_at").first()
    return {"response": response, "data_row": row}


def plan_progress(workshop: Workshop) -> progress.Overview | None:
    """The plan's progress card, from the Plan stage on once the plan has steps (no query
    before the Plan stage)."""
    if STAGES.index(Workshop.Stage(workshop.stage)) < STAGES.index(Workshop.Stage.PLAN):
        return None
    return progress.overview(workshop)


@workshop_view(Perm.VIEW)
@cached_page
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
        "tasks": participant_tasks(request.access.membership),
        "plan_progress": plan_progress(workshop),
    }
    return TemplateResponse(request, "workshops/detail.html", context)
