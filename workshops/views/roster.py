"""The roster of participants, by system, and their email invitations."""

from django.contrib import messages
from django.db.models import ProtectedError, RestrictedError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from workshops.access import Perm, workshop_view
from workshops.forms.roster import CSV_COLUMNS, ParticipantForm, RosterImportForm
from workshops.links import MAIL_FAILED
from workshops.models import Membership, System, Workshop
from workshops.roster import (
    PARTICIPANT,
    AlreadyOnRoster,
    RosterFull,
    add_participants,
    send_invitation,
    update_participant,
)

VOICE_NAMES = {"caregivers": "caregiver voice", "youth": "youth voice"}


def roster_redirect(workshop: Workshop) -> HttpResponse:
    return redirect("workshops:roster", code=workshop.code)


def posted(request: HttpRequest) -> dict | None:
    """The form data of a POST, even an empty one (which then shows what is required)."""
    return request.POST if request.method == "POST" else None


def participant_or_404(workshop: Workshop, member_id: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user", "system", "workshop__county__state"),
        pk=member_id,
        workshop=workshop,
        role=PARTICIPANT,
    )


@workshop_view(Perm.PREPARE)
def roster(request: HttpRequest, workshop: Workshop) -> TemplateResponse:
    members = list(workshop.memberships.select_related("user", "system"))
    participants = [m for m in members if m.role == PARTICIPANT]
    by_system: dict[int | None, list[Membership]] = {}
    for participant in participants:
        by_system.setdefault(participant.system_id, []).append(participant)
    systems = [(system, by_system.get(system.pk, [])) for system in System.objects.all()]
    missing = [system for system, people in systems if not people]
    missing_voice = [system for system in missing if system.is_voice]
    context = {
        "workshop": workshop,
        "systems": systems,
        "without_system": by_system.get(None, []),
        "participant_count": len(participants),
        "missing": missing,
        "missing_voice": missing_voice,
        "missing_voice_names": " and ".join(
            VOICE_NAMES.get(system.slug, f"{system.name.lower()} voice") for system in missing_voice
        ),
        "not_invited": sum(1 for p in participants if p.invited_at is None and p.user.email),
        "team": [m for m in members if m.role != PARTICIPANT],
        "is_full": len(participants) >= workshop.max_participants,
        "columns": ",".join(CSV_COLUMNS),
    }
    return TemplateResponse(request, "workshops/roster.html", context)


@workshop_view(Perm.PREPARE)
def roster_add(request: HttpRequest, workshop: Workshop) -> TemplateResponse | HttpResponse:
    form = ParticipantForm(posted(request), workshop=workshop)
    if request.method == "POST" and form.is_valid():
        try:
            (added,) = add_participants(workshop, [form.person()])
        except RosterFull as error:
            form.add_error(None, str(error))
        except AlreadyOnRoster:
            form.add_error("email", "This person is already on the roster.")
        else:
            messages.success(request, f"{added.display_name} is on the roster.")
            return roster_redirect(workshop)
    return TemplateResponse(
        request, "workshops/roster_form.html", {"workshop": workshop, "form": form}
    )


@workshop_view(Perm.PREPARE)
def roster_import(request: HttpRequest, workshop: Workshop) -> TemplateResponse | HttpResponse:
    form = RosterImportForm(posted(request), request.FILES or None, workshop=workshop)
    if request.method == "POST" and form.is_valid():
        try:
            added = add_participants(workshop, form.people)
        except (RosterFull, AlreadyOnRoster) as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"Added {len(added)} participant{'s' if len(added) != 1 else ''}."
            )
            return roster_redirect(workshop)
    context = {"workshop": workshop, "form": form, "columns": ",".join(CSV_COLUMNS)}
    return TemplateResponse(request, "workshops/roster_import.html", context)


@workshop_view(Perm.PREPARE)
def roster_edit(
    request: HttpRequest, workshop: Workshop, member_id: int
) -> TemplateResponse | HttpResponse:
    membership = participant_or_404(workshop, member_id)
    if request.method == "POST" and request.POST.get("remove"):
        return remove(request, workshop, membership)
    form = ParticipantForm(posted(request), workshop=workshop, membership=membership)
    if request.method == "POST" and form.is_valid():
        try:
            update_participant(membership, form.person())
        except AlreadyOnRoster:
            form.add_error("email", "This person is already on the roster.")
        else:
            messages.success(request, f"Saved {membership.display_name}.")
            return roster_redirect(workshop)
    context = {"workshop": workshop, "form": form, "membership": membership}
    return TemplateResponse(request, "workshops/roster_form.html", context)


def remove(request: HttpRequest, workshop: Workshop, membership: Membership) -> HttpResponse:
    """``remove=1`` asks to confirm; ``remove=confirmed`` takes the person off the roster."""
    context = {"workshop": workshop, "membership": membership}
    if request.POST["remove"] != "confirmed":
        return TemplateResponse(request, "workshops/roster_remove.html", context)
    try:
        membership.delete()
    except (ProtectedError, RestrictedError):
        messages.error(
            request,
            f"{membership.display_name} has already taken part (survey answers, votes or plan "
            "steps), so they stay on the roster.",
        )
        return roster_redirect(workshop)
    messages.success(request, f"{membership.display_name} is no longer on the roster.")
    return roster_redirect(workshop)


@workshop_view(Perm.PREPARE)
@require_POST
def invite(request: HttpRequest, workshop: Workshop, member_id: int) -> HttpResponse:
    membership = participant_or_404(workshop, member_id)
    name = membership.display_name
    if not membership.user.email:
        messages.error(request, f"{name} has no email address: edit them to add one.")
        return roster_redirect(workshop)
    again = membership.invited_at is not None
    try:
        send_invitation(membership, request.user)
    except OSError as error:
        messages.error(request, MAIL_FAILED.format(membership.user.email, error))
        return roster_redirect(workshop)
    if again:
        messages.success(request, f"Invitation sent again to {name} ({membership.user.email}).")
    else:
        messages.success(request, f"Invitation sent to {name} ({membership.user.email}).")
    return roster_redirect(workshop)


@workshop_view(Perm.PREPARE)
@require_POST
def invite_all(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    pending = (
        workshop.memberships.filter(role=PARTICIPANT, invited_at=None)
        .exclude(user__email="")
        .select_related("user", "system", "workshop__county__state")
    )
    sent = 0
    for membership in pending:
        try:
            send_invitation(membership, request.user)
        except OSError as error:
            messages.error(request, MAIL_FAILED.format(membership.user.email, error))
            break
        sent += 1
    if sent:
        messages.success(request, f"Sent {sent} invitation{'s' if sent != 1 else ''}.")
    elif not pending:
        messages.info(request, "Everyone on the roster has already been invited.")
    return roster_redirect(workshop)
