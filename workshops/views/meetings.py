"""Planning-committee meetings: schedule them, tick the five topics, keep notes and decisions."""

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.db.models import Count, F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.views.decorators.http import require_http_methods

from workshops.access import Perm, workshop_view
from workshops.forms.meetings import MeetingForm, MeetingScheduleForm
from workshops.models import Meeting, Workshop
from workshops.stages import topics_not_reviewed

MEETING_INTERVAL = timedelta(weeks=1)
DEFAULT_MEETING_TIME = time(10, 0)


@workshop_view(Perm.PREPARE)
def meeting_list(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    meetings = list(
        workshop.meetings.annotate(attendee_count=Count("attendees")).order_by("scheduled_at")
    )
    now = timezone.now()
    context = {
        "workshop": workshop,
        "meetings": meetings,
        "upcoming": next((m for m in meetings if m.scheduled_at >= now), None),
        "topics_missing": topics_not_reviewed(meetings),
        "topic_total": len(Meeting.Topic),
    }
    return TemplateResponse(request, "workshops/meeting_list.html", context)


def _suggestion(workshop: Workshop, after_id: str | None) -> dict:
    """A week after the given (or the last) meeting, at the same time and place."""
    previous = None
    if after_id and after_id.isdigit():
        previous = workshop.meetings.filter(pk=int(after_id)).first()
    previous = previous or workshop.meetings.order_by("-scheduled_at").first()
    if previous is None:
        day = timezone.localdate() + MEETING_INTERVAL
        return {"scheduled_at": timezone.make_aware(datetime.combine(day, DEFAULT_MEETING_TIME))}
    # Same wall-clock time a week later, also across a daylight-saving change.
    local = timezone.localtime(previous.scheduled_at)
    return {
        "scheduled_at": timezone.make_aware(
            datetime.combine(local.date() + MEETING_INTERVAL, local.time())
        ),
        "duration_minutes": previous.duration_minutes,
        "place": previous.place,
    }


@workshop_view(Perm.PREPARE)
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = MeetingScheduleForm(
        data,
        instance=Meeting(workshop=workshop),
        initial=_suggestion(workshop, request.GET.get("after")),
    )
    if form.is_valid():
        meeting = form.save()
        messages.success(
            request,
            f"Meeting scheduled for {date_format(localtime(meeting.scheduled_at), 'F j, P')}.",
        )
        return redirect("workshops:meeting", workshop.code, meeting.pk)
    return TemplateResponse(
        request, "workshops/meeting_form.html", {"workshop": workshop, "form": form}
    )


@workshop_view(Perm.PREPARE)
@require_http_methods(["GET", "POST"])
def meeting_detail(request: HttpRequest, workshop: Workshop, meeting_id: int) -> HttpResponse:
    meeting = get_object_or_404(workshop.meetings, pk=meeting_id)
    scheduled_at = meeting.scheduled_at
    conflict = None
    status = 200
    if request.method == "POST":
        form = MeetingForm(request.POST, instance=meeting, workshop=workshop)
        if form.is_valid():
            version = form.cleaned_data["version"]
            # Claim the version first: whoever saved in between makes this update no row.
            claimed = Meeting.objects.filter(pk=meeting.pk, version=version).update(
                version=F("version") + 1
            )
            if claimed:
                meeting = form.save(commit=False)
                meeting.version = version + 1
                meeting.save()
                form.save_m2m()
                messages.success(request, "Meeting saved.")
                return redirect("workshops:meeting", workshop.code, meeting.pk)
            stored = Meeting.objects.get(pk=meeting.pk)
            conflict = {"stored": stored, "theirs": form.cleaned_data}
            data = request.POST.copy()
            data["version"] = str(stored.version)
            form = MeetingForm(data, instance=stored, workshop=workshop)
            scheduled_at = stored.scheduled_at
            status = 409
    else:
        form = MeetingForm(instance=meeting, workshop=workshop)
    following = (
        workshop.meetings.filter(scheduled_at__gt=scheduled_at).order_by("scheduled_at").first()
    )
    context = {
        "workshop": workshop,
        "meeting": meeting,
        "scheduled_at": scheduled_at,
        "form": form,
        "conflict": conflict,
        "next_meeting": following,
    }
    return TemplateResponse(request, "workshops/meeting_detail.html", context, status=status)
