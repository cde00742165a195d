"""Gaps and opportunities: the list with its "propose" form, a gap with its evidence and
votes, adding and removing evidence, editing a gap (no lost updates), merging duplicates.

The propose and evidence forms work as plain forms (POST, then a redirect with a message) and
as htmx forms that answer with the part of the page they change (422 with the form's errors).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from actionplans import gaps, voting
from actionplans.forms.gaps import EvidenceForm, GapEditForm, GapFilterForm, GapForm, MergeForm
from actionplans.models import Gap, PriorityArea
from workshops.access import Perm, workshop_view
from workshops.models import System, Workshop

INVALID = 422  # an htmx form answered with its errors
CONFLICT = 409


def gap_of(workshop: Workshop, gap_id: int) -> Gap:
    return get_object_or_404(
        Gap.objects.select_related("proposed_by__user", "merged_into"),
        workshop=workshop,
        pk=gap_id,
    )


def to_kept(request: HttpRequest, workshop: Workshop, gap: Gap) -> HttpResponse:
    """A merged gap lives on in the gap it was merged into."""
    messages.info(
        request,
        gettext("“%(title)s” was merged into this gap.") % {"title": gap.title},
    )
    return redirect("actionplans:gap", workshop.code, gap.merged_into_id)


def gap_url(workshop: Workshop, gap: Gap, anchor: str = "") -> str:
    url = reverse("actionplans:gap", args=[workshop.code, gap.pk])
    return f"{url}#{anchor}" if anchor else url


# --- the list -----------------------------------------------------------------------------------


def list_context(request: HttpRequest, workshop: Workshop, form: GapForm | None = None) -> dict:
    systems = list(System.objects.order_by("order", "name"))
    filters = GapFilterForm(request.GET or None, systems=systems)
    kind, system_id = filters.chosen()
    query = urlencode({k: v for k, v in (("kind", kind), ("system", system_id)) if v})
    if form is None and request.access.can(Perm.PARTICIPATE):
        form = GapForm(auto_id="gap-new-%s")
    return {
        "workshop": workshop,
        "gaps": list(gaps.gap_rows(workshop, kind, system_id)),
        "filters": filters,
        "filtered": bool(kind or system_id),
        "query": query,
        "form": form,
    }


@workshop_view(Perm.VIEW)
def gap_list(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    return TemplateResponse(request, "actionplans/gap_list.html", list_context(request, workshop))


@workshop_view(Perm.PARTICIPATE)
@require_http_methods(["GET", "POST"])
def gap_new(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    form = GapForm(request.POST if request.method == "POST" else None, auto_id="gap-new-%s")
    if request.method == "POST" and form.is_valid():
        gap = gaps.propose(workshop, request.access.membership, form.gap_fields())
        done = gettext("“%(title)s” is proposed. Add the evidence it rests on.") % {
            "title": gap.title
        }
        if request.htmx:
            context = list_context(request, workshop)
            context["done"] = gettext("“%(title)s” is proposed.") % {"title": gap.title}
            context["new_gap"] = gap
            return TemplateResponse(request, "actionplans/gap_list.html#board", context)
        messages.success(request, done)
        return redirect(gap_url(workshop, gap, "evidence"))
    status = INVALID if request.method == "POST" and request.htmx else 200
    if request.htmx:
        context = list_context(request, workshop, form)
        return TemplateResponse(request, "actionplans/gap_list.html#board", context, status=status)
    context = {"workshop": workshop, "form": form}
    return TemplateResponse(request, "actionplans/gap_new.html", context, status=status)


# --- one gap and its evidence -------------------------------------------------------------------


def detail_context(
    request: HttpRequest,
    workshop: Workshop,
    gap: Gap,
    sources: gaps.Sources | None = None,
    form: EvidenceForm | None = None,
) -> dict:
    sources = sources or gaps.sources_for(workshop)
    if form is None and request.access.can(Perm.PARTICIPATE):
        form = EvidenceForm(sources=sources, gap=gap, auto_id="evidence-%s")
    dots, people = gaps.vote_count(gap)
    return {
        "workshop": workshop,
        "gap": gap,
        "systems": [gettext(s.name) for s in gap.systems.all()],
        "principles": list(gap.principles.all()),
        "lines": sources.describe(gaps.evidence_of(gap)),
        "dots": dots,
        "people": people,
        "priority": PriorityArea.objects.filter(gap=gap).first(),
        "merged_from": list(gap.merged.select_related("proposed_by__user").order_by("id")),
        "form": form,
    }


@workshop_view(Perm.VIEW)
def gap_detail(request: HttpRequest, workshop: Workshop, gap_id: int) -> HttpResponse:
    gap = gap_of(workshop, gap_id)
    if gap.merged_into_id:
        return to_kept(request, workshop, gap)
    context = detail_context(request, workshop, gap)
    return TemplateResponse(request, "actionplans/gap_detail.html", context)


def evidence_answer(
    request: HttpRequest, workshop: Workshop, gap: Gap, done: str, anchor: str = "evidence"
) -> HttpResponse:
    """After a change to the evidence: the evidence part of the page (htmx) or the page."""
    if request.htmx:
        context = detail_context(request, workshop, gap)
        context["done"] = done
        return TemplateResponse(request, "actionplans/gap_detail.html#evidence", context)
    messages.success(request, done)
    return redirect(gap_url(workshop, gap, anchor))


@workshop_view(Perm.PARTICIPATE)
@require_http_methods(["GET", "POST"])
def evidence_add(request: HttpRequest, workshop: Workshop, gap_id: int) -> HttpResponse:
    gap = gap_of(workshop, gap_id)
    if gap.merged_into_id:
        return to_kept(request, workshop, gap)
    sources = gaps.sources_for(workshop)
    form = EvidenceForm(
        request.POST if request.method == "POST" else None,
        sources=sources,
        gap=gap,
        auto_id="evidence-%s",
    )
    if request.method == "POST" and form.is_valid():
        gaps.add_evidence(gap, form.cleaned_data["source"], form.cleaned_data["note"], request.user)
        return evidence_answer(request, workshop, gap, gettext("Evidence added."))
    status = INVALID if request.method == "POST" and request.htmx else 200
    context = detail_context(request, workshop, gap, sources, form)
    template = "actionplans/gap_detail.html"
    if request.htmx:
        template += "#evidence"
    return TemplateResponse(request, template, context, status=status)


@workshop_view(Perm.EDIT_PLAN)
@require_POST
def evidence_remove(
    request: HttpRequest, workshop: Workshop, gap_id: int, evidence_id: int
) -> HttpResponse:
    gap = gap_of(workshop, gap_id)
    gap.evidence.filter(pk=evidence_id).delete()
    voting.touch(workshop.pk)
    return evidence_answer(request, workshop, gap, gettext("Evidence removed."))


# --- editing and merging ------------------------------------------------------------------------


def conflict_of(stored: Gap, theirs: dict) -> dict:
    """Both versions of a gap, side by side, in words."""
    kinds = dict(Gap.Kind.choices)

    def version(title, description, kind, systems, principles) -> dict:
        return {
            "title": title,
            "description": description,
            "kind": kinds.get(kind, kind),
            "systems": ", ".join(gettext(s.name) for s in systems),
            "principles": ", ".join(p.tr_name for p in principles),
        }

    return {
        "stored": version(
            stored.title,
            stored.description,
            stored.kind,
            stored.systems.all(),
            stored.principles.all(),
        ),
        "theirs": version(
            theirs["title"],
            theirs["description"],
            theirs["kind"],
            theirs["systems"],
            theirs["principles"],
        ),
    }


@workshop_view(Perm.EDIT_PLAN)
@require_http_methods(["GET", "POST"])
def gap_edit(request: HttpRequest, workshop: Workshop, gap_id: int) -> HttpResponse:
    gap = gap_of(workshop, gap_id)
    if gap.merged_into_id:
        return to_kept(request, workshop, gap)
    conflict = None
    status = 200
    if request.method == "POST":
        form = GapEditForm(request.POST, instance=gap)
        if form.is_valid():
            if gaps.save_gap(gap, form.cleaned_data["version"], form.gap_fields()):
                messages.success(request, gettext("Gap saved."))
                return redirect(gap_url(workshop, gap))
            stored = gap_of(workshop, gap.pk)
            if stored.merged_into_id:
                messages.warning(
                    request,
                    gettext(
                        "While you were editing, this gap was merged into another one: your "
                        "changes were not saved. Make them here if they still apply."
                    ),
                )
                return redirect("actionplans:gap_edit", workshop.code, stored.merged_into_id)
            conflict = conflict_of(stored, form.cleaned_data)
            # The form keeps what this person wrote, with the version now stored: saving it
            # again means "keep mine".
            data = request.POST.copy()
            data["version"] = str(stored.version)
            form = GapEditForm(data, instance=stored)
            gap = stored
            status = CONFLICT
        elif request.htmx:
            status = INVALID
    else:
        form = GapEditForm(instance=gap)
    context = {"workshop": workshop, "gap": gap, "form": form, "conflict": conflict}
    return TemplateResponse(request, "actionplans/gap_edit.html", context, status=status)


@workshop_view(Perm.RUN)
@require_http_methods(["GET", "POST"])
def gap_merge(request: HttpRequest, workshop: Workshop, gap_id: int) -> HttpResponse:
    gap = gap_of(workshop, gap_id)
    if gap.merged_into_id:
        return to_kept(request, workshop, gap)
    form = MergeForm(
        request.POST if request.method == "POST" else None, duplicate=gap, workshop=workshop
    )
    promoted = PriorityArea.objects.filter(gap=gap).exists()
    status = 200
    if request.method == "POST":
        if promoted:
            form.is_valid()
            form.add_error(None, gaps.promoted_message())
        elif form.is_valid():
            try:
                merged = gaps.merge(workshop, gap.pk, form.cleaned_data["kept"])
            except gaps.MergeRefused as refused:
                form.add_error("kept", str(refused))
            else:
                messages.success(request, merged_message(gap, merged))
                return redirect(gap_url(workshop, merged.kept))
        if request.htmx:
            status = INVALID
    dots, _ = gaps.vote_count(gap)
    context = {
        "workshop": workshop,
        "gap": gap,
        "form": form,
        "promoted": promoted,
        "evidence_count": gap.evidence.count(),
        "dots": dots,
    }
    return TemplateResponse(request, "actionplans/gap_merge.html", context, status=status)


def merged_message(duplicate: Gap, merged: gaps.Merged) -> str:
    moved = ngettext(
        "%(count)s piece of evidence", "%(count)s pieces of evidence", merged.evidence_moved
    ) % {"count": merged.evidence_moved}
    dots = ngettext("%(count)s dot", "%(count)s dots", merged.dots_moved) % {
        "count": merged.dots_moved
    }
    return gettext("“%(title)s” is merged into this gap: %(moved)s and %(dots)s moved here.") % {
        "title": duplicate.title,
        "moved": moved,
        "dots": dots,
    }
