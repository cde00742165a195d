"""Every state-changing request needs the CSRF token: without it, 403 and nothing changes.

The workshop URLs come from the access matrix (tests/test_access_policy.py), so a new page is
covered as soon as it is in the matrix; the pages outside workshops are listed here.
"""

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import sign_in
from tests.test_access_policy import ROUTES
from workshops.links import magic_link_url

POSTS = [route for route in ROUTES if route.method == "post"]
OUTSIDE_WORKSHOPS = ["login", "logout", "password_reset", "set_language"]


@pytest.fixture
def strict_client() -> Client:
    return Client(enforce_csrf_checks=True)


@pytest.mark.parametrize("route", POSTS, ids=lambda route: route.name)
def test_it_refuses_workshop_posts_without_the_token(strict_client, cast, route):
    """The reviewer holds every right, so a 403 here can only be the missing token."""
    sign_in(strict_client, cast.reviewer)
    response = strict_client.post(route.url(cast), route.data(cast))
    assert response.status_code == 403
    assert b"CSRF" in response.content


@pytest.mark.parametrize("route", POSTS[:3], ids=lambda route: route.name)
def test_it_lets_the_same_posts_through_with_the_token(strict_client, cast, route):
    sign_in(strict_client, cast.reviewer)
    strict_client.get(reverse("workshops:detail", args=[cast.workshop.code]))
    token = strict_client.cookies["csrftoken"].value
    response = strict_client.post(route.url(cast), route.data(cast), HTTP_X_CSRFTOKEN=token)
    assert response.status_code != 403


@pytest.mark.parametrize("name", OUTSIDE_WORKSHOPS)
def test_it_refuses_other_posts_without_the_token(strict_client, db, name):
    response = strict_client.post(reverse(name), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert b"CSRF" in response.content


def test_it_refuses_the_magic_link_confirmation_without_the_token(strict_client, cast):
    link = urlsplit(magic_link_url(cast.participant))
    response = strict_client.post(f"{link.path}?{link.query}")
    assert response.status_code == 403
    assert b"CSRF" in response.content
