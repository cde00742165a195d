"""The personal pages' rows of the access matrix (tests/test_access_policy.py).

A relationship is named by its place in the caller's own plan, so the rows that open one give
each member of the cast a plan with a first relationship. POSTs send valid data: members get
the redirect after a save; state reviewers, who keep no plan, are sent back with the message
that plans are private (the same 302).
"""

from actionplans.models import PersonalPlan, Relationship
from tests.conftest import Cast
from tests.factories import ParticipantFactory
from tests.routes import Route
from workshops.access import Perm


def first_relationship(cast: Cast) -> dict:
    for member in (cast.facilitator, cast.committee, cast.participant):
        plan = PersonalPlan.objects.get_or_create(membership=member)[0]
        Relationship.objects.get_or_create(
            plan=plan,
            order=1,
            defaults={"agency": "County Probation", "now": "challenging", "improve": "Referrals"},
        )
    return {"order": 1}


def relationship_data(cast: Cast) -> dict:
    return {
        "agency": "Ithaca City School District",
        "now": "none",
        "improve": "Hear back about referrals",
        "strategies": ["share", "goals"],
        "version": 1,  # for an edit (an add has no version)
    }


def colleagues_plan(cast: Cast) -> dict:
    """A colleague's plan shared with every member of the cast."""
    colleague = ParticipantFactory(workshop=cast.workshop)
    plan = PersonalPlan.objects.create(membership=colleague)
    plan.shared_with.add(cast.facilitator, cast.committee, cast.participant)
    return {"plan_id": plan.pk}


ROUTES: list[Route] = [
    Route("actionplans:personal", Perm.PARTICIPATE),
    Route("actionplans:personal_add", Perm.PARTICIPATE),
    Route("actionplans:personal_add", Perm.PARTICIPATE, method="post", ok=302,
          data=relationship_data),
    Route("actionplans:personal_edit", Perm.PARTICIPATE, kwargs=first_relationship),
    Route("actionplans:personal_edit", Perm.PARTICIPATE, method="post", ok=302,
          kwargs=first_relationship, data=relationship_data),
    Route("actionplans:personal_remove", Perm.PARTICIPATE, kwargs=first_relationship),
    Route("actionplans:personal_remove", Perm.PARTICIPATE, method="post", ok=302,
          kwargs=first_relationship),
    Route("actionplans:personal_share", Perm.PARTICIPATE),
    Route("actionplans:personal_share", Perm.PARTICIPATE, method="post", ok=302),
    Route("actionplans:personal_review", Perm.PARTICIPATE),
    Route("actionplans:personal_review", Perm.PARTICIPATE, method="post", ok=302,
          data=lambda cast: {"reviewed": "", "review_notes": "Went well."}),
    Route("actionplans:personal_review_date", Perm.PARTICIPATE, method="post", ok=302,
          data=lambda cast: {"review_on": "2026-12-01"}),
    Route("actionplans:personal_shared", Perm.PARTICIPATE, kwargs=colleagues_plan),
]  # fmt: skip
