"""Sending a plan version to the state team, their comments, the county's answers and the
decision (``docs/review.md``).

A version's ``status`` follows its submissions: draft → submitted (a submission waits for a
decision) → changes requested or approved; withdrawing a submission puts the version back where
it was. While a submission waits and once the version is approved, its content is locked
(``lock_reason``): the county withdraws it to change it, or starts a new version.

Every step locks the plan's row first (then the submission's), so two people pressing a button
at once take turns and the second sees what the first did; the database keeps at most one
submission of a plan waiting (``actionplans_submission_one_pending``) whatever happens.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from actionplans import documents
from actionplans.models import ActionPlan, PriorityArea, ReviewComment, Submission
from actionplans.plans import KINDS, walk
from workshops import stages
from workshops.models import StateReviewer, Workshop
from workshops.models.workshop import PLAN_APPROVED_NOTE, PLAN_SENT_NOTE, PLAN_WITHDRAWN_NOTE

logger = logging.getLogger(__name__)

Status = ActionPlan.Status
Decision = Submission.Decision
Target = ReviewComment.Target
Stage = Workshop.Stage
LOCKED = (Status.SUBMITTED, Status.APPROVED)
SENDABLE = (Status.DRAFT, Status.CHANGES_REQUESTED)
DECISIONS = (Decision.APPROVED, Decision.CHANGES)


class ReviewError(Exception):
    """A step of the review that cannot be taken, with a message for the person."""


def day(moment) -> str:
    return date_format(timezone.localtime(moment), "SHORT_DATE_FORMAT")


# --- where a version stands --------------------------------------------------------------------


def latest_submission(plan: ActionPlan) -> Submission | None:
    """The version's latest sending, with who sent and who decided."""
    return plan.submissions.select_related("submitted_by", "decided_by").order_by("-number").first()


def current_submission(plan: ActionPlan) -> Submission | None:
    """The version's latest submission that was not withdrawn: the one whose comments the
    county sees and answers (a resubmission withdrawn leaves the changes asked before)."""
    return (
        plan.submissions.exclude(decision=Decision.WITHDRAWN)
        .select_related("submitted_by", "decided_by")
        .order_by("-number")
        .first()
    )


def is_latest_version(plan: ActionPlan) -> bool:
    return not ActionPlan.objects.filter(
        workshop_id=plan.workshop_id, number__gt=plan.number
    ).exists()


def lock_reason(
    plan: ActionPlan,
    submission: Submission | None = None,
    reviewer: bool = False,
    can_edit: bool = True,
) -> str | None:
    """Why the version's content cannot be changed now and what to do instead (None: it can);
    for the state team (``reviewer``), what they do with it; for those who cannot edit the plan
    (``can_edit`` false: participants), only why.

    ``submission`` is its latest one when the caller has it (no query then)."""
    if plan.status not in LOCKED:
        return None
    submission = submission if submission is not None else latest_submission(plan)
    if plan.status == Status.SUBMITTED:
        when = day(submission.submitted_at) if submission else ""
        if reviewer:
            return gettext(
                "Version %(number)s of the plan was sent to the state team on %(when)s and is "
                "locked while you review it: comment on the plan or its items, then approve it "
                "or ask for changes on the Review page."
            ) % {"number": plan.number, "when": when}
        if not can_edit:
            return gettext(
                "Version %(number)s of the plan was sent to the state team on %(when)s and is "
                "locked while they review it."
            ) % {"number": plan.number, "when": when}
        return gettext(
            "Version %(number)s of the plan was sent to the state team on %(when)s and is locked "
            "while they review it. To change it, withdraw it from review on the Review page; "
            "then send it again."
        ) % {"number": plan.number, "when": when}
    when = day(submission.decided_at) if submission and submission.decided_at else ""
    if reviewer:
        return gettext(
            "Version %(number)s of the plan was approved by the state team on %(when)s and is "
            "locked. The county starts a new version to change it."
        ) % {"number": plan.number, "when": when}
    if not can_edit:
        return gettext(
            "Version %(number)s of the plan was approved by the state team on %(when)s."
        ) % {"number": plan.number, "when": when}
    return gettext(
        "Version %(number)s of the plan was approved by the state team on %(when)s and is "
        "locked. To change the plan, start a new version on the Versions page."
    ) % {"number": plan.number, "when": when}


# --- sending and withdrawing -------------------------------------------------------------------


def locked_plan(plan: ActionPlan) -> ActionPlan:
    """The plan's row, locked until the transaction ends, with its workshop."""
    return ActionPlan.objects.select_for_update().select_related("workshop").get(pk=plan.pk)


@transaction.atomic
def submit(plan: ActionPlan, user, note: str = "") -> Submission:
    """Send the version to the state team with its PDF; it is locked until they decide.

    The PDF is asked for in the site's language (the state team reads it) and linked to the
    submission, so that reviewers download what was sent. A workshop at the Plan stage moves
    on to Review.
    """
    plan = locked_plan(plan)
    if not is_latest_version(plan):
        raise ReviewError(gettext("Only the latest version of the plan can be sent for review."))
    if plan.status == Status.SUBMITTED:
        raise ReviewError(gettext("This version is already waiting for the state team's review."))
    if plan.status == Status.APPROVED:
        raise ReviewError(
            gettext("This version is approved already. To change the plan, start a new version.")
        )
    if not plan.goals.exists():
        raise ReviewError(
            gettext(
                "The plan has no goal yet: add at least one goal to a priority area before "
                "sending it for review."
            )
        )
    last = plan.submissions.aggregate(last=Max("number"))["last"] or 0
    plan.status = Status.SUBMITTED  # first: the PDF that goes with it says "Submitted"
    plan.save(update_fields=["status"])
    document = documents.request(plan, user, settings.LANGUAGE_CODE)
    try:
        with transaction.atomic():
            submission = Submission.objects.create(
                plan=plan,
                number=last + 1,
                document=document,
                content_at=plan.changed_at,
                note=note.strip(),
                submitted_by=user,
            )
    except IntegrityError:  # the row lock makes this unreachable; the constraint is the backstop
        raise ReviewError(
            gettext("This version is already waiting for the state team's review.")
        ) from None
    if plan.workshop.stage == Stage.PLAN:
        move_stage(plan.workshop, Stage.REVIEW, user, PLAN_SENT_NOTE % {"number": plan.number})
    return submission


def move_stage(workshop: Workshop, to: Stage, user, note: str) -> bool:
    """Move the workshop along with its plan; a stage check that refuses leaves it where it is
    (the review step itself stands, and the dashboard lists what is missing)."""
    try:
        stages.move(workshop, to, user, note)
    except stages.StageMoveError as refused:
        logger.info("Workshop %s stays at %s: %s", workshop.pk, workshop.stage, refused)
        return False
    return True


@transaction.atomic
def withdraw(plan: ActionPlan, user) -> Submission:
    """Take the waiting submission back: the version is editable again.

    It goes back to "changes requested" when the state team asked for changes before, else to
    draft; a first submission withdrawn also takes the workshop back from Review to Plan.
    """
    plan = locked_plan(plan)
    submission = plan.submissions.select_for_update().filter(decision=Decision.PENDING).first()
    if submission is None:
        raise ReviewError(gettext("No submission of this version is waiting for review."))
    submission.decision = Decision.WITHDRAWN
    submission.decided_by = user
    submission.decided_at = timezone.now()
    submission.save(update_fields=["decision", "decided_by", "decided_at"])
    reviewed = plan.submissions.filter(decision=Decision.CHANGES).exists()
    plan.status = Status.CHANGES_REQUESTED if reviewed else Status.DRAFT
    plan.save(update_fields=["status"])
    if plan.status == Status.DRAFT and plan.workshop.stage == Stage.REVIEW:
        move_stage(plan.workshop, Stage.PLAN, user, PLAN_WITHDRAWN_NOTE % {"number": plan.number})
    return submission


def remake_document(submission: Submission, user) -> bool:
    """Ask again for the PDF of a submission whose rendering failed or got stuck; False when
    it is ready already.

    Only while the plan is as it was sent (it is locked while the submission waits): the PDF
    must be what the county sent.
    """
    plan = submission.plan
    document = submission.document
    if document is not None and document.status == document.Status.READY:
        return False
    if plan.changed_at != submission.content_at:
        raise ReviewError(
            gettext(
                "The plan changed since this submission was sent: its PDF cannot be made again."
            )
        )
    submission.document = documents.request(plan, user, settings.LANGUAGE_CODE)
    submission.save(update_fields=["document"])
    return True


# --- the decision ------------------------------------------------------------------------------


@transaction.atomic
def decide(submission: Submission, user, decision: str, note: str = "") -> Submission:
    """Approve the waiting submission or ask for changes (which needs a note saying what).

    Approval moves a workshop at the Review stage on to Implement: the county carries out the
    plan the state team approved. Of two reviewers deciding at once, the second finds the
    submission decided (the plan's row lock makes them take turns) and is told so.
    """
    note = note.strip()
    if decision not in DECISIONS:
        raise ReviewError(gettext("Choose to approve the plan or to ask for changes."))
    if decision == Decision.CHANGES and not note:
        raise ReviewError(gettext("Say what should change: a note is needed to ask for changes."))
    plan = locked_plan(submission.plan)
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.decision != Decision.PENDING:
        raise ReviewError(already_decided(submission))
    submission.decision = decision
    submission.decision_note = note
    submission.decided_by = user
    submission.decided_at = timezone.now()
    submission.save(update_fields=["decision", "decision_note", "decided_by", "decided_at"])
    submission.plan = plan
    approved = decision == Decision.APPROVED
    plan.status = Status.APPROVED if approved else Status.CHANGES_REQUESTED
    plan.save(update_fields=["status"])
    if approved and plan.workshop.stage == Stage.REVIEW:
        note = PLAN_APPROVED_NOTE % {"number": plan.number}
        move_stage(plan.workshop, Stage.IMPLEMENT, user, note)
    return submission


def already_decided(submission: Submission) -> str:
    if submission.decision == Decision.WITHDRAWN:
        return gettext("The county withdrew this submission: there is nothing to decide.")
    return gettext(
        "This submission was decided already (%(decision)s, %(when)s): reload the page to see "
        "the decision."
    ) % {
        "decision": submission.get_decision_display(),
        "when": day(submission.decided_at) if submission.decided_at else "",
    }


# --- comments and answers ----------------------------------------------------------------------


def open_for_comments(plan: ActionPlan) -> Submission:
    """The version's submission that waits for review, or why comments are closed."""
    submission = latest_submission(plan)
    if submission is None or submission.decision == Decision.WITHDRAWN:
        raise ReviewError(
            gettext(
                "This version of the plan has not been sent for review: comments open when the "
                "county sends it to the state team."
            )
        )
    if submission.decision != Decision.PENDING:
        raise ReviewError(
            gettext(
                "Submission %(number)s was decided already (%(decision)s): comments are closed "
                "until the county sends the plan again."
            )
            % {"number": submission.number, "decision": submission.get_decision_display()}
        )
    return submission


def label_of(plan: ActionPlan, target: str, target_id: int | None) -> str:
    """The title of the item a comment is about; ReviewError when it is not in this version."""
    if target == Target.PLAN:
        if target_id is not None:
            raise ReviewError(gettext("A comment on the whole plan is about no single item."))
        return ""
    if target not in Target.values or target_id is None:
        raise ReviewError(gettext("Choose what the comment is about."))
    if target == Target.PRIORITY:
        items = PriorityArea.objects.filter(workshop_id=plan.workshop_id)
    else:
        items = KINDS[target].items(plan)
    item = items.filter(pk=target_id).first()
    if item is None:
        raise ReviewError(
            gettext("That item is not part of this version of the plan: it cannot be commented.")
        )
    return str(item)[:300]


def clean_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise ReviewError(gettext("Write the comment first."))
    return text


@transaction.atomic
def comment(
    submission: Submission, user, target: str, target_id: int | None, text: str
) -> ReviewComment:
    """A reviewer's comment on the whole plan (``target`` "plan") or on one of its items."""
    text = clean_text(text)
    submission = Submission.objects.select_for_update().select_related("plan").get(pk=submission.pk)
    if submission.decision != Decision.PENDING:
        raise ReviewError(open_for_comments_message(submission))
    label = label_of(submission.plan, target, target_id)
    return ReviewComment.objects.create(
        submission=submission,
        target=target,
        target_id=target_id if target != Target.PLAN else None,
        target_label=label,
        text=text,
        author=user,
        by_reviewer=True,
    )


def open_for_comments_message(submission: Submission) -> str:
    try:
        open_for_comments(submission.plan)
    except ReviewError as closed:
        return str(closed)
    return gettext("This submission is not waiting for review any more: reload the page.")


def answers_open(submission: Submission | None, current: Submission | None) -> bool:
    """Answers go to the version's current submission (``current_submission``) while it
    waits or after changes were asked for (the county answers while it edits the plan)."""
    return (
        submission is not None
        and current is not None
        and submission.pk == current.pk
        and submission.decision in (Decision.PENDING, Decision.CHANGES)
    )


def is_reviewer(user, workshop: Workshop) -> bool:
    return StateReviewer.objects.filter(user=user, state_id=workshop.county.state_id).exists()


@transaction.atomic
def reply(
    comment: ReviewComment, user, text: str, by_reviewer: bool | None = None
) -> ReviewComment:
    """An answer to a comment (the county's, or a reviewer's follow-up), in its thread."""
    text = clean_text(text)
    root = comment.reply_to or comment
    submission = Submission.objects.select_related("plan__workshop__county").get(
        pk=root.submission_id
    )
    if not answers_open(submission, current_submission(submission.plan)):
        raise ReviewError(
            gettext(
                "This comment belongs to a review that is over: answers go to the comments of "
                "the latest submission."
            )
        )
    if by_reviewer is None:
        by_reviewer = is_reviewer(user, submission.plan.workshop)
    return ReviewComment.objects.create(
        submission=submission,
        target=root.target,
        target_id=root.target_id,
        target_label=root.target_label,
        reply_to=root,
        text=text,
        author=user,
        by_reviewer=by_reviewer,
    )


def resolve(comment: ReviewComment) -> ReviewComment:
    """Mark the comment's thread as dealt with (once; a later resolve changes nothing)."""
    root = comment.reply_to or comment
    if root.resolved_at is None:
        root.resolved_at = timezone.now()
        root.save(update_fields=["resolved_at"])
    return root


# --- what the pages show -----------------------------------------------------------------------


def threads_of(submission_ids: list[int]) -> dict[int, list[ReviewComment]]:
    """Each submission's comments, oldest first, each with ``answers`` (its replies): one
    query."""
    found = (
        ReviewComment.objects.filter(submission_id__in=submission_ids)
        .select_related("author")
        .order_by("created_at", "id")
    )
    roots: dict[int, list[ReviewComment]] = defaultdict(list)
    by_id: dict[int, ReviewComment] = {}
    for item in found:
        item.answers = []
        by_id[item.pk] = item
        if item.reply_to_id is None:
            roots[item.submission_id].append(item)
        elif item.reply_to_id in by_id:
            by_id[item.reply_to_id].answers.append(item)
    return dict(roots)


def by_target(comments: list[ReviewComment]) -> dict[tuple[str, int | None], list]:
    grouped: dict[tuple[str, int | None], list] = defaultdict(list)
    for item in comments:
        grouped[(item.target, item.target_id)].append(item)
    return dict(grouped)


@dataclass
class Group:
    """The comments about one thing: the whole plan, or one item (by its title then)."""

    target: str
    target_id: int | None
    label: str
    comments: list[ReviewComment]

    @property
    def kind_label(self) -> str:
        return str(Target(self.target).label)

    @property
    def anchor(self) -> str:
        """The item's place on the outline."""
        return "" if self.target == Target.PLAN else f"{self.target}-{self.target_id}"


def groups_of(comments: list[ReviewComment]) -> list[Group]:
    """Comments grouped by where they apply: the whole plan first, then in the order they came."""
    groups = [
        Group(target, target_id, found[0].target_label, found)
        for (target, target_id), found in by_target(comments).items()
    ]
    return sorted(groups, key=lambda group: group.target != Target.PLAN)


def submissions_of(workshop: Workshop) -> QuerySet:
    """Every submission of every version of the workshop's plan, newest first, with who sent
    and decided and the PDF (without its bytes)."""
    return (
        Submission.objects.filter(plan__workshop=workshop)
        .select_related("plan", "submitted_by", "decided_by", "document")
        .defer("document__pdf")
        .order_by("-plan__number", "-number")
    )


def attach_comments(priorities: list, comments: list[ReviewComment]) -> None:
    """Give each node of an outline (``plans.outline``) the comments about it, as
    ``review_comments``."""
    grouped = by_target(comments)
    for kind, node in walk(priorities):
        node.review_comments = grouped.get((kind, node.pk), [])
