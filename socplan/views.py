"""Base views: the home page, staff sign-in and participants' magic links."""

import re
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from workshops.access import (
    SESSION_WORKSHOPS_KEY,
    link_only,
    public,
    remember_link_workshop,
    signed_in,
    workshop_access,
)
from workshops.links import next_within, send_magic_link, user_for_token
from workshops.models import Membership, State, Workshop


@public
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return TemplateResponse(request, "landing.html")
    workshops = (
        Workshop.objects.visible_to(request.user)
        .select_related("county__state")
        .order_by("county__name", "-cycle")
    )
    workshops = list(workshops)
    # A participant opens only the workshops whose email link they used on this device.
    if link_only(request.user):
        opened = set(request.session.get(SESSION_WORKSHOPS_KEY, []))
        for workshop in workshops:
            workshop.needs_link = str(workshop.code) not in opened
    states = list(State.objects.filter(reviewers__user=request.user).order_by("name"))
    context = {"workshops": workshops, "is_reviewer": bool(states), "review_states": states}
    return TemplateResponse(request, "home.html", context)


WORKSHOP_PAGE = re.compile(r"^/w/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/")


class StaffLoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django sets the field's max_length after building its validators; without this an
        # overlong username reaches django-axes, whose attempt log cannot store it.
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class StaffLoginView(auth_views.LoginView):
    """Staff sign in. Sent here from a workshop's page (signed out meanwhile), it also offers
    the workshop's participants a new link by email: they have no password."""

    template_name = "registration/login.html"
    form_class = StaffLoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["signed_out"] = self.request.GET.get("ended") == "1"
        found = WORKSHOP_PAGE.match(self.get_redirect_url() or "")
        workshop = Workshop.objects.filter(code=found.group(1)).first() if found else None
        if workshop is not None:
            context["link_workshop"] = workshop
            context["link_form"] = NewLinkForm()
        return context


login_view = public(StaffLoginView.as_view())
logout_view = signed_in(auth_views.LogoutView.as_view())
# Staff set their first password, or a forgotten one, through an emailed link.
password_reset = public(
    auth_views.PasswordResetView.as_view(
        email_template_name="emails/password_reset.txt",
        subject_template_name="emails/password_reset_subject.txt",
    )
)
password_reset_done = public(auth_views.PasswordResetDoneView.as_view())
password_reset_confirm = public(auth_views.PasswordResetConfirmView.as_view())
password_reset_complete = public(auth_views.PasswordResetCompleteView.as_view())


class NewLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("The address your invitation was sent to."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


@public
@require_http_methods(["GET", "POST"])
def magic_link(request: HttpRequest, code: UUID) -> HttpResponse:
    """Confirm page of a participant's link; signs in on POST only (scanners prefetch GETs)."""
    workshop = get_object_or_404(Workshop.objects.select_related("county__state"), code=code)
    token = request.POST.get("token") or request.GET.get("token") or ""
    user = user_for_token(workshop, token)
    next_path = next_within(workshop, request.POST.get("next") or request.GET.get("next") or "")
    if user is not None and request.method == "POST":
        login(request, user, backend="socplan.auth.ModelBackend")
        remember_link_workshop(request.session, workshop)
        workshop.memberships.filter(user=user, accepted_at=None).update(accepted_at=timezone.now())
        name = user.get_full_name() or user.email
        messages.success(request, gettext("Welcome, %(name)s.") % {"name": name})
        return redirect(next_path or workshop.get_absolute_url())
    if user is not None:
        workshop.memberships.filter(user=user, link_opened_at=None).update(
            link_opened_at=timezone.now()
        )
        context = {"workshop": workshop, "token": token, "person": user, "next": next_path}
        return TemplateResponse(request, "registration/magic_link_confirm.html", context)
    if can_open(request, workshop):  # a used link, opened again on the device it signed in
        messages.info(request, gettext("You are already signed in."))
        return redirect(next_path or workshop.get_absolute_url())
    return TemplateResponse(
        request,
        "registration/magic_link_invalid.html",
        {"workshop": workshop, "form": NewLinkForm()},
        status=400,
    )


def can_open(request: HttpRequest, workshop: Workshop) -> bool:
    """Whether the caller, signed in already, may open the workshop."""
    try:
        workshop_access(request, workshop.code)
    except Http404:
        return False
    return True


@public
@require_http_methods(["POST"])
def new_magic_link(request: HttpRequest, code: UUID) -> HttpResponse:
    """Email a fresh link to a member of the workshop; says the same whoever asks."""
    workshop = get_object_or_404(Workshop, code=code)
    form = NewLinkForm(request.POST)
    if not form.is_valid():
        return TemplateResponse(
            request,
            "registration/magic_link_invalid.html",
            {"workshop": workshop, "form": form},
            status=400,
        )
    membership = (
        Membership.objects.select_related("user", "workshop")
        .filter(workshop=workshop, user__email__iexact=form.cleaned_data["email"])
        .first()
    )
    if membership is not None and not membership.link_sent_recently():
        send_magic_link(membership)
    return TemplateResponse(
        request,
        "registration/magic_link_sent.html",
        {"workshop": workshop, "email": form.cleaned_data["email"]},
    )
