import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import PASSWORD


def post_login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_it_shows_the_form(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_it_signs_staff_in(client, cast):
    response = post_login(client, "facilitator", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).context["user"].username == "facilitator"


def test_it_follows_next_within_the_site(client, cast):
    url = cast.workshop.get_absolute_url()
    response = client.post(
        reverse("login"), {"username": "facilitator", "password": PASSWORD, "next": url}
    )
    assert response.url == url


def test_it_ignores_next_to_other_sites(client, cast):
    response = client.post(
        reverse("login"),
        {"username": "facilitator", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.url == reverse("home")


def test_it_explains_a_wrong_password(client, cast):
    response = post_login(client, "facilitator", "wrong")
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("username", ["", "x" * 500, "<script>"])
def test_it_survives_odd_usernames(client, db, username):
    response = post_login(client, username, "whatever")
    assert response.status_code == 200


def test_it_locks_out_after_repeated_failures(client, cast):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, "facilitator", "wrong")
    response = post_login(client, "facilitator", PASSWORD)
    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content
    assert b"locked for 15\xc2\xa0minutes." in response.content  # not "PT15M"
    assert "_auth_user_id" not in client.session


def test_it_does_not_lock_other_people_out(client, cast):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, "facilitator", "wrong")
    assert post_login(client, "committee", PASSWORD).status_code == 302


def test_it_refuses_participants_a_password_login(client, cast):
    response = post_login(client, "participant", "")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_it_signs_out_on_post(client, cast):
    client.force_login(cast.facilitator.user)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
