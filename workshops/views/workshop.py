"""Creating and configuring a workshop: its settings, its team and its stage."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.views.decorators.http import require_http_methods, require_POST

from workshops import cycles
from workshops.access import Perm, state_reviewer, workshop_view
from workshops.forms.workshop import StageForm, TeamMemberForm, WorkshopForm
from workshops.models import Membership, Workshop
from workshops.stages import StageMoveError, move

TEAM_ROLES = [Membership.Role.FACILITATOR, Membership.Role.COMMITTEE]


def _save_workshop(form: WorkshopForm) -> Workshop | None:
    """Saves the form's workshop, or adds a form error if a twin was saved in the meantime."""
    try:
        with transaction.atomic():
            return form.save()
    except IntegrityError:
        form.add_error("title", "A workshop with this title already exists for the county.")
        return None


@state_reviewer
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """A new workshop; ``?county=<id>`` (from the state dashboard) picks the county and offers
    to start from its latest workshop."""
    data = request.POST if request.method == "POST" else None
    initial = {"county": request.GET["county"]} if request.GET.get("county") else {}
    form = WorkshopForm(data, user=request.user, initial=initial)
    if form.is_valid():
        form.instance.created_by = request.user
        workshop = _save_workshop(form)
        if workshop is not None:
            if form.source is None:
                messages.success(
                    request, "Workshop created. Next: add its facilitators and committee members."
                )
            else:
                copied = cycles.copy_roster(form.source, workshop, by=request.user)
                messages.success(
                    request,
                    f"Workshop created with the roster of the {form.source.cycle} workshop "
                    f"({len(copied)} people). Next: check the roster and send the invitations.",
                )
            return redirect(workshop)
    return TemplateResponse(request, "workshops/workshop_new.html", {"form": form})


@workshop_view(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = WorkshopForm(data, instance=workshop)
    if form.is_valid() and _save_workshop(form) is not None:
        messages.success(request, "Workshop settings saved.")
        return redirect(workshop)
    return TemplateResponse(
        request, "workshops/workshop_form.html", {"workshop": workshop, "form": form}
    )


def set_password_url(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("password_reset_confirm", args=[uid, token])


def add_team_member(workshop: Workshop, form: TeamMemberForm) -> Membership:
    """Adds the form's person to the team, creating their account, and tells them by email."""
    data = form.cleaned_data
    user = form.user
    if user is None:
        user = get_user_model().objects.create_user(
            username=data["email"].lower(),
            email=data["email"],
            password=None,
            first_name=data["first_name"],
            last_name=data["last_name"],
        )
    membership = Membership.objects.create(workshop=workshop, user=user, role=data["role"])
    context = {
        "membership": membership,
        "workshop": workshop,
        "workshop_url": settings.SITE_URL + workshop.get_absolute_url(),
        "password_url": None if user.has_usable_password() else set_password_url(user),
    }
    send_mail(
        subject=f"You are on the team of {workshop.title}",
        message=render_to_string("workshops/team_email.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
    return membership


@workshop_view(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def team(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = TeamMemberForm(data, workshop=workshop)
    if form.is_valid():
        try:
            with transaction.atomic():
                membership = add_team_member(workshop, form)
        except IntegrityError:
            form.add_error("email", "This person was just added to the workshop.")
        else:
            messages.success(
                request,
                f"{membership.display_name} added as {membership.get_role_display().lower()} "
                f"and told by email.",
            )
            return redirect("workshops:team", workshop.code)
    members = (
        workshop.memberships.filter(role__in=TEAM_ROLES)
        .select_related("user")
        .order_by("-role", "user__last_name", "user__first_name")  # facilitators first
    )
    context = {"workshop": workshop, "form": form, "members": members}
    return TemplateResponse(request, "workshops/team.html", context)


@workshop_view(Perm.MANAGE)
@require_POST
def team_remove(request: HttpRequest, workshop: Workshop, member_id: int) -> HttpResponse:
    """Removes a facilitator or committee member; participants leave through the roster."""
    membership = get_object_or_404(
        workshop.memberships.select_related("user"), pk=member_id, role__in=TEAM_ROLES
    )
    membership.delete()
    messages.success(request, f"{membership.display_name} is no longer on the team.")
    return redirect("workshops:team", workshop.code)


@workshop_view(Perm.RUN)
@require_POST
def stage(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    form = StageForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the workshop's stages to move to.")
        return redirect(workshop)
    target = Workshop.Stage(form.cleaned_data["to"])
    try:
        move(workshop, target, request.user, form.cleaned_data["note"])
    except StageMoveError as error:
        messages.error(request, "The workshop did not move. " + " ".join(error.problems))
    else:
        messages.success(request, f"The workshop is now at the {target.label} stage.")
    return redirect(workshop)
