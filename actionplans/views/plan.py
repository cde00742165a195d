"""The action plan: its outline, inline editing of its items, their history, and where the
county stands on the values and principles.

Every edit works as an htmx request and as a plain page. With htmx, a form comes inline
(422 with its errors, 409 with a conflict) and a change answers with the part of the outline
it touched, retargeted over the old one and focusing what the person was on. Without it, a
form is a page of its own and a change redirects to the outline with a message.

While the plan is with the state team, and once they approved it, its content is locked
(``review.lock_reason``): the outline shows no editing buttons and every edit answers 403 with
why and what to do instead. The outline also shows the reviewers' comments under the items
they are about (``views.review``).
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actionplans import plans, review
from actionplans.forms import focus_first
from actionplans.forms.plan import StanceForm, item_form
from actionplans.models import ActionPlan, Principle, PrincipleStance
from actionplans.plans import KINDS, Conflict, Kind
from actionplans.views.review import lock_message, review_ui
from workshops.access import Perm, workshop_view
from workshops.models import Workshop
from workshops.pagecache import cached_page

INVALID = 422  # an htmx form answered with its errors
CONFLICT = 409  # an htmx form answered with both versions
NODE_KINDS = ("priority", "goal", "objective", "measure")  # parts of the outline re-rendered


def kind_of(name: str) -> Kind:
    if name not in KINDS:
        raise Http404("No such kind of plan item.")
    return KINDS[name]


def plan_url(workshop: Workshop) -> str:
    return reverse("actionplans:plan", args=[workshop.code])


# --- the lock of a plan under review or approved ----------------------------------------------


def rights(request: HttpRequest, editable: bool) -> dict:
    """The viewer's rights as templates read them (``can``), with editing the plan's content
    only while it is not locked."""
    can = {perm.value: request.access.can(perm) for perm in Perm}
    can[Perm.EDIT_PLAN.value] = can[Perm.EDIT_PLAN.value] and editable
    return can


def review_context(request: HttpRequest, plan: ActionPlan, priorities: list) -> dict:
    """The review's part of the outline: the lock, the viewer's rights and the comments of the
    current submission, each under the item it is about (two queries; none for a draft, which
    shows no comments)."""
    current = review.current_submission(plan) if plan.status != ActionPlan.Status.DRAFT else None
    ui = review_ui(request, plan, current)
    comments = []
    if ui.submission is not None:
        comments = review.threads_of([ui.submission.pk]).get(ui.submission.pk, [])
    review.attach_comments(priorities, comments)
    lock = lock_message(request, plan, current)
    editable = request.access.can(Perm.EDIT_PLAN) and lock is None
    return {
        "review_ui": ui,
        "lock_message": lock,
        "editable": editable,
        "item_can": rights(request, editable),
        "plan_comments": review.by_target(comments).get((review.Target.PLAN, None), []),
    }


def refused_while_locked(
    request: HttpRequest, workshop: Workshop, plan: ActionPlan
) -> HttpResponse | None:
    """403 with why the plan cannot be changed now and what to do, when it is locked.

    htmx requests (a button on a page shown before the plan was sent) reload the page, which
    shows the message and the plan without its editing buttons.
    """
    reason = review.lock_reason(plan)
    if reason is None:
        return None
    if request.htmx:
        messages.error(request, reason)
        response = HttpResponse(reason, status=403)
        response["HX-Refresh"] = "true"
        return response
    context = {"workshop": workshop, "plan": plan, "reason": reason}
    return TemplateResponse(request, "actionplans/review_locked.html", context, status=403)


# --- the outline -------------------------------------------------------------------------------


@workshop_view(Perm.VIEW)
@require_GET
@cached_page
def outline(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    plan = plans.current_plan(workshop)
    if request.htmx and request.GET.get("node"):
        kind, _, pk = request.GET["node"].partition("-")
        if kind not in NODE_KINDS or not pk.isdigit():
            raise Http404("No such part of the plan.")
        return node_response(request, workshop, plan, kind, int(pk))
    priorities = plans.outline(plan)
    context = {
        "workshop": workshop,
        "plan": plan,
        "priorities": priorities,
        "counts": plans.counts_of(priorities),
        "principle_rows": plans.principle_rows(workshop, plan, items=plans.tagged_in(priorities)),
        **review_context(request, plan, priorities),
    }
    return TemplateResponse(request, "actionplans/plan.html", context)


def node_response(
    request: HttpRequest,
    workshop: Workshop,
    plan: ActionPlan,
    kind: str,
    pk: int,
    focus: tuple[str, int, str] | None = None,
    message: str = "",
) -> HttpResponse:
    """One part of the outline (a priority area, goal, objective or measure) with its items.

    ``focus`` (kind, id, "title"/"up"/"down") names the element the browser focuses.
    """
    priority_id = plans.priority_of(plan, kind, pk)
    priorities = plans.outline(plan, priority_id) if priority_id else []
    node = plans.find(priorities, kind, pk)
    if node is None:
        raise Http404("No such part of the plan.")
    if focus is not None:
        target = plans.find(priorities, focus[0], focus[1])
        if target is not None:
            target.focus = focus[2]
    context = {
        "workshop": workshop,
        "plan": plan,
        kind: node,
        "node_template": f"actionplans/_plan_{kind}.html",
        "status_message": message,
        **review_context(request, plan, priorities),
    }
    return TemplateResponse(request, "actionplans/_plan_node.html", context)


def changed(
    request: HttpRequest,
    workshop: Workshop,
    plan: ActionPlan,
    node: tuple[str, int],
    focus: tuple[str, int, str],
    message: str,
) -> HttpResponse:
    """After a change: the changed part of the outline (htmx), or back to the outline."""
    if not request.htmx:
        messages.success(request, message)
        return redirect(f"{plan_url(workshop)}#{focus[0]}-{focus[1]}")
    response = node_response(request, workshop, plan, *node, focus=focus, message=message)
    response["HX-Retarget"] = f"#{node[0]}-{node[1]}"
    response["HX-Reswap"] = "outerHTML"
    response.render()
    response.content += summary_swaps(request, workshop, plan)
    return response


def summary_swaps(request: HttpRequest, workshop: Workshop, plan: ActionPlan) -> bytes:
    """The outline's counts and principles sidebar, swapped in out of band after a change."""
    priorities = plans.outline(plan)
    context = {
        "workshop": workshop,
        "plan": plan,
        "counts": plans.counts_of(priorities),
        "principle_rows": plans.principle_rows(workshop, plan, items=plans.tagged_in(priorities)),
        "oob": True,
    }
    return b"".join(
        render_to_string(f"actionplans/plan.html#{part}", context, request).encode()
        for part in ("summary", "principles")
    )


def parent_node(kind: Kind, item) -> tuple[str, int]:
    return kind.parent, getattr(item, f"{kind.parent_field}_id")


def edited_node(kind: Kind, item) -> tuple[str, int]:
    """What to show again after an edit: the item itself when it is a part of the outline."""
    if kind.name in NODE_KINDS:
        return kind.name, item.pk
    return parent_node(kind, item)


# --- adding and editing ------------------------------------------------------------------------


def form_response(
    request: HttpRequest, context: dict, conflict: bool = False, partial: bool = True
) -> HttpResponse:
    """The item's form, inline (htmx) or on a page of its own."""
    form = context["form"]
    invalid = request.method == "POST" and bool(form.errors)
    focus_first(form, request)
    if request.htmx and partial:
        status = CONFLICT if conflict else INVALID if invalid else 200
        return TemplateResponse(request, "actionplans/plan_item.html#form", context, status=status)
    return TemplateResponse(request, "actionplans/plan_item.html", context)


def parent_id(request: HttpRequest) -> int:
    raw = request.GET.get("parent", "")
    if not raw.isdigit():
        raise Http404("No parent given.")
    return int(raw)


@workshop_view(Perm.EDIT_PLAN)
@require_http_methods(["GET", "POST"])
def item_add(request: HttpRequest, workshop: Workshop, kind: str) -> HttpResponse:
    spec = kind_of(kind)
    plan = plans.current_plan(workshop)
    if refused := refused_while_locked(request, workshop, plan):
        return refused
    parent = get_object_or_404(plans.parents(plan, spec), pk=parent_id(request))
    item = plans.new_item(plan, spec, parent)
    data = request.POST if request.method == "POST" else None
    form = item_form(kind, data, instance=item, parent=parent)
    strategy = request.GET.get("strategy", "")
    if data is None and kind == "step" and strategy.isdigit():
        form.initial["strategy"] = int(strategy)
    if form.is_valid():
        item = plans.save_item(plan, spec, form)
        message = gettext("Added: %(title)s") % {"title": str(item)}
        return changed(
            request, workshop, plan, parent_node(spec, item), (kind, item.pk, "title"), message
        )
    parent_kind = spec.parent
    context = {
        "workshop": workshop,
        "kind": spec,
        "form": form,
        "item": None,
        "heading": add_heading(spec),
        "context_line": f"{capfirst(parent_label(parent_kind))}: {parent}",
        "action": f"{reverse('actionplans:item_add', args=[workshop.code, kind])}"
        f"?parent={parent.pk}",
        "form_id": f"{parent_kind}-{parent.pk}-new-{kind}",
        "plan_url": plan_url(workshop),
        "cancel_node": f"{parent_kind}-{parent.pk}",
    }
    return form_response(request, context)


def add_heading(kind: Kind) -> str:
    return {
        "goal": gettext("Add the goal"),
        "objective": gettext("Add an objective"),
        "strategy": gettext("Add a strategy"),
        "step": gettext("Add an action step"),
        "measure": gettext("Add a measure"),
        "benchmark": gettext("Add a benchmark"),
    }[kind.name]


def parent_label(kind: str) -> str:
    return gettext("priority area") if kind == "priority" else str(KINDS[kind].label)


@workshop_view(Perm.EDIT_PLAN)
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, workshop: Workshop, kind: str, item_id: int) -> HttpResponse:
    spec = kind_of(kind)
    plan = plans.current_plan(workshop)
    if refused := refused_while_locked(request, workshop, plan):
        return refused
    item = get_object_or_404(spec.items(plan), pk=item_id)
    data = request.POST if request.method == "POST" else None
    form = item_form(kind, data, instance=item)
    conflict, conflict_by = None, None
    if form.is_valid():
        try:
            item = plans.save_item(plan, spec, form, version=form.cleaned_data["version"])
        except Conflict as clash:
            conflict = plans.differences(spec, clash.stored, form.cleaned_data)
            if conflict:
                conflict_by = plans.last_change(clash.stored)
                data = request.POST.copy()
                data["version"] = str(clash.stored.version)
                # The form keeps what this person typed; the next save goes over theirs.
                form = item_form(kind, data, instance=clash.stored)
            else:
                item = clash.stored  # they saved just what this person wanted
        if not conflict:
            message = gettext("Saved: %(title)s") % {"title": str(item)}
            return changed(
                request, workshop, plan, edited_node(spec, item), (kind, item.pk, "title"), message
            )
    node_kind, node_pk = edited_node(spec, item)
    context = {
        "workshop": workshop,
        "kind": spec,
        "form": form,
        "item": item,
        "heading": gettext("Edit the %(kind)s") % {"kind": spec.label},
        "context_line": str(item),
        "action": reverse("actionplans:item_edit", args=[workshop.code, kind, item.pk]),
        "form_id": f"{kind}-{item.pk}-head",
        "plan_url": plan_url(workshop),
        "cancel_node": f"{node_kind}-{node_pk}",
        "conflict": conflict,
        "conflict_by": conflict_by,
    }
    return form_response(request, context, conflict=bool(conflict))


# --- removing and moving -----------------------------------------------------------------------


@workshop_view(Perm.EDIT_PLAN)
@require_http_methods(["GET", "POST"])
def item_remove(request: HttpRequest, workshop: Workshop, kind: str, item_id: int) -> HttpResponse:
    """GET asks first (the page without JavaScript); POST removes."""
    spec = kind_of(kind)
    plan = plans.current_plan(workshop)
    if refused := refused_while_locked(request, workshop, plan):
        return refused
    item = get_object_or_404(spec.items(plan), pk=item_id)
    if request.method == "GET":
        context = {
            "workshop": workshop,
            "kind": spec,
            "item": item,
            "name": str(item),
            "dependents": plans.dependents(spec, item),
        }
        return TemplateResponse(request, "actionplans/plan_item_remove.html", context)
    node = parent_node(spec, item)
    message = gettext("Removed: %(title)s") % {"title": str(item)}
    plans.remove_item(plan, item)
    return changed(request, workshop, plan, node, (*node, "title"), message)


@workshop_view(Perm.EDIT_PLAN)
@require_POST
def item_move(request: HttpRequest, workshop: Workshop, kind: str, item_id: int) -> HttpResponse:
    spec = kind_of(kind)
    if not spec.movable:
        raise Http404("These items are in date order.")
    plan = plans.current_plan(workshop)
    if refused := refused_while_locked(request, workshop, plan):
        return refused
    item = get_object_or_404(spec.items(plan), pk=item_id)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        if request.htmx:
            return HttpResponse(gettext("Choose to move it up or down."), status=400)
        messages.error(request, gettext("Nothing moved: choose to move it up or down."))
        return redirect(f"{plan_url(workshop)}#{kind}-{item.pk}")
    moved = plans.move_item(plan, spec, item, up=direction == "up")
    index, total = plans.place_of(spec, item)
    if direction == "up":
        part = "up" if index > 0 else "down"
    else:
        part = "down" if index < total - 1 else "up"
    if total < 2:
        part = "title"
    if moved:
        message = gettext("Moved %(direction)s: %(title)s") % {
            "direction": gettext("up") if direction == "up" else gettext("down"),
            "title": str(item),
        }
    else:
        message = gettext("Already at the end: %(title)s") % {"title": str(item)}
    return changed(request, workshop, plan, parent_node(spec, item), (kind, item.pk, part), message)


# --- history -----------------------------------------------------------------------------------


@workshop_view(Perm.VIEW)
@require_GET
def item_history(request: HttpRequest, workshop: Workshop, kind: str, item_id: int) -> HttpResponse:
    spec = kind_of(kind)
    plan = plans.current_plan(workshop)
    item = get_object_or_404(spec.items(plan), pk=item_id)
    context = {
        "workshop": workshop,
        "kind": spec,
        "kind_label": spec.label,
        "item": item,
        "name": str(item),
        "entries": plans.history_of(spec, item),
    }
    return TemplateResponse(request, "actionplans/history.html", context)


# --- values and principles ---------------------------------------------------------------------


def principle_row(workshop: Workshop, plan: ActionPlan, principle_id: int) -> plans.PrincipleRow:
    rows = plans.principle_rows(workshop, plan, survey=True)
    row = next((r for r in rows if r.principle.pk == principle_id), None)
    if row is None:
        raise Http404("No such principle.")
    return row


@workshop_view(Perm.VIEW)
@require_GET
def principles(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    plan = plans.current_plan(workshop)
    # Where the county stands is part of the plan: no editing while it is locked.
    can = rights(request, review.lock_reason(plan) is None)
    raw = request.GET.get("row", "")
    if request.htmx and raw.isdigit():
        row = principle_row(workshop, plan, int(raw))
        context = {"workshop": workshop, "row": row, "can": can}
        return TemplateResponse(request, "actionplans/principles.html#row", context)
    context = {
        "workshop": workshop,
        "plan": plan,
        "rows": plans.principle_rows(workshop, plan, survey=True),
        "levels": PrincipleStance.Level.choices,
        "can": can,
    }
    return TemplateResponse(request, "actionplans/principles.html", context)


@workshop_view(Perm.EDIT_PLAN)
@require_http_methods(["GET", "POST"])
def stance_edit(request: HttpRequest, workshop: Workshop, principle_id: int) -> HttpResponse:
    principle = get_object_or_404(Principle, pk=principle_id)
    plan = plans.current_plan(workshop)
    if refused := refused_while_locked(request, workshop, plan):
        return refused
    stance = PrincipleStance.objects.filter(workshop=workshop, principle=principle).first()
    stance = stance or PrincipleStance(workshop=workshop, principle=principle)
    data = request.POST if request.method == "POST" else None
    form = StanceForm(data, instance=stance)
    conflict = None
    if form.is_valid():
        try:
            plans.save_stance(form.save(commit=False), form.cleaned_data["version"])
        except Conflict as clash:
            conflict = plans.stance_differences(clash.stored, form.cleaned_data)
            data = request.POST.copy()
            data["version"] = str(clash.stored.version)
            form = StanceForm(data, instance=clash.stored)
        if not conflict:
            plans.touched(plan)
            message = gettext("Saved: %(principle)s") % {"principle": principle.tr_name}
            if not request.htmx:
                messages.success(request, message)
                return redirect(
                    f"{reverse('actionplans:principles', args=[workshop.code])}"
                    f"#principle-{principle.pk}"
                )
            row = principle_row(workshop, plan, principle.pk)
            row.focus = True
            context = {"workshop": workshop, "row": row, "status_message": message}
            return TemplateResponse(request, "actionplans/principles.html#row", context)
    row = principle_row(workshop, plan, principle.pk)
    row.form, row.conflict = form, conflict
    focus_first(form, request)
    context = {"workshop": workshop, "row": row}
    if request.htmx:
        status = CONFLICT if conflict else INVALID if form.errors and data is not None else 200
        return TemplateResponse(request, "actionplans/principles.html#row", context, status=status)
    return TemplateResponse(request, "actionplans/principles_stance.html", context)
