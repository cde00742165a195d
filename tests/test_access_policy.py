"""Every URL has an access policy, and every workshop URL is in the role matrix.

Later issues add their workshop pages to ``ROUTES``; a URL left out fails
``test_it_covers_every_workshop_url``.
"""

from collections.abc import Callable

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from actionplans.documents import filename
from actionplans.models import Principle
from assessments.models import MapLink, MapNode
from tests.actionplans import routes_personal, routes_progress, routes_review
from tests.conftest import ROLES, Cast, sign_in
from tests.factories import plan_tree
from tests.routes import Route
from workshops.access import ROLE_PERMS, Perm, Role
from workshops.models import System

# Views that are not ours: Django's admin guards itself (staff only, its own login).
EXEMPT_NAMESPACES = {"admin"}


def walk(patterns, namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace in EXEMPT_NAMESPACES:
                continue
            yield from walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}", pattern.callback


def test_it_gives_every_url_an_access_policy():
    missing = [name for name, view in walk(get_resolver().url_patterns)
               if not hasattr(view, "access_policy")]  # fmt: skip
    assert missing == [], f"URL patterns without an access policy: {missing}"


def member(cast: Cast) -> dict:
    return {"member_id": cast.participant.pk}


def meeting(cast: Cast) -> dict:
    return {"meeting_id": cast.meeting.pk}


def session(cast: Cast) -> dict:
    return {"number": cast.session.number}


def map_node(cast: Cast, proposal: str = "accepted") -> MapNode:
    return MapNode.objects.create(
        workshop=cast.workshop,
        system=cast.participant.system,
        label=f"Node {MapNode.objects.count()}",
        proposal=proposal,
    )


def node(cast: Cast) -> dict:
    return {"node_id": map_node(cast).pk}


def link(cast: Cast) -> dict:
    source, target = map_node(cast), map_node(cast)
    made = MapLink.objects.create(workshop=cast.workshop, source=source, target=target)
    return {"link_id": made.pk}


def suggestion(cast: Cast) -> dict:
    return {"kind": "node", "item_id": map_node(cast, proposal="pending").pk}


def gap(cast: Cast) -> dict:
    return {"gap_id": plan_tree(cast.workshop).priority.gap_id}


def evidence(cast: Cast) -> dict:
    found = plan_tree(cast.workshop).priority.gap.evidence.get_or_create(
        kind="heat_cell", system=System.objects.first(), dimension="availability"
    )[0]
    return {"gap_id": found.gap_id, "evidence_id": found.pk}


def priority(cast: Cast) -> dict:
    return {"priority_id": plan_tree(cast.workshop).priority.pk}


def plan_item(kind: str) -> Callable[[Cast], dict]:
    return lambda cast: {"kind": kind, "item_id": getattr(plan_tree(cast.workshop), kind).pk}


def step(cast: Cast) -> dict:
    return {"step_id": plan_tree(cast.workshop).step.pk}


def principle(cast: Cast) -> dict:
    return {"principle_id": Principle.objects.first().pk}


def document(cast: Cast) -> dict:
    plan = plan_tree(cast.workshop).plan
    found = plan.documents.get_or_create(
        status="ready", defaults={"content_at": plan.changed_at, "pdf": b"%PDF-1.7 test"}
    )[0]
    return {"document_id": found.pk, "filename": filename(found)}


def under_priority(cast: Cast) -> dict:
    return {"parent": plan_tree(cast.workshop).priority.pk}


# Each issue adds its workshop URLs here. ``ok`` is what a caller with the right gets
# (POSTs without data answer with the form and its errors, or redirect when they need none).
ROUTES = [
    Route("workshops:detail", Perm.VIEW),
    Route("workshops:edit", Perm.MANAGE),
    Route("workshops:edit", Perm.MANAGE, method="post"),
    Route("workshops:team", Perm.MANAGE),
    Route("workshops:team", Perm.MANAGE, method="post"),
    Route("workshops:team_remove", Perm.MANAGE, method="post", ok=302,
          kwargs=lambda cast: {"member_id": cast.committee.pk}),
    Route("workshops:stage", Perm.RUN, method="post", ok=302),
    Route("workshops:meetings", Perm.PREPARE),
    Route("workshops:meeting_new", Perm.PREPARE),
    Route("workshops:meeting_new", Perm.PREPARE, method="post"),
    Route("workshops:meeting", Perm.PREPARE, kwargs=meeting),
    Route("workshops:meeting", Perm.PREPARE, method="post", kwargs=meeting),
    Route("workshops:format", Perm.PREPARE),
    Route("workshops:format", Perm.PREPARE, method="post"),
    Route("workshops:sessions", Perm.VIEW),
    Route("workshops:series_ics", Perm.VIEW),
    Route("workshops:session", Perm.VIEW, kwargs=session),
    Route("workshops:session_edit", Perm.PREPARE, kwargs=session),
    Route("workshops:session_edit", Perm.PREPARE, method="post", kwargs=session),
    Route("workshops:session_ics", Perm.VIEW, kwargs=session),
    Route("workshops:debrief", Perm.RUN, kwargs=session),
    Route("workshops:debrief", Perm.RUN, method="post", kwargs=session),
    Route("workshops:roster", Perm.PREPARE),
    Route("workshops:roster_add", Perm.PREPARE),
    Route("workshops:roster_add", Perm.PREPARE, method="post"),
    Route("workshops:roster_import", Perm.PREPARE),
    Route("workshops:roster_import", Perm.PREPARE, method="post"),
    Route("workshops:roster_edit", Perm.PREPARE, kwargs=member),
    Route("workshops:roster_edit", Perm.PREPARE, method="post", kwargs=member),
    Route("workshops:invite", Perm.PREPARE, method="post", ok=302, kwargs=member),
    Route("workshops:invite_all", Perm.PREPARE, method="post", ok=302),
    Route("workshops:runner", Perm.RUN, kwargs=session),
    Route("workshops:runner_move", Perm.RUN, method="post", ok=302, kwargs=session),
    Route("workshops:live", Perm.VIEW),
    Route("workshops:live_poll", Perm.VIEW, ok=302),
    # Assessment: survey, data table, completion, results, exports
    Route("assessments:survey", Perm.PARTICIPATE),
    Route("assessments:survey_section", Perm.PARTICIPATE, kwargs=lambda cast: {"number": 1}),
    Route("assessments:survey_section", Perm.PARTICIPATE, method="post",
          kwargs=lambda cast: {"number": 1}),
    Route("assessments:survey_answer", Perm.PARTICIPATE, method="post", ok=400),
    Route("assessments:survey_review", Perm.PARTICIPATE),
    Route("assessments:survey_submit", Perm.PARTICIPATE, method="post"),
    Route("assessments:data_row", Perm.PARTICIPATE),
    Route("assessments:data_row", Perm.PARTICIPATE, method="post"),
    Route("assessments:data_table", Perm.PREPARE),
    Route("assessments:data_row_for", Perm.RUN, kwargs=member),
    Route("assessments:data_row_for", Perm.RUN, method="post", kwargs=member),
    Route("assessments:completion", Perm.PREPARE),
    Route("assessments:remind", Perm.PREPARE, method="post", ok=302, kwargs=member),
    Route("assessments:remind_all", Perm.PREPARE, method="post", ok=302),
    Route("assessments:survey_close", Perm.RUN, method="post", ok=302),
    Route("assessments:results", Perm.PREPARE),
    Route("assessments:export_responses", Perm.PREPARE, kwargs=lambda cast: {"fmt": "csv"}),
    Route("assessments:export_responses", Perm.PREPARE, kwargs=lambda cast: {"fmt": "xlsx"}),
    Route("assessments:export_data", Perm.PREPARE, kwargs=lambda cast: {"fmt": "csv"}),
    Route("assessments:export_data", Perm.PREPARE, kwargs=lambda cast: {"fmt": "xlsx"}),
    # The system of care map
    Route("assessments:map", Perm.VIEW),
    Route("assessments:map_poll", Perm.VIEW, ok=302),
    Route("assessments:map_download", Perm.VIEW, kwargs=lambda cast: {"fmt": "svg"}),
    Route("assessments:map_download", Perm.VIEW, kwargs=lambda cast: {"fmt": "png"}),
    Route("assessments:map_start", Perm.RUN, method="post", ok=302),
    Route("assessments:map_node_new", Perm.PARTICIPATE),
    Route("assessments:map_node_new", Perm.PARTICIPATE, method="post"),
    Route("assessments:map_node", Perm.RUN, kwargs=node),
    Route("assessments:map_node", Perm.RUN, method="post", kwargs=node),
    Route("assessments:map_node_remove", Perm.RUN, method="post", ok=302, kwargs=node),
    Route("assessments:map_link_new", Perm.PARTICIPATE),
    Route("assessments:map_link_new", Perm.PARTICIPATE, method="post"),
    Route("assessments:map_link", Perm.RUN, kwargs=link),
    Route("assessments:map_link", Perm.RUN, method="post", kwargs=link),
    Route("assessments:map_link_remove", Perm.RUN, method="post", ok=302, kwargs=link),
    Route("assessments:map_suggestion", Perm.RUN, method="post", ok=302, kwargs=suggestion,
          data=lambda cast: {"decision": "accept"}),
    # Gaps, voting, priorities and the action plan
    Route("actionplans:gaps", Perm.VIEW),
    Route("actionplans:gap_new", Perm.PARTICIPATE),
    Route("actionplans:gap_new", Perm.PARTICIPATE, method="post"),
    Route("actionplans:unaddressed", Perm.VIEW),
    Route("actionplans:gap", Perm.VIEW, kwargs=gap),
    Route("actionplans:gap_edit", Perm.EDIT_PLAN, kwargs=gap),
    Route("actionplans:gap_edit", Perm.EDIT_PLAN, method="post", kwargs=gap),
    Route("actionplans:gap_merge", Perm.RUN, kwargs=gap),
    Route("actionplans:gap_merge", Perm.RUN, method="post", kwargs=gap),
    Route("actionplans:evidence_add", Perm.PARTICIPATE, kwargs=gap),
    Route("actionplans:evidence_add", Perm.PARTICIPATE, method="post", kwargs=gap),
    Route("actionplans:evidence_remove", Perm.EDIT_PLAN, method="post", ok=302,
          kwargs=evidence),
    Route("actionplans:voting", Perm.VIEW),
    Route("actionplans:voting_poll", Perm.VIEW, ok=302),
    Route("actionplans:dot", Perm.PARTICIPATE, method="post", ok=302),
    Route("actionplans:voting_control", Perm.RUN, method="post", ok=302),
    Route("actionplans:priorities", Perm.VIEW),
    Route("actionplans:promote", Perm.RUN, method="post", ok=302),
    Route("actionplans:priority_edit", Perm.RUN, kwargs=priority),
    Route("actionplans:priority_edit", Perm.RUN, method="post", kwargs=priority),
    Route("actionplans:plan", Perm.VIEW),
    Route("actionplans:item_add", Perm.EDIT_PLAN, kwargs=lambda cast: {"kind": "goal"},
          data=under_priority),
    Route("actionplans:item_edit", Perm.EDIT_PLAN, kwargs=plan_item("objective")),
    Route("actionplans:item_edit", Perm.EDIT_PLAN, method="post", kwargs=plan_item("objective")),
    Route("actionplans:item_remove", Perm.EDIT_PLAN, method="post", ok=302,
          kwargs=plan_item("step")),
    Route("actionplans:item_move", Perm.EDIT_PLAN, method="post", ok=302,
          kwargs=plan_item("step")),
    Route("actionplans:item_history", Perm.VIEW, kwargs=plan_item("goal")),
    Route("actionplans:why", Perm.VIEW, kwargs=step),
    Route("actionplans:timeline", Perm.VIEW),
    Route("actionplans:timeline_svg", Perm.VIEW),
    Route("actionplans:pdf", Perm.VIEW),
    Route("actionplans:pdf_request", Perm.VIEW, method="post", ok=302),
    Route("actionplans:pdf_status", Perm.VIEW, ok=302),
    Route("actionplans:pdf_preview", Perm.EDIT_PLAN),
    Route("actionplans:pdf_download", Perm.VIEW, kwargs=document),
    Route("actionplans:principles", Perm.VIEW),
    Route("actionplans:stance_edit", Perm.EDIT_PLAN, kwargs=principle),
    Route("actionplans:stance_edit", Perm.EDIT_PLAN, method="post", kwargs=principle),
]  # fmt: skip
# Issue 8's pages keep their rows next to their tests.
ROUTES += routes_review.ROUTES + routes_progress.ROUTES + routes_personal.ROUTES

IN_WORKSHOP = {
    "reviewer": Role.REVIEWER,
    "facilitator": Role.FACILITATOR,
    "committee": Role.COMMITTEE,
    "participant": Role.PARTICIPANT,
}


def expected_status(route: Route, role: str) -> int:
    if role not in IN_WORKSHOP:
        return 404
    return route.ok if route.perm in ROLE_PERMS[IN_WORKSHOP[role]] else 403


def test_it_covers_every_workshop_url():
    workshop_urls = {
        name
        for name, view in walk(get_resolver().url_patterns)
        if getattr(view, "access_policy", "").startswith("workshop:")
    }
    assert workshop_urls == {route.name for route in ROUTES}


def test_it_matches_route_perms_to_view_policies():
    views = dict(walk(get_resolver().url_patterns))
    for route in ROUTES:
        assert views[route.name].access_policy == f"workshop:{route.perm.value}", route.name


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method}-{r.name}")
@pytest.mark.parametrize("role", ROLES)
def test_it_answers_each_role(client, cast, route, role):
    sign_in(client, cast.user(role), cast.workshop)
    response = getattr(client, route.method)(route.url(cast), route.data(cast))
    assert response.status_code == expected_status(route, role)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method}-{r.name}")
def test_it_sends_anonymous_callers_to_login(client, cast, route):
    response = getattr(client, route.method)(route.url(cast))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method}-{r.name}")
def test_it_hides_workshops_from_participants_of_other_links(client, cast, route):
    """A participant signed in through another workshop's link is an outsider here."""
    sign_in(client, cast.participant.user)
    response = getattr(client, route.method)(route.url(cast))
    assert response.status_code == 404
