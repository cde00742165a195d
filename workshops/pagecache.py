"""Cached pages: the busiest pages are rendered once and served again until their data changes.

A page is kept in the "pages" cache under a key made of what decides its content: the path and
query, the caller's session and CSRF secret (so a page never shows one person what another
sees, and its forms carry the caller's own token), the language, the htmx headers, and the
*content version*: ``Workshop.content_changed_at`` for a workshop's pages, or the latest of
them for a state's. Any state-changing request under a workshop (``workshop_view`` with POST,
PUT, PATCH or DELETE) and any background change (a PDF made, reminders sent) calls ``touch``,
after its transaction commits; the next request reads a new version and renders afresh. The
workshop row is read anyway by the access check, so for a workshop page the version costs no
query.

What no request changes — the date (overdue steps), "live now", relative times, an edit in the
admin — is at most ``PAGE_CACHE_SECONDS`` old (60 s; 0 turns the cache off, as the tests do but
for their own). A page is not cached when the request shows or leaves a flash message, when it
is not a plain 200 answer, or when the caller has no CSRF cookie yet.
"""

import hashlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models import Count, Max, OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

from workshops.models import Workshop

ALIAS = "pages"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
HIT_HEADER = "X-Page-Cache"


def touch(workshop_id: int) -> None:
    """The workshop's pages change: after the current transaction commits, bump its version."""

    def bump() -> None:
        Workshop.objects.filter(pk=workshop_id).update(content_changed_at=timezone.now())

    transaction.on_commit(bump)


def with_version(states: QuerySet) -> QuerySet:
    """``State`` rows with what ``state_version`` reads: the latest change among each state's
    workshops and how many there are (two subqueries: no query of their own)."""
    workshops = Workshop.objects.filter(county__state=OuterRef("pk")).order_by()
    by_state = workshops.values("county__state")
    return states.annotate(
        latest_change=Subquery(
            by_state.annotate(latest=Max("content_changed_at")).values("latest")
        ),
        workshop_count=Subquery(by_state.annotate(count=Count("pk")).values("count")),
    )


def state_version(state) -> str:
    """The content version of a state's pages, from a state of ``with_version``."""
    latest = state.latest_change.isoformat() if state.latest_change else "-"
    return f"{latest}/{state.workshop_count or 0}"


def seconds() -> int:
    return settings.PAGE_CACHE_SECONDS


def key_of(request: HttpRequest, version: str) -> str | None:
    """The page's cache key, or None when this request must not be served from the cache."""
    csrf = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    session = request.session.session_key if hasattr(request, "session") else None
    if not csrf or not session or has_messages(request):
        return None
    htmx = sorted((k, v) for k, v in request.META.items() if k.startswith("HTTP_HX_"))
    parts = [request.get_full_path(), session, csrf, get_language() or "", repr(htmx), version]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"page:{digest}"


def has_messages(request: HttpRequest) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and bool(storage._loaded_messages or storage._queued_messages)


def serve(request: HttpRequest, version: str, render: Callable[[], HttpResponse]) -> HttpResponse:
    """The cached page for ``version``, or ``render()``'s answer, kept when it may be.

    The views it serves are outside the request's transaction (``non_atomic_requests``): a page
    served again costs no BEGIN and COMMIT; a page rendered, or any other method, runs in one
    transaction as every other request does.
    """
    if request.method not in ("GET", "HEAD") or seconds() <= 0:
        return rendered(render)
    key = key_of(request, version)
    if key is None:
        return rendered(render)
    cache = caches[ALIAS]
    found = cache.get(key)
    if found is not None:
        content, content_type = found
        response = HttpResponse(content, content_type=content_type)
        response[HIT_HEADER] = "hit"
        return response
    response = rendered(render)
    if keepable(request, response):
        cache.set(key, (response.content, response["Content-Type"]), seconds())
        response[HIT_HEADER] = "miss"
    return response


def rendered(render: Callable[[], HttpResponse]) -> HttpResponse:
    """``render()``'s answer with its template rendered, in one transaction."""
    with transaction.atomic():
        response = render()
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
    return response


def keepable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Location")
        and not has_messages(request)
    )


def cached_page(view: Callable) -> Callable:
    """For a workshop view (under ``workshop_view``): served from the cache while the
    workshop's content version holds."""

    @wraps(view)
    def wrapped(request: HttpRequest, workshop: Workshop, *args, **kwargs) -> HttpResponse:
        version = workshop.content_changed_at.isoformat()
        return serve(request, version, lambda: view(request, workshop, *args, **kwargs))

    return transaction.non_atomic_requests(wrapped)
