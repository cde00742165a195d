"""The state team reviews a county's plan, in real Chromium, from two browsers.

The committee member sends the plan; the reviewer comments on the whole plan and on an action
step and asks for changes; the committee member finds the comment under the step, answers it,
changes the step and sends the plan again; the reviewer approves. A year on, the county starts
version 2 from the approved plan, changes the step, and the comparison shows what changed.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, expect

from actionplans.models import (
    ActionPlan,
    ActionStep,
    Gap,
    Goal,
    Measure,
    Objective,
    PriorityArea,
    ReviewComment,
    Submission,
)
from tests.e2e.people import make_staff, make_workshop
from tests.e2e.test_plan_journey import messages, shown_date
from tests.e2e.test_workshop_journeys import (
    click_and_load,
    heading,
    htmx_settled,
    make_reviewer,
    sign_in,
)
from tests.e2e.test_workshop_journeys import watch as watch  # the fixture
from workshops.models import Membership, Workshop

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

STEP = "Find a provider for a four-bed respite house"
PLAN_COMMENT = "A clear plan, traced back to the gaps the room named."
STEP_COMMENT = "Who at the county leads this step? Please name a person."
ANSWER = "Dana Whitfield, our crisis coordinator, leads it."
CHANGES = "Name a person who leads each step."


def a_plan(workshop: Workshop) -> ActionStep:
    """A priority area with a goal, an objective, a measure and one action step."""
    today = timezone.localdate()
    gap = Gap.objects.create(workshop=workshop, title="No crisis respite beds for youth")
    priority = PriorityArea.objects.create(workshop=workshop, gap=gap, title=gap.title)
    plan = ActionPlan.objects.create(workshop=workshop)
    goal = Goal.objects.create(
        plan=plan, priority=priority, title="Every young person in crisis stays in the county"
    )
    objective = Objective.objects.create(
        goal=goal, title="Open four crisis respite beds", target_date=today + timedelta(days=365)
    )
    Measure.objects.create(
        objective=objective, title="Respite beds open", baseline=0, target=4, unit="beds"
    )
    return ActionStep.objects.create(
        objective=objective,
        title=STEP,
        lead="Crisis team",
        start=today,
        due=today + timedelta(days=90),
    )


def named(action: str, title: str) -> re.Pattern:
    """A button's name: the action, then (for screen readers) the item's title."""
    return re.compile(rf"^{action}\W+{re.escape(title)}$")


def comment_inline(scope: Locator, link: str | re.Pattern, text: str) -> None:
    """Open a "Comment" form in place, write, add: the comments come back in its place."""
    scope.get_by_role("link", name=link).click()
    form = scope.locator("form.review-comment-form")
    expect(form).to_be_visible()
    htmx_settled(scope.page)  # htmx focuses the form's autofocus field when it settles
    form.get_by_label("Comment").fill(text)
    form.get_by_role("button", name="Add the comment").click()
    expect(scope.locator(".review-comment").filter(has_text=text)).to_be_visible()


def test_a_plan_is_sent_commented_changed_approved_and_revised(
    page: Page, browser: Browser, live_server, a11y, watch
):
    workshop = make_workshop()
    workshop.stage = Workshop.Stage.PLAN
    workshop.save()
    make_staff(workshop, "carla", role=Membership.Role.COMMITTEE)
    make_reviewer("rita")
    step = a_plan(workshop)
    plan_url = reverse("actionplans:plan", args=[workshop.code])
    review_url = reverse("actionplans:review", args=[workshop.code])
    page.emulate_media(reduced_motion="reduce")

    # The committee member sends the plan from its Review page.
    sign_in(page, "carla")
    page.goto(plan_url)
    banner = page.locator("#plan-review")
    expect(banner).to_contain_text("Version 1: Draft")
    click_and_load(page, banner.get_by_role("link", name="Review by the state team"))
    expect(heading(page, "Review by the state team")).to_be_visible()
    a11y(page)
    page.get_by_label("Note to the state team").fill("Our first plan: please look at the beds.")
    click_and_load(page, page.get_by_role("button", name="Send version 1 for review"))
    expect(messages(page)).to_contain_text("Version 1 of the plan is sent to the state team")
    expect(page.get_by_role("link", name="PDF of version 1 as sent (submission 1)")).to_have_count(
        2  # the latest submission and its entry in the history
    )
    a11y(page)
    page.goto(plan_url)
    expect(page.locator("#plan-review")).to_contain_text("locked while they review it")
    expect(page.get_by_role("link", name=named("Edit", STEP))).to_have_count(0)

    # The reviewer comments on the whole plan and on the step, in place, and asks for changes.
    reviewer_context = browser.new_context(base_url=live_server.url, reduced_motion="reduce")
    try:
        review_page = reviewer_context.new_page()
        watch.attach(review_page)
        sign_in(review_page, "rita")
        review_page.goto(plan_url)
        expect(review_page.locator("#plan-review")).to_contain_text("Version 1: Submitted")
        comment_inline(
            review_page.locator("#comments-plan"), "Comment on the whole plan", PLAN_COMMENT
        )
        step_item = review_page.locator(f"#step-{step.pk}")
        # Opened and then left with Escape (as Cancel): the "Comment" link is back, focused.
        step_item.get_by_role("link", name=named("Comment", STEP)).click()
        expect(step_item.locator("form.review-comment-form textarea")).to_be_focused()
        review_page.keyboard.press("Escape")
        expect(step_item.locator("form.review-comment-form")).to_have_count(0)
        expect(step_item.get_by_role("link", name=named("Comment", STEP))).to_be_focused()
        comment_inline(step_item, named("Comment", STEP), STEP_COMMENT)
        expect(review_page.locator("#plan-status")).to_contain_text("Your comment is added.")
        a11y(review_page)
        review_page.goto(review_url)
        comments = review_page.locator("#comments")
        expect(comments).to_contain_text(PLAN_COMMENT)
        expect(comments.get_by_role("link", name=STEP, exact=True)).to_be_visible()
        review_page.get_by_role("radio", name="Ask for changes").check()
        click_and_load(review_page, review_page.get_by_role("button", name="Record the decision"))
        expect(review_page.get_by_text("a note is needed to ask for changes")).to_be_visible()
        a11y(review_page)
        review_page.get_by_role("radio", name="Ask for changes").check()
        review_page.get_by_label("Note to the county").fill(CHANGES)
        click_and_load(review_page, review_page.get_by_role("button", name="Record the decision"))
        expect(messages(review_page)).to_contain_text("Changes are asked for")

        # The committee member sees the comment under the step, answers, changes the step.
        page.goto(plan_url)
        expect(page.locator("#plan-review")).to_contain_text("Changes requested")
        expect(page.locator("#plan-review")).to_contain_text(CHANGES)
        step_item = page.locator(f"#step-{step.pk}")
        thread = step_item.locator(".review-comment").filter(has_text=STEP_COMMENT)
        expect(thread).to_be_visible()
        thread.locator("summary").filter(has_text="Answer").click()
        thread.get_by_label("Your answer").fill(ANSWER)
        thread.get_by_role("button", name="Send the answer").click()
        expect(step_item.locator(".review-answer")).to_contain_text(ANSWER)
        a11y(page)
        htmx_settled(page)
        step_item.get_by_role("link", name=named("Edit", STEP)).click()
        form = step_item.locator("form.plan-form")
        expect(form).to_be_visible()
        # When it settles, htmx puts the focus on the form's first field (autofocus): typing
        # before then went into the title.
        htmx_settled(page)
        form.get_by_label("Lead person").fill("Dana Whitfield")
        form.get_by_role("button", name="Save").click()
        expect(form).to_have_count(0)
        expect(step_item.locator(".plan-facts")).to_contain_text("Dana Whitfield")
        page.goto(review_url)
        page.get_by_label("Note to the state team").fill("Each step has a named lead now.")
        click_and_load(page, page.get_by_role("button", name="Send version 1 for review"))
        expect(messages(page)).to_contain_text("(submission 2)")

        # The reviewer approves; the history keeps both submissions.
        review_page.goto(review_url)
        history = review_page.locator("#history")
        expect(history.locator("article")).to_have_count(2)
        expect(history).to_contain_text("Changes requested")
        review_page.get_by_role("radio", name="Approve the plan").check()
        click_and_load(review_page, review_page.get_by_role("button", name="Record the decision"))
        expect(messages(review_page)).to_contain_text("Version 1 of the plan is approved.")
        a11y(review_page)
    finally:
        reviewer_context.close()

    # A year on, the county starts version 2 and changes the step; the comparison shows it.
    page.goto(plan_url)
    expect(page.locator("#plan-review")).to_contain_text("Version 1: Approved")
    expect(page.get_by_role("link", name=named("Edit", STEP))).to_have_count(0)
    click_and_load(page, page.get_by_role("link", name="Versions", exact=True))
    expect(heading(page, "Versions of the plan")).to_be_visible()
    a11y(page)
    click_and_load(page, page.get_by_role("link", name="Start version 2"))
    # Sent without its reason, the form comes back with the cursor in the field to fix.
    click_and_load(page, page.get_by_role("button", name="Start the new version"))
    expect(page.get_by_label("Why the plan is revised")).to_be_focused()
    page.get_by_label("Why the plan is revised").fill("The committee reconvened a year on.")
    click_and_load(page, page.get_by_role("button", name="Start the new version"))
    expect(page.locator("#plan-review")).to_contain_text("Version 2: Draft")
    new_step = ActionStep.objects.get(objective__goal__plan__number=2)
    step_item = page.locator(f"#step-{new_step.pk}")
    step_item.get_by_role("link", name=named("Edit", STEP)).click()
    later = new_step.due + timedelta(days=30)
    expect(step_item.locator("form.plan-form")).to_be_visible()
    htmx_settled(page)
    step_item.get_by_label("Due date").fill(later.isoformat())
    step_item.get_by_role("button", name="Save").click()
    expect(step_item).to_contain_text(shown_date(later))
    page.goto(reverse("actionplans:versions", args=[workshop.code]))
    click_and_load(page, page.get_by_role("link", name="Compare the versions"))
    expect(heading(page, "Compare two versions of the plan")).to_be_visible()
    changed = page.locator(".compare-changed")
    expect(changed).to_have_count(1)
    expect(changed).to_contain_text(STEP)
    due_row = changed.get_by_role("row").filter(has_text="Due date")
    expect(due_row).to_contain_text(shown_date(step.due))
    expect(due_row).to_contain_text(shown_date(later))
    a11y(page)

    # What the pages did is what the database holds.
    first, second = Submission.objects.filter(plan__number=1).order_by("number")
    assert (first.decision, second.decision) == ("changes", "approved")
    assert first.decision_note == CHANGES
    answer = ReviewComment.objects.get(reply_to__isnull=False)
    assert (answer.text, answer.by_reviewer) == (ANSWER, False)
    v1, v2 = ActionPlan.objects.filter(workshop=workshop).order_by("number")
    assert (v1.status, v2.status, v2.based_on) == ("approved", "draft", v1)
    workshop.refresh_from_db()
    assert workshop.stage == Workshop.Stage.IMPLEMENT
