"""Completion tracking: who has answered the survey and filled the data table, and reminders.

Facilitators and the committee see every participant by system with the state of their survey
and data-table row, and email reminders (with a fresh magic link) to those who have not finished.
Facilitators close the survey when the workshop starts, and can reopen it.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.core.mail import EmailMessage
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessments.instruments import survey_for
from assessments.models import DataRow, Reminder, Response, Section
from workshops.access import Perm, workshop_view
from workshops.links import MAIL_FAILED, link_email
from workshops.models import Membership, System, Workshop

PARTICIPANT = Membership.Role.PARTICIPANT


@dataclass
class Status:
    """Where one participant is with the survey and the data table."""

    membership: Membership
    response: Response | None
    data_row: DataRow | None
    last_reminder: datetime | None
    reminders: int

    @property
    def survey(self) -> str:
        if self.response is None:
            return "not_opened"
        return "submitted" if self.response.submitted_at else "started"

    @property
    def data(self) -> str:
        if self.data_row is None:
            return "not_started"
        return "complete" if self.data_row.submitted_at else "in_progress"

    @property
    def survey_done(self) -> bool:
        return self.survey == "submitted"

    @property
    def data_done(self) -> bool:
        return self.data == "complete"

    @property
    def finished(self) -> bool:
        return self.survey_done and self.data_done


def statuses(workshop: Workshop, survey, members=None) -> list[Status]:
    """Every participant's status, from four queries whatever their number."""
    if members is None:
        members = workshop.memberships.filter(role=PARTICIPANT).select_related("user", "system")
    members = list(members)
    ids = [m.pk for m in members]
    responses = {
        r.membership_id: r
        for r in Response.objects.filter(survey=survey, membership_id__in=ids).only(
            "membership_id", "last_section", "started_at", "updated_at", "submitted_at"
        )
    }
    rows = {
        r.membership_id: r
        for r in DataRow.objects.filter(workshop=workshop, membership_id__in=ids).only(
            "membership_id", "updated_at", "submitted_at"
        )
    }
    reminded = {
        row["membership_id"]: row
        for row in Reminder.objects.filter(membership_id__in=ids)
        .values("membership_id")
        .annotate(last=Max("sent_at"), count=Count("pk"))
        .order_by()
    }
    return [
        Status(
            m,
            responses.get(m.pk),
            rows.get(m.pk),
            reminded.get(m.pk, {}).get("last"),
            reminded.get(m.pk, {}).get("count", 0),
        )
        for m in members
    ]


def completion_redirect(workshop: Workshop) -> HttpResponse:
    return redirect("assessments:completion", workshop.code)


@workshop_view(Perm.PREPARE)
def completion(request: HttpRequest, workshop: Workshop) -> TemplateResponse:
    survey = survey_for(workshop)
    people = statuses(workshop, survey)
    by_system: dict[int | None, list[Status]] = {}
    for status in people:
        by_system.setdefault(status.membership.system_id, []).append(status)
    systems = [(s, by_system[s.pk]) for s in System.objects.order_by("order", "name")
               if s.pk in by_system]  # fmt: skip
    context = {
        "workshop": workshop,
        "survey": survey,
        "section_count": Section.objects.filter(instrument_id=survey.instrument_id).count(),
        "systems": systems,
        "without_system": by_system.get(None, []),
        "total": len(people),
        "submitted": sum(1 for s in people if s.survey_done),
        "started": sum(1 for s in people if s.survey == "started"),
        "data_complete": sum(1 for s in people if s.data_done),
        "unfinished": sum(1 for s in people if not s.finished and s.membership.user.email),
    }
    return TemplateResponse(request, "assessments/completion.html", context)


def reminder_email(status: Status) -> EmailMessage:
    subject = f"Reminder: your survey and data for {status.membership.workshop.title}"
    return link_email(status.membership, subject, "emails/reminder.txt", status=status)


def send_reminder(status: Status, sender) -> None:
    """Emails a reminder with a fresh magic link and records it; OSError when mail fails."""
    reminder_email(status).send()
    membership = status.membership
    Reminder.objects.create(membership=membership, sent_by=sender)
    membership.last_link_sent_at = timezone.now()
    membership.save(update_fields=["last_link_sent_at"])


def with_workshop(workshop: Workshop, members):
    """Participants with the workshop the emails need, already loaded."""
    return members.filter(role=PARTICIPANT).select_related("user", "system", "workshop__county")


@workshop_view(Perm.PREPARE)
@require_POST
def remind(request: HttpRequest, workshop: Workshop, member_id: int) -> HttpResponse:
    membership = get_object_or_404(with_workshop(workshop, workshop.memberships), pk=member_id)
    (status,) = statuses(workshop, survey_for(workshop), [membership])
    name = membership.display_name
    if status.finished:
        messages.info(request, f"{name} has already finished the survey and the data table.")
    elif not membership.user.email:
        messages.error(request, f"{name} has no email address: add one on the roster.")
    else:
        try:
            send_reminder(status, request.user)
        except OSError as error:
            messages.error(request, MAIL_FAILED.format(membership.user.email, error))
        else:
            messages.success(request, f"Reminder sent to {name} ({membership.user.email}).")
    return completion_redirect(workshop)


@workshop_view(Perm.PREPARE)
@require_POST
def remind_all(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    members = with_workshop(workshop, workshop.memberships).exclude(user__email="")
    pending = [s for s in statuses(workshop, survey_for(workshop), members) if not s.finished]
    sent = 0
    for status in pending:
        try:
            send_reminder(status, request.user)
        except OSError as error:
            messages.error(request, MAIL_FAILED.format(status.membership.user.email, error))
            break
        sent += 1
    if sent:
        messages.success(request, f"Sent {sent} reminder{'s' if sent != 1 else ''}.")
    elif not pending:
        messages.info(
            request, "Everyone with an email address has already finished: nothing was sent."
        )
    return completion_redirect(workshop)


@workshop_view(Perm.RUN)
@require_POST
def survey_close(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    survey = survey_for(workshop)
    action = request.POST.get("action", "")
    if action == "close":
        if survey.is_open:
            survey.closed_at = timezone.now()
            survey.closed_by = request.user
            survey.save(update_fields=["closed_at", "closed_by"])
        messages.success(request, "The survey is closed: participants can no longer answer.")
    elif action == "reopen":
        if not survey.is_open:
            survey.closed_at = None
            survey.closed_by = None
            survey.save(update_fields=["closed_at", "closed_by"])
        messages.success(request, "The survey is open again: participants can change answers.")
    else:
        messages.error(request, "Choose to close or to reopen the survey.")
    return completion_redirect(workshop)
