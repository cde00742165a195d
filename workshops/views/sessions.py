"""The workshop's format and sessions: generation, pages, agenda editing, calendars, debriefs."""

from datetime import datetime, timedelta

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.text import slugify
from icalendar import Calendar

from workshops.access import Perm, workshop_view
from workshops.calendar import build_calendar
from workshops.formats import (
    DEFAULT_START_TIME,
    HeldSessionsError,
    apply_plan,
    diff_plans,
    sessions_fingerprint,
)
from workshops.forms.sessions import (
    AgendaFormSet,
    BaseAgendaFormSet,
    DebriefForm,
    FormatForm,
    SessionForm,
    numbers_text,
)
from workshops.models import AgendaItem, Debrief, Workshop, WorkshopSession


def format_initial(workshop: Workshop, sessions: list[WorkshopSession]) -> dict:
    """The current choice, so that changing one thing does not mean retyping everything."""
    initial: dict = {"format": workshop.format or None, "first_day": workshop.target_start}
    if sessions:
        first = timezone.localtime(sessions[0].starts_at)
        initial["first_day"] = first.date()
        if first.time() != DEFAULT_START_TIME[sessions[0].mode]:
            initial["start_time"] = first.time()
        initial["meeting_link"] = next((s.meeting_link for s in sessions if s.meeting_link), "")
        initial["location"] = next((s.location for s in sessions if s.location), "")
    return initial


@workshop_view(Perm.PREPARE)
def format_choice(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    """Choose the format; a confirmation step shows the sessions it generates and what changes."""
    existing = list(workshop.sessions.order_by("number"))
    held = [session.number for session in existing if session.has_happened]
    if request.method != "POST":
        form = FormatForm(initial=format_initial(workshop, existing), held=held)
        return format_page(request, workshop, form, existing, held)
    form = FormatForm(request.POST, held=held)
    if not form.is_valid() or "edit" in request.POST:
        return format_page(request, workshop, form, existing, held)
    data = form.cleaned_data
    plans = form.plans()
    fingerprint = sessions_fingerprint(existing)
    if request.POST.get("confirm") == "1":
        if request.POST.get("seen") != fingerprint:
            messages.warning(
                request, "The sessions changed while you were looking. Check the changes again."
            )
        else:
            try:
                apply_plan(workshop, data["format"], plans, data["meeting_link"], data["location"])
            except HeldSessionsError as error:
                form.add_error(
                    None,
                    f"Session {numbers_text(error.args[0])} has already happened, so the format "
                    "can no longer change.",
                )
                return format_page(request, workshop, form, existing, held)
            messages.success(
                request,
                f"Format set to {workshop.get_format_display()}: "
                f"{len(plans)} session{'s' if len(plans) != 1 else ''} scheduled.",
            )
            return redirect("workshops:sessions", workshop.code)
    context = {
        "workshop": workshop,
        "form": form,
        "plans": plans,
        "format_label": Workshop.Format(data["format"]).label,
        "changes": diff_plans(existing, plans, data["meeting_link"], data["location"]),
        "existing": existing,
        "fingerprint": fingerprint,
    }
    return TemplateResponse(request, "workshops/format_confirm.html", context)


def format_page(
    request: HttpRequest,
    workshop: Workshop,
    form: FormatForm,
    existing: list[WorkshopSession],
    held: list[int],
) -> TemplateResponse:
    context = {"workshop": workshop, "form": form, "sessions": existing, "held": held}
    return TemplateResponse(request, "workshops/format.html", context)


@workshop_view(Perm.VIEW)
def session_list(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    sessions = workshop.sessions.annotate(
        has_debrief=Exists(Debrief.objects.filter(session=OuterRef("pk")))
    ).order_by("number")
    context = {"workshop": workshop, "sessions": sessions}
    return TemplateResponse(request, "workshops/session_list.html", context)


def timed_agenda(session: WorkshopSession) -> list[tuple[AgendaItem, datetime, datetime]]:
    """Agenda items with their clock times: (item, starts, ends)."""
    rows = []
    at = session.starts_at
    for item in session.agenda.all():
        ends = at + timedelta(minutes=item.minutes)
        rows.append((item, at, ends))
        at = ends
    return rows


@workshop_view(Perm.VIEW)
def session_detail(request: HttpRequest, workshop: Workshop, number: int) -> HttpResponse:
    session = get_object_or_404(workshop.sessions, number=number)
    numbers = list(workshop.sessions.order_by("number").values_list("number", flat=True))
    index = numbers.index(number)
    agenda = timed_agenda(session)
    context = {
        "workshop": workshop,
        "session": session,
        "agenda": agenda,
        "agenda_minutes": sum(item.minutes for item, _, _ in agenda),
        "previous_number": numbers[index - 1] if index > 0 else None,
        "next_number": numbers[index + 1] if index + 1 < len(numbers) else None,
    }
    if request.access.can(Perm.RUN):
        debriefs = Debrief.objects.filter(session__workshop=workshop, session__number__lte=number)
        latest = list(debriefs.select_related("session").order_by("-session__number")[:2])
        context["debrief"] = next((d for d in latest if d.session_id == session.pk), None)
        context["previous_debrief"] = next((d for d in latest if d.session_id != session.pk), None)
    return TemplateResponse(request, "workshops/session_detail.html", context)


def neighbours(
    workshop: Workshop, number: int
) -> tuple[WorkshopSession | None, WorkshopSession | None]:
    """The sessions just before and after ``number``, which bound where it may move."""
    previous = workshop.sessions.filter(number__lt=number).order_by("-number").first()
    following = workshop.sessions.filter(number__gt=number).order_by("number").first()
    return previous, following


@workshop_view(Perm.PREPARE)
def session_edit(request: HttpRequest, workshop: Workshop, number: int) -> HttpResponse:
    """When and where a session happens, and its agenda (rows added, removed, reordered)."""
    session = get_object_or_404(workshop.sessions, number=number)
    previous, following = neighbours(workshop, number)
    if request.method != "POST":
        form = SessionForm(instance=session, previous=previous, following=following)
        formset = AgendaFormSet(instance=session, prefix="agenda")
        return session_edit_page(request, workshop, session, form, formset)
    data = request.POST
    if "add_row" in data:
        data = data.copy()
        total = data.get("agenda-TOTAL_FORMS", "")
        if total.isdigit():
            data["agenda-TOTAL_FORMS"] = str(int(total) + 1)
    form = SessionForm(data, instance=session, previous=previous, following=following)
    formset = AgendaFormSet(data, instance=session, prefix="agenda")
    if not formset.management_form.is_valid():
        form.is_valid()
        form.add_error(None, "The agenda could not be read, so it was reloaded: save again.")
        formset = AgendaFormSet(instance=session, prefix="agenda")
        return session_edit_page(request, workshop, session, form, formset)
    if form.is_valid():
        formset.duration = form.cleaned_data["duration_minutes"]
    if not formset.is_valid() or not form.is_valid() or "add_row" in data:
        return session_edit_page(request, workshop, session, form, formset)
    form.save()
    formset.save()
    items = list(session.agenda.order_by("order", "id"))
    for order, item in enumerate(items, start=1):
        item.order = order
    AgendaItem.objects.bulk_update(items, ["order"])
    messages.success(request, f"Session {number} saved.")
    return redirect("workshops:session", workshop.code, number)


def session_edit_page(
    request: HttpRequest,
    workshop: Workshop,
    session: WorkshopSession,
    form: SessionForm,
    formset: BaseAgendaFormSet,
) -> TemplateResponse:
    context = {"workshop": workshop, "session": session, "form": form, "formset": formset}
    return TemplateResponse(request, "workshops/session_edit.html", context)


def ics_response(calendar: Calendar, filename: str) -> HttpResponse:
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@workshop_view(Perm.VIEW)
def session_ics(request: HttpRequest, workshop: Workshop, number: int) -> HttpResponse:
    session = get_object_or_404(workshop.sessions.prefetch_related("agenda"), number=number)
    filename = f"{slugify(workshop.title) or 'workshop'}-session-{number}.ics"
    return ics_response(build_calendar(workshop, [session]), filename)


@workshop_view(Perm.VIEW)
def series_ics(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    sessions = list(workshop.sessions.prefetch_related("agenda").order_by("number"))
    filename = f"{slugify(workshop.title) or 'workshop'}-sessions.ics"
    return ics_response(build_calendar(workshop, sessions), filename)


@workshop_view(Perm.RUN)
def debrief(request: HttpRequest, workshop: Workshop, number: int) -> HttpResponse:
    """The team's debrief of a session, saved with compare-and-update on ``version``."""
    session = get_object_or_404(workshop.sessions, number=number)
    next_session = workshop.sessions.filter(number__gt=number).order_by("number").first()
    context = {"workshop": workshop, "session": session, "next_session": next_session}
    if request.method != "POST":
        stored = Debrief.objects.select_related("recorded_by").filter(session=session).first()
        form = DebriefForm(instance=stored, initial={"version": stored.version if stored else 0})
        return debrief_page(request, context, form, stored)
    form = DebriefForm(request.POST)
    if not form.is_valid():
        stored = Debrief.objects.select_related("recorded_by").filter(session=session).first()
        return debrief_page(request, context, form, stored)
    answers = {name: form.cleaned_data[name] for name in DebriefForm.Meta.fields}
    # A locked read and a version check, then save(): compare-and-update that still goes
    # through save() so that the debrief's history records who changed what.
    stored = Debrief.objects.select_for_update().filter(session=session).first()
    stored_version = stored.version if stored else 0
    if form.cleaned_data["version"] == stored_version:
        debrief = stored or Debrief(session=session)
        for name, value in answers.items():
            setattr(debrief, name, value)
        debrief.recorded_by = request.user
        debrief.version = stored_version + 1
        try:
            with transaction.atomic():
                debrief.save()
        except IntegrityError:  # someone else recorded the first version meanwhile
            stored = Debrief.objects.filter(session=session).first()
        else:
            messages.success(request, f"Debrief of session {number} saved.")
            return redirect("workshops:session", workshop.code, number)
    return debrief_conflict(request, context, form, session)


def debrief_conflict(
    request: HttpRequest, context: dict, form: DebriefForm, session: WorkshopSession
) -> TemplateResponse:
    """Someone saved first: show their version and keep ours in the form to merge by hand."""
    stored = Debrief.objects.select_related("recorded_by").filter(session=session).first()
    data = request.POST.copy()
    data["version"] = str(stored.version if stored else 0)
    form = DebriefForm(data)
    form.is_valid()
    if stored is None:
        form.add_error(None, "This debrief was removed meanwhile: save again to record yours.")
        return debrief_page(request, context, form, stored)
    context["conflict"] = [
        (form[name].label, getattr(stored, name)) for name in DebriefForm.Meta.fields
    ]
    return debrief_page(request, context, form, stored)


def debrief_page(
    request: HttpRequest, context: dict, form: DebriefForm, stored: Debrief | None
) -> TemplateResponse:
    context = {**context, "form": form, "stored": stored}
    return TemplateResponse(request, "workshops/debrief.html", context)
