"""Error pages keep the site's look and never leak details."""

import pytest
from django.test import Client
from django.urls import include, path

from tests.conftest import sign_in
from workshops.access import public


@public
def broken(request):
    raise RuntimeError("boom")


urlpatterns = [path("broken/", broken), path("", include("socplan.urls"))]


def test_it_shows_a_styled_404(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"skip-link" in response.content


def test_it_shows_a_styled_403(client, cast):
    sign_in(client, cast.participant.user, cast.workshop)
    response = client.get(f"/w/{cast.workshop.code}/roster/")
    assert response.status_code == 403
    assert b"You cannot do this" in response.content


@pytest.mark.urls("tests.socplan.test_errors")
def test_it_shows_a_styled_500(db):
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
    assert b"boom" not in response.content


@pytest.mark.parametrize(
    "url", ["/w/not-a-uuid/", "/w/%00/", "/join/../../etc/passwd", "/w/" + "a" * 3000 + "/"]
)
def test_it_answers_malformed_urls_with_404(client, db, url):
    assert client.get(url).status_code == 404
