"""The review pages: the Review page (sending, withdrawing, deciding, comments, history), the
comments and answers under the items of the outline, and the lock of a plan under review or
approved on every edit of the plan."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from actionplans import review
from actionplans.models import ActionPlan, PlanDocument, Principle, ReviewComment, Submission
from tests.actionplans.test_review import commentable
from tests.conftest import sign_in
from tests.factories import WorkshopFactory, plan_tree

HTMX = {"HTTP_HX_REQUEST": "true"}
Decision, Status = Submission.Decision, ActionPlan.Status


def url(name: str, workshop, *args) -> str:
    return reverse(f"actionplans:{name}", args=[workshop.code, *args])


def sent(cast) -> Submission:
    tree = plan_tree(cast.workshop)
    return review.submit(tree.plan, cast.committee.user, "Please look at the crisis goal")


def asked_for_changes(cast) -> ReviewComment:
    """Sent, a comment on the step, changes asked for: the county's turn."""
    submission = sent(cast)
    step = plan_tree(cast.workshop).step
    found = review.comment(submission, cast.reviewer, "step", step.pk, "Who leads it?")
    review.decide(submission, cast.reviewer, Decision.CHANGES, "Name the leads.")
    return found


def queries_of(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


# --- the Review page ---------------------------------------------------------------------------


def test_it_shows_a_draft_and_the_form_to_send_it(client, cast):
    plan_tree(cast.workshop)
    sign_in(client, cast.committee.user)
    response = client.get(url("review", cast.workshop))
    assert response.status_code == 200
    text = response.text
    assert "Version 1" in text and "Draft" in text
    assert "Send version 1 for review" in text
    assert url("review_submit", cast.workshop) in text
    assert "No version of the plan has been sent for review yet." in text
    assert url("review_decide", cast.workshop) not in text


def test_participants_see_the_review_without_its_forms(client, cast):
    sent(cast)
    sign_in(client, cast.participant.user, cast.workshop)
    text = client.get(url("review", cast.workshop)).text
    assert "Waiting for review" in text
    assert url("review_submit", cast.workshop) not in text
    assert url("review_withdraw", cast.workshop) not in text
    assert url("review_decide", cast.workshop) not in text


def test_the_committee_sends_the_plan(client, cast):
    tree = plan_tree(cast.workshop)
    sign_in(client, cast.committee.user)
    response = client.post(url("review_submit", cast.workshop), {"note": "Our first plan"})
    assert response.status_code == 302 and response.url == url("review", cast.workshop)
    submission = Submission.objects.get(plan=tree.plan)
    assert submission.note == "Our first plan" and submission.submitted_by == cast.committee.user
    page = client.get(response.url).text
    assert "is sent to the state team" in page
    assert "Withdraw the plan from review" in page
    assert "The PDF is being made" in page  # queued; the worker makes it
    assert "Our first plan" in page


def test_sending_an_empty_plan_says_what_is_missing(client, cast):
    sign_in(client, cast.committee.user)
    page = client.get(url("review", cast.workshop)).text
    assert "The plan has no goal yet" in page
    response = client.post(url("review_submit", cast.workshop), {"note": ""})
    assert response.status_code == 200
    assert "The plan has no goal yet: add at least one goal" in response.text
    assert not Submission.objects.exists()


def test_the_page_offers_the_pdf_as_sent(client, cast):
    submission = sent(cast)
    PlanDocument.objects.filter(pk=submission.document_id).update(status="ready", pdf=b"%PDF-1.7")
    sign_in(client, cast.reviewer)
    text = client.get(url("review", cast.workshop)).text
    document = PlanDocument.objects.get(pk=submission.document_id)
    made = timezone.localdate().isoformat()
    filename = f"tompkins-{cast.workshop.cycle}-soc-action-plan-v1-submitted-{made}.pdf"
    assert url("pdf_download", cast.workshop, document.pk, filename) in text
    assert "PDF of version 1 as sent (submission 1)" in text


def test_a_failed_pdf_of_a_submission_can_be_made_again(client, cast):
    submission = sent(cast)
    PlanDocument.objects.filter(pk=submission.document_id).update(status="failed", error="Boom")
    sign_in(client, cast.participant.user, cast.workshop)
    assert "Make the PDF again" in client.get(url("review", cast.workshop)).text
    response = client.post(url("review_pdf", cast.workshop, submission.number))
    assert response.status_code == 302
    document = PlanDocument.objects.get(pk=Submission.objects.get(pk=submission.pk).document_id)
    assert document.status == PlanDocument.Status.QUEUED


def test_the_committee_withdraws_the_plan(client, cast):
    submission = sent(cast)
    sign_in(client, cast.committee.user)
    response = client.post(url("review_withdraw", cast.workshop), follow=True)
    assert "withdrawn from review" in response.text
    assert Submission.objects.get(pk=submission.pk).decision == Decision.WITHDRAWN
    assert ActionPlan.objects.get(pk=submission.plan_id).status == Status.DRAFT
    response = client.post(url("review_withdraw", cast.workshop), follow=True)
    assert "No submission of this version is waiting for review." in response.text


# --- deciding ----------------------------------------------------------------------------------


def test_the_reviewer_approves(client, cast):
    submission = sent(cast)
    sign_in(client, cast.reviewer)
    page = client.get(url("review", cast.workshop)).text
    assert "Your decision" in page and "Ask for changes" in page
    response = client.post(
        url("review_decide", cast.workshop), {"decision": "approved", "note": "Well done."}
    )
    assert response.status_code == 302
    stored = Submission.objects.get(pk=submission.pk)
    assert (stored.decision, stored.decided_by) == (Decision.APPROVED, cast.reviewer)
    page = client.get(response.url).text
    assert "Version 1 of the plan is approved." in page
    assert "The county starts a new version to change it." in page
    assert "Well done." in page


def test_the_lock_says_to_each_side_what_they_can_do(client, cast):
    sent(cast)
    sign_in(client, cast.reviewer)
    for name in ("review", "plan"):
        page = client.get(url(name, cast.workshop)).text
        assert "locked while you review it" in page
        assert "withdraw it from review" not in page
    sign_in(client, cast.committee.user)
    for name in ("review", "plan"):
        page = client.get(url(name, cast.workshop)).text
        assert "withdraw it from review on the Review page" in page
    sign_in(client, cast.participant.user, cast.workshop)  # who cannot edit: only why
    for name in ("review", "plan"):
        page = client.get(url(name, cast.workshop)).text
        assert "locked while they review it." in page
        assert "withdraw" not in page


def test_participants_are_told_a_plan_was_approved_without_being_told_to_change_it(client, cast):
    submission = sent(cast)
    review.decide(submission, cast.reviewer, Decision.APPROVED, "Well done.")
    sign_in(client, cast.participant.user, cast.workshop)
    page = client.get(url("plan", cast.workshop)).text
    assert "was approved by the state team on" in page
    assert "start a new version" not in page


def test_asking_for_changes_without_a_note_is_an_error_next_to_the_note(client, cast):
    submission = sent(cast)
    sign_in(client, cast.reviewer)
    response = client.post(url("review_decide", cast.workshop), {"decision": "changes"})
    assert response.status_code == 200
    assert "a note is needed to ask for changes" in response.text
    assert 'id="error_1_id_note"' in response.text or "is-invalid" in response.text
    assert Submission.objects.get(pk=submission.pk).decision == Decision.PENDING


def test_deciding_with_nothing_waiting_says_so(client, cast):
    plan_tree(cast.workshop)
    sign_in(client, cast.reviewer)
    response = client.post(url("review_decide", cast.workshop), {"decision": "approved"})
    assert response.status_code == 200
    assert "No submission of the plan is waiting for a decision." in response.text


def test_deciding_twice_says_it_was_decided(client, cast):
    submission = sent(cast)
    review.decide(submission, cast.reviewer, Decision.APPROVED)
    sign_in(client, cast.reviewer)
    response = client.post(
        url("review_decide", cast.workshop), {"decision": "changes", "note": "More"}
    )
    assert response.status_code == 200
    assert "No submission of the plan is waiting for a decision." in response.text


# --- comments ----------------------------------------------------------------------------------


def test_reviewers_get_a_comment_button_under_every_item_of_a_plan_under_review(client, cast):
    sent(cast)
    tree = plan_tree(cast.workshop)
    sign_in(client, cast.reviewer)
    text = client.get(url("plan", cast.workshop)).text
    comment_url = url("review_comment", cast.workshop)
    for kind, item in commentable(tree):
        assert f"{comment_url}?target={kind}&amp;id={item.pk}&amp;next=plan" in text
    assert f"{comment_url}?target=plan&amp;next=plan" in text
    assert "Comment on the whole plan" in text


def test_nobody_gets_comment_buttons_on_a_draft(client, cast):
    plan_tree(cast.workshop)
    sign_in(client, cast.reviewer)
    assert url("review_comment", cast.workshop) not in client.get(url("plan", cast.workshop)).text


def test_a_reviewer_comments_on_a_step_without_javascript(client, cast):
    sent(cast)
    step = plan_tree(cast.workshop).step
    sign_in(client, cast.reviewer)
    form_url = f"{url('review_comment', cast.workshop)}?target=step&id={step.pk}&next=plan"
    page = client.get(form_url)
    assert page.status_code == 200 and "Action step: “Step 1”" in page.text
    response = client.post(
        url("review_comment", cast.workshop),
        {"target": "step", "target_id": step.pk, "text": "Who leads it?", "next": "plan"},
    )
    assert response.status_code == 302
    assert response.url == f"{url('plan', cast.workshop)}#step-{step.pk}"
    found = ReviewComment.objects.get()
    assert (found.target, found.target_id, found.author) == ("step", step.pk, cast.reviewer)
    outline = client.get(response.url).text
    assert "Who leads it?" in outline and "1 comment of the state team" in outline


def test_a_comment_inline_comes_back_with_the_items_comments(client, cast):
    sent(cast)
    step = plan_tree(cast.workshop).step
    sign_in(client, cast.reviewer)
    inline = client.get(
        f"{url('review_comment', cast.workshop)}?target=step&id={step.pk}&next=plan", **HTMX
    )
    assert inline.status_code == 200 and "<html" not in inline.text
    assert 'hx-post="' in inline.text
    # The cursor goes to the comment's text, not the form's wrapper (the link that opened it
    # is gone, so a keyboard user would otherwise start again from the top).
    assert re.search(r'<textarea name="text"[^>]*autofocus', inline.text)
    response = client.post(
        url("review_comment", cast.workshop),
        {"target": "step", "target_id": step.pk, "text": "Add a date", "next": "plan"},
        **HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#comments-step-{step.pk}"
    assert response["HX-Reswap"] == "outerHTML"
    assert f'id="comments-step-{step.pk}"' in response.text and "Add a date" in response.text
    assert "Your comment is added." in response.text
    empty = client.post(
        url("review_comment", cast.workshop),
        {"target": "step", "target_id": step.pk, "text": "  ", "next": "plan"},
        **HTMX,
    )
    assert empty.status_code == 422 and "Write the comment first." in empty.text
    assert re.search(r'<textarea name="text"[^>]*autofocus', empty.text)


def test_a_comment_on_a_plan_not_sent_is_refused_with_a_message(client, cast):
    tree = plan_tree(cast.workshop)
    sign_in(client, cast.reviewer)
    page = client.get(f"{url('review_comment', cast.workshop)}?target=plan")
    assert page.status_code == 200
    assert "has not been sent for review" in page.text
    response = client.post(
        url("review_comment", cast.workshop),
        {"target": "step", "target_id": tree.step.pk, "text": "Early"},
    )
    assert response.status_code == 200
    assert "has not been sent for review" in response.text
    assert not ReviewComment.objects.exists()


def test_a_comment_on_a_decided_plan_is_refused_with_a_message(client, cast):
    review.decide(sent(cast), cast.reviewer, Decision.APPROVED)
    sign_in(client, cast.reviewer)
    response = client.post(url("review_comment", cast.workshop), {"target": "plan", "text": "Late"})
    assert response.status_code == 200
    assert "was decided already" in response.text
    assert not ReviewComment.objects.exists()


def test_a_comment_on_an_item_of_another_workshops_plan_is_refused(client, cast):
    sent(cast)
    elsewhere = plan_tree(WorkshopFactory())
    sign_in(client, cast.reviewer)
    response = client.post(
        url("review_comment", cast.workshop),
        {"target": "step", "target_id": elsewhere.step.pk, "text": "Hm"},
    )
    assert response.status_code == 200
    assert "That item is not part of this version of the plan" in response.text
    page = client.get(f"{url('review_comment', cast.workshop)}?target=step&id={elsewhere.step.pk}")
    assert page.status_code == 200 and "not part of this version" in page.text
    bogus = client.post(url("review_comment", cast.workshop), {"target": "nonsense", "text": "Hm"})
    assert bogus.status_code == 200 and "Choose what the comment is about." in bogus.text
    assert not ReviewComment.objects.exists()


def test_committee_members_cannot_comment(client, cast):
    sent(cast)
    sign_in(client, cast.committee.user)
    response = client.post(url("review_comment", cast.workshop), {"target": "plan", "text": "x"})
    assert response.status_code == 403


# --- answers -----------------------------------------------------------------------------------


def test_the_county_sees_the_comment_under_the_step_and_answers_it(client, cast):
    asked = asked_for_changes(cast)
    step = plan_tree(cast.workshop).step
    sign_in(client, cast.committee.user)
    outline = client.get(url("plan", cast.workshop)).text
    assert "Who leads it?" in outline and "Name the leads." in outline
    assert url("review_answer", cast.workshop, asked.pk) in outline
    assert f'href="{url("item_edit", cast.workshop, "step", step.pk)}"' in outline  # editable
    response = client.post(
        url("review_answer", cast.workshop, asked.pk), {"text": "Pat leads it.", "next": "plan"}
    )
    assert response.status_code == 302
    assert response.url == f"{url('plan', cast.workshop)}#step-{step.pk}"
    answer = ReviewComment.objects.get(reply_to=asked)
    assert (answer.text, answer.by_reviewer, answer.author) == (
        "Pat leads it.",
        False,
        cast.committee.user,
    )
    assert "Pat leads it." in client.get(response.url).text


def test_an_answer_inline_and_an_empty_one(client, cast):
    asked = asked_for_changes(cast)
    sign_in(client, cast.facilitator.user)
    response = client.post(
        url("review_answer", cast.workshop, asked.pk), {"text": "Done", "next": "plan"}, **HTMX
    )
    assert response.status_code == 200 and "Done" in response.text
    assert f'id="comments-step-{asked.target_id}"' in response.text
    empty = client.post(url("review_answer", cast.workshop, asked.pk), {"text": ""})
    assert empty.status_code == 200 and "Write the answer first." in empty.text
    inline = client.post(url("review_answer", cast.workshop, asked.pk), {"text": ""}, **HTMX)
    assert inline.status_code == 422


def test_reviewers_follow_up_and_the_county_resolves(client, cast):
    asked = asked_for_changes(cast)
    sign_in(client, cast.reviewer)
    client.post(url("review_answer", cast.workshop, asked.pk), {"text": "And the dates?"})
    assert ReviewComment.objects.get(reply_to=asked).by_reviewer
    sign_in(client, cast.committee.user)
    response = client.post(url("review_resolve", cast.workshop, asked.pk), {"next": "review"})
    assert response.status_code == 302 and response.url.endswith("#comments")
    assert ReviewComment.objects.get(pk=asked.pk).resolved_at is not None
    assert "Resolved" in client.get(url("review", cast.workshop)).text


def test_participants_read_comments_but_cannot_answer(client, cast):
    asked = asked_for_changes(cast)
    sign_in(client, cast.participant.user, cast.workshop)
    outline = client.get(url("plan", cast.workshop)).text
    assert "Who leads it?" in outline
    assert url("review_answer", cast.workshop, asked.pk) not in outline
    response = client.post(url("review_answer", cast.workshop, asked.pk), {"text": "Me"})
    assert response.status_code == 403


def test_an_answer_to_a_comment_of_another_workshop_is_not_found(client, cast):
    other = plan_tree(WorkshopFactory())
    submission = review.submit(other.plan, cast.reviewer)
    foreign = review.comment(submission, cast.reviewer, "plan", None, "Elsewhere")
    sign_in(client, cast.committee.user)
    response = client.post(url("review_answer", cast.workshop, foreign.pk), {"text": "x"})
    assert response.status_code == 404


def test_answers_after_the_plan_was_sent_again_are_refused(client, cast):
    asked = asked_for_changes(cast)
    review.submit(plan_tree(cast.workshop).plan, cast.committee.user)
    sign_in(client, cast.committee.user)
    response = client.post(url("review_answer", cast.workshop, asked.pk), {"text": "Late"})
    assert response.status_code == 200
    assert "a review that is over" in response.text


# --- the lock ----------------------------------------------------------------------------------


def locked_edits(cast) -> list[tuple[str, str, dict]]:
    tree = plan_tree(cast.workshop)
    principle = Principle.objects.first()
    return [
        ("get", f"{url('item_add', cast.workshop, 'objective')}?parent={tree.goal.pk}", {}),
        (
            "post",
            f"{url('item_add', cast.workshop, 'objective')}?parent={tree.goal.pk}",
            {"title": "More"},
        ),
        ("get", url("item_edit", cast.workshop, "step", tree.step.pk), {}),
        (
            "post",
            url("item_edit", cast.workshop, "goal", tree.goal.pk),
            {"title": "Changed", "version": 1},
        ),
        ("post", url("item_remove", cast.workshop, "step", tree.step.pk), {}),
        ("post", url("item_move", cast.workshop, "step", tree.step.pk), {"direction": "up"}),
        ("get", url("stance_edit", cast.workshop, principle.pk), {}),
        ("post", url("stance_edit", cast.workshop, principle.pk), {"level": "adopted"}),
    ]


def test_every_edit_of_a_plan_under_review_is_refused_with_the_way_forward(client, cast):
    sent(cast)
    sign_in(client, cast.committee.user)
    for method, path, data in locked_edits(cast):
        response = getattr(client, method)(path, data)
        assert response.status_code == 403, path
        assert "locked while they review it" in response.text, path
        assert "withdraw it from review" in response.text, path
    tree = plan_tree(cast.workshop)
    tree.goal.refresh_from_db()
    assert tree.goal.title == "Goal 1"


def test_edits_of_an_approved_plan_point_to_a_new_version(client, cast):
    review.decide(sent(cast), cast.reviewer, Decision.APPROVED)
    sign_in(client, cast.facilitator.user)
    for method, path, data in locked_edits(cast):
        response = getattr(client, method)(path, data)
        assert response.status_code == 403, path
        assert "start a new version" in response.text, path
        assert url("versions", cast.workshop) in response.text, path


def test_an_inline_edit_of_a_locked_plan_reloads_the_page_with_the_message(client, cast):
    sent(cast)
    tree = plan_tree(cast.workshop)
    sign_in(client, cast.committee.user)
    response = client.get(url("item_edit", cast.workshop, "step", tree.step.pk), **HTMX)
    assert response.status_code == 403 and response["HX-Refresh"] == "true"
    page = client.get(url("plan", cast.workshop)).text
    assert "locked while they review it" in page


def test_the_outline_of_a_locked_plan_has_no_editing_buttons(client, cast):
    sent(cast)
    tree = plan_tree(cast.workshop)
    sign_in(client, cast.committee.user)
    text = client.get(url("plan", cast.workshop)).text
    assert "Version 1: Submitted" in text
    assert "withdraw it from review on the Review page" in text
    assert f'href="{url("item_edit", cast.workshop, "step", tree.step.pk)}"' not in text
    assert url("item_remove", cast.workshop, "goal", tree.goal.pk) not in text
    assert url("item_add", cast.workshop, "goal") not in text
    assert url("item_history", cast.workshop, "step", tree.step.pk) in text  # reading stays
    principles = client.get(url("principles", cast.workshop)).text
    assert url("stance_edit", cast.workshop, Principle.objects.first().pk) not in principles


def test_changes_requested_unlock_the_plan(client, cast):
    asked_for_changes(cast)
    tree = plan_tree(cast.workshop)
    sign_in(client, cast.committee.user)
    response = client.post(
        url("item_edit", cast.workshop, "goal", tree.goal.pk), {"title": "Better", "version": 1}
    )
    assert response.status_code == 302


# --- query counts ------------------------------------------------------------------------------


def busy_review(workshop, reviewer, committee, rounds: int) -> None:
    """``rounds`` submissions of the plan, each with comments on every item and answers."""
    tree = plan_tree(workshop)
    items = [("plan", None), ("goal", tree.goal.pk), ("step", tree.step.pk)]
    for n in range(rounds):
        submission = review.submit(tree.plan, committee)
        for target, target_id in items:
            found = review.comment(submission, reviewer, target, target_id, f"Round {n}")
            review.reply(found, committee, "Answered")
        if n < rounds - 1:
            review.decide(submission, reviewer, Decision.CHANGES, "Again")


@pytest.mark.parametrize("page", ["review", "plan"])
def test_the_review_and_the_outline_keep_a_fixed_query_count(client, cast, page):
    small = WorkshopFactory()
    busy_review(small, cast.reviewer, cast.committee.user, 1)
    busy_review(cast.workshop, cast.reviewer, cast.committee.user, 4)
    sign_in(client, cast.reviewer)
    few = queries_of(client, url(page, small))
    many = queries_of(client, url(page, cast.workshop))
    assert few == many


def test_a_resubmission_withdrawn_leaves_the_changes_asked_and_their_comments(client, cast):
    asked = asked_for_changes(cast)
    plan = plan_tree(cast.workshop).plan
    review.submit(plan, cast.committee.user)
    review.withdraw(plan, cast.committee.user)
    sign_in(client, cast.committee.user)
    outline = client.get(url("plan", cast.workshop)).text
    assert "Version 1: Changes requested" in outline and "Name the leads." in outline
    assert "Who leads it?" in outline
    assert url("review_answer", cast.workshop, asked.pk) in outline
    response = client.post(url("review_answer", cast.workshop, asked.pk), {"text": "Pat"})
    assert response.status_code == 302
    page = client.get(url("review", cast.workshop)).text
    assert "Comments on submission 1" in page and "Withdrawn" in page


def test_in_spanish_each_open_and_comment_says_what_it_means_there(client, cast):
    """'Open' is a comment's state on the outline and a link on the versions page; 'Comment' and
    'Answer' are buttons (to comment, to answer) and the fields' labels (the comment, the
    answer): Spanish needs a different word for each."""
    asked = asked_for_changes(cast)
    sign_in(client, cast.committee.user)
    with translation.override("es"):
        outline = client.get(url("plan", cast.workshop), HTTP_ACCEPT_LANGUAGE="es").text
        versions = client.get(url("versions", cast.workshop), HTTP_ACCEPT_LANGUAGE="es").text
        answer = url("review_answer", cast.workshop, asked.pk)
        empty = client.post(answer, {"text": ""}, HTTP_ACCEPT_LANGUAGE="es").text
    assert ">Abierto</span>" in outline
    assert ">Responder<" in outline  # the button that opens the answer's form
    assert "Respuesta<span" in empty  # the form's field, shown again with its error
    assert '<th scope="col">Abrir</th>' in versions


def test_in_spanish_a_versions_status_agrees_with_version(client, cast):
    """A version of the plan is 'aprobada', 'enviada' (feminine), whatever the word alone."""
    review.decide(sent(cast), cast.reviewer, Decision.APPROVED)
    sign_in(client, cast.committee.user)
    with translation.override("es"):
        outline = client.get(url("plan", cast.workshop), HTTP_ACCEPT_LANGUAGE="es").text
    assert "Versión 1 · Aprobada" in outline
