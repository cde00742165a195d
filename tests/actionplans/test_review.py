"""Sending a plan to the state team, their comments, the county's answers and the decision:
the service (actionplans/review.py), its refusals and the workshop's stage."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import IntegrityError, connection, connections, transaction

from actionplans import documents, review
from actionplans.models import ActionPlan, PlanDocument, ReviewComment, Submission
from actionplans.review import ReviewError
from tests.factories import UserFactory, WorkshopFactory, plan_tree
from workshops import stages
from workshops.models import StageChange, Workshop

Status, Decision, Stage = ActionPlan.Status, Submission.Decision, Workshop.Stage


def at_stage(workshop: Workshop, stage: str) -> Workshop:
    workshop.stage = stage
    workshop.save(update_fields=["stage"])
    return workshop


def commentable(tree) -> list[tuple[str, object]]:
    """Each kind of item a comment may be about, with the tree's one of it."""
    kinds = ["priority", "goal", "objective", "strategy", "step", "measure"]
    return [(kind, getattr(tree, kind)) for kind in kinds]


def sent(cast) -> Submission:
    """The cast's plan, sent by the committee member."""
    tree = plan_tree(cast.workshop)
    return review.submit(tree.plan, cast.committee.user, "First draft")


# --- sending -----------------------------------------------------------------------------------


def test_it_sends_a_plan_with_its_pdf_and_locks_it(cast):
    at_stage(cast.workshop, Stage.PLAN)
    tree = plan_tree(cast.workshop)
    submission = review.submit(tree.plan, cast.committee.user, "  Look at the crisis goal  ")
    assert (submission.number, submission.note) == (1, "Look at the crisis goal")
    assert submission.submitted_by == cast.committee.user
    assert submission.content_at == tree.plan.changed_at
    assert submission.decision == Decision.PENDING
    document = submission.document
    assert document.plan == tree.plan and document.content_at == tree.plan.changed_at
    assert document.language == "en"  # the state team reads the plan in English
    plan = ActionPlan.objects.get(pk=tree.plan.pk)
    assert plan.status == Status.SUBMITTED
    assert "withdraw it" in review.lock_reason(plan)
    cast.workshop.refresh_from_db()
    assert cast.workshop.stage == Stage.REVIEW
    change = StageChange.objects.get(workshop=cast.workshop, to_stage=Stage.REVIEW)
    assert change.from_stage == Stage.PLAN and change.changed_by == cast.committee.user
    assert submission.history.count() == 1


def test_the_pdf_sent_says_submitted_not_the_drafts(cast):
    """The draft's PDF of the same content says "Draft" on its cover: a new one goes with the
    submission, and the review's decision makes that one out of date in turn."""
    tree = plan_tree(cast.workshop)
    drafts = PlanDocument.objects.create(
        plan=tree.plan, content_at=tree.plan.changed_at, status="ready", pdf=b"%PDF-1.7"
    )
    assert drafts.plan_status == Status.DRAFT
    submission = review.submit(tree.plan, cast.committee.user)
    assert submission.document != drafts
    assert submission.document.plan_status == Status.SUBMITTED
    plan = ActionPlan.objects.get(pk=tree.plan.pk)
    assert documents.pdf_state(plan, "en").current == submission.document
    PlanDocument.objects.filter(pk=submission.document.pk).update(status="ready", pdf=b"%PDF")
    review.decide(submission, cast.reviewer, Decision.APPROVED)
    plan.refresh_from_db()
    shown = documents.pdf_state(plan, "en")
    assert shown.state == "stale" and shown.out_of_date.pk == submission.document.pk
    assert documents.request(plan, cast.committee.user).plan_status == Status.APPROVED


def test_it_leaves_the_stage_alone_outside_the_plan_stage(cast):
    at_stage(cast.workshop, Stage.IMPLEMENT)
    sent(cast)
    cast.workshop.refresh_from_db()
    assert cast.workshop.stage == Stage.IMPLEMENT
    assert not StageChange.objects.filter(workshop=cast.workshop).exists()


def test_it_refuses_to_send_a_plan_without_a_goal(cast):
    plan = ActionPlan.objects.create(workshop=cast.workshop)
    with pytest.raises(ReviewError, match="no goal yet"):
        review.submit(plan, cast.committee.user)
    assert not plan.submissions.exists()
    assert not plan.documents.exists()


def test_it_refuses_to_send_a_plan_twice_or_once_approved(cast):
    submission = sent(cast)
    with pytest.raises(ReviewError, match="already waiting"):
        review.submit(submission.plan, cast.committee.user)
    review.decide(submission, cast.reviewer, Decision.APPROVED)
    with pytest.raises(ReviewError, match="approved already"):
        review.submit(submission.plan, cast.committee.user)


def test_it_refuses_to_send_an_older_version(cast):
    tree = plan_tree(cast.workshop)
    ActionPlan.objects.create(workshop=cast.workshop, number=2, based_on=tree.plan)
    with pytest.raises(ReviewError, match="latest version"):
        review.submit(tree.plan, cast.committee.user)


def test_the_database_keeps_one_submission_waiting_per_plan(cast):
    submission = sent(cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.create(plan=submission.plan, number=2, content_at=submission.content_at)


def test_it_numbers_the_submissions_of_a_plan(cast):
    first = sent(cast)
    review.decide(first, cast.reviewer, Decision.CHANGES, "Add a measure for the pilot.")
    second = review.submit(first.plan, cast.committee.user, "With the measure")
    assert second.number == 2
    assert ActionPlan.objects.get(pk=first.plan_id).status == Status.SUBMITTED


# --- withdrawing -------------------------------------------------------------------------------


def test_withdrawing_a_first_submission_takes_the_plan_back_to_draft_and_the_plan_stage(cast):
    at_stage(cast.workshop, Stage.PLAN)
    submission = sent(cast)
    withdrawn = review.withdraw(submission.plan, cast.committee.user)
    assert withdrawn.pk == submission.pk and withdrawn.decision == Decision.WITHDRAWN
    assert withdrawn.decided_by == cast.committee.user
    plan = ActionPlan.objects.get(pk=submission.plan_id)
    assert plan.status == Status.DRAFT
    assert review.lock_reason(plan) is None
    cast.workshop.refresh_from_db()
    assert cast.workshop.stage == Stage.PLAN
    again = review.submit(plan, cast.committee.user)
    assert again.number == 2


def test_withdrawing_after_changes_were_asked_for_keeps_them_asked(cast):
    at_stage(cast.workshop, Stage.PLAN)
    first = sent(cast)
    review.decide(first, cast.reviewer, Decision.CHANGES, "Dates, please.")
    review.submit(first.plan, cast.committee.user)
    review.withdraw(first.plan, cast.committee.user)
    assert ActionPlan.objects.get(pk=first.plan_id).status == Status.CHANGES_REQUESTED
    cast.workshop.refresh_from_db()
    assert cast.workshop.stage == Stage.REVIEW


def test_it_refuses_to_withdraw_what_is_not_waiting(cast):
    tree = plan_tree(cast.workshop)
    with pytest.raises(ReviewError, match="No submission"):
        review.withdraw(tree.plan, cast.committee.user)


# --- deciding ----------------------------------------------------------------------------------


def test_approval_locks_the_plan_and_moves_the_workshop_to_implement(cast):
    at_stage(cast.workshop, Stage.PLAN)
    submission = sent(cast)
    decided = review.decide(submission, cast.reviewer, Decision.APPROVED, " Well done. ")
    assert (decided.decision, decided.decision_note) == (Decision.APPROVED, "Well done.")
    assert decided.decided_by == cast.reviewer and decided.decided_at is not None
    plan = ActionPlan.objects.get(pk=submission.plan_id)
    assert plan.status == Status.APPROVED
    assert "start a new version" in review.lock_reason(plan)
    cast.workshop.refresh_from_db()
    assert cast.workshop.stage == Stage.IMPLEMENT
    assert list(
        StageChange.objects.filter(workshop=cast.workshop)
        .order_by("changed_at", "id")
        .values_list("to_stage", flat=True)
    ) == [Stage.REVIEW, Stage.IMPLEMENT]
    assert decided.history.count() == 2  # sent, decided


def test_asking_for_changes_needs_a_note_and_unlocks_the_plan(cast):
    submission = sent(cast)
    with pytest.raises(ReviewError, match="a note is needed"):
        review.decide(submission, cast.reviewer, Decision.CHANGES, "   ")
    assert Submission.objects.get(pk=submission.pk).decision == Decision.PENDING
    review.decide(submission, cast.reviewer, Decision.CHANGES, "Add dates to the steps.")
    plan = ActionPlan.objects.get(pk=submission.plan_id)
    assert plan.status == Status.CHANGES_REQUESTED
    assert review.lock_reason(plan) is None


def test_it_refuses_an_unknown_decision_and_a_second_one(cast):
    submission = sent(cast)
    with pytest.raises(ReviewError, match="Choose"):
        review.decide(submission, cast.reviewer, Decision.WITHDRAWN)
    review.decide(submission, cast.reviewer, Decision.APPROVED)
    with pytest.raises(ReviewError, match="decided already"):
        review.decide(submission, cast.reviewer, Decision.CHANGES, "Too late")
    assert Submission.objects.get(pk=submission.pk).decision == Decision.APPROVED


def test_it_refuses_to_decide_on_a_withdrawn_submission(cast):
    submission = sent(cast)
    review.withdraw(submission.plan, cast.committee.user)
    with pytest.raises(ReviewError, match="withdrew"):
        review.decide(submission, cast.reviewer, Decision.APPROVED)


def test_approval_leaves_the_stage_when_a_check_refuses(cast, monkeypatch):
    at_stage(cast.workshop, Stage.REVIEW)
    submission = sent(cast)
    refusing = {**stages.CHECKS, Stage.IMPLEMENT: [lambda workshop: "Steps need leads."]}
    monkeypatch.setattr(stages, "CHECKS", refusing)
    review.decide(submission, cast.reviewer, Decision.APPROVED)
    cast.workshop.refresh_from_db()
    assert cast.workshop.stage == Stage.REVIEW
    assert ActionPlan.objects.get(pk=submission.plan_id).status == Status.APPROVED


# --- comments and answers ----------------------------------------------------------------------


def test_reviewers_comment_on_the_whole_plan_and_on_each_kind_of_item(cast):
    submission = sent(cast)
    tree = plan_tree(cast.workshop)
    whole = review.comment(submission, cast.reviewer, "plan", None, "Clear and complete.")
    assert (whole.target, whole.target_id, whole.target_label) == ("plan", None, "")
    for target, item in commentable(tree):
        found = review.comment(submission, cast.reviewer, target, item.pk, f"About {target}")
        assert (found.target, found.target_id, found.target_label) == (target, item.pk, str(item))
        assert found.by_reviewer and found.author == cast.reviewer


def test_it_refuses_a_comment_on_an_item_of_another_plan(cast):
    submission = sent(cast)
    elsewhere = plan_tree(WorkshopFactory())
    with pytest.raises(ReviewError, match="not part of this version"):
        review.comment(submission, cast.reviewer, "step", elsewhere.step.pk, "Hm")
    with pytest.raises(ReviewError, match="not part of this version"):
        review.comment(submission, cast.reviewer, "priority", elsewhere.priority.pk, "Hm")
    with pytest.raises(ReviewError, match="Choose what"):
        review.comment(submission, cast.reviewer, "benchmark", 1, "Hm")
    with pytest.raises(ReviewError, match="Choose what"):
        review.comment(submission, cast.reviewer, "step", None, "Hm")
    with pytest.raises(ReviewError, match="Write the comment"):
        review.comment(submission, cast.reviewer, "plan", None, "   ")
    assert not ReviewComment.objects.exists()


def test_it_keeps_the_label_of_an_item_renamed_or_removed_later(cast):
    submission = sent(cast)
    tree = plan_tree(cast.workshop)
    found = review.comment(submission, cast.reviewer, "step", tree.step.pk, "Who leads?")
    tree.step.delete()
    found.refresh_from_db()
    assert found.target_label == "Step 1"


def test_comments_open_only_while_a_submission_waits(cast):
    tree = plan_tree(cast.workshop)
    with pytest.raises(ReviewError, match="has not been sent"):
        review.open_for_comments(tree.plan)
    submission = review.submit(tree.plan, cast.committee.user)
    assert review.open_for_comments(tree.plan) == submission
    review.decide(submission, cast.reviewer, Decision.APPROVED)
    with pytest.raises(ReviewError, match="decided already"):
        review.open_for_comments(tree.plan)
    with pytest.raises(ReviewError, match="decided already"):
        review.comment(submission, cast.reviewer, "plan", None, "Late")


def test_the_county_answers_after_changes_were_asked_for(cast):
    submission = sent(cast)
    tree = plan_tree(cast.workshop)
    asked = review.comment(submission, cast.reviewer, "step", tree.step.pk, "Add a date.")
    review.decide(submission, cast.reviewer, Decision.CHANGES, "See the comments.")
    answer = review.reply(asked, cast.committee.user, "Done: due in March.")
    assert answer.reply_to == asked and not answer.by_reviewer
    assert (answer.target, answer.target_id, answer.target_label) == (
        "step",
        tree.step.pk,
        "Step 1",
    )
    follow_up = review.reply(answer, cast.reviewer, "Thanks.")
    assert follow_up.reply_to == asked and follow_up.by_reviewer  # one thread
    resolved = review.resolve(follow_up)
    assert resolved == asked and resolved.resolved_at is not None
    first = resolved.resolved_at
    assert review.resolve(asked).resolved_at == first


def test_answers_close_once_the_plan_is_sent_again_or_approved(cast):
    submission = sent(cast)
    asked = review.comment(submission, cast.reviewer, "plan", None, "Dates?")
    review.decide(submission, cast.reviewer, Decision.CHANGES, "Dates.")
    review.submit(submission.plan, cast.committee.user)
    with pytest.raises(ReviewError, match="review that is over"):
        review.reply(asked, cast.committee.user, "Late answer")
    with pytest.raises(ReviewError, match="Write the comment"):
        review.reply(asked, cast.committee.user, "")


def test_threads_group_answers_under_their_comment(cast):
    submission = sent(cast)
    first = review.comment(submission, cast.reviewer, "plan", None, "One")
    second = review.comment(submission, cast.reviewer, "plan", None, "Two")
    review.reply(first, cast.committee.user, "Answer to one")
    other = sent_elsewhere()
    roots = review.threads_of([submission.pk, other.pk])
    assert [c.text for c in roots[submission.pk]] == ["One", "Two"]
    assert [a.text for a in roots[submission.pk][0].answers] == ["Answer to one"]
    assert roots[submission.pk][1] == second and second not in roots.get(other.pk, [])


def sent_elsewhere() -> Submission:
    tree = plan_tree(WorkshopFactory())
    return review.submit(tree.plan, UserFactory())


def test_groups_put_the_whole_plan_first(cast):
    submission = sent(cast)
    tree = plan_tree(cast.workshop)
    review.comment(submission, cast.reviewer, "step", tree.step.pk, "Step")
    review.comment(submission, cast.reviewer, "plan", None, "Plan")
    review.comment(submission, cast.reviewer, "step", tree.step.pk, "Step again")
    groups = review.groups_of(review.threads_of([submission.pk])[submission.pk])
    assert [(g.target, len(g.comments)) for g in groups] == [("plan", 1), ("step", 2)]
    assert groups[1].anchor == f"step-{tree.step.pk}" and groups[1].label == "Step 1"


# --- stage checks ------------------------------------------------------------------------------


def test_the_review_stage_needs_a_plan_sent_and_implement_an_approved_one(cast):
    at_stage(cast.workshop, Stage.PLAN)
    plan_tree(cast.workshop)
    problems = stages.problems_entering(cast.workshop, Stage.REVIEW)
    assert any("Send the action plan" in p for p in problems)
    problems = stages.problems_entering(cast.workshop, Stage.IMPLEMENT)
    assert any("approves the action plan" in p for p in problems)
    submission = sent(cast)
    assert not any("Send" in p for p in stages.problems_entering(cast.workshop, Stage.REVIEW))
    review.decide(submission, cast.reviewer, Decision.APPROVED)
    assert stages.problems_entering(cast.workshop, Stage.IMPLEMENT) == []


# --- two reviewers at once (PostgreSQL) ----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_two_reviewers_deciding_at_once_make_one_decision():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers; the row lock matters on PostgreSQL")
    workshop = WorkshopFactory()
    reviewers = [UserFactory(), UserFactory()]
    tree = plan_tree(workshop)
    for _ in range(5):
        submission = review.submit(tree.plan, UserFactory())
        barrier = threading.Barrier(2)

        def decide(n: int, submission=submission, barrier=barrier) -> str:
            try:
                barrier.wait()
                decision = [Decision.APPROVED, Decision.CHANGES][n]
                review.decide(submission, reviewers[n], decision, "Note")
                return "decided"
            except ReviewError:
                return "refused"
            finally:
                connections.close_all()

        with ThreadPoolExecutor(2) as pool:
            outcomes = sorted(pool.map(decide, [0, 1]))
        assert outcomes == ["decided", "refused"]
        stored = Submission.objects.get(pk=submission.pk)
        assert stored.history.count() == 2  # sent, decided once
        plan = ActionPlan.objects.get(pk=tree.plan.pk)
        approved = stored.decision == Decision.APPROVED
        assert plan.status == (Status.APPROVED if approved else Status.CHANGES_REQUESTED)
        ActionPlan.objects.filter(pk=plan.pk).update(status=Status.DRAFT)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_two_people_sending_at_once_make_one_submission():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers; the row lock matters on PostgreSQL")
    tree = plan_tree(WorkshopFactory())
    senders = [UserFactory(), UserFactory()]
    barrier = threading.Barrier(2)

    def send(n: int) -> str:
        try:
            barrier.wait()
            review.submit(tree.plan, senders[n])
            return "sent"
        except ReviewError:
            return "refused"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(2) as pool:
        assert sorted(pool.map(send, [0, 1])) == ["refused", "sent"]
    assert Submission.objects.filter(plan=tree.plan).count() == 1


# --- the demo ----------------------------------------------------------------------------------


def test_the_demo_plan_is_reviewed_once_and_the_workshop_ends_at_implement(db):
    from io import StringIO

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from actionplans.demo_review import LEAD, STEP, review_demo

    call_command("seed_demo", stdout=StringIO())
    workshop = Workshop.objects.get(county__name="Tompkins", cycle=2026)
    reviewer = get_user_model().objects.get(username="reviewer")
    review_demo(workshop, reviewer)
    review_demo(workshop, reviewer)  # idempotent
    plan = workshop.plans.get()
    assert plan.status == Status.APPROVED
    first, second = plan.submissions.order_by("number")
    assert (first.decision, second.decision) == (Decision.CHANGES, Decision.APPROVED)
    assert first.document_id and second.document_id
    assert first.submitted_at < first.decided_at < second.submitted_at < second.decided_at
    comments = ReviewComment.objects.filter(submission=first)
    assert sorted(c.target for c in comments.filter(reply_to=None)) == ["plan", "step"]
    [answer] = comments.exclude(reply_to=None)
    assert not answer.by_reviewer and answer.reply_to.target_label == STEP
    step = plan.goals.get(priority__rank=1).objectives.get(steps__title=STEP).steps.get(title=STEP)
    assert step.lead == LEAD
    assert plan.changed_at < second.submitted_at
    workshop.refresh_from_db()
    assert workshop.stage == Stage.IMPLEMENT
    assert list(workshop.stage_changes.order_by("id").values_list("to_stage", flat=True)) == [
        Stage.ASSESS,
        Stage.PRIORITIZE,
        Stage.PLAN,
        Stage.REVIEW,
        Stage.IMPLEMENT,
    ]
    assert review.lock_reason(plan) is not None
