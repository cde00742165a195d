"""The personal action plan's pages: "My action plan", adding and editing a relationship,
sharing, looking back, and a colleague's plan shared with the reader.

Plain pages and forms (they work on a phone without JavaScript). A plan is its owner's alone:
the views start from the caller's own membership, and a colleague's plan is found only among
those shared with the caller (404 otherwise). State reviewers hold every right in the workshop
but keep no plan: the pages tell them plans are private, and their POSTs come back to that.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actionplans import personal
from actionplans.forms import focus_first
from actionplans.forms.personal import RelationshipForm, ReviewDateForm, ReviewForm, ShareForm
from actionplans.models import PersonalPlan, Relationship
from actionplans.models.personal import MAX_RELATIONSHIPS
from actionplans.personal import PersonalPlanError
from actionplans.plans import Conflict
from workshops.access import Perm, workshop_view
from workshops.models import Workshop


def plan_url(workshop: Workshop, anchor: str = "") -> str:
    url = reverse("actionplans:personal", args=[workshop.code])
    return f"{url}#{anchor}" if anchor else url


def private_message() -> str:
    return gettext(
        "Personal action plans are private to each participant: only the people they share "
        "their plan with can read it."
    )


def members_only(view: Callable) -> Callable:
    """Personal plans belong to members: state reviewers (no membership) get a page saying the
    plans are private (GET) or are sent back to it with that message (POST)."""

    @wraps(view)
    def wrapped(request: HttpRequest, workshop: Workshop, *args, **kwargs) -> HttpResponse:
        if request.access.membership is None:
            if request.method == "POST":
                messages.info(request, private_message())
                return redirect(plan_url(workshop))
            context = {"workshop": workshop, "message": private_message()}
            return TemplateResponse(request, "actionplans/personal_private.html", context)
        return view(request, workshop, *args, **kwargs)

    return wrapped


def own_plan(request: HttpRequest) -> PersonalPlan:
    return personal.plan_for(request.access.membership)


# --- my action plan ----------------------------------------------------------------------------


@workshop_view(Perm.PARTICIPATE)
@require_GET
@members_only
def my_plan(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    membership = request.access.membership
    plan = own_plan(request)
    relationships = personal.relationships_of(plan)
    room = len(relationships) < MAX_RELATIONSHIPS
    taken = [r.node_id for r in relationships if r.node_id]
    context = {
        "workshop": workshop,
        "plan": plan,
        "relationships": relationships,
        "room": room,
        "max_relationships": MAX_RELATIONSHIPS,
        "suggestions": personal.suggestions(membership, taken) if room else [],
        "strategies": personal.strategy_choices(),
        "shared_with": personal.shared_with(plan),
        "shared_with_me": personal.shared_with_me(membership),
        "review_due": personal.review_due(plan),
        "date_form": ReviewDateForm(initial={"review_on": plan.review_on}),
    }
    return TemplateResponse(request, "actionplans/personal.html", context)


# --- a relationship ----------------------------------------------------------------------------


def form_page(request: HttpRequest, workshop: Workshop, context: dict) -> HttpResponse:
    context = {
        "workshop": workshop,
        "plan_url": plan_url(workshop),
        "conflict": None,
        "suggestion": None,
        **context,
    }
    focus_first(context["form"], request, new_form=False, skip=("node",))
    return TemplateResponse(request, "actionplans/personal_form.html", context)


@workshop_view(Perm.PARTICIPATE)
@require_http_methods(["GET", "POST"])
@members_only
def relationship_add(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    """A new relationship; ``?node=`` starts it from one of the map's suggestions."""
    membership = request.access.membership
    plan = own_plan(request)
    if request.method == "GET" and plan.relationships.count() >= MAX_RELATIONSHIPS:
        messages.info(request, personal.full_message())
        return redirect(plan_url(workshop, "relationships"))
    data = request.POST if request.method == "POST" else None
    raw = (data or request.GET).get("node", "")
    suggestion = personal.suggestion_for(membership, int(raw)) if raw.isdigit() else None
    initial = {}
    if suggestion is not None:
        initial = {
            "agency": suggestion.agency,
            "node": suggestion.node.pk,
            "now": suggestion.now,
            "improve": suggestion.note,
        }
    form = RelationshipForm(
        data, workshop=workshop, initial=initial, instance=Relationship(plan=plan)
    )
    if form.is_valid():
        try:
            relationship = personal.save_relationship(plan, form.save(commit=False))
        except PersonalPlanError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, gettext("Added: %(agency)s") % {"agency": relationship})
            return redirect(plan_url(workshop, f"relationship-{relationship.order}"))
    context = {
        "form": form,
        "relationship": None,
        "heading": gettext("Add a relationship"),
        "action": reverse("actionplans:personal_add", args=[workshop.code]),
        "suggestion": suggestion,
    }
    return form_page(request, workshop, context)


@workshop_view(Perm.PARTICIPATE)
@require_http_methods(["GET", "POST"])
@members_only
def relationship_edit(request: HttpRequest, workshop: Workshop, order: int) -> HttpResponse:
    plan = own_plan(request)
    relationship = get_object_or_404(plan.relationships.select_related("node"), order=order)
    data = request.POST if request.method == "POST" else None
    form = RelationshipForm(data, workshop=workshop, instance=relationship)
    conflict = None
    if form.is_valid():
        try:
            saved = personal.save_relationship(
                plan, form.save(commit=False), version=form.cleaned_data["version"]
            )
        except PersonalPlanError as refused:
            messages.error(request, str(refused))
            return redirect(plan_url(workshop, "relationships"))
        except Conflict as clash:
            conflict = personal.differences(clash.stored, form.cleaned_data)
            saved = clash.stored  # the other tab saved just this when there is no difference
            if conflict:
                data = request.POST.copy()
                data["version"] = str(clash.stored.version)
                # The form keeps what this person typed; the next save goes over the other.
                form = RelationshipForm(data, workshop=workshop, instance=clash.stored)
        if not conflict:
            messages.success(request, gettext("Saved: %(agency)s") % {"agency": saved})
            return redirect(plan_url(workshop, f"relationship-{saved.order}"))
    context = {
        "form": form,
        "relationship": relationship,
        "heading": gettext("Edit the relationship"),
        "action": reverse("actionplans:personal_edit", args=[workshop.code, order]),
        "conflict": conflict,
    }
    return form_page(request, workshop, context)


@workshop_view(Perm.PARTICIPATE)
@require_http_methods(["GET", "POST"])
@members_only
def relationship_remove(request: HttpRequest, workshop: Workshop, order: int) -> HttpResponse:
    """GET asks first; POST removes."""
    plan = own_plan(request)
    relationship = get_object_or_404(plan.relationships, order=order)
    if request.method == "GET":
        context = {"workshop": workshop, "relationship": relationship}
        return TemplateResponse(request, "actionplans/personal_remove.html", context)
    personal.remove(plan, relationship)
    messages.success(request, gettext("Removed: %(agency)s") % {"agency": relationship})
    return redirect(plan_url(workshop, "relationships"))


# --- sharing -----------------------------------------------------------------------------------


@workshop_view(Perm.PARTICIPATE)
@require_http_methods(["GET", "POST"])
@members_only
def share(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    """Tick the colleagues who may read the plan; untick to stop sharing with them."""
    membership = request.access.membership
    plan = own_plan(request)
    current = set(personal.shared_with(plan))
    data = request.POST if request.method == "POST" else None
    form = ShareForm(data, membership=membership, initial={"colleagues": [m.pk for m in current]})
    if form.is_valid():
        chosen = set(form.cleaned_data["colleagues"])
        try:
            personal.share(plan, chosen - current)
        except PersonalPlanError as refused:
            form.add_error("colleagues", str(refused))
        else:
            personal.unshare(plan, current - chosen)
            messages.success(request, sharing_message(chosen))
            return redirect(plan_url(workshop, "sharing"))
    context = {"workshop": workshop, "form": form, "plan_url": plan_url(workshop)}
    return TemplateResponse(request, "actionplans/personal_share.html", context)


def sharing_message(chosen: set) -> str:
    if not chosen:
        return gettext("Your plan is not shared with anyone.")
    names = sorted(m.user.get_full_name() or m.user.username for m in chosen)
    return gettext("Your plan is shared with %(names)s.") % {"names": ", ".join(names)}


@workshop_view(Perm.PARTICIPATE)
@require_GET
@members_only
def shared_plan(request: HttpRequest, workshop: Workshop, plan_id: int) -> HttpResponse:
    """A colleague's plan, read-only, if they shared it with the reader (or it is their own)."""
    membership = request.access.membership
    plan = personal.readable_plan(membership, plan_id)
    if plan is None:
        raise Http404("No such plan shared with you.")
    context = {
        "workshop": workshop,
        "plan": plan,
        "owner": plan.membership,
        "own": plan.membership_id == membership.pk,
        "relationships": personal.relationships_of(plan),
    }
    return TemplateResponse(request, "actionplans/personal_shared.html", context)


# --- looking back ------------------------------------------------------------------------------


@workshop_view(Perm.PARTICIPATE)
@require_POST
@members_only
def review_date(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    plan = own_plan(request)
    form = ReviewDateForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["review_on"]))
        return redirect(plan_url(workshop, "review"))
    day = form.cleaned_data["review_on"]
    personal.set_review_date(plan, day)
    if day is None:
        messages.success(request, gettext("No review date set."))
    else:
        when = date_format(day, "SHORT_DATE_FORMAT")
        messages.success(request, gettext("You will look back at your plan on %(day)s.") % {
            "day": when
        })  # fmt: skip
    return redirect(plan_url(workshop, "review"))


@workshop_view(Perm.PARTICIPATE)
@require_http_methods(["GET", "POST"])
@members_only
def review(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    """How each relationship went, with notes, and what the person sees looking back."""
    plan = own_plan(request)
    relationships = personal.relationships_of(plan)
    data = request.POST if request.method == "POST" else None
    initial = {"review_notes": plan.review_notes, "reviewed": personal.review_token(plan)}
    form = ReviewForm(data, relationships=relationships, initial=initial)
    conflict = None
    if form.is_valid():
        outcomes, notes = form.outcomes(), form.cleaned_data["review_notes"].strip()
        try:
            personal.review(plan, outcomes, notes, form.cleaned_data["reviewed"])
        except Conflict as clash:
            conflict = personal.review_differences(clash.stored, outcomes, notes)
            if conflict:
                data = request.POST.copy()
                data["reviewed"] = personal.review_token(clash.stored)
                form = ReviewForm(data, relationships=relationships)
        if not conflict:
            messages.success(request, gettext("Your review is saved."))
            return redirect(plan_url(workshop, "review"))
    context = {
        "workshop": workshop,
        "plan": plan,
        "form": form,
        "conflict": conflict,
        "plan_url": plan_url(workshop),
    }
    return TemplateResponse(request, "actionplans/personal_review.html", context)
