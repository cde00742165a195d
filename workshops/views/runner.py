"""The live session runner: facilitators step through the agenda, participants' screens follow.

Participants' screens poll ``live_poll`` every two seconds with the version they show; the
answer is "204 No Content" (one small query) until the facilitator moves or, the map being part
of the version, until someone edits the map; then the new screen.
"""

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from actionplans.voting import voting_context
from assessments import maps
from assessments.mapsvg import render_map
from assessments.results import live_results
from assessments.views.maps import map_desc, map_title
from workshops.access import Perm, workshop_view
from workshops.models import Activity, FrameworkSection, Membership, Workshop, WorkshopSession
from workshops.runner import MAP_VERSION, LiveState, RunnerError, live_state, move, with_map_version

POLL_SECONDS = 2


def activity_context(
    workshop: Workshop,
    state: LiveState,
    membership: Membership | None = None,
    next_url: str | None = None,
) -> dict:
    """What the current activity needs to be shown to ``membership`` (None: the state team).

    ``next_url`` is where the activity's plain (no-JS) forms come back to.
    """
    context: dict = {"state": state, "poll_seconds": POLL_SECONDS}
    activity = state.item.activity if state.item is not None else None
    if activity == Activity.FRAMEWORK:
        context["framework"] = FrameworkSection.objects.all()
    elif activity == Activity.ASSESSMENT:
        context["results"] = live_results(workshop.pk)
    elif activity == Activity.MAPPING:
        data = maps.load_map(workshop)
        context["map"] = data
        context["map_svg"] = render_map(data, title=map_title(workshop), desc=map_desc(data))
    elif activity in (Activity.GAPS, Activity.VOTING):
        # Proposing gaps and voting on them share one live board of the gaps and their dots.
        context.update(voting_context(workshop, membership, next_url))
    elif activity == Activity.ACTION_PLAN:
        context["priorities"] = workshop.priorities.annotate(goal_count=Count("goals"))
    return context


# After a move, the control that keeps the focus: the same one, or "next" (after start and
# "Show"), or "start" (after the end).
FOCUS_AFTER = {"prev": "prev", "next": "next", "start": "next", "goto": "next", "end": "start"}


@workshop_view(Perm.RUN)
def runner(request: HttpRequest, workshop: Workshop, number: int) -> TemplateResponse:
    session = get_object_or_404(with_map_version(workshop.sessions), number=number)
    agenda = list(session.agenda.all())
    other_live = workshop.sessions.live().exclude(pk=session.pk)
    live = session.is_live
    state = (
        LiveState(session, session.current_item, session.map_version)
        if live
        else LiveState(None, None)
    )
    context = {
        "workshop": workshop,
        "session": session,
        "agenda": agenda,
        "other_live": other_live.first(),
        "focus": request.GET.get("focus") if request.GET.get("focus") in FOCUS_AFTER else None,
        **activity_context(
            workshop,
            state,
            request.access.membership,
            reverse("workshops:runner", args=[workshop.code, number]),
        ),
    }
    if state.item is not None and state.item.activity == Activity.MAPPING:
        context["pending_suggestions"] = maps.pending_count(workshop)
    template = "workshops/runner.html"
    if request.htmx:
        template += "#console"
    return TemplateResponse(request, template, context)


@workshop_view(Perm.RUN)
@require_POST
def runner_move(request: HttpRequest, workshop: Workshop, number: int) -> HttpResponse:
    session = get_object_or_404(workshop.sessions, number=number)
    action = request.POST.get("action", "")
    try:
        move(session, action, request.POST.get("item"))
    except RunnerError as error:
        messages.error(request, str(error))
    # The page comes back with the focus on the control to press next (FOCUS_AFTER), not at
    # the top: a keyboard user moves through a session by pressing Enter again.
    url = reverse("workshops:runner", args=[workshop.code, number])
    return redirect(f"{url}?focus={FOCUS_AFTER.get(action, 'next')}")


@workshop_view(Perm.VIEW)
def live(request: HttpRequest, workshop: Workshop) -> TemplateResponse:
    state = live_state(workshop)
    upcoming = None
    if state.session is None:
        upcoming = (
            workshop.sessions.filter(live_started_at__isnull=True).order_by("starts_at").first()
        )
    context = {
        "workshop": workshop,
        "upcoming": upcoming,
        **activity_context(workshop, state, request.access.membership),
    }
    return TemplateResponse(request, "workshops/live.html", context)


@workshop_view(Perm.VIEW)
def live_poll(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    if not request.htmx:
        return redirect("workshops:live", workshop.code)
    shown = request.GET.get("v", "")
    current = (
        WorkshopSession.objects.live()
        .filter(workshop=workshop)
        .values_list("pk", "live_version", MAP_VERSION)
        .first()
    )
    if shown == LiveState.version_key(current):
        return HttpResponse(status=204)
    state = live_state(workshop)
    context = {
        "workshop": workshop,
        **activity_context(workshop, state, request.access.membership),
    }
    return TemplateResponse(request, "workshops/live.html#screen", context)
