"""The versions of the plan: the list, an older version read-only, starting the next version
from an approved one, and the comparison of two versions side by side."""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from actionplans import documents, plans, revisions
from actionplans.forms.review import CompareForm, RevisionForm
from actionplans.models import ActionPlan, Submission
from actionplans.revisions import RevisionError
from workshops.access import Perm, workshop_view
from workshops.models import Workshop


def versions_of(workshop: Workshop) -> list[ActionPlan]:
    """Every version, newest first, each with its submissions (two queries)."""
    submissions = Submission.objects.select_related("submitted_by", "decided_by").order_by(
        "-number"
    )
    return list(
        workshop.plans.select_related("based_on")
        .prefetch_related(Prefetch("submissions", queryset=submissions))
        .order_by("-number")
    )


@workshop_view(Perm.VIEW)
@require_GET
def version_list(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    plans.current_plan(workshop)  # the first version exists once anyone looks for it
    versions = versions_of(workshop)
    context = {
        "workshop": workshop,
        "versions": versions,
        "latest": versions[0],
        "can_revise": request.access.can(Perm.EDIT_PLAN)
        and versions[0].status == ActionPlan.Status.APPROVED,
    }
    return TemplateResponse(request, "actionplans/versions.html", context)


@workshop_view(Perm.VIEW)
@require_GET
def version(request: HttpRequest, workshop: Workshop, number: int) -> HttpResponse:
    """An older version of the plan, read-only (the latest one is the outline)."""
    plan = get_object_or_404(workshop.plans, number=number)
    if plan.number == plans.current_plan(workshop).number:
        return redirect("actionplans:plan", workshop.code)
    priorities = plans.outline(plan)
    context = {
        "workshop": workshop,
        "plan": plan,
        "priorities": priorities,
        "counts": plans.counts_of(priorities),
        "pdfs": documents.ready_of(plan),
    }
    return TemplateResponse(request, "actionplans/versions_plan.html", context)


@workshop_view(Perm.EDIT_PLAN)
@require_http_methods(["GET", "POST"])
def revise(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    """Start the next version from the approved one: GET asks why, POST starts it."""
    latest = plans.current_plan(workshop)
    form = RevisionForm(request.POST if request.method == "POST" else None)
    refusal = ""
    if latest.status != ActionPlan.Status.APPROVED:
        refusal = gettext(
            "A new version starts from an approved plan: version %(number)s is %(status)s. "
            "Change it where it is, and send it for review."
        ) % {"number": latest.number, "status": latest.get_status_display().lower()}
    if request.method == "POST" and form.is_valid() and not refusal:
        try:
            plan = revisions.start_revision(workshop, request.user, form.cleaned_data["reason"])
        except RevisionError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                gettext(
                    "Version %(number)s of the plan is started from version %(previous)s: "
                    "change it here, then send it for review."
                )
                % {"number": plan.number, "previous": latest.number},
            )
            return redirect("actionplans:plan", workshop.code)
    if refusal and request.method == "POST":
        form.add_error(None, refusal)
    context = {"workshop": workshop, "latest": latest, "form": form, "refusal": refusal}
    return TemplateResponse(request, "actionplans/versions_new.html", context)


@workshop_view(Perm.VIEW)
@require_GET
def compare(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    """Two versions side by side, per priority area (by default the latest and the one before)."""
    versions = list(workshop.plans.order_by("number"))
    if len(versions) < 2:
        context = {"workshop": workshop, "versions": versions, "comparison": None}
        return TemplateResponse(request, "actionplans/compare.html", context)
    data = request.GET if "a" in request.GET or "b" in request.GET else None
    initial = {"a": versions[-2].number, "b": versions[-1].number}
    form = CompareForm(data, initial=initial, versions=versions)
    chosen = initial
    status = 200
    if data is not None:
        if form.is_valid():
            chosen = form.cleaned_data
        else:
            status = 400
    by_number = {plan.number: plan for plan in versions}
    older, newer = sorted((by_number[chosen["a"]], by_number[chosen["b"]]), key=lambda p: p.number)
    context = {
        "workshop": workshop,
        "versions": versions,
        "form": form,
        "comparison": revisions.compare(older, newer),
        "plan_url": reverse("actionplans:plan", args=[workshop.code]),
        "latest": versions[-1],
    }
    return TemplateResponse(request, "actionplans/compare.html", context, status=status)
