"""When the database is away (restarted, failing over, out of connections), people get a
"503, try again in a moment" page instead of a 500; nothing was saved by the failed request
because requests are atomic."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views import defaults

DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5


def database_unavailable() -> HttpResponse:
    # Rendered without the request: its context processors would ask the database again.
    body = loader.get_template("503.html").render({"retry_after": RETRY_AFTER_SECONDS})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 handler, except that losing the database answers 503 with a retry."""
    if isinstance(sys.exception(), DATABASE_DOWN):
        return database_unavailable()
    return defaults.server_error(request)
