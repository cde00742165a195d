"""The system of care map: the page (picture, tables, filters, downloads), its polling, and
the room's edits: facilitators add, change, link and remove nodes; participants suggest.

Every edit works as a plain form (POST, then back to the map with a message) and as an htmx
form in the editor panel, which answers with the panel's form (422 with its errors) and
``HX-Trigger: mapChanged`` so that the board refreshes at once. The board itself polls
``map_poll`` with the version it shows: "204 No Content" after one small query until someone
changes the map.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from assessments import maps
from assessments.forms.maps import LinkForm, MapFilterForm, NodeForm, node_choices, only_choices
from assessments.maps import MapData, MapError, MapSystem, Only
from assessments.mapsvg import render_map, to_png
from assessments.models import MapLink, MapNode, Proposal
from workshops.access import Perm, workshop_view
from workshops.models import Membership, System, Workshop
from workshops.pagecache import cached_page

POLL_SECONDS = 3
INVALID = 422  # an htmx form answered with its errors
DOWNLOADS = {"svg": "image/svg+xml", "png": "image/png"}
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


# --- what the page shows ----------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """The valid filters of a request (``?system=<id>&only=gaps|broken``)."""

    system_id: int | None = None
    only: Only = Only.ALL
    system_name: str = ""

    @property
    def active(self) -> bool:
        return self.system_id is not None or self.only != Only.ALL

    @property
    def query(self) -> str:
        params = {}
        if self.system_id is not None:
            params["system"] = self.system_id
        if self.only != Only.ALL:
            params["only"] = self.only.value
        return urlencode(params)

    @property
    def summary(self) -> str:
        """The filters in words, e.g. "Crisis · only gaps" ("" without filters)."""
        parts = [self.system_name] if self.system_id is not None else []
        if self.only != Only.ALL:
            parts.append(dict(only_choices())[self.only.value].lower())
        return " · ".join(parts)


def filters_of(
    request: HttpRequest, data: MapData, warn: bool = True
) -> tuple[Filters, MapFilterForm]:
    """The request's filters and the filter form; invalid values are dropped (with a message)."""
    form = MapFilterForm(request.GET or None, systems=data.systems)
    system_id, only = form.chosen()
    if form.errors and warn:
        messages.warning(
            request, gettext("That filter is not available: it was left out of the map.")
        )
    if form.errors:
        form = MapFilterForm(
            {"system": system_id or "", "only": only.value} if (system_id or only) else None,
            systems=data.systems,
        )
    names = {s.id: s.name for s in data.systems}
    return Filters(system_id, only, names.get(system_id, "")), form


def filter_params(request: HttpRequest) -> str:
    """The filters of the page a form was sent from, to go back to it (checked there)."""
    return urlencode({k: request.GET[k] for k in ("system", "only") if request.GET.get(k)})


def back_to_map(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    """Plain forms go back to the map with the filters of their action URL."""
    url = reverse("assessments:map", args=[workshop.code])
    params = filter_params(request)
    return redirect(f"{url}?{params}" if params else url)


def map_title(workshop: Workshop, filters: Filters | None = None) -> str:
    title = gettext("System of care map of %(county)s") % {"county": workshop.county}
    if filters and filters.active:
        title = f"{title} ({filters.summary})"
    return title


def counts(data: MapData) -> str:
    """E.g. "12 nodes, 9 links"."""
    nodes = ngettext("%(count)d node", "%(count)d nodes", len(data.nodes)) % {
        "count": len(data.nodes)
    }
    links = ngettext("%(count)d link", "%(count)d links", len(data.links)) % {
        "count": len(data.links)
    }
    return gettext("%(nodes)s, %(links)s") % {"nodes": nodes, "links": links}


def map_desc(download: bool = False) -> str:
    """What the SVG's description adds to its counts."""
    if download:
        return gettext("Services, agencies and supports grouped by system, with their links.")
    return gettext("The same data is in the tables under the picture.")


def is_editor(request: HttpRequest) -> bool:
    return request.access.can(Perm.RUN)


def own(items: list, request: HttpRequest) -> list:
    membership = request.access.membership
    return [item for item in items if membership and item.suggested_by_id == membership.pk]


def panel_context(request: HttpRequest, data: MapData) -> dict:
    """The suggestions of the editor panel: all of them for editors, one's own for others."""
    nodes, links = data.pending_nodes, data.pending_links
    if not is_editor(request):
        nodes, links = own(nodes, request), own(links, request)
    return {
        "pending_nodes": nodes,
        "pending_links": links,
        "suggestion_count": len(nodes) + len(links),
    }


def choices_for(request: HttpRequest, data: MapData):
    """The nodes a link may join: the map's, and one's own suggested nodes for suggesters."""
    return node_choices(data, [] if is_editor(request) else own(data.pending_nodes, request))


def board_context(request: HttpRequest, workshop: Workshop, data: MapData, filters: Filters):
    shown = data.filtered(filters.system_id, filters.only)
    title = map_title(workshop, filters)
    return {
        "workshop": workshop,
        "map": shown,
        "whole": data,
        "map_svg": render_map(shown, title=title, desc=map_desc()),
        # Phones get the systems one under the other, readable without zooming.
        "map_svg_narrow": render_map(shown, title=title, desc=map_desc(), columns=1),
        "editor": is_editor(request),
        "filters": filters,
        "node_choices": choices_for(request, data),
        "poll_seconds": POLL_SECONDS,
        "counts": counts(shown),
        **panel_context(request, data),
    }


@workshop_view(Perm.VIEW)
@cached_page
def map_page(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    data = maps.load_map(workshop, with_pending=True)
    filters, filter_form = filters_of(request, data)
    board = board_context(request, workshop, data, filters)
    context = {
        **board,
        "filter_form": filter_form,
        "node_form": NodeForm(
            systems=data.systems, prefix_id="node-new", initial=requested_system(request)
        ),
        "link_form": LinkForm(
            workshop=workshop, choices=board["node_choices"], prefix_id="link-new"
        ),
        "back": filters.query,
    }
    return TemplateResponse(request, "assessments/map.html", context)


@workshop_view(Perm.VIEW)
def map_poll(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    """The board (and the suggestions, out of band) when the map changed; else 204."""
    if not request.htmx:
        return back_to_map(request, workshop)
    if request.GET.get("v") == str(maps.map_version(workshop.pk)):
        return HttpResponse(status=204)
    data = maps.load_map(workshop, with_pending=True)
    filters, _form = filters_of(request, data, warn=False)
    context = board_context(request, workshop, data, filters)
    return TemplateResponse(request, "assessments/map.html#poll", context)


@workshop_view(Perm.VIEW)
def map_download(request: HttpRequest, workshop: Workshop, fmt: str) -> HttpResponse:
    if fmt not in DOWNLOADS:
        raise Http404("The map comes as .svg or .png.")
    data = maps.load_map(workshop)
    filters, _form = filters_of(request, data, warn=False)
    shown = data.filtered(filters.system_id, filters.only)
    svg = XML_DECLARATION + render_map(
        shown, title=map_title(workshop, filters), desc=map_desc(download=True)
    )
    content = svg.encode() if fmt == "svg" else to_png(svg)
    response = HttpResponse(content, content_type=DOWNLOADS[fmt])
    name = f"{slugify(workshop.county.name)}-soc-map.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@workshop_view(Perm.RUN)
@require_POST
def map_start(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    added = maps.start_from_known(workshop)
    if added:
        messages.success(
            request,
            ngettext(
                "Added %(count)d agency of the participants to the map.",
                "Added %(count)d agencies of the participants to the map.",
                added,
            )
            % {"count": added},
        )
    elif (
        workshop.memberships.filter(role=Membership.Role.PARTICIPANT, system__isnull=False)
        .exclude(agency="")
        .exists()
    ):
        messages.info(request, gettext("All the participants' agencies are already on the map."))
    else:
        messages.warning(
            request,
            gettext(
                "No participant has an agency and a system yet: add them on the roster, "
                "or add nodes one by one."
            ),
        )
    return back_to_map(request, workshop)


# --- edits ------------------------------------------------------------------------------------


def map_systems() -> list[MapSystem]:
    return [MapSystem(s.pk, gettext(s.name)) for s in System.objects.order_by("order", "name")]


def changed(response: HttpResponse) -> HttpResponse:
    """Tell the page that the map changed, so that the board polls at once."""
    response["HX-Trigger"] = "mapChanged"
    return response


def form_page(request: HttpRequest, context: dict, partial: str, page: str) -> HttpResponse:
    """A form in the editor panel (htmx; 422 when it has errors) or on a page of its own."""
    form = context.get("form")
    invalid = request.method == "POST" and form is not None and bool(form.errors)
    if request.htmx:
        return TemplateResponse(request, partial, context, status=INVALID if invalid else 200)
    return TemplateResponse(request, page, context)


def saved(request: HttpRequest, workshop: Workshop, message: str, partial: str, context: dict):
    """After an edit: back to the map with a message, or the panel's fresh form with it."""
    if not request.htmx:
        messages.success(request, message)
        return back_to_map(request, workshop)
    return changed(TemplateResponse(request, partial, {**context, "message": message}))


def suggestion_message(what: str) -> str:
    return gettext(
        "Thank you: “%(what)s” is suggested. A facilitator will review it and put it on the map."
    ) % {"what": what}


def requested_system(request: HttpRequest) -> dict:
    """New nodes go in the system the map shows, if it shows one."""
    value = request.GET.get("system", "")
    return {"system": int(value)} if value.isdigit() else {}


@workshop_view(Perm.PARTICIPATE)
def map_node_new(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    """Add a node (facilitators) or suggest one (everyone else)."""
    editor = is_editor(request)
    systems = map_systems()
    form = NodeForm(
        request.POST if request.method == "POST" else None,
        systems=systems,
        prefix_id="node-new",
        initial=requested_system(request),
    )
    context = {"workshop": workshop, "form": form, "editor": editor, "back": filter_params(request)}
    if request.method == "POST" and form.is_valid():
        node = form.save(commit=False)
        node.workshop = workshop
        if not editor:
            node.proposal = Proposal.PENDING
            node.suggested_by = request.access.membership
        try:
            maps.save_node(node)
        except MapError as error:
            form.add_error("label", str(error))
        else:
            if editor:
                message = gettext("“%(label)s” is on the map.") % {"label": node.label}
            else:
                message = suggestion_message(node.label)
            fresh = NodeForm(
                systems=systems, prefix_id="node-new", initial={"system": node.system_id}
            )
            return saved(
                request,
                workshop,
                message,
                "assessments/_map_node_form.html",
                {**context, "form": fresh},
            )
    return form_page(
        request, context, "assessments/_map_node_form.html", "assessments/map_node_form.html"
    )


def stamp(node: MapNode) -> str:
    """What the edit form was loaded from, to notice someone else's change meanwhile."""
    return node.updated_at.isoformat()


def conflict_message(node: MapNode) -> str:
    return gettext(
        "Someone else changed this node while you were editing it. It now reads: “%(label)s”, "
        "%(system)s, %(status)s. Your changes are below: check them and save again to keep them."
    ) % {
        "label": node.label,
        "system": gettext(node.system.name),
        "status": node.get_status_display(),
    }


@workshop_view(Perm.RUN)
def map_node(request: HttpRequest, workshop: Workshop, node_id: int) -> HttpResponse:
    """Change a node: its name, system, status, description..."""
    node = get_object_or_404(
        workshop.map_nodes.exclude(proposal=Proposal.DISMISSED).select_related("system"),
        pk=node_id,
    )
    systems = map_systems()
    loaded = stamp(node)
    form = NodeForm(
        request.POST if request.method == "POST" else None,
        instance=node,
        systems=systems,
        prefix_id="node-edit",
    )
    context = {
        "workshop": workshop,
        "form": form,
        "node": node,
        "editor": True,
        "loaded": loaded,
        "back": filter_params(request),
    }
    if request.method == "POST" and form.is_valid():
        if request.POST.get("loaded", loaded) != loaded:
            current = MapNode.objects.select_related("system").get(pk=node.pk)
            form.add_error(None, conflict_message(current))
        else:
            try:
                maps.save_node(form.save(commit=False))
            except MapError as error:
                form.add_error("label", str(error))
            else:
                fresh = NodeForm(instance=node, systems=systems, prefix_id="node-edit")
                message = gettext("Saved “%(label)s”.") % {"label": node.label}
                partial = "assessments/_map_node_form.html"
                return saved(
                    request,
                    workshop,
                    message,
                    partial,
                    {**context, "form": fresh, "loaded": stamp(node)},
                )
    return form_page(
        request, context, "assessments/_map_node_form.html", "assessments/map_node_form.html"
    )


def done(request: HttpRequest, workshop: Workshop, message: str) -> HttpResponse:
    """After a removal: back to the map, or a message in the panel where the form was."""
    if not request.htmx:
        messages.success(request, message)
        return back_to_map(request, workshop)
    return changed(TemplateResponse(request, "assessments/_map_done.html", {"message": message}))


@workshop_view(Perm.RUN)
@require_POST
def map_node_remove(request: HttpRequest, workshop: Workshop, node_id: int) -> HttpResponse:
    node = get_object_or_404(workshop.map_nodes, pk=node_id)
    links = workshop.map_links.filter(Q(source=node) | Q(target=node)).count()
    maps.remove_node(node)
    message = (
        ngettext(
            "Removed “%(label)s” and its link from the map.",
            "Removed “%(label)s” and its %(count)d links from the map.",
            links,
        )
        if links
        else gettext("Removed “%(label)s” from the map.")
    )
    return done(request, workshop, message % {"label": node.label, "count": links})


def link_name(link: MapLink) -> str:
    return f"{link.source.label} \N{EN DASH} {link.target.label}"


@workshop_view(Perm.PARTICIPATE)
def map_link_new(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    """Link two nodes (facilitators) or suggest a link (everyone else)."""
    editor = is_editor(request)
    data = maps.load_map(workshop, with_pending=not editor)
    choices = choices_for(request, data)
    form = LinkForm(
        request.POST if request.method == "POST" else None,
        workshop=workshop,
        choices=choices,
        prefix_id="link-new",
    )
    context = {"workshop": workshop, "form": form, "editor": editor, "back": filter_params(request)}
    if request.method == "POST" and form.is_valid():
        link = MapLink(workshop=workshop, **form.cleaned_data)
        if not editor:
            link.proposal = Proposal.PENDING
            link.suggested_by = request.access.membership
        try:
            maps.save_link(link)
        except MapError as error:
            form.add_error("target", str(error))
        else:
            if editor:
                message = gettext("Linked “%(a)s” and “%(b)s”.") % {
                    "a": link.source.label,
                    "b": link.target.label,
                }
            else:
                message = suggestion_message(link_name(link))
            fresh = LinkForm(workshop=workshop, choices=choices, prefix_id="link-new")
            return saved(
                request,
                workshop,
                message,
                "assessments/_map_link_form.html",
                {**context, "form": fresh},
            )
    return form_page(
        request, context, "assessments/_map_link_form.html", "assessments/map_link_form.html"
    )


@workshop_view(Perm.RUN)
def map_link(request: HttpRequest, workshop: Workshop, link_id: int) -> HttpResponse:
    """Change a link: its strength, its note, or the nodes it joins."""
    link = get_object_or_404(
        workshop.map_links.exclude(proposal=Proposal.DISMISSED).select_related("source", "target"),
        pk=link_id,
    )
    choices = node_choices(maps.load_map(workshop))
    form = LinkForm(
        request.POST if request.method == "POST" else None,
        workshop=workshop,
        choices=choices,
        link=link,
        prefix_id="link-edit",
    )
    context = {
        "workshop": workshop,
        "form": form,
        "link": link,
        "editor": True,
        "back": filter_params(request),
    }
    if request.method == "POST" and form.is_valid():
        for name, value in form.cleaned_data.items():
            setattr(link, name, value)
        try:
            maps.save_link(link)
        except MapError as error:
            form.add_error("target", str(error))
        else:
            fresh = LinkForm(workshop=workshop, choices=choices, link=link, prefix_id="link-edit")
            message = gettext("Saved the link “%(name)s”.") % {"name": link_name(link)}
            return saved(
                request,
                workshop,
                message,
                "assessments/_map_link_form.html",
                {**context, "form": fresh},
            )
    return form_page(
        request, context, "assessments/_map_link_form.html", "assessments/map_link_form.html"
    )


@workshop_view(Perm.RUN)
@require_POST
def map_link_remove(request: HttpRequest, workshop: Workshop, link_id: int) -> HttpResponse:
    link = get_object_or_404(workshop.map_links.select_related("source", "target"), pk=link_id)
    maps.remove_link(link)
    return done(
        request, workshop, gettext("Removed the link “%(name)s”.") % {"name": link_name(link)}
    )


SUGGESTIONS = {"node": "map_nodes", "link": "map_links"}
DECISIONS = {"accept": True, "dismiss": False}


@workshop_view(Perm.RUN)
@require_POST
def map_suggestion(
    request: HttpRequest, workshop: Workshop, kind: str, item_id: int
) -> HttpResponse:
    """Accept or dismiss a participant's suggested node or link."""
    if kind not in SUGGESTIONS:
        raise Http404("Suggestions are nodes or links.")
    items = getattr(workshop, SUGGESTIONS[kind])
    if kind == "link":
        items = items.select_related("source", "target")
    item = get_object_or_404(items, pk=item_id)
    name = item.label if isinstance(item, MapNode) else link_name(item)
    decision = request.POST.get("decision", "")
    error = ""
    if decision not in DECISIONS:
        error = gettext("Choose to accept or to dismiss the suggestion.")
    else:
        try:
            maps.decide(item, DECISIONS[decision])
        except MapError as refused:
            error = str(refused)
    if error:
        message = gettext("“%(name)s”: %(error)s") % {"name": name, "error": error}
    elif DECISIONS[decision]:
        message = gettext("Accepted “%(name)s”: it is on the map.") % {"name": name}
    else:
        message = gettext("Dismissed “%(name)s”.") % {"name": name}
    if not request.htmx:
        (messages.error if error else messages.success)(request, message)
        return back_to_map(request, workshop)
    context = {"message": message, "error": bool(error)}
    response = TemplateResponse(
        request, "assessments/_map_done.html", context, status=INVALID if error else 200
    )
    return response if error else changed(response)
