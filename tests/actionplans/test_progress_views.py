"""The progress pages: the plan's progress, posting progress on a step, a measure's readings
and chart; who may post what (object-level 403, another workshop's items 404), bad input, the
query counts, the outline's progress slot, and the step form's lead in the workshop."""

from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionplans import progress
from actionplans.models import ActionStep, Measure, MeasureReading, StepUpdate
from tests.conftest import sign_in
from tests.factories import ParticipantFactory, WorkshopFactory, county, plan_tree

Status = ActionStep.Status


def url(name: str, workshop, *args) -> str:
    return reverse(f"actionplans:{name}", args=[workshop.code, *args])


def lead(step: ActionStep, member) -> ActionStep:
    ActionStep.objects.filter(pk=step.pk).update(lead_member=member)
    step.refresh_from_db()
    return step


def refusals(client, target: str, cases: list[tuple[dict, str, str]]):
    """Post each case's data; each answer is the form again with the message by its field."""
    for data, field, message in cases:
        response = client.post(target, data)
        assert response.status_code == 200, data
        assert field in response.context["form"].errors, data
        assert message in response.text, data
        yield response


def queries_of(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


# --- the progress page -------------------------------------------------------------------------


def test_it_rolls_up_the_plan_and_puts_the_leads_own_steps_first(client, cast):
    today = timezone.localdate()
    tree = plan_tree(cast.workshop)
    mine = lead(tree.step, cast.participant)
    late = ActionStep.objects.create(
        objective=tree.objective, title="Apply for funding", due=today - timedelta(days=2),
        status=Status.IN_PROGRESS, lead="Carla",
    )  # fmt: skip
    ActionStep.objects.create(objective=tree.objective, title="Count calls", status=Status.DONE)
    progress.post_update(mine, cast.participant.user, Status.IN_PROGRESS, today, "Rota agreed")
    MeasureReading.objects.create(measure=tree.measure, on=today, value=30)
    sign_in(client, cast.participant.user, cast.workshop)
    response = client.get(url("progress", cast.workshop))
    assert response.status_code == 200
    text = response.text
    assert "Progress of the action plan" in text
    assert "1 of 3 action steps done (33%)" in text
    assert "Overdue: 1" in text
    assert response.context["mine"] == [mine]
    assert response.context["overdue"] == [late]
    assert text.index("The steps you lead") < text.index("Overdue steps") < text.index("Gap 1")
    assert "Latest update: In progress on" in text and "Rota agreed" in text
    # The lead posts on their own step only; a measure under their objective takes readings.
    assert text.count(url("step_progress", cast.workshop, mine.pk)) == 2  # mine, every step
    assert url("step_progress", cast.workshop, late.pk) not in text
    assert f"{url('measure', cast.workshop, tree.measure.pk)}#reading-form" in text
    assert "On track" in text and "measure-standing-on_track" in text


def test_editors_may_post_on_every_step(client, cast):
    tree = plan_tree(cast.workshop)
    sign_in(client, cast.committee.user)
    text = client.get(url("progress", cast.workshop)).text
    assert url("step_progress", cast.workshop, tree.step.pk) in text
    assert "The steps you lead" not in text
    assert "No progress posted yet." in text
    assert "No readings yet." in text


def test_it_says_when_there_is_nothing_to_track_yet(client, cast):
    sign_in(client, cast.participant.user, cast.workshop)
    response = client.get(url("progress", cast.workshop))
    assert response.status_code == 200
    assert "No action steps yet" in response.text


def many_steps(workshop, areas: int, per_objective: int) -> None:
    """A plan with updates and readings on every step and measure."""
    today = timezone.localdate()
    member = ParticipantFactory(workshop=workshop)
    for n in range(1, areas + 1):
        tree = plan_tree(workshop, n)
        for s in range(per_objective):
            step = ActionStep.objects.create(
                objective=tree.objective, title=f"Step {n}.{s}", lead_member=member,
                due=today - timedelta(days=s), status=Status.IN_PROGRESS,
            )  # fmt: skip
            for day in range(3):
                StepUpdate.objects.create(
                    step=step, status=Status.IN_PROGRESS, on=today - timedelta(days=day)
                )
        for day in range(3):
            MeasureReading.objects.create(
                measure=tree.measure, on=today - timedelta(days=day), value=day
            )


def test_it_keeps_a_fixed_query_count_whatever_the_size_of_the_plan(client, cast):
    small = WorkshopFactory()
    many_steps(small, areas=1, per_objective=1)
    many_steps(cast.workshop, areas=6, per_objective=8)
    sign_in(client, cast.reviewer)
    few = queries_of(client, url("progress", small))
    many = queries_of(client, url("progress", cast.workshop))
    assert few == many
    assert many <= 14


# --- posting progress on a step ----------------------------------------------------------------


def test_the_lead_posts_progress_and_sees_it_in_the_history(client, cast):
    tree = plan_tree(cast.workshop)
    step = lead(tree.step, cast.participant)
    sign_in(client, cast.participant.user, cast.workshop)
    page = client.get(url("step_progress", cast.workshop, step.pk))
    assert page.status_code == 200
    assert page.context["form"].initial["on"] == timezone.localdate()
    assert page.context["form"].initial["status"] == Status.NOT_STARTED
    assert "No progress posted yet." in page.text
    today = timezone.localdate().isoformat()
    answer = client.post(
        url("step_progress", cast.workshop, step.pk),
        {"status": Status.DONE, "on": today, "note": "Rota signed by both"},
    )
    assert answer.status_code == 302
    assert answer.url == url("progress", cast.workshop) + f"#step-{step.pk}"
    step.refresh_from_db()
    assert (step.status, step.version) == (Status.DONE, 2)
    update = step.updates.get()
    assert (update.author, update.note) == (cast.participant.user, "Rota signed by both")
    after = client.get(answer.url)
    assert "Progress posted: Step 1 — Done." in after.text
    history = client.get(url("step_progress", cast.workshop, step.pk)).text
    assert "Rota signed by both" in history
    assert cast.participant.user.get_full_name() in history


def test_a_participant_who_does_not_lead_the_step_gets_403(client, cast):
    tree = plan_tree(cast.workshop)
    lead(tree.step, ParticipantFactory(workshop=cast.workshop))
    sign_in(client, cast.participant.user, cast.workshop)
    target = url("step_progress", cast.workshop, tree.step.pk)
    assert client.get(target).status_code == 403
    answer = client.post(target, {"status": Status.DONE, "on": timezone.localdate()})
    assert answer.status_code == 403
    assert not StepUpdate.objects.exists()
    assert "The steps you lead" not in client.get(url("progress", cast.workshop)).text


def test_a_step_of_another_workshop_is_not_found(client, cast):
    theirs = plan_tree(WorkshopFactory(county=county("Erie"))).step
    plan_tree(cast.workshop)
    sign_in(client, cast.facilitator.user)
    target = url("step_progress", cast.workshop, theirs.pk)
    assert client.get(target).status_code == 404
    answer = client.post(target, {"status": Status.DONE, "on": timezone.localdate()})
    assert answer.status_code == 404
    assert "Page not found" in answer.text
    assert not StepUpdate.objects.exists()


def test_a_back_dated_update_says_the_step_keeps_its_status(client, cast):
    tree = plan_tree(cast.workshop)
    step = lead(tree.step, cast.participant)
    sign_in(client, cast.participant.user, cast.workshop)
    target = url("step_progress", cast.workshop, step.pk)
    today = timezone.localdate()
    client.post(target, {"status": Status.IN_PROGRESS, "on": today.isoformat()})
    earlier = (today - timedelta(days=20)).isoformat()
    answer = client.post(target, {"status": Status.DONE, "on": earlier}, follow=True)
    assert "Progress posted: Step 1 — Done." in answer.text
    assert "goes into the history and the step stays In progress." in answer.text
    step.refresh_from_db()
    assert step.status == Status.IN_PROGRESS


def test_bad_updates_get_their_message_next_to_the_field(client, cast):
    tree = plan_tree(cast.workshop)
    step = lead(tree.step, cast.participant)
    sign_in(client, cast.participant.user, cast.workshop)
    target = url("step_progress", cast.workshop, step.pk)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    cases = [
        ({"status": Status.DONE, "on": ""}, "on", "Give the date of the update."),
        ({"status": Status.DONE, "on": tomorrow}, "on", "The date is in the future"),
        ({"status": Status.DONE, "on": "1900-01-01"}, "on", "more than 10 years ago"),
        ({"status": Status.DONE, "on": "next tuesday"}, "on", "Give a date, like 2026-03-12."),
        ({"status": "finished", "on": ""}, "status", "Select a valid choice."),
        ({"on": timezone.localdate()}, "status", "Choose the step&#x27;s status."),
        ({"status": Status.BLOCKED, "on": timezone.localdate()}, "note", "Say what is in the way"),
    ]
    for response in refusals(client, target, cases):
        assert "The update is not posted yet" in response.text
    assert not StepUpdate.objects.exists()
    assert ActionStep.objects.get(pk=step.pk).version == 1


# --- a measure: its chart and readings ---------------------------------------------------------


def test_the_measure_page_draws_readings_against_the_plan(client, cast):
    today = timezone.localdate()
    tree = plan_tree(cast.workshop)
    MeasureReading.objects.create(measure=tree.measure, on=today, value=Decimal("12.5"))
    sign_in(client, cast.participant.user, cast.workshop)
    response = client.get(url("measure", cast.workshop, tree.measure.pk))
    assert response.status_code == 200
    text = response.text
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in text
    assert "Readings of the measure: Measure 1" in text
    assert (
        '<caption id="measure-table-caption">' in text
        and '<th scope="row" class="fw-normal">Baseline</th>' in text
    )
    assert "12.5 families" in text and "10 families" in text and "20 families" in text
    assert "How it stands" in text and "On track" in text
    assert response.context["form"] is None  # not a lead: no form
    assert url("reading_add", cast.workshop, tree.measure.pk) not in text


def test_a_lead_adds_a_reading(client, cast):
    tree = plan_tree(cast.workshop)
    lead(tree.step, cast.participant)
    sign_in(client, cast.participant.user, cast.workshop)
    page = client.get(url("measure", cast.workshop, tree.measure.pk))
    assert url("reading_add", cast.workshop, tree.measure.pk) in page.text
    answer = client.post(
        url("reading_add", cast.workshop, tree.measure.pk),
        {"on": timezone.localdate().isoformat(), "value": "14", "note": "From SPOA"},
    )
    assert answer.status_code == 302
    assert answer.url == url("measure", cast.workshop, tree.measure.pk)
    reading = MeasureReading.objects.get()
    assert (reading.value, reading.note, reading.author) == (14, "From SPOA", cast.participant.user)
    after = client.get(answer.url).text
    assert "Reading added: Measure 1." in after
    assert "14 families" in after and "From SPOA" in after


def test_a_qualitative_measure_takes_observations_in_words(client, cast):
    tree = plan_tree(cast.workshop)
    words = Measure.objects.create(
        objective=tree.objective, kind=Measure.Kind.QUALITATIVE, title="Families feel heard"
    )
    sign_in(client, cast.committee.user)
    page = client.get(url("measure", cast.workshop, words.pk))
    assert "<svg" not in page.text
    assert "value" not in page.context["form"].fields
    target = url("reading_add", cast.workshop, words.pk)
    refused = client.post(target, {"on": timezone.localdate().isoformat()})
    assert "Describe what you observed." in refused.text
    client.post(target, {"on": timezone.localdate().isoformat(), "note": "8 of 10 said yes"})
    assert MeasureReading.objects.get().note == "8 of 10 said yes"
    assert "8 of 10 said yes" in client.get(url("measure", cast.workshop, words.pk)).text


def test_bad_readings_get_their_message_next_to_the_field(client, cast):
    tree = plan_tree(cast.workshop)
    lead(tree.step, cast.participant)
    sign_in(client, cast.participant.user, cast.workshop)
    target = url("reading_add", cast.workshop, tree.measure.pk)
    today = timezone.localdate().isoformat()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    cases = [
        ({"on": "", "value": "12"}, "on", "Give the date of the reading."),
        ({"value": "12"}, "on", "Give the date of the reading."),
        ({"on": tomorrow, "value": "12"}, "on", "The date is in the future"),
        ({"on": "31/02/2026", "value": "12"}, "on", "Give a date, like 2026-03-12."),
        ({"on": today, "value": "twelve"}, "value", "Give the value as a number, like 42"),
        ({"on": today, "value": ""}, "value", "Give the value as a number (families)"),
        ({"on": today, "value": "123456789012"}, "value", "That number is too long"),
    ]
    for response in refusals(client, target, cases):
        assert "The reading is not saved yet" in response.text
        assert "<svg" in response.text  # the measure's page, with the chart
    assert not MeasureReading.objects.exists()


def test_only_leads_of_the_objective_add_readings(client, cast):
    tree = plan_tree(cast.workshop)
    other = plan_tree(cast.workshop, 2)
    lead(other.step, cast.participant)  # leads a step of another objective
    sign_in(client, cast.participant.user, cast.workshop)
    target = url("reading_add", cast.workshop, tree.measure.pk)
    answer = client.post(target, {"on": timezone.localdate().isoformat(), "value": "12"})
    assert answer.status_code == 403
    assert not MeasureReading.objects.exists()


def test_a_measure_of_another_workshop_is_not_found(client, cast):
    theirs = plan_tree(WorkshopFactory(county=county("Erie"))).measure
    plan_tree(cast.workshop)
    sign_in(client, cast.facilitator.user)
    assert client.get(url("measure", cast.workshop, theirs.pk)).status_code == 404
    answer = client.post(
        url("reading_add", cast.workshop, theirs.pk),
        {"on": timezone.localdate().isoformat(), "value": "3"},
    )
    assert answer.status_code == 404
    assert not MeasureReading.objects.exists()


def test_the_measure_page_keeps_a_fixed_query_count(client, cast):
    small = plan_tree(WorkshopFactory()).measure
    big = plan_tree(cast.workshop).measure
    today = timezone.localdate()
    for day in range(40):
        MeasureReading.objects.create(measure=big, on=today - timedelta(days=day), value=day)
    sign_in(client, cast.reviewer)
    assert queries_of(client, url("measure", small.objective.goal.plan.workshop, small.pk)) == (
        queries_of(client, url("measure", cast.workshop, big.pk))
    )


# --- the outline's progress slot ---------------------------------------------------------------


def test_the_outline_offers_posting_progress_to_the_lead(client, cast):
    tree = plan_tree(cast.workshop)
    other = plan_tree(cast.workshop, 2).step
    lead(tree.step, cast.participant)
    sign_in(client, cast.participant.user, cast.workshop)
    text = client.get(url("plan", cast.workshop)).text
    assert url("step_progress", cast.workshop, tree.step.pk) in text
    assert url("step_progress", cast.workshop, other.pk) not in text
    sign_in(client, cast.committee.user)
    text = client.get(url("plan", cast.workshop)).text
    assert url("step_progress", cast.workshop, other.pk) in text


def test_the_outline_slot_shows_a_prefetched_latest_update(cast):
    tree = plan_tree(cast.workshop)
    progress.post_update(tree.step, None, Status.BLOCKED, timezone.localdate(), "No funding yet")
    step = (
        ActionStep.objects.prefetch_related(progress.latest_update_prefetch())
        .select_related("lead_member")
        .get(pk=tree.step.pk)
    )
    context = {"step": step, "workshop": cast.workshop, "can": {}, "access": None}
    html = render_to_string("actionplans/_step_progress.html", context)
    assert "Latest update: Blocked on" in html and "No funding yet" in html
    assert "Post progress" not in html
    html = render_to_string(
        "actionplans/_step_progress.html", {**context, "can": {"edit_plan": True}}
    )
    assert url("step_progress", cast.workshop, step.pk) in html


# --- the step form's lead in the workshop ------------------------------------------------------


def step_data(tree, **changes) -> dict:
    return {"title": "Train two clinicians", "status": Status.NOT_STARTED, **changes}


def test_the_step_form_offers_the_workshops_members_as_leads(client, cast):
    tree = plan_tree(cast.workshop)
    cast.participant.agency = "Families Together"
    cast.participant.save()
    outsider = cast.outsider
    sign_in(client, cast.facilitator.user)
    form = client.get(f"{url('item_add', cast.workshop, 'step')}?parent={tree.objective.pk}")
    field = form.context["form"].fields["lead_member"]
    labels = [label for _value, label in field.choices]
    name = cast.participant.user.get_full_name()
    assert f"{name} — Families Together" in labels
    assert outsider.user.get_full_name() not in " ".join(labels)
    assert len(labels) == 4  # nobody chosen, facilitator, committee member, participant
    add = f"{url('item_add', cast.workshop, 'step')}?parent={tree.objective.pk}"
    refused = client.post(add, step_data(tree, lead_member=outsider.pk))
    assert "lead_member" in refused.context["form"].errors
    assert client.post(add, step_data(tree, lead_member=cast.participant.pk)).status_code == 302
    step = ActionStep.objects.get(title="Train two clinicians")
    assert (step.lead_member, step.lead) == (cast.participant, name)
    named = step_data(tree, title="Hire", lead="Clinic director", lead_member=cast.participant.pk)
    client.post(add, named)
    assert ActionStep.objects.get(title="Hire").lead == "Clinic director"  # kept as typed


def test_the_lead_in_the_workshop_shows_in_the_history_and_conflicts(client, cast):
    tree = plan_tree(cast.workshop)
    sign_in(client, cast.facilitator.user)
    edit = url("item_edit", cast.workshop, "step", tree.step.pk)
    base = step_data(tree, title="Step 1", lead="Pat Lee", version=1)
    assert client.post(edit, {**base, "lead_member": cast.participant.pk}).status_code == 302
    history = client.get(url("item_history", cast.workshop, "step", tree.step.pk)).text
    assert "Lead in the workshop" in history
    assert cast.participant.user.get_full_name() in history
    clash = client.post(edit, {**base, "lead_member": cast.committee.pk})  # read at version 1
    assert "Someone else saved this action step" in clash.text
    assert cast.committee.user.get_full_name() in clash.text


def test_posting_progress_makes_an_open_edit_form_conflict(client, cast):
    tree = plan_tree(cast.workshop)
    progress.post_update(tree.step, None, Status.DONE, timezone.localdate())
    sign_in(client, cast.facilitator.user)
    edit = url("item_edit", cast.workshop, "step", tree.step.pk)
    stale = client.post(edit, step_data(tree, title="Step 1", lead="Pat Lee", version=1))
    assert "Someone else saved this action step" in stale.text
    assert ActionStep.objects.get(pk=tree.step.pk).status == Status.DONE


# --- links to an earlier version -------------------------------------------------------------


def test_a_link_to_an_earlier_versions_step_or_measure_leads_to_what_it_became(client, cast):
    from actionplans import revisions
    from tests.actionplans.test_revisions import approved

    v1 = approved(cast.workshop, cast.reviewer)
    old_step = ActionStep.objects.get(objective__goal__plan=v1)
    old_measure = Measure.objects.get(objective__goal__plan=v1)
    v2 = revisions.start_revision(cast.workshop, cast.committee.user, "Reconvened")
    new_step = ActionStep.objects.get(objective__goal__plan=v2)
    new_measure = Measure.objects.get(objective__goal__plan=v2)
    sign_in(client, cast.committee.user)
    moved = client.get(url("step_progress", cast.workshop, old_step.pk))
    assert moved.status_code == 302
    assert moved.url == url("step_progress", cast.workshop, new_step.pk)
    page = client.get(moved.url)
    assert "That page was of an earlier version of the plan: here it is in version 2." in (
        page.text
    )
    moved = client.get(url("measure", cast.workshop, old_measure.pk))
    assert moved.url == url("measure", cast.workshop, new_measure.pk)
    # A post to the old one is no post to the new one; other workshops' ids stay unknown.
    answer = client.post(url("step_progress", cast.workshop, old_step.pk), {"status": "done"})
    assert answer.status_code == 404
    other = plan_tree(WorkshopFactory(county=county("Erie"), title="Other")).step
    assert client.get(url("step_progress", cast.workshop, other.pk)).status_code == 404
