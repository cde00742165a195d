"""Views of the plan: the timeline of its steps (page and SVG download), the trail of a step
back to its evidence ("why?"), and the gaps that no plan item addresses yet."""

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.text import slugify
from django.utils.translation import gettext

from actionplans.timeline import Row
from actionplans.timeline import timeline_svg as draw_timeline
from actionplans.trail import (
    plan_steps,
    row_of,
    timeline_table,
    trail_of,
)
from actionplans.trail import unaddressed as unaddressed_of
from workshops.access import Perm, workshop_view
from workshops.models import Workshop

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


@workshop_view(Perm.VIEW)
def unaddressed(request: HttpRequest, workshop: Workshop) -> TemplateResponse:
    context = {"workshop": workshop, "unaddressed": unaddressed_of(workshop)}
    return TemplateResponse(request, "actionplans/unaddressed.html", context)


@workshop_view(Perm.VIEW)
def why(request: HttpRequest, workshop: Workshop, step_id: int) -> TemplateResponse:
    trail = trail_of(workshop, step_id)
    today = timezone.localdate()
    context = {
        "workshop": workshop,
        "trail": trail,
        "step": trail.step,
        "overdue": row_of(trail.step).is_overdue(today),
    }
    return TemplateResponse(request, "actionplans/why.html", context)


def timeline_title(workshop: Workshop) -> str:
    return gettext("Timeline of the action steps: %(county)s %(cycle)s") % {
        "county": workshop.county.name,
        "cycle": workshop.cycle,
    }


def picture(workshop: Workshop, rows: list[Row]) -> SafeString:
    return draw_timeline(rows, title=timeline_title(workshop), today=timezone.localdate())


@workshop_view(Perm.VIEW)
def timeline(request: HttpRequest, workshop: Workshop) -> TemplateResponse:
    steps = plan_steps(workshop)
    today = timezone.localdate()
    table = timeline_table(steps, today)
    context = {
        "workshop": workshop,
        "svg": picture(workshop, [item.row for item in table]) if table else "",
        "table": table,
        "overdue": sum(1 for item in table if item.overdue),
        "unscheduled": sum(1 for item in table if not item.row.scheduled),
        "today": today,
    }
    return TemplateResponse(request, "actionplans/timeline.html", context)


@workshop_view(Perm.VIEW)
def timeline_svg(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    steps = plan_steps(workshop)
    response = HttpResponse(
        XML_DECLARATION + picture(workshop, [row_of(step) for step in steps]),
        content_type="image/svg+xml; charset=utf-8",
    )
    name = f"timeline-{slugify(workshop.county.name)}-{workshop.cycle}.svg"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
