"""Factories for tests: reference data (states, counties, systems) comes from the migrations."""

from dataclasses import dataclass
from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from actionplans.models import (
    ActionPlan,
    ActionStep,
    Benchmark,
    Gap,
    Goal,
    Measure,
    Objective,
    PriorityArea,
    Strategy,
)
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


@dataclass
class PlanTree:
    """One of everything in an action plan, each the parent of the next."""

    plan: ActionPlan
    priority: PriorityArea
    goal: Goal
    objective: Objective
    strategy: Strategy
    step: ActionStep
    measure: Measure
    benchmark: Benchmark


def plan_tree(workshop: Workshop, n: int = 1) -> PlanTree:
    """A gap promoted to a priority with a goal, objective, strategy, step, measure, benchmark.

    Calling it again for the same workshop and ``n`` returns the same rows.
    """
    today = timezone.localdate()
    gap, _ = Gap.objects.get_or_create(workshop=workshop, title=f"Gap {n}")
    priority, _ = PriorityArea.objects.get_or_create(
        workshop=workshop, gap=gap, defaults={"title": gap.title, "rank": n}
    )
    plan, _ = ActionPlan.objects.get_or_create(workshop=workshop, number=1)
    goal, _ = Goal.objects.get_or_create(plan=plan, priority=priority, title=f"Goal {n}")
    objective, _ = Objective.objects.get_or_create(
        goal=goal, title=f"Objective {n}", defaults={"target_date": today + timedelta(days=180)}
    )
    strategy, _ = Strategy.objects.get_or_create(objective=objective, title=f"Strategy {n}")
    step, _ = ActionStep.objects.get_or_create(
        objective=objective,
        strategy=strategy,
        title=f"Step {n}",
        defaults={"start": today, "due": today + timedelta(days=60), "lead": "Pat Lee"},
    )
    measure, _ = Measure.objects.get_or_create(
        objective=objective,
        title=f"Measure {n}",
        defaults={"baseline": 10, "target": 20, "unit": "families"},
    )
    benchmark, _ = Benchmark.objects.get_or_create(
        measure=measure, due=today + timedelta(days=90), defaults={"value": 15}
    )
    return PlanTree(plan, priority, goal, objective, strategy, step, measure, benchmark)
