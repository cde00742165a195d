"""Plan versions: starting version n+1 from an approved plan (a copy of the whole tree, with
origins, principles, progress and history) and comparing two versions."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionplans import documents, plans, review, revisions
from actionplans.models import (
    ActionPlan,
    ActionStep,
    Benchmark,
    Goal,
    Measure,
    MeasureReading,
    Objective,
    PlanDocument,
    Principle,
    StepUpdate,
    Strategy,
)
from actionplans.revisions import RevisionError
from tests.actionplans.test_plan_views import big_plan, queries_of
from tests.conftest import sign_in
from tests.factories import WorkshopFactory, plan_tree, system

Status = ActionPlan.Status


def approved(workshop, user) -> ActionPlan:
    """The workshop's plan (v1 with one of everything), sent and approved."""
    plan = plan_tree(workshop).plan
    submission = review.submit(plan, user)
    review.decide(submission, user, "approved")
    plan.refresh_from_db()
    return plan


def test_it_starts_the_next_version_as_a_copy_of_the_approved_one(cast):
    tree = plan_tree(cast.workshop)
    youth = Principle.objects.get(key="youth-guided")
    tree.goal.principles.add(youth)
    tree.step.principles.add(youth)
    tree.step.partner_systems.add(system("crisis"))
    tree.step.lead_member = cast.participant
    tree.step.status = ActionStep.Status.IN_PROGRESS
    tree.step.save()
    today = timezone.localdate()
    update = StepUpdate.objects.create(
        step=tree.step, status="in_progress", on=today, note="Begun", author=cast.participant.user
    )
    StepUpdate.objects.filter(pk=update.pk).update(created_at=timezone.now() - timedelta(days=9))
    MeasureReading.objects.create(measure=tree.measure, on=today, value=12)
    v1 = approved(cast.workshop, cast.reviewer)

    v2 = revisions.start_revision(cast.workshop, cast.committee.user, "  We reconvened.  ")
    assert (v2.number, v2.status, v2.based_on, v2.reason) == (2, Status.DRAFT, v1, "We reconvened.")
    assert plans.current_plan(cast.workshop) == v2
    goal = Goal.objects.get(plan=v2)
    assert (goal.origin, goal.title, goal.priority) == (tree.goal, "Goal 1", tree.priority)
    assert list(goal.principles.all()) == [youth]
    objective = Objective.objects.get(goal=goal)
    assert (
        objective.origin == tree.objective and objective.target_date == tree.objective.target_date
    )
    strategy = Strategy.objects.get(objective=objective)
    assert strategy.origin == tree.strategy
    step = ActionStep.objects.get(objective=objective)
    assert (step.origin, step.strategy, step.lead_member) == (tree.step, strategy, cast.participant)
    assert (step.status, step.due, step.lead) == (
        ActionStep.Status.IN_PROGRESS,
        tree.step.due,
        "Pat Lee",
    )
    assert list(step.principles.all()) == [youth]
    assert list(step.partner_systems.values_list("slug", flat=True)) == ["crisis"]
    measure = Measure.objects.get(objective=objective)
    assert (measure.origin, measure.baseline, measure.unit) == (tree.measure, 10, "families")
    benchmark = Benchmark.objects.get(measure=measure)
    assert (benchmark.origin, benchmark.value) == (tree.benchmark, 15)
    copied = StepUpdate.objects.get(step=step)
    assert (copied.note, copied.author, copied.on) == ("Begun", cast.participant.user, today)
    assert copied.created_at == StepUpdate.objects.get(pk=update.pk).created_at
    assert MeasureReading.objects.get(measure=measure).value == 12
    # The approved version keeps its own items and progress.
    assert Goal.objects.get(plan=v1) == tree.goal
    assert StepUpdate.objects.filter(step=tree.step).count() == 1
    assert MeasureReading.objects.filter(measure=tree.measure).count() == 1


def test_a_copy_has_its_first_history_record_with_its_principles(cast):
    tree = plan_tree(cast.workshop)
    youth = Principle.objects.get(key="youth-guided")
    tree.step.principles.add(youth)
    approved(cast.workshop, cast.reviewer)
    revisions.start_revision(cast.workshop, cast.committee.user, "Reconvened")
    step = ActionStep.objects.get(origin=tree.step)
    entries = plans.history_of(plans.KINDS["step"], step)
    assert len(entries) == 1 and entries[0].created
    assert entries[0].who == plans.who(cast.committee.user)
    changes = {change.label: change.new for change in entries[0].changes}
    assert changes["Action step"] == "Step 1"
    assert changes["SOC principles it advances"] == "Youth-guided"


def test_it_starts_a_version_only_from_an_approved_plan(cast):
    tree = plan_tree(cast.workshop)
    with pytest.raises(RevisionError, match="not approved"):
        revisions.start_revision(cast.workshop, cast.committee.user, "Why not")
    review.submit(tree.plan, cast.committee.user)
    with pytest.raises(RevisionError, match="not approved"):
        revisions.start_revision(cast.workshop, cast.committee.user, "Why not")
    assert ActionPlan.objects.filter(workshop=cast.workshop).count() == 1


def test_it_needs_a_reason(cast):
    approved(cast.workshop, cast.reviewer)
    with pytest.raises(RevisionError, match="Say why"):
        revisions.start_revision(cast.workshop, cast.committee.user, "  ")


def test_the_new_version_can_be_edited_and_the_approved_one_stays_locked(cast):
    v1 = approved(cast.workshop, cast.reviewer)
    v2 = revisions.start_revision(cast.workshop, cast.committee.user, "Reconvened")
    assert review.lock_reason(v2) is None
    assert review.lock_reason(v1) is not None


def copy_queries(workshop, user) -> int:
    with CaptureQueriesContext(connection) as captured:
        revisions.start_revision(workshop, user, "Reconvened")
    return len(captured)


def with_progress(workshop) -> None:
    today = timezone.localdate()
    for step in ActionStep.objects.filter(objective__goal__plan__workshop=workshop):
        StepUpdate.objects.create(step=step, status="in_progress", on=today)
    for measure in Measure.objects.filter(objective__goal__plan__workshop=workshop):
        MeasureReading.objects.create(measure=measure, on=today, value=1)


def test_it_copies_in_a_fixed_number_of_queries_whatever_the_size_of_the_plan(cast):
    small = WorkshopFactory()
    big_plan(small, priorities=1, objectives=1, steps=2)  # one of each, partner systems too
    big_plan(cast.workshop)  # 8 priority areas, 24 objectives, 120 steps
    for workshop in (small, cast.workshop):
        with_progress(workshop)
        plan = plans.current_plan(workshop)
        review.decide(review.submit(plan, cast.reviewer), cast.reviewer, "approved")
    few = copy_queries(small, cast.reviewer)
    many = copy_queries(cast.workshop, cast.reviewer)
    assert few == many
    assert many <= 50
    v2 = plans.current_plan(cast.workshop)
    assert ActionStep.objects.filter(objective__goal__plan=v2).count() == 120
    assert StepUpdate.objects.filter(step__objective__goal__plan=v2).count() == 120


# --- comparing ---------------------------------------------------------------------------------


def revised(cast) -> tuple:
    """v1 approved, v2 started from it: the trees of both."""
    tree = plan_tree(cast.workshop)
    approved(cast.workshop, cast.reviewer)
    v2 = revisions.start_revision(cast.workshop, cast.committee.user, "Reconvened")
    return tree, v2


def test_the_comparison_shows_what_changed_in_words(cast):
    tree, v2 = revised(cast)
    step = ActionStep.objects.get(origin=tree.step)
    step.title = "Step 1, with the hospital"
    step.due = step.due + timedelta(days=31)
    step.status = ActionStep.Status.DONE
    step.save()
    step.principles.add(Principle.objects.get(key="cultural"))
    Measure.objects.get(origin=tree.measure).delete()
    objective = Objective.objects.get(origin=tree.objective)
    Strategy.objects.create(objective=objective, title="A new strategy")
    comparison = revisions.compare(tree.plan, v2)
    [area] = comparison.areas
    assert area.priority == tree.priority
    [changed] = area.changed
    assert (changed.kind, changed.title) == ("step", "Step 1, with the hospital")
    assert changed.anchor == f"step-{step.pk}" and changed.within == "Objective 1"
    words = {change.label: (change.old, change.new) for change in changed.changes}
    assert words["Action step"] == ("Step 1", "Step 1, with the hospital")
    assert words["Status"] == ("Not started", "Done")
    assert words["SOC principles it advances"] == ("—", "Cultural and linguistic competence")
    old_due = plans.shown(ActionStep, "due", tree.step.due, {})
    assert words["Due date"] == (old_due, plans.shown(ActionStep, "due", step.due, {}))
    assert "Strategy" not in words  # the copy's strategy is the same strategy
    assert [(i.kind, i.title) for i in area.added] == [("strategy", "A new strategy")]
    removed = {(i.kind, i.title) for i in area.removed}
    assert removed == {("measure", "Measure 1"), ("benchmark", area.removed[1].title)}
    assert {i.kind for i in area.unchanged} == {"goal", "objective", "strategy"}
    assert comparison.totals == {"added": 1, "removed": 2, "changed": 1, "unchanged": 3}


def test_the_comparison_follows_origins_across_versions(cast):
    tree, v2 = revised(cast)
    review.decide(review.submit(v2, cast.reviewer), cast.reviewer, "approved")
    v3 = revisions.start_revision(cast.workshop, cast.committee.user, "Again")
    goal = Goal.objects.get(plan=v3)
    goal.title = "A bolder goal"
    goal.save()
    comparison = revisions.compare(tree.plan, v3)
    [area] = comparison.areas
    assert [(i.kind, i.title) for i in area.changed] == [("goal", "A bolder goal")]
    assert area.added == [] and area.removed == []


def test_the_comparison_keeps_a_fixed_query_count(cast):
    small = WorkshopFactory()
    big_plan(small, priorities=1, objectives=1, steps=1)
    big_plan(cast.workshop)
    counts = []
    for workshop in (small, cast.workshop):
        plan = plans.current_plan(workshop)
        review.decide(review.submit(plan, cast.reviewer), cast.reviewer, "approved")
        v2 = revisions.start_revision(workshop, cast.reviewer, "Reconvened")
        ActionStep.objects.filter(objective__goal__plan=v2).update(status="done")
        with CaptureQueriesContext(connection) as captured:
            comparison = revisions.compare(plan, v2)
        assert (
            comparison.totals["changed"]
            == ActionStep.objects.filter(objective__goal__plan=v2).count()
        )
        counts.append(len(captured))
    assert counts[0] == counts[1]


# --- the pages ---------------------------------------------------------------------------------


def url(name: str, workshop, *args) -> str:
    return reverse(f"actionplans:{name}", args=[workshop.code, *args])


def test_the_versions_page_lists_every_version_with_its_submissions(client, cast):
    revised(cast)
    sign_in(client, cast.participant.user, cast.workshop)
    response = client.get(url("versions", cast.workshop))
    assert response.status_code == 200
    text = response.text
    assert "Version 2" in text and "from version 1" in text and "Reconvened" in text
    assert "Submission 1, sent" in text and "Approved" in text
    assert url("version", cast.workshop, 1) in text
    assert f"{url('compare', cast.workshop)}?a=1&amp;b=2" in text
    assert url("revise", cast.workshop) not in text


def test_editors_start_a_new_version_from_an_approved_plan(client, cast):
    approved(cast.workshop, cast.reviewer)
    sign_in(client, cast.committee.user)
    assert url("revise", cast.workshop) in client.get(url("versions", cast.workshop)).text
    page = client.get(url("revise", cast.workshop))
    assert page.status_code == 200 and "Start version 2 from version 1" in page.text
    empty = client.post(url("revise", cast.workshop), {"reason": " "})
    assert empty.status_code == 200 and "Say why the plan is revised." in empty.text
    assert cast.workshop.plans.count() == 1
    response = client.post(url("revise", cast.workshop), {"reason": "A year on"})
    assert response.status_code == 302 and response.url == url("plan", cast.workshop)
    outline = client.get(response.url).text
    assert "Version 2: Draft" in outline and "A year on" in outline
    assert "Version 2 of the plan is started from version 1" in outline
    step = ActionStep.objects.get(objective__goal__plan__number=2)
    assert f'href="{url("item_edit", cast.workshop, "step", step.pk)}"' in outline


def test_a_new_version_is_refused_while_the_plan_is_not_approved(client, cast):
    plan_tree(cast.workshop)
    sign_in(client, cast.committee.user)
    page = client.get(url("revise", cast.workshop))
    assert page.status_code == 200 and "starts from an approved plan" in page.text
    response = client.post(url("revise", cast.workshop), {"reason": "Why not"})
    assert response.status_code == 200 and "starts from an approved plan" in response.text
    assert cast.workshop.plans.count() == 1


def test_an_older_version_reads_as_it_was(client, cast):
    tree, v2 = revised(cast)
    Goal.objects.filter(plan=v2).update(title="A new goal")
    sign_in(client, cast.participant.user, cast.workshop)
    response = client.get(url("version", cast.workshop, 1))
    assert response.status_code == 200
    assert "Goal 1" in response.text and "A new goal" not in response.text
    assert "cannot be changed" in response.text
    assert url("item_edit", cast.workshop, "goal", tree.goal.pk) not in response.text
    latest = client.get(url("version", cast.workshop, 2))
    assert latest.status_code == 302 and latest.url == url("plan", cast.workshop)
    assert client.get(url("version", cast.workshop, 7)).status_code == 404


def test_an_older_version_offers_its_pdfs(client, cast):
    """Once version 2 is started, the PDF page is version 2's: version 1's page keeps the
    approved PDF (and the one sent) at hand."""
    tree, _ = revised(cast)
    sign_in(client, cast.participant.user, cast.workshop)
    assert "No PDF was made of this version." in client.get(url("version", cast.workshop, 1)).text
    sent = PlanDocument.objects.get(plan=tree.plan)  # the submission's, queued when it was sent
    PlanDocument.objects.filter(pk=sent.pk).update(status="ready", pdf=b"%PDF", pages=3, size=4)
    text = client.get(url("version", cast.workshop, 1)).text
    sent = PlanDocument.objects.get(pk=sent.pk)
    name = documents.filename(sent)
    assert "-v1-submitted-" in name
    assert url("pdf_download", cast.workshop, sent.pk, name) in text
    assert ">Submitted</span>" in text


def test_the_comparison_page_shows_a_changed_step_side_by_side(client, cast):
    tree, _ = revised(cast)
    ActionStep.objects.filter(origin=tree.step).update(lead="Ana Ruiz")
    sign_in(client, cast.participant.user, cast.workshop)
    response = client.get(url("compare", cast.workshop))
    assert response.status_code == 200
    text = response.text
    assert "From version 1 to version 2" in text and "1 item changed" in text
    assert "Pat Lee" in text and "Ana Ruiz" in text
    assert "5 items unchanged" in text


def test_the_comparison_page_refuses_bad_versions_with_a_message(client, cast):
    revised(cast)
    sign_in(client, cast.participant.user, cast.workshop)
    same = client.get(f"{url('compare', cast.workshop)}?a=2&b=2")
    assert same.status_code == 400 and "Choose two different versions." in same.text
    missing = client.get(f"{url('compare', cast.workshop)}?a=1&b=9")
    assert missing.status_code == 400 and "There is no such version of the plan." in missing.text
    nonsense = client.get(f"{url('compare', cast.workshop)}?a=x")
    assert nonsense.status_code == 400


def test_the_comparison_page_with_one_version_says_there_is_nothing_to_compare(client, cast):
    plan_tree(cast.workshop)
    sign_in(client, cast.participant.user, cast.workshop)
    response = client.get(url("compare", cast.workshop))
    assert response.status_code == 200 and "nothing to compare yet" in response.text


@pytest.mark.parametrize("page", ["versions", "compare"])
def test_the_version_pages_keep_a_fixed_query_count(client, cast, page):
    small = WorkshopFactory()
    big_plan(small, priorities=1, objectives=1, steps=2)
    big_plan(cast.workshop)
    for workshop in (small, cast.workshop):
        for _ in range(2):
            plan = plans.current_plan(workshop)
            review.decide(review.submit(plan, cast.reviewer), cast.reviewer, "approved")
            revisions.start_revision(workshop, cast.reviewer, "Again")
    sign_in(client, cast.reviewer)
    few = queries_of(client, url(page, small))
    many = queries_of(client, url(page, cast.workshop))
    assert few == many
