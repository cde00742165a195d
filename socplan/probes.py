"""Views for machines: the load balancer's health check and the benchmark's yardstick."""

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from socplan.errors import DATABASE_DOWN
from workshops.access import public


@public
@require_GET
@never_cache
@transaction.non_atomic_requests
def health(request: HttpRequest) -> JsonResponse:
    """For the load balancer: 200 when this process can reach its database, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DATABASE_DOWN:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@public
def bare(request: HttpRequest) -> HttpResponse:
    """The benchmark's yardstick: our middleware and nothing else (only with BENCH_VIEW on)."""
    return HttpResponse("ok", content_type="text/plain")


@public
@require_GET
@transaction.non_atomic_requests
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which browsers ask for whatever the page links: our icon."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))
