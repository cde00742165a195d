"""The review of the plan by the state team: the Review page (status, sending, withdrawing,
the decision, the comments of the current submission and the history of every submission),
and the comments and answers, which also live under the items of the outline.

Each right has its own views: sending, withdrawing, answering and resolving need
``EDIT_PLAN``; commenting and deciding need ``REVIEW``. Comment forms work inline (htmx: the
item's comments come back in place, 422 with the errors) and as plain pages (a message and back
to where the person was).
"""

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from actionplans import documents, plans, review
from actionplans.forms import focus_first
from actionplans.forms.review import CommentForm, DecisionForm, ReplyForm, SubmitForm
from actionplans.models import ActionPlan, ReviewComment, Submission
from actionplans.review import Decision, ReviewError, Target
from workshops.access import Perm, Role, workshop_view
from workshops.models import Workshop

INVALID = 422  # an htmx form answered with its errors


@dataclass
class ReviewUI:
    """What the viewer may do with the review of the plan's latest version, for the outline
    and the Review page.

    ``submission`` is the one whose comments show: the version's current one, while it waits
    for a decision or after changes were asked for (the county answers while it edits).
    """

    plan: ActionPlan
    current: Submission | None  # review.current_submission
    can_comment: bool = False
    can_answer: bool = False

    @property
    def submission(self) -> Submission | None:
        return self.current if review.answers_open(self.current, self.current) else None

    @property
    def pending(self) -> bool:
        return self.current is not None and self.current.decision == Decision.PENDING


def lock_message(request: HttpRequest, plan: ActionPlan, latest: Submission | None) -> str | None:
    """``review.lock_reason`` worded for the caller: the state team, the plan's editors, or
    those who only read it."""
    access = request.access
    return review.lock_reason(
        plan, latest, access.role == Role.REVIEWER, access.can(Perm.EDIT_PLAN)
    )


def review_ui(request: HttpRequest, plan: ActionPlan, current: Submission | None) -> ReviewUI:
    ui = ReviewUI(plan, current)
    ui.can_comment = ui.pending and request.access.can(Perm.REVIEW)
    ui.can_answer = ui.submission is not None and request.access.can(Perm.EDIT_PLAN)
    return ui


def review_url(workshop: Workshop) -> str:
    return reverse("actionplans:review", args=[workshop.code])


def back_to(request: HttpRequest, workshop: Workshop, target: str, target_id: int | None) -> str:
    """Where a plain form goes back to: the item on the outline, or the Review page."""
    if request.POST.get("next", request.GET.get("next")) == "plan":
        anchor = "plan-review" if target == Target.PLAN else f"{target}-{target_id}"
        return f"{reverse('actionplans:plan', args=[workshop.code])}#{anchor}"
    return f"{review_url(workshop)}#comments"


# --- the Review page ---------------------------------------------------------------------------


def with_pdf(submission: Submission, workshop: Workshop, plan: ActionPlan) -> Submission:
    """The submission's PDF with its file name (no query), ``pdf_state`` in words and
    ``can_remake`` (the plan is still as it was sent: a failed PDF can be made again)."""
    submission.plan.workshop = workshop
    submission.can_remake = (
        submission.plan_id == plan.pk and submission.content_at == plan.changed_at
    )
    document = submission.document
    if document is not None:
        document.plan = submission.plan
        document.filename = documents.filename(document)
        submission.pdf_state = "stuck" if documents.is_stuck(document) else str(document.status)
    else:
        submission.pdf_state = "none"
    return submission


def page_context(request: HttpRequest, workshop: Workshop, plan: ActionPlan, **forms) -> dict:
    """The Review page: the latest version's status and forms, the current comments and every
    submission of every version (a fixed number of queries)."""
    submissions = [with_pdf(s, workshop, plan) for s in review.submissions_of(workshop)]
    threads = review.threads_of([s.pk for s in submissions])
    for submission in submissions:
        submission.groups = review.groups_of(threads.get(submission.pk, []))
    mine = [s for s in submissions if s.plan_id == plan.pk]
    latest = mine[0] if mine else None
    current = next((s for s in mine if s.decision != Decision.WITHDRAWN), None)
    ui = review_ui(request, plan, current)
    # The county sends and withdraws its plan; the state team (who may too) decides instead.
    can_edit = request.access.can(Perm.EDIT_PLAN) and request.access.role != Role.REVIEWER
    current_groups = current.groups if ui.submission is not None else []
    if ui.can_comment and not any(group.target == Target.PLAN for group in current_groups):
        current_groups = [review.Group(Target.PLAN, None, "", []), *current_groups]
    context = {
        "workshop": workshop,
        "plan": plan,
        "ui": ui,
        "latest": latest,
        "current_groups": current_groups,
        "submissions": submissions,
        "has_goals": plan.goals.exists(),
        "lock_message": lock_message(request, plan, latest),
        "sendable": can_edit and plan.status in review.SENDABLE,
        "withdrawable": can_edit and ui.pending,
        "decidable": request.access.can(Perm.REVIEW) and ui.pending,
        "submit_form": forms.get("submit_form") or SubmitForm(),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "comment_form": forms.get("comment_form") or CommentForm(initial={"target": Target.PLAN}),
    }
    return context


def page(request: HttpRequest, workshop: Workshop, status: int = 200, **forms) -> HttpResponse:
    plan = plans.current_plan(workshop)
    context = page_context(request, workshop, plan, **forms)
    return TemplateResponse(request, "actionplans/review.html", context, status=status)


@workshop_view(Perm.VIEW)
@require_http_methods(["GET"])
def review_page(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    return page(request, workshop)


@workshop_view(Perm.EDIT_PLAN)
@require_POST
def submit(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    form = SubmitForm(request.POST)
    if form.is_valid():
        try:
            submission = review.submit(
                plans.current_plan(workshop), request.user, form.cleaned_data["note"]
            )
        except ReviewError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                gettext(
                    "Version %(number)s of the plan is sent to the state team (submission "
                    "%(submission)s). It is locked while they review it."
                )
                % {"number": submission.plan.number, "submission": submission.number},
            )
            return redirect(review_url(workshop))
    return page(request, workshop, submit_form=form)


@workshop_view(Perm.EDIT_PLAN)
@require_POST
def withdraw(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    try:
        review.withdraw(plans.current_plan(workshop), request.user)
    except ReviewError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request, gettext("The plan is withdrawn from review: it can be changed again.")
        )
    return redirect(review_url(workshop))


@workshop_view(Perm.REVIEW)
@require_POST
def decide(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    form = DecisionForm(request.POST)
    plan = plans.current_plan(workshop)
    if form.is_valid():
        submission = plan.submissions.filter(decision=Decision.PENDING).first()
        try:
            if submission is None:
                raise ReviewError(gettext("No submission of the plan is waiting for a decision."))
            decided = review.decide(
                submission, request.user, form.cleaned_data["decision"], form.cleaned_data["note"]
            )
        except ReviewError as refused:
            form.add_error(None, str(refused))
        else:
            if decided.decision == Decision.APPROVED:
                message = gettext("Version %(number)s of the plan is approved.")
            else:
                message = gettext(
                    "Changes are asked for: the county sees your note and comments, and sends "
                    "version %(number)s again."
                )
            messages.success(request, message % {"number": plan.number})
            return redirect(review_url(workshop))
    return page(request, workshop, decision_form=form)


@workshop_view(Perm.VIEW)
@require_POST
def submission_pdf(request: HttpRequest, workshop: Workshop, number: int) -> HttpResponse:
    """Make a submission's PDF again when its rendering failed (the plan is locked, so it is
    still what was sent)."""
    plan = plans.current_plan(workshop)
    submission = get_object_or_404(plan.submissions.select_related("document"), number=number)
    try:
        asked = review.remake_document(submission, request.user)
    except ReviewError as refused:
        messages.error(request, str(refused))
    else:
        if asked:
            messages.info(request, gettext("The PDF is being made: reload this page in a moment."))
        else:
            messages.info(request, gettext("The PDF of this submission is ready."))
    return redirect(f"{review_url(workshop)}#submission-{plan.number}-{submission.number}")


# --- comments and answers ----------------------------------------------------------------------


def target_of(data) -> tuple[str, int | None]:
    target = data.get("target", Target.PLAN)
    raw = data.get("id") or data.get("target_id") or ""
    return target, int(raw) if str(raw).isdigit() else None


def block_id(target: str, target_id: int | None) -> str:
    """The id of an item's comments on the page (``_item_comments.html``)."""
    return f"comments-{target}-{target_id}" if target_id else f"comments-{target}"


def comments_response(
    request: HttpRequest,
    workshop: Workshop,
    plan: ActionPlan,
    target: str,
    target_id: int | None,
    message: str = "",
) -> HttpResponse:
    """The comments about one item (or the whole plan), as they show under it on the outline."""
    ui = review_ui(request, plan, review.current_submission(plan))
    found = []
    label = ""
    if ui.submission is not None:
        roots = review.threads_of([ui.submission.pk]).get(ui.submission.pk, [])
        found = review.by_target(roots).get((target, target_id), [])
    if found:
        label = found[0].target_label
    context = {
        "workshop": workshop,
        "plan": plan,
        "review_ui": ui,
        "target": target,
        "target_id": target_id,
        "comments": found,
        "label": label,
        "status_message": message,
        "next": request.POST.get("next", request.GET.get("next", "review")),
    }
    return TemplateResponse(request, "actionplans/_item_comments.html", context)


@workshop_view(Perm.REVIEW)
@require_http_methods(["GET", "POST"])
def comment(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    """A reviewer's comment on the whole plan or one item: the form (inline or a page) and
    its answer."""
    plan = plans.current_plan(workshop)
    data = request.POST if request.method == "POST" else None
    target, target_id = target_of(request.POST if data is not None else request.GET)
    form = CommentForm(data, initial={"target": target, "target_id": target_id})
    refusal, label = "", ""
    try:
        submission = review.open_for_comments(plan)
        label = review.label_of(plan, target, target_id)
    except ReviewError as closed:
        refusal = str(closed)
        submission = None
    if data is not None and submission is not None and form.is_valid():
        cleaned = form.cleaned_data
        try:
            review.comment(
                submission, request.user, cleaned["target"], cleaned["target_id"], cleaned["text"]
            )
        except ReviewError as refused:
            form.add_error(None, str(refused))
        else:
            message = gettext("Your comment is added.")
            if request.htmx:  # the form was inline: the item's comments come back, with it
                response = comments_response(
                    request, workshop, plan, cleaned["target"], cleaned["target_id"], message
                )
                response["HX-Retarget"] = f"#{block_id(cleaned['target'], cleaned['target_id'])}"
                response["HX-Reswap"] = "outerHTML"
                return response
            messages.success(request, message)
            return redirect(back_to(request, workshop, cleaned["target"], cleaned["target_id"]))
    if refusal and data is not None:
        form.add_error(None, refusal)
    context = {
        "workshop": workshop,
        "plan": plan,
        "form": form,
        "refusal": refusal,
        "target": target,
        "target_id": target_id,
        "kind_label": Target(target).label if target in Target.values else "",
        "label": label,
        "next": request.POST.get("next", request.GET.get("next", "review")),
    }
    invalid = data is not None and bool(form.errors)
    focus_first(form, request, skip=("target", "target_id"))
    if request.htmx:
        return TemplateResponse(
            request,
            "actionplans/review_comment.html#form",
            context,
            status=INVALID if invalid else 200,
        )
    return TemplateResponse(request, "actionplans/review_comment.html", context)


def comment_of(workshop: Workshop, comment_id: int) -> ReviewComment:
    """A comment on a submission of this workshop's plan (404 for any other)."""
    return get_object_or_404(
        ReviewComment.objects.select_related("submission__plan", "author", "reply_to"),
        pk=comment_id,
        submission__plan__workshop=workshop,
    )


@workshop_view(Perm.EDIT_PLAN)
@require_POST
def answer(request: HttpRequest, workshop: Workshop, comment_id: int) -> HttpResponse:
    """The county's answer to a comment (or a reviewer's follow-up)."""
    found = comment_of(workshop, comment_id)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            review.reply(
                found,
                request.user,
                form.cleaned_data["text"],
                by_reviewer=request.access.role == Role.REVIEWER,
            )
        except ReviewError as refused:
            form.add_error(None, str(refused))
        else:
            message = gettext("Your answer is added.")
            if request.htmx:
                plan = found.submission.plan
                return comments_response(
                    request, workshop, plan, found.target, found.target_id, message
                )
            messages.success(request, message)
            return redirect(back_to(request, workshop, found.target, found.target_id))
    context = {
        "workshop": workshop,
        "comment": found.reply_to or found,
        "form": form,
        "next": request.POST.get("next", "review"),
    }
    if request.htmx:
        return TemplateResponse(
            request, "actionplans/review_answer.html#form", context, status=INVALID
        )
    return TemplateResponse(request, "actionplans/review_answer.html", context)


@workshop_view(Perm.EDIT_PLAN)
@require_POST
def resolve(request: HttpRequest, workshop: Workshop, comment_id: int) -> HttpResponse:
    found = review.resolve(comment_of(workshop, comment_id))
    message = gettext("Marked as resolved.")
    if request.htmx:
        plan = found.submission.plan
        return comments_response(request, workshop, plan, found.target, found.target_id, message)
    messages.success(request, message)
    return redirect(back_to(request, workshop, found.target, found.target_id))
