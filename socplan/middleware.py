"""Our own middleware (``settings.MIDDLEWARE``)."""

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme


def private_pages(get_response):
    """What a signed-in person is shown is not kept by their browser (``Cache-Control: private,
    no-store``, unless the view said otherwise): after signing out, the Back button cannot
    bring a workshop's page back from the browser's memory on a shared computer."""

    def middleware(request):
        response = get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response

    return middleware


def htmx_sign_in(get_response):
    """A request made by htmx (a button, a form, a poll) from someone signed out meanwhile: the
    whole page goes to the sign-in page, which then leads back to that page. Without this,
    htmx follows the redirect and puts the sign-in page inside the part it was updating.

    Placed before ``LoginRequiredMiddleware``, whose redirect it turns into ``HX-Redirect``.
    """
    login_path = resolve_url(settings.LOGIN_URL)

    def middleware(request):
        response = get_response(request)
        if (
            request.headers.get("HX-Request") == "true"
            and response.status_code == 302
            and urlsplit(response.url).path == login_path
        ):
            page = urlsplit(request.headers.get("HX-Current-URL", ""))
            back = page.path + (f"?{page.query}" if page.query else "")
            if not back or not url_has_allowed_host_and_scheme(
                back, allowed_hosts={request.get_host()}
            ):
                back = "/"
            navigate = HttpResponse(status=200)
            navigate["HX-Redirect"] = f"{login_path}?{urlencode({'next': back, 'ended': 1})}"
            return navigate
        return response

    return middleware
