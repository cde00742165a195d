"""Workshop pages."""

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from workshops.access import Perm, workshop_view
from workshops.links import send_magic_link
from workshops.models import Membership, System, Workshop


@workshop_view(Perm.VIEW)
def detail(request: HttpRequest, workshop: Workshop) -> TemplateResponse:
    counts = dict(workshop.memberships.values_list("role").annotate(n=Count("id")).order_by())
    context = {
        "workshop": workshop,
        "stages": Workshop.Stage.choices,
        "stage_index": Workshop.Stage.values.index(workshop.stage),
        "counts": {role: counts.get(role, 0) for role in Membership.Role.values},
    }
    return TemplateResponse(request, "workshops/detail.html", context)


@workshop_view(Perm.PREPARE)
def people(request: HttpRequest, workshop: Workshop) -> TemplateResponse:
    members = workshop.memberships.select_related("user", "system").order_by(
        "role", "system__order", "user__last_name"
    )
    represented = {m.system_id for m in members if m.role == Membership.Role.PARTICIPANT}
    context = {
        "workshop": workshop,
        "members": members,
        "missing_systems": [s for s in System.objects.all() if s.pk not in represented],
    }
    return TemplateResponse(request, "workshops/people.html", context)


@workshop_view(Perm.PREPARE)
@require_POST
def send_link(request: HttpRequest, workshop: Workshop, member_id: int) -> HttpResponse:
    membership = get_object_or_404(
        workshop.memberships.select_related("user", "workshop"), pk=member_id
    )
    if not membership.user.email:
        messages.error(request, f"{membership.display_name} has no email address.")
    else:
        send_magic_link(membership)
        messages.success(request, f"Sign-in link sent to {membership.user.email}.")
    return redirect("workshops:people", workshop.code)
