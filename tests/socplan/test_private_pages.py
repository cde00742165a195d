"""socplan.middleware.private_pages: the browser keeps nothing of a signed-in person's pages."""

from django.urls import reverse

from tests.conftest import sign_in


def test_a_signed_in_page_is_not_kept_by_the_browser(client, cast):
    sign_in(client, cast.facilitator.user)
    response = client.get(cast.workshop.get_absolute_url())
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_a_page_for_anyone_is_left_alone(client, cast):
    response = client.get(reverse("magic_link", args=[cast.workshop.code]))  # no token
    assert response.status_code == 400
    assert "no-store" not in response.get("Cache-Control", "")


def test_what_a_view_says_of_caching_is_kept(client, cast):
    sign_in(client, cast.facilitator.user)
    response = client.get(reverse("health"))
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
