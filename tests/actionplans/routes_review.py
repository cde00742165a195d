"""The review and versions pages' rows of the access matrix (tests/test_access_policy.py).

Rows that need a submission send the cast's plan (one of everything) for review with a
comment of the state team on its step. POSTs without data answer with the page and the form's
errors (200), or redirect with a message when they need no data (302).
"""

from actionplans import review, revisions
from actionplans.models import ActionPlan, ReviewComment, Submission
from tests.conftest import Cast
from tests.factories import plan_tree
from tests.routes import Route
from workshops.access import Perm


def submission(cast: Cast) -> Submission:
    tree = plan_tree(cast.workshop)
    found = tree.plan.submissions.filter(decision=Submission.Decision.PENDING).first()
    return found or review.submit(tree.plan, cast.committee.user)


def comment(cast: Cast) -> dict:
    sent = submission(cast)
    step = plan_tree(cast.workshop).step
    found = ReviewComment.objects.filter(submission=sent).first() or review.comment(
        sent, cast.reviewer, "step", step.pk, "Who leads it?"
    )
    return {"comment_id": found.pk}


def sent_number(cast: Cast) -> dict:
    return {"number": submission(cast).number}


def older_version(cast: Cast) -> dict:
    """Version 1, approved, and version 2 started from it."""
    plan = plan_tree(cast.workshop).plan
    if not cast.workshop.plans.filter(number=2).exists():
        review.decide(submission(cast), cast.reviewer, "approved")
        revisions.start_revision(cast.workshop, cast.committee.user, "Reconvened")
    assert ActionPlan.objects.get(pk=plan.pk).status == ActionPlan.Status.APPROVED
    return {"number": 1}


ROUTES: list[Route] = [
    Route("actionplans:review", Perm.VIEW),
    Route("actionplans:review_submit", Perm.EDIT_PLAN, method="post"),
    Route("actionplans:review_withdraw", Perm.EDIT_PLAN, method="post", ok=302),
    Route("actionplans:review_decide", Perm.REVIEW, method="post"),
    Route("actionplans:review_comment", Perm.REVIEW),
    Route("actionplans:review_comment", Perm.REVIEW, method="post"),
    Route("actionplans:review_answer", Perm.EDIT_PLAN, method="post", kwargs=comment),
    Route("actionplans:review_resolve", Perm.EDIT_PLAN, method="post", ok=302, kwargs=comment),
    Route("actionplans:review_pdf", Perm.VIEW, method="post", ok=302, kwargs=sent_number),
    Route("actionplans:versions", Perm.VIEW),
    Route("actionplans:version", Perm.VIEW, kwargs=older_version),
    Route("actionplans:revise", Perm.EDIT_PLAN),
    Route("actionplans:revise", Perm.EDIT_PLAN, method="post"),
    Route("actionplans:compare", Perm.VIEW, kwargs=lambda cast: {}),
]  # fmt: skip
