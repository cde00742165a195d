"""The people and workshops the browser journeys start from, created with the ORM."""

from django.conf import settings
from django.contrib.auth import get_user_model

from workshops.models import County, Membership, System, Workshop

PASSWORD = "correct-horse-battery"


def make_workshop(county: str = "Tompkins", title: str | None = None) -> Workshop:
    return Workshop.objects.create(
        county=County.objects.get(state__code="NY", name=county),
        title=title or f"{county} County SOC Action Planning Workshop",
        cycle=2026,
    )


def make_user(username: str, last: str = "Staff"):
    return get_user_model().objects.create_user(
        username=username,
        email=f"{username}@example.org",
        password=PASSWORD,
        first_name=username.capitalize(),
        last_name=last,
    )


def make_staff(workshop: Workshop, username: str, role=Membership.Role.FACILITATOR):
    user = make_user(username)
    Membership.objects.create(workshop=workshop, user=user, role=role)
    return user


def make_participant(
    workshop: Workshop, first: str = "Maria", last: str = "Lopez", system: str = "mental-health"
) -> Membership:
    email = f"{first}.{last}@example.org".lower()
    user = get_user_model()(username=email, email=email, first_name=first, last_name=last)
    user.set_unusable_password()
    user.save()
    return Membership.objects.create(
        workshop=workshop,
        user=user,
        role=Membership.Role.PARTICIPANT,
        system=System.objects.get(slug=system),
    )


def link_on(live_server, url: str) -> str:
    """A link the app built for SITE_URL, pointed at this test's live server instead."""
    assert url.startswith(settings.SITE_URL + "/"), url
    return live_server.url + url.removeprefix(settings.SITE_URL)
