"""Our own middleware (``settings.MIDDLEWARE``)."""

from django.utils.cache import patch_cache_control


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
