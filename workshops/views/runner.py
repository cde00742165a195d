"""The live session runner: facilitators step through the agenda, participants' screens follow.

Participants' screens poll ``live_poll`` every two seconds with the version they show; the
answer is "204 No Content" (one small query) until the facilitator moves, then the new activity.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from assessments.results import live_results
from workshops.access import Perm, workshop_view
from workshops.models import FrameworkSection, Workshop, WorkshopSession
from workshops.runner import LiveState, RunnerError, live_state, move

POLL_SECONDS = 2


def activity_context(state: LiveState) -> dict:
    """What the current activity needs to be shown (later issues add theirs here)."""
    context: dict = {"state": state, "poll_seconds": POLL_SECONDS}
    if state.item is not None and state.item.activity == "framework":
        context["framework"] = FrameworkSection.objects.all()
    if state.item is not None and state.item.activity == "assessment":
        context["results"] = live_results(state.session.workshop_id)
    return context


@workshop_view(Perm.RUN)
def runner(request: HttpRequest, workshop: Workshop, number: int) -> TemplateResponse:
    session = get_object_or_404(workshop.sessions, number=number)
    agenda = list(session.agenda.all())
    other_live = workshop.sessions.live().exclude(pk=session.pk)
    live = session.is_live
    state = LiveState(session if live else None, session.current_item if live else None)
    context = {
        "workshop": workshop,
        "session": session,
        "agenda": agenda,
        "other_live": other_live.first(),
        **activity_context(state),
    }
    template = "workshops/runner.html"
    if request.htmx:
        template += "#console"
    return TemplateResponse(request, template, context)


@workshop_view(Perm.RUN)
@require_POST
def runner_move(request: HttpRequest, workshop: Workshop, number: int) -> HttpResponse:
    session = get_object_or_404(workshop.sessions, number=number)
    try:
        move(session, request.POST.get("action", ""), request.POST.get("item"))
    except RunnerError as error:
        messages.error(request, str(error))
    return redirect("workshops:runner", workshop.code, number)


@workshop_view(Perm.VIEW)
def live(request: HttpRequest, workshop: Workshop) -> TemplateResponse:
    state = live_state(workshop)
    upcoming = None
    if state.session is None:
        upcoming = (
            workshop.sessions.filter(live_started_at__isnull=True).order_by("starts_at").first()
        )
    context = {"workshop": workshop, "upcoming": upcoming, **activity_context(state)}
    return TemplateResponse(request, "workshops/live.html", context)


@workshop_view(Perm.VIEW)
def live_poll(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    if not request.htmx:
        return redirect("workshops:live", workshop.code)
    shown = request.GET.get("v", "")
    current = (
        WorkshopSession.objects.live()
        .filter(workshop=workshop)
        .values_list("pk", "live_version")
        .first()
    )
    if shown == LiveState.version_key(current):
        return HttpResponse(status=204)
    state = live_state(workshop)
    context = {"workshop": workshop, **activity_context(state)}
    return TemplateResponse(request, "workshops/live.html#screen", context)
