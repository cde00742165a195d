"""socplan.middleware.htmx_sign_in: signed out meanwhile, an htmx request takes the whole page
to the sign-in page (and back afterwards), instead of the sign-in page landing in a part."""

from urllib.parse import quote

from django.urls import reverse

from tests.conftest import sign_in

HTMX = {"HTTP_HX_REQUEST": "true"}


def pdf_urls(workshop) -> tuple[str, str]:
    page = reverse("actionplans:pdf", args=[workshop.code])
    return page, f"http://testserver{page}"


def test_a_signed_out_htmx_request_takes_the_page_to_sign_in_and_back(client, cast):
    page, current = pdf_urls(cast.workshop)
    response = client.post(page, HTTP_HX_CURRENT_URL=current + "?lang=es", **HTMX)
    assert response.status_code == 200 and response.content == b""
    assert response["HX-Redirect"] == f"/login/?next={quote(page + '?lang=es', safe='')}&ended=1"
    # After signing in, the person is back on the page they were on.
    back = client.post(
        response["HX-Redirect"], {"username": "nobody", "password": "x"}, follow=False
    )
    assert back.status_code == 200  # the form, with its error: the next page is kept in it
    assert f'value="{page}?lang=es"' in back.text


def test_a_poll_of_a_signed_out_page_does_too(client, cast):
    page, current = pdf_urls(cast.workshop)
    response = client.get(cast.workshop.get_absolute_url(), HTTP_HX_CURRENT_URL=current, **HTMX)
    assert response["HX-Redirect"] == f"/login/?next={quote(page, safe='')}&ended=1"


def test_it_never_leads_to_another_site(client, cast):
    response = client.get(
        cast.workshop.get_absolute_url(), HTTP_HX_CURRENT_URL="https://evil.example/w/", **HTMX
    )
    assert response["HX-Redirect"] == "/login/?next=%2Fw%2F&ended=1"
    response = client.get(cast.workshop.get_absolute_url(), **HTMX)  # no current page given
    assert response["HX-Redirect"] == "/login/?next=%2F&ended=1"


def test_other_requests_are_left_alone(client, cast):
    page, current = pdf_urls(cast.workshop)
    plain = client.get(page)
    assert plain.status_code == 302 and plain.url.startswith("/login/?next=")
    sign_in(client, cast.facilitator.user)
    signed_in = client.get(page, HTTP_HX_CURRENT_URL=current, **HTMX)
    assert signed_in.status_code == 200 and "HX-Redirect" not in signed_in


def test_the_sign_in_page_says_what_was_lost_and_offers_participants_a_new_link(client, cast):
    page, current = pdf_urls(cast.workshop)
    response = client.post(page, HTTP_HX_CURRENT_URL=current, **HTMX)
    sign_in_page = client.get(response["HX-Redirect"]).text
    assert "You were signed out (your sign-in had ended), so what you just did" in sign_in_page
    new_link = reverse("new_magic_link", args=[cast.workshop.code])
    assert f"Taking part in {cast.workshop.title}?" in sign_in_page
    assert f'action="{new_link}"' in sign_in_page
    sent = client.post(new_link, {"email": cast.participant.user.email})
    assert sent.status_code == 200 and "Check your email" in sent.text


def test_the_sign_in_page_alone_offers_no_workshop(client, cast):
    text = client.get("/login/?next=/w/00000000-0000-0000-0000-000000000000/").text
    assert "Taking part in" not in text and "You were signed out" not in text
    assert "Taking part in" not in client.get("/login/").text
