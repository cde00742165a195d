"""Factories for tests: reference data (states, counties, systems) comes from the migrations."""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from workshops.models import (
    County,
    Meeting,
    Membership,
    StateReviewer,
    System,
    Workshop,
    WorkshopSession,
)

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(PASSWORD)


class ParticipantUserFactory(UserFactory):
    """Participants have no password: they sign in with magic links."""

    password = factory.LazyFunction(lambda: make_password(None))


def county(name: str = "Tompkins", state: str = "NY") -> County:
    return County.objects.select_related("state").get(state__code=state, name=name)


def system(slug: str) -> System:
    return System.objects.get(slug=slug)


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workshop

    county = factory.LazyFunction(county)
    title = factory.Sequence(lambda n: f"SOC Action Planning Workshop {n}")
    cycle = 2026


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    workshop = factory.SubFactory(WorkshopFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.FACILITATOR


class ParticipantFactory(MembershipFactory):
    user = factory.SubFactory(ParticipantUserFactory)
    role = Membership.Role.PARTICIPANT
    system = factory.LazyFunction(lambda: system("mental-health"))
    agency = factory.Faker("company")


class StateReviewerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StateReviewer

    user = factory.SubFactory(UserFactory)
    state = factory.LazyFunction(lambda: county().state)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    workshop = factory.SubFactory(WorkshopFactory)
    scheduled_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


class SessionFactory(factory.django.DjangoModelFactory):
    """A future online session (use ``formats.plan_sessions`` for a whole series)."""

    class Meta:
        model = WorkshopSession

    workshop = factory.SubFactory(WorkshopFactory)
    number = factory.Sequence(lambda n: n + 1)
    mode = WorkshopSession.Mode.ONLINE
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    duration_minutes = 120
    meeting_link = "https://zoom.example.org/j/123456"
