"""Dot voting and priority areas: the board with its live tally, placing and taking back dots,
the facilitator's controls, and the ranked priority areas promoted from the gaps.

Dot buttons work as plain forms (POST, then back to the page with a message) and with htmx,
which answers with the board itself (the refusal, if any, shown on it). Boards poll
``voting_poll`` with the version they show: "204 No Content" after one small query until the
tally, the gaps or the vote's state change.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from actionplans import plans, voting
from actionplans.forms.voting import DotForm, PriorityForm, PromoteForm, VotingControlForm
from actionplans.models import PriorityArea
from actionplans.voting import POLL_SECONDS, VoteRefused
from workshops.access import Perm, workshop_view
from workshops.models import Workshop
from workshops.pagecache import cached_page

CONFLICT = 409
CHANGES_SHOWN = 20


def next_url(request: HttpRequest, workshop: Workshop) -> str:
    """Where a form sends people back: the page it was on (the board, the live screen…)."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        return wanted
    return reverse("actionplans:voting", args=[workshop.code])


def board_context(request: HttpRequest, workshop: Workshop, **extra) -> dict:
    return {
        "workshop": workshop,
        "board": voting.load_board(workshop, request.access.membership),
        "voting_next": next_url(request, workshop),
        "voting_poll_seconds": POLL_SECONDS,
        **extra,
    }


def board_update(request: HttpRequest, workshop: Workshop, **extra) -> TemplateResponse:
    """The board and, out of band, the words its live region announces."""
    context = board_context(request, workshop, **extra)
    return TemplateResponse(request, "actionplans/_voting_board.html#update", context)


@workshop_view(Perm.VIEW)
@cached_page
def board(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    context = board_context(request, workshop)
    context["voting_next"] = request.path
    return TemplateResponse(request, "actionplans/voting.html", context)


@workshop_view(Perm.VIEW)
def poll(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    if not request.htmx:
        return redirect("actionplans:voting", workshop.code)
    if request.GET.get("v") == voting.board_version(workshop):
        return HttpResponse(status=204)
    return board_update(request, workshop)


def change_dots(request: HttpRequest, workshop: Workshop, form: DotForm) -> str:
    """Makes the change the form asks for; returns what happened, in words."""
    membership = request.access.membership
    gap = form.cleaned_data["gap"]
    action = form.cleaned_data["action"]
    if action == DotForm.ADD:
        voting.place_dot(workshop, membership, gap)
        return _("Dot added to “%(gap)s”.") % {"gap": gap}
    if action == DotForm.REMOVE:
        voting.take_back(workshop, membership, gap)
        return _("Dot taken back from “%(gap)s”.") % {"gap": gap}
    target = form.cleaned_data["to"]
    voting.move_dot(workshop, membership, gap, target)
    return _("Dot moved from “%(gap)s” to “%(to)s”.") % {"gap": gap, "to": target}


@workshop_view(Perm.PARTICIPATE)
@require_POST
def dot(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    form = DotForm(request.POST, workshop=workshop)
    done = refused = ""
    if not form.is_valid():
        refused = form.first_error()
    else:
        try:
            done = change_dots(request, workshop, form)
        except VoteRefused as error:
            refused = str(error)
    if request.htmx:
        return board_update(request, workshop, voting_done=done, voting_notice=refused)
    if refused:
        messages.error(request, refused)
    else:
        messages.success(request, done)
    return redirect(next_url(request, workshop))


def control_message(action: str, vote) -> str:
    if action == VotingControlForm.OPEN:
        return ngettext(
            "Voting is open: each participant has %(budget)d dot to place.",
            "Voting is open: each participant has %(budget)d dots to place.",
            vote.budget,
        ) % {"budget": vote.budget}
    if action == VotingControlForm.CLOSE:
        return _("Voting is closed. Promote the gaps the room chose on the Priorities page.")
    return ngettext(
        "Each participant now has %(budget)d dot.",
        "Each participant now has %(budget)d dots.",
        vote.budget,
    ) % {"budget": vote.budget}


@workshop_view(Perm.RUN)
@require_POST
def control(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    form = VotingControlForm(request.POST)
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return redirect(next_url(request, workshop))
    action, budget = form.cleaned_data["action"], form.cleaned_data["budget"]
    try:
        if action == VotingControlForm.OPEN:
            vote = voting.open_voting(workshop, budget)
        elif action == VotingControlForm.CLOSE:
            vote = voting.close_voting(workshop, request.user)
        else:
            vote = voting.set_budget(workshop, budget)
    except VoteRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, control_message(action, vote))
    return redirect(next_url(request, workshop))


# --- priority areas ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One line of the ranking's history: who did what to which priority area, when."""

    when: datetime
    who: str
    what: str


def describe(record, before) -> str:
    """What changed between two historical records of a priority area (``before`` may be
    None for its promotion)."""
    level = PriorityArea.Level(record.level).label
    if before is None:
        return _("promoted “%(title)s” (rank %(rank)d, %(level)s priority)") % {
            "title": record.title,
            "rank": record.rank,
            "level": level.lower(),
        }
    parts = []
    if before.title != record.title:
        parts.append(
            _("renamed “%(old)s” to “%(new)s”") % {"old": before.title, "new": record.title}
        )
    if before.rank != record.rank:
        parts.append(
            _("moved “%(title)s” from rank %(old)d to %(new)d")
            % {"title": record.title, "old": before.rank, "new": record.rank}
        )
    if before.level != record.level:
        parts.append(
            _("set “%(title)s” to %(level)s priority")
            % {"title": record.title, "level": level.lower()}
        )
    return "; ".join(parts)


def ranking_changes(workshop: Workshop, priority: PriorityArea | None = None) -> list[Change]:
    """The latest decisions on the ranking, newest first (one query)."""
    records = PriorityArea.history.filter(workshop_id=workshop.pk)
    if priority is not None:
        records = records.filter(id=priority.pk)
    previous: dict[int, object] = {}
    changes = []
    for record in records.select_related("history_user").order_by("history_date", "history_id"):
        if record.history_type == "-":
            continue
        what = describe(record, previous.get(record.id))
        previous[record.id] = record
        if what:
            user = record.history_user
            who = (user.get_full_name() or user.username) if user else _("someone")
            changes.append(Change(record.history_date, who, what))
    return changes[::-1][:CHANGES_SHOWN]


@workshop_view(Perm.VIEW)
def priorities(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    areas = list(workshop.priorities.select_related("gap", "decided_by").order_by("rank", "pk"))
    board = voting.load_board(workshop, None)
    candidates = [gap for gap in board.ranking if not hasattr(gap, "priority")]
    context = {
        "workshop": workshop,
        "areas": areas,
        "board": board,
        "candidates": candidates,
        "levels": PriorityArea.Level.choices,
        "changes": ranking_changes(workshop),
    }
    return TemplateResponse(request, "actionplans/priorities.html", context)


@workshop_view(Perm.RUN)
@require_POST
def promote(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    form = PromoteForm(request.POST, workshop=workshop)
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return redirect("actionplans:priorities", workshop.code)
    gap = form.cleaned_data["gap_id"]
    try:
        area = voting.promote(
            workshop, gap, form.cleaned_data["level"], request.user, form.cleaned_data["title"]
        )
    except VoteRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("“%(title)s” is now priority area %(rank)d.")
            % {"title": area.title, "rank": area.rank},
        )
    return redirect("actionplans:priorities", workshop.code)


def move(request: HttpRequest, workshop: Workshop, area: PriorityArea) -> HttpResponse:
    direction = request.POST["move"]
    if direction not in ("up", "down"):
        messages.error(request, _("Unknown move."))
    else:
        voting.rerank(workshop, area, step=-1 if direction == "up" else 1)
    return redirect(f"{reverse('actionplans:priorities', args=[workshop.code])}#priority-{area.pk}")


@workshop_view(Perm.RUN)
@require_http_methods(["GET", "POST"])
def priority_edit(request: HttpRequest, workshop: Workshop, priority_id: int) -> HttpResponse:
    area = get_object_or_404(workshop.priorities.select_related("gap"), pk=priority_id)
    if request.method == "POST" and "move" in request.POST:
        return move(request, workshop, area)
    rank = area.rank
    conflict = None
    status = 200
    if request.method == "POST":
        form = PriorityForm(request.POST, instance=area)
        if form.is_valid():
            version = form.cleaned_data["version"]
            # Claim the version first: whoever saved in between makes this update no row.
            claimed = PriorityArea.objects.filter(pk=area.pk, version=version).update(
                version=F("version") + 1
            )
            if claimed:
                area = form.save(commit=False)
                area.rank = rank  # the new rank comes from rerank, which numbers the others
                area.version = version + 1
                area.save()
                if form.cleaned_data["rank"] != rank:
                    voting.rerank(workshop, area, rank=form.cleaned_data["rank"])
                plans.priorities_changed(workshop)
                messages.success(request, _("Priority area saved."))
                return redirect("actionplans:priorities", workshop.code)
            stored = PriorityArea.objects.select_related("gap").get(pk=area.pk)
            conflict = {
                "stored": stored,
                "theirs": form.cleaned_data,
                "theirs_level": PriorityArea.Level(form.cleaned_data["level"]).label,
            }
            data = request.POST.copy()
            data["version"] = str(stored.version)
            form = PriorityForm(data, instance=stored)
            area = stored
            status = CONFLICT
    else:
        form = PriorityForm(instance=area, initial={"version": area.version})
    context = {
        "workshop": workshop,
        "area": area,
        "form": form,
        "conflict": conflict,
        "changes": ranking_changes(workshop, area),
        "count": workshop.priorities.count(),
    }
    return TemplateResponse(request, "actionplans/priority_edit.html", context, status=status)
