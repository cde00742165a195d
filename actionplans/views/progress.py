"""Implementation pages: the plan's progress rolled up from its steps, a step's progress
updates, and a measure's readings drawn against its baseline, benchmarks and target.

Everyone in the workshop sees the progress. A step's progress is posted by the plan's editors
and by the step's lead (participants included); a measure's readings by the plan's editors and
by the leads of the steps under its objective (``progress.can_report``, ``can_record``). The
pages are plain forms and links: a post redirects back with a message.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actionplans import plans, progress
from actionplans.forms.progress import ReadingForm, UpdateForm
from actionplans.measurechart import ChartData, measure_svg, table_rows
from actionplans.models import ActionPlan, ActionStep, Measure
from actionplans.progress import with_unit
from workshops.access import Perm, workshop_view
from workshops.models import Workshop


def progress_url(workshop: Workshop, anchor: str = "") -> str:
    url = reverse("actionplans:progress", args=[workshop.code])
    return f"{url}#{anchor}" if anchor else url


# --- the plan's progress -----------------------------------------------------------------------


@workshop_view(Perm.VIEW)
@require_GET
def overview(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    """The rollup per priority area, the viewer's own steps first, the overdue steps, the
    measures with their status, and every step with its latest update."""
    plan = plans.current_plan(workshop)
    today = timezone.localdate()
    rollup = progress.rollup(plan, today)
    steps = progress.steps_of(plan)
    access = request.access
    editor = access.can(Perm.EDIT_PLAN)
    own = access.membership.pk if access.membership else None
    led_objectives = {step.objective_id for step in steps if own and step.lead_member_id == own}
    for step in steps:
        step.mine = own is not None and step.lead_member_id == own
        step.reportable = editor or step.mine
        step.latest = step.latest_updates[0] if step.latest_updates else None
        if step.latest:
            step.latest.by = plans.who(step.latest.author)
    measures = progress.measure_rows(plan, rollup.start, today)
    for row in measures:
        row.recordable = editor or row.measure.objective_id in led_objectives
    by_area: dict[int, list[ActionStep]] = {}
    for step in steps:
        by_area.setdefault(step.objective.goal.priority_id, []).append(step)
    areas = [(area, by_area.get(area.priority.pk, [])) for area in rollup.areas]
    context = {
        "workshop": workshop,
        "plan": plan,
        "rollup": rollup,
        "areas": [(area, listed) for area, listed in areas if area.tally.total or listed],
        "mine": [step for step in steps if step.mine],
        "overdue": [step for step in steps if step.is_overdue],
        "measures": measures,
        "today": today,
    }
    return TemplateResponse(request, "actionplans/progress.html", context)


def signed(entries) -> list:
    """Updates or readings, each with ``by``: who posted it, in words."""
    entries = list(entries)
    for entry in entries:
        entry.by = plans.who(entry.author)
    return entries


# --- a step's progress -------------------------------------------------------------------------


def successor(model, workshop: Workshop, plan: ActionPlan, item_id: int) -> int | None:
    """What an earlier version's step or measure became in ``plan`` (the current version),
    following each copy's ``origin``; None if it is no item of this workshop's plans or was
    left out. A query per version in between, only for an id not in the current version."""
    ids = [item_id]
    for _ in range(plan.number):
        later = model.objects.filter(origin_id__in=ids, objective__goal__plan__workshop=workshop)
        rows = list(later.values_list("pk", "objective__goal__plan_id"))
        current = [pk for pk, plan_id in rows if plan_id == plan.pk]
        if current:
            return current[0]
        ids = [pk for pk, _plan_id in rows]
        if not ids:
            return None
    return None


def moved_on(
    request: HttpRequest, workshop: Workshop, plan: ActionPlan, model, item_id: int
) -> HttpResponse:
    """For a GET of an earlier version's item (a bookmark, a reminder email): 302 to what it
    became in the current version, with a word why; else the 404."""
    found = successor(model, workshop, plan, item_id) if request.method == "GET" else None
    if found is None:
        raise Http404("No such item in the current version of the plan.")
    name = "step_progress" if model is ActionStep else "measure"
    messages.info(
        request,
        gettext("That page was of an earlier version of the plan: here it is in version %(n)s.")
        % {"n": plan.number},
    )
    return redirect(reverse(f"actionplans:{name}", args=[workshop.code, found]))


def step_in(plan: ActionPlan, step_id: int) -> ActionStep:
    """A step of the plan (404 for any other, another workshop's included)."""
    steps = ActionStep.objects.filter(objective__goal__plan=plan).select_related(
        "objective__goal__priority", "lead_member__user"
    )
    return get_object_or_404(steps, pk=step_id)


@workshop_view(Perm.PARTICIPATE)
@require_http_methods(["GET", "POST"])
def step_progress(request: HttpRequest, workshop: Workshop, step_id: int) -> HttpResponse:
    """The form to post progress on a step, and the step's updates so far."""
    plan = plans.current_plan(workshop)
    try:
        step = step_in(plan, step_id)
    except Http404:
        return moved_on(request, workshop, plan, ActionStep, step_id)
    if not progress.can_report(request.access, step):
        raise PermissionDenied("Only the step's lead and the plan's editors post its progress.")
    form = UpdateForm(request.POST if request.method == "POST" else None, step=step)
    if form.is_valid():
        data = form.cleaned_data
        update = progress.post_update(step, request.user, data["status"], data["on"], data["note"])
        message = gettext("Progress posted: %(title)s — %(status)s.") % {
            "title": step.title,
            "status": update.get_status_display(),
        }
        if step.status != update.status:  # a later update decides the step's status
            message += " " + gettext(
                "It is dated before the latest update, so it goes into the history and the "
                "step stays %(status)s."
            ) % {"status": step.get_status_display()}
        messages.success(request, message)
        return redirect(progress_url(workshop, f"step-{step.pk}"))
    context = {
        "workshop": workshop,
        "plan": plan,
        "step": step,
        "form": form,
        "updates": signed(step.updates.select_related("author")),
    }
    return TemplateResponse(request, "actionplans/progress_step.html", context)


# --- a measure's readings ----------------------------------------------------------------------


def measure_in(plan: ActionPlan, measure_id: int) -> Measure:
    measures = Measure.objects.filter(objective__goal__plan=plan).select_related(
        "objective__goal__priority"
    )
    return get_object_or_404(measures, pk=measure_id)


def chart_data(measure: Measure, benchmarks: list, readings: list, start) -> ChartData:
    return ChartData(
        title=measure.title,
        unit=measure.unit,
        start=start,
        baseline=measure.baseline,
        target=measure.target,
        target_on=measure.objective.target_date,
        benchmarks=tuple((b.due, b.value, b.description) for b in benchmarks),
        readings=tuple((r.on, r.value) for r in readings if r.value is not None),
        expected=tuple(progress.trajectory(measure, benchmarks, start)),
    )


def shown(value, unit: str) -> str:
    return "" if value is None else with_unit(value, unit)


def measure_response(
    request: HttpRequest, workshop: Workshop, plan: ActionPlan, measure: Measure, form=None
) -> TemplateResponse:
    today = timezone.localdate()
    start = progress.start_of(plan)
    benchmarks = list(measure.benchmarks.all())
    readings = signed(measure.readings.select_related("author"))
    recordable = progress.can_record(request.access, measure) and request.access.can(
        Perm.PARTICIPATE
    )
    if recordable and form is None:
        form = ReadingForm(measure=measure)
    for reading in readings:
        reading.shown = shown(reading.value, measure.unit)
    context = {
        "workshop": workshop,
        "plan": plan,
        "measure": measure,
        "baseline": shown(measure.baseline, measure.unit),
        "target": shown(measure.target, measure.unit),
        "status": progress.measure_status(measure, readings, benchmarks, today, start),
        "benchmarks": benchmarks,
        "readings": readings[::-1],
        "form": form if recordable else None,
        "today": today,
    }
    if measure.kind == Measure.Kind.QUANTITATIVE:
        data = chart_data(measure, benchmarks, readings, start)
        context["chart"] = measure_svg(data, today=today)
        context["rows"] = table_rows(data)
    return TemplateResponse(request, "actionplans/measure.html", context)


@workshop_view(Perm.VIEW)
@require_GET
def measure(request: HttpRequest, workshop: Workshop, measure_id: int) -> HttpResponse:
    plan = plans.current_plan(workshop)
    try:
        found = measure_in(plan, measure_id)
    except Http404:
        return moved_on(request, workshop, plan, Measure, measure_id)
    return measure_response(request, workshop, plan, found)


@workshop_view(Perm.PARTICIPATE)
@require_POST
def reading_add(request: HttpRequest, workshop: Workshop, measure_id: int) -> HttpResponse:
    """Add a reading; with errors, the measure's page again with them next to the fields."""
    plan = plans.current_plan(workshop)
    found = measure_in(plan, measure_id)
    if not progress.can_record(request.access, found):
        raise PermissionDenied("Only the plan's editors and the objective's leads add readings.")
    form = ReadingForm(request.POST, measure=found)
    if form.is_valid():
        data = form.cleaned_data
        progress.add_reading(found, request.user, data["on"], data.get("value"), data["note"])
        messages.success(request, gettext("Reading added: %(title)s.") % {"title": found})
        return redirect(reverse("actionplans:measure", args=[workshop.code, found.pk]))
    return measure_response(request, workshop, plan, found, form)
