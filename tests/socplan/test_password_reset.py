import re

from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD


def test_it_emails_a_link_that_sets_the_password(client, cast):
    response = client.post(reverse("password_reset"), {"email": cast.facilitator.user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    path = re.search(r"https?://[^/]+(/password/reset/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(path, follow=True)
    assert b"Choose a password" in form_page.content
    new = "a-brand-new-passphrase-42"
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    user = cast.facilitator.user
    user.refresh_from_db()
    assert user.check_password(new)
    assert not user.check_password(PASSWORD)


def test_it_says_the_same_for_unknown_addresses(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_it_refuses_a_bad_link(client, db):
    response = client.get(reverse("password_reset_confirm", args=["MQ", "bad-token"]))
    assert b"This link cannot be used" in response.content
