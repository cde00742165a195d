"""The demo county's plan goes through the state team's review: a first submission with two
comments (on the whole plan and on one action step), the committee member's answer, changes
asked for, the step changed, a second submission and the approval.

The workshop is walked through the stages on the way, as people would: Assess → Prioritize →
Plan by hand, Plan → Review with the first submission and Review → Implement with the
approval. It ends at the Implement stage. Dates are moved back so the history reads like the
days since the demo's first session.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from actionplans import plans, review
from actionplans.models import (
    ActionPlan,
    ActionStep,
    Dot,
    PlanDocument,
    PriorityArea,
    ReviewComment,
    Submission,
    Voting,
)
from workshops import stages
from workshops.models import Membership, StageChange, Workshop

Stage = Workshop.Stage
STEP = "Hold two clinic intake slots a week for ER referrals"
NOTES = {
    "first": "Our first action plan, from the workshop's four priority areas. The fourth waits "
    "for the developmental disabilities office to join.",
    "plan": "Clear goals, each traced back to the gaps the room named, and measures the county "
    "can count. Before we approve: every action step needs a person who leads it, not a role.",
    "step": "Who at the clinic leads this? Please name a person, and say how the two slots "
    "continue while the clinician positions are vacant.",
    "answer": "Dana Whitfield, the clinic's intake coordinator, leads it. Until the two "
    "positions are filled, the existing staff hold the two slots on Tuesday afternoons.",
    "changes": "Please name the lead of the ER intake slots and say how they continue while the "
    "clinician positions are vacant (see the comment on that step).",
    "second": "The intake slots now have a lead and a plan while the positions are vacant.",
    "approved": "Approved. We will look at the crisis pilot's progress at the six-month check-in.",
}
LEAD = "Dana Whitfield"
STEP_NOTE = "Until the two vacant positions are filled, existing staff hold the slots on Tuesdays."


@transaction.atomic
def review_demo(workshop: Workshop, reviewer_user) -> None:
    """Record the demo plan's review (once: nothing happens when it has a submission)."""
    plan = plans.current_plan(workshop)
    if plan.submissions.exists() or not plan.goals.exists():
        return
    since = timezone.now()
    committee = (
        workshop.memberships.filter(role=Membership.Role.COMMITTEE).select_related("user").first()
    )
    county = committee.user
    for stage in (Stage.PRIORITIZE, Stage.PLAN):
        if stages.STAGES.index(Stage(workshop.stage)) < stages.STAGES.index(stage):
            stages.move(workshop, stage, county, "The workshop moves on.")
    step = ActionStep.objects.get(objective__goal__plan=plan, title=STEP)

    first = review.submit(plan, county, NOTES["first"])
    make_pdf_as_sent(first)
    on_plan = review.comment(first, reviewer_user, "plan", None, NOTES["plan"])
    on_step = review.comment(first, reviewer_user, "step", step.pk, NOTES["step"])
    answer = review.reply(on_step, county, NOTES["answer"], by_reviewer=False)
    review.decide(first, reviewer_user, Submission.Decision.CHANGES, NOTES["changes"])

    step.lead = LEAD
    step.note = STEP_NOTE
    step.version += 1
    step._history_user = county
    step.save(update_fields=["lead", "note", "version"])
    plans.touched(plan)
    review.resolve(on_step)
    review.resolve(on_plan)

    second = review.submit(plan, county, NOTES["second"])
    make_pdf_as_sent(second)
    review.decide(second, reviewer_user, Submission.Decision.APPROVED, NOTES["approved"])
    backdate(workshop, since, first, second, [on_plan, on_step], answer)


def make_pdf_as_sent(submission: Submission) -> None:
    """Render the submission's PDF now, as the task would have soon after it was sent: left to
    the worker, it would be made of the plan as it is once the demo is done (approved, the step
    changed). Not in tests (``DEMO_RENDERS_PDFS``): seconds each, for every test's demo."""
    if settings.DEMO_RENDERS_PDFS and submission.document_id:
        from actionplans.tasks import render_document  # renders: loaded only when used

        render_document.call(submission.document_id)


def date_pdf_as_sent(document_id: int | None, content_at, sent) -> None:
    """A submission's PDF dated as made when it was sent, of the plan as it was then."""
    made = PlanDocument.objects.filter(pk=document_id)
    made.update(content_at=content_at, requested_at=sent)
    made.exclude(finished_at=None).update(started_at=sent, finished_at=sent)


def backdate(
    workshop: Workshop,
    since,
    first: Submission,
    second: Submission,
    comments: list[ReviewComment],
    answer: ReviewComment,
) -> None:
    """Spread the review over the days since the demo's first session, a week ago (the rows'
    own times, not their history).

    The plan's last change and the PDFs' content move back with the submissions, so that the
    approved plan was last changed before it was sent the second time.
    """
    now = timezone.now()

    def ago(days: float, hours: int = 0):
        return now - timedelta(days=days, hours=hours)

    for submission, sent, decided, changed in [(first, 5, 4, 5.5), (second, 2, 1, 2.5)]:
        Submission.objects.filter(pk=submission.pk).update(
            submitted_at=ago(sent), decided_at=ago(decided), content_at=ago(changed)
        )
        date_pdf_as_sent(submission.document_id, ago(changed), ago(sent))
    ActionPlan.objects.filter(pk=second.plan_id).update(created_at=ago(6), changed_at=ago(2.5))
    for hours, found in enumerate(comments):
        ReviewComment.objects.filter(pk=found.pk).update(
            created_at=ago(4.5, hours), resolved_at=ago(1)
        )
    ReviewComment.objects.filter(pk=answer.pk).update(created_at=ago(3))
    moves = {Stage.PRIORITIZE: ago(6.5), Stage.PLAN: ago(6), Stage.REVIEW: ago(5),
             Stage.IMPLEMENT: ago(1)}  # fmt: skip
    made = StageChange.objects.filter(workshop=workshop, changed_at__gte=since)
    for stage, when in moves.items():
        made.filter(to_stage=stage).update(changed_at=when)
    # The vote and the priority areas belong to the sessions, before the Plan stage.
    Voting.objects.filter(workshop=workshop).exclude(opened_at=None).update(opened_at=ago(6.45))
    Voting.objects.filter(workshop=workshop).exclude(closed_at=None).update(closed_at=ago(6.4))
    Dot.objects.filter(workshop=workshop).update(placed_at=ago(6.42))
    PriorityArea.objects.filter(workshop=workshop).update(decided_at=ago(6.3))
