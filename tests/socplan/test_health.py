"""The health check and the "database away" answer (503 with a retry, never a 500)."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client
from django.urls import include, path

import socplan.urls
from socplan import probes
from workshops.access import public


@public
def needs_the_database(request):
    raise OperationalError("connection refused")


urlpatterns = [path("db/", needs_the_database), path("", include("socplan.urls"))]
handler500 = socplan.urls.handler500  # the project's own, as its URLconf declares it


def database_down():
    return mock.patch.object(
        CursorWrapper, "execute", side_effect=OperationalError("server closed the connection")
    )


def test_it_says_ok_when_the_database_answers(client, db):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_it_says_unavailable_when_the_database_does_not(client, db):
    with database_down():
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_it_needs_no_sign_in_and_only_answers_get(client, db):
    assert client.get("/health/").status_code == 200
    assert client.post("/health/").status_code == 405


@pytest.mark.urls("tests.socplan.test_health")
def test_it_answers_503_with_a_retry_when_the_database_is_away(db):
    client = Client(raise_request_exception=False)
    response = client.get("/db/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert b"We are back in a moment" in response.content
    assert b"connection refused" not in response.content


@pytest.mark.urls("tests.socplan.test_health")
def test_it_answers_503_when_the_session_cannot_be_read(cast):
    """The database fails before the view runs (the session, the access check)."""
    client = Client(raise_request_exception=False)
    client.force_login(cast.facilitator.user)
    with database_down():
        response = client.get(f"/w/{cast.workshop.code}/")
    assert response.status_code == 503


def test_it_serves_no_benchmark_view_unless_asked(client, db):
    assert client.get("/bench/bare/").status_code == 404


def test_it_answers_ok_from_the_benchmark_view(rf):
    response = probes.bare(rf.get("/bench/bare/"))
    assert response.status_code == 200
    assert response.content == b"ok"


def test_favicon_ico_leads_to_our_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response.url == "/static/favicon.svg"
