"""Magic links: how participants sign in without a password.

A link is scoped to one workshop, expires after ``SESAME_MAX_AGE`` and works once. Opening it
shows a confirm button; only the button's POST signs in, so mail scanners that prefetch links
neither sign anyone in nor use the link up.
"""

from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from sesame.backends import ModelBackend as SesameBackend
from sesame.utils import get_query_string

from workshops.models import Membership, Workshop


def link_scope(workshop: Workshop) -> str:
    return f"workshop:{workshop.code}"


def magic_link_url(membership: Membership, next_path: str = "") -> str:
    """The member's sign-in link; ``next_path`` (a page of the same workshop) is where it leads
    once they are signed in, instead of the workshop's home."""
    path = reverse("magic_link", args=[membership.workshop.code])
    query = get_query_string(membership.user, link_scope(membership.workshop))
    if next_path:
        query += "&" + urlencode({"next": next_path})
    return settings.SITE_URL + path + query


def next_within(workshop: Workshop, next_path: str) -> str:
    """``next_path`` if it is a page of ``workshop`` on this site, else "" (no way out through
    ``..`` or ``.`` segments, plain or percent-encoded, which browsers resolve)."""
    home = workshop.get_absolute_url()
    path = unquote(urlsplit(next_path).path)
    leaves = any(segment in (".", "..") for segment in path.split("/")) or "\\" in path
    if (
        next_path.startswith(home)
        and not leaves
        and url_has_allowed_host_and_scheme(next_path, None)
    ):
        return next_path
    return ""


def user_for_token(workshop: Workshop, token: str):
    """The member the token signs in, or None when it is expired, used or of another workshop.

    Checking does not use the link up: signing in does, as it updates the user's last login,
    which the token's signature covers (``SESAME_ONE_TIME``). The backend is called directly,
    not through ``authenticate()``, so failed links do not count as failed staff sign-ins.
    """
    user = SesameBackend().authenticate(None, sesame=token or None, scope=link_scope(workshop))
    if user is None or not workshop.memberships.filter(user=user).exists():
        return None
    return user


MAIL_FAILED = "The email to {} could not be sent ({}). Try again in a few minutes."


def link_email(
    membership: Membership, subject: str, template: str, next_path: str = "", **context
) -> EmailMessage:
    """An email to a member carrying a fresh sign-in link (each link works once), which leads
    to ``next_path`` once they are signed in (the workshop's home if empty)."""
    context |= {
        "membership": membership,
        "workshop": membership.workshop,
        "url": magic_link_url(membership, next_path),
        "days": settings.SESAME_MAX_AGE.days,
    }
    return EmailMessage(
        subject=subject,
        body=render_to_string(template, context),
        to=[membership.user.email],
    )


def send_magic_link(membership: Membership) -> None:
    subject = f"Your link to {membership.workshop.title}"
    link_email(membership, subject, "emails/magic_link.txt").send()
    membership.last_link_sent_at = timezone.now()
    membership.save(update_fields=["last_link_sent_at"])
