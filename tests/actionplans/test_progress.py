"""Implementation services: who may report, progress updates, readings, how a measure stands
(the status rule, case by case), the plan's rollup and the reminders' selection."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from actionplans import progress
from actionplans.models import (
    ActionPlan,
    ActionStep,
    Benchmark,
    Measure,
    MeasureReading,
    Objective,
    StepUpdate,
)
from actionplans.progress import Standing
from tests.factories import ParticipantFactory, WorkshopFactory, county, plan_tree
from workshops.access import Role, WorkshopAccess

Status = ActionStep.Status
TODAY = date(2026, 6, 1)
START = date(2026, 1, 1)


def access(cast, role: str) -> WorkshopAccess:
    member = getattr(cast, role)
    return WorkshopAccess(cast.workshop, Role(member.role), member)


# --- who may report --------------------------------------------------------------------------


def test_editors_and_the_steps_lead_may_report(cast):
    tree = plan_tree(cast.workshop)
    step = tree.step
    assert progress.can_report(access(cast, "facilitator"), step)
    assert progress.can_report(access(cast, "committee"), step)
    reviewer = WorkshopAccess(cast.workshop, Role.REVIEWER, None)
    assert progress.can_report(reviewer, step)
    assert not progress.can_report(access(cast, "participant"), step)
    step.lead_member = cast.participant
    assert progress.can_report(access(cast, "participant"), step)
    other = ParticipantFactory(workshop=cast.workshop)
    assert not progress.can_report(WorkshopAccess(cast.workshop, Role.PARTICIPANT, other), step)


def test_leads_of_a_step_under_the_objective_may_add_readings(cast):
    tree = plan_tree(cast.workshop)
    participant = access(cast, "participant")
    assert progress.can_record(access(cast, "committee"), tree.measure)
    assert not progress.can_record(participant, tree.measure)
    elsewhere = plan_tree(cast.workshop, 2).step
    elsewhere.lead_member = cast.participant
    elsewhere.save()
    assert not progress.can_record(participant, tree.measure)  # another objective's step
    tree.step.lead_member = cast.participant
    tree.step.save()
    assert progress.can_record(participant, tree.measure)


# --- progress updates ------------------------------------------------------------------------


def test_an_update_sets_the_status_bumps_the_version_and_touches_the_plan(cast):
    tree = plan_tree(cast.workshop)
    before = ActionPlan.objects.get(pk=tree.plan.pk).changed_at
    user = cast.participant.user
    update = progress.post_update(tree.step, user, Status.IN_PROGRESS, TODAY, "Started", TODAY)
    step = ActionStep.objects.get(pk=tree.step.pk)
    assert (step.status, step.version) == (Status.IN_PROGRESS, 2)
    assert (tree.step.status, tree.step.version) == (Status.IN_PROGRESS, 2)
    assert (update.step, update.status, update.on, update.note, update.author) == (
        step, Status.IN_PROGRESS, TODAY, "Started", user
    )  # fmt: skip
    assert ActionPlan.objects.get(pk=tree.plan.pk).changed_at > before
    assert step.history.first().history_user == user
    assert step.history.first().status == Status.IN_PROGRESS


def test_the_same_status_again_leaves_the_version_alone(cast):
    tree = plan_tree(cast.workshop)
    progress.post_update(tree.step, None, Status.NOT_STARTED, TODAY, "Waiting", TODAY)
    assert ActionStep.objects.get(pk=tree.step.pk).version == 1
    assert StepUpdate.objects.count() == 1


def test_a_back_dated_update_goes_into_the_history_only(cast):
    tree = plan_tree(cast.workshop)
    progress.post_update(tree.step, None, Status.DONE, TODAY, "", TODAY)
    progress.post_update(tree.step, None, Status.IN_PROGRESS, TODAY - timedelta(days=9), "", TODAY)
    assert ActionStep.objects.get(pk=tree.step.pk).status == Status.DONE
    assert [u.status for u in tree.step.updates.all()] == [Status.DONE, Status.IN_PROGRESS]
    progress.post_update(tree.step, None, Status.BLOCKED, TODAY, "Funding fell through", TODAY)
    assert ActionStep.objects.get(pk=tree.step.pk).status == Status.BLOCKED  # same day: latest


@pytest.mark.parametrize(
    ("status", "on", "note", "field", "message"),
    [
        ("", TODAY, "", "status", "Choose the step's status."),
        ("finished", TODAY, "", "status", "Choose the step's status."),
        (Status.DONE, None, "", "on", "Give the date of the update."),
        (Status.DONE, TODAY + timedelta(days=1), "", "on", "The date is in the future"),
        (Status.BLOCKED, TODAY, "  ", "note", "Say what is in the way"),
        (Status.DROPPED, TODAY, "", "note", "Say why the step was dropped."),
    ],
)
def test_it_refuses_a_bad_update(cast, status, on, note, field, message):
    tree = plan_tree(cast.workshop)
    with pytest.raises(ValidationError) as refused:
        progress.post_update(tree.step, None, status, on, note, TODAY)
    assert message in refused.value.message_dict[field][0]
    assert not StepUpdate.objects.exists()
    assert ActionStep.objects.get(pk=tree.step.pk).version == 1


# --- readings --------------------------------------------------------------------------------


def qualitative(objective: Objective) -> Measure:
    return Measure.objects.create(
        objective=objective, kind=Measure.Kind.QUALITATIVE, title="Families feel heard"
    )


def test_it_records_numbers_and_observations(cast):
    tree = plan_tree(cast.workshop)
    reading = progress.add_reading(tree.measure, None, TODAY, Decimal("12.5"), " ", TODAY)
    assert (reading.value, reading.note) == (Decimal("12.5"), "")
    words = qualitative(tree.objective)
    observed = progress.add_reading(words, None, TODAY, None, "Focus group: 8 of 10 yes", TODAY)
    assert observed.note == "Focus group: 8 of 10 yes"
    assert MeasureReading.objects.count() == 2


@pytest.mark.parametrize(
    ("kind", "on", "value", "note", "field", "message"),
    [
        ("number", None, Decimal(3), "", "on", "Give the date of the reading."),
        ("number", TODAY + timedelta(days=2), Decimal(3), "", "on", "The date is in the future"),
        ("number", date(2006, 11, 30), Decimal(3), "", "on", "more than 10 years ago"),
        ("number", date(1900, 1, 1), Decimal(3), "", "on", "check the year"),
        ("number", TODAY, None, "about twelve", "value", "Give the value as a number (families)"),
        ("words", TODAY, Decimal(3), "Good", "value", "This measure is qualitative"),
        ("words", TODAY, None, "", "note", "Describe what you observed."),
    ],
)
def test_it_refuses_a_bad_reading(cast, kind, on, value, note, field, message):
    tree = plan_tree(cast.workshop)
    measure = tree.measure if kind == "number" else qualitative(tree.objective)
    with pytest.raises(ValidationError) as refused:
        progress.add_reading(measure, None, on, value, note, TODAY)
    assert message in refused.value.message_dict[field][0]
    assert not MeasureReading.objects.exists()


# --- how a measure stands --------------------------------------------------------------------


def measure(
    baseline="10", target="20", target_date=date(2026, 12, 31), kind=Measure.Kind.QUANTITATIVE
) -> Measure:
    """An unsaved measure with its objective (the status is a pure function of them)."""
    objective = Objective(title="Objective", target_date=target_date)
    return Measure(
        objective=objective,
        kind=kind,
        title="Families served",
        baseline=None if baseline is None else Decimal(baseline),
        target=None if target is None else Decimal(target),
        unit="families",
    )


def reading(on: date, value=None, note="") -> MeasureReading:
    return MeasureReading(on=on, value=None if value is None else Decimal(value), note=note)


def benchmark(due: date, value=None) -> Benchmark:
    return Benchmark(due=due, value=None if value is None else Decimal(value))


def standing(item: Measure, readings=(), benchmarks=(), today=TODAY) -> progress.MeasureStatus:
    return progress.measure_status(item, readings, benchmarks, today, START)


def test_the_expected_line_runs_from_baseline_through_benchmarks_to_target():
    item = measure()
    points = progress.trajectory(item, [benchmark(date(2026, 7, 1), "18")], START)
    assert points == [
        (START, Decimal(10)),
        (date(2026, 7, 1), Decimal(18)),
        (date(2026, 12, 31), Decimal(20)),
    ]
    assert progress.expected_at(points, date(2025, 6, 1)) == 10  # before the start
    assert progress.expected_at(points, date(2026, 4, 1)) == Decimal(10) + Decimal(8) * 90 / 181
    assert progress.expected_at(points, date(2027, 3, 1)) == 20  # after the target date


def test_a_reading_that_reached_the_line_is_on_track():
    # Expected on 1 Jun: 10 + 10 * 151/364, about 14.15.
    status = standing(measure(), [reading(date(2026, 6, 1), "15")])
    assert status.standing == Standing.ON_TRACK
    assert status.expected.quantize(Decimal("0.01")) == Decimal("14.15")
    assert (
        status.reason
        == "15 families on 1 Jun 2026: as good as or better than the 14 families expected by then."
    )
    assert str(status.label) == "On track"


def test_a_reading_a_little_short_is_behind_and_far_short_at_risk():
    # The whole way is 10 families: behind within 1 family of the line (14.15), at risk beyond.
    assert standing(measure(), [reading(TODAY, "13.2")]).standing == Standing.BEHIND
    assert standing(measure(), [reading(TODAY, "13.1")]).standing == Standing.AT_RISK
    assert (
        "well short of the 14 families expected"
        in standing(measure(), [reading(TODAY, "11")]).reason
    )
    # Shown as precisely as the most precise of the plan's numbers and the reading.
    assert "a little short of the 14.1 families" in (
        standing(measure(), [reading(TODAY, "13.2")]).reason
    )


def test_the_latest_reading_counts_whatever_the_order():
    readings = [reading(TODAY, "20"), reading(date(2026, 3, 1), "10")]
    assert standing(measure(), readings).standing == Standing.ON_TRACK


def test_a_target_below_the_baseline_is_progress_downwards():
    days = measure(baseline="62", target="21")  # days of wait
    # Expected on 1 Jun: 62 - 41 * 151/364, about 44.99.
    assert standing(days, [reading(TODAY, "44")]).standing == Standing.ON_TRACK
    assert standing(days, [reading(TODAY, "48")]).standing == Standing.BEHIND
    assert standing(days, [reading(TODAY, "55")]).standing == Standing.AT_RISK


def test_a_target_equal_to_the_baseline_means_holding_the_level():
    level = measure(baseline="50", target="50")
    assert standing(level, [reading(TODAY, "50")]).standing == Standing.ON_TRACK
    assert standing(level, [reading(TODAY, "53")]).standing == Standing.BEHIND  # within 5
    assert standing(level, [reading(TODAY, "40")]).standing == Standing.AT_RISK


def test_a_benchmark_passed_without_a_reading_is_at_risk():
    marks = [benchmark(date(2026, 5, 1), "15")]
    status = standing(measure(), [reading(date(2026, 3, 1), "30")], marks)
    assert status.standing == Standing.AT_RISK
    assert status.reason == "No reading since the benchmark of 1 May 2026."
    assert standing(measure(), [], marks).standing == Standing.AT_RISK
    # A reading in the month before the benchmark counts for it.
    assert standing(measure(), [reading(date(2026, 4, 5), "30")], marks).standing == (
        Standing.ON_TRACK
    )


def test_the_target_date_passed_without_a_reading_is_at_risk():
    late = measure(target_date=date(2026, 5, 1))
    assert standing(late, [reading(date(2026, 2, 1), "30")]).standing == Standing.AT_RISK


def test_no_readings_yet_names_the_next_benchmark():
    status = standing(measure(), [], [benchmark(date(2026, 9, 1), "16")])
    assert status.standing == Standing.NO_READINGS
    assert status.reason == "No readings yet. The next benchmark is on 1 Sep 2026."
    assert standing(measure()).reason == "No readings yet. The target date is 31 Dec 2026."


def test_without_a_line_there_is_nothing_to_compare():
    for item in (measure(baseline=None, target=None), measure(target_date=None, target=None)):
        assert standing(item, [reading(TODAY, "3")]).standing == Standing.NOT_RATED
    # A baseline and a benchmark with a value are enough for a line.
    dated = measure(target_date=None)
    marks = [benchmark(date(2026, 9, 1), "14")]
    assert standing(dated, [reading(TODAY, "13")], marks).standing == Standing.ON_TRACK


def test_qualitative_measures_are_judged_on_being_observed():
    words = measure(None, None, kind=Measure.Kind.QUALITATIVE)
    assert standing(words).standing == Standing.NO_READINGS
    recent = [reading(TODAY - timedelta(days=90), note="Parents feel heard")]
    assert standing(words, recent).standing == Standing.ON_TRACK
    old = [reading(TODAY - timedelta(days=91), note="Parents feel heard")]
    status = standing(words, old)
    assert status.standing == Standing.BEHIND
    assert "more than three months ago" in status.reason
    marks = [benchmark(TODAY - timedelta(days=40))]
    assert standing(words, recent, marks).standing == Standing.AT_RISK


def test_the_plan_starts_with_its_earliest_step_or_the_day_it_was_made(cast):
    tree = plan_tree(cast.workshop)
    made = timezone.localdate(tree.plan.created_at)
    assert progress.start_of(tree.plan) == made  # plan_tree's step starts today
    ActionStep.objects.filter(pk=tree.step.pk).update(start=made - timedelta(days=70))
    assert progress.start_of(tree.plan) == made - timedelta(days=70)
    ActionStep.objects.filter(pk=tree.step.pk).update(start=None)
    assert progress.start_of(tree.plan) == made


# --- the rollup ------------------------------------------------------------------------------


def add_steps(objective: Objective, statuses: list[str], due: date | None) -> None:
    ActionStep.objects.bulk_create(
        ActionStep(objective=objective, title=f"{status} {i}", status=status, due=due)
        for i, status in enumerate(statuses)
    )


def test_the_rollup_counts_steps_per_priority_area(cast, django_assert_num_queries):
    today = timezone.localdate()
    first, second = plan_tree(cast.workshop), plan_tree(cast.workshop, 2)
    plan_tree(cast.workshop, 3)  # a third area with its one step
    yesterday = today - timedelta(days=1)
    add_steps(first.objective, [Status.DONE, Status.DONE, Status.DROPPED], yesterday)
    add_steps(first.objective, [Status.IN_PROGRESS, Status.BLOCKED], yesterday)  # overdue
    add_steps(second.objective, [Status.DONE], None)
    with django_assert_num_queries(2):
        rollup = progress.rollup(first.plan, today)
    areas = {area.priority.title: area.tally for area in rollup.areas}
    assert list(areas) == ["Gap 1", "Gap 2", "Gap 3"]
    one = areas["Gap 1"]
    assert (one.not_started, one.in_progress, one.done, one.blocked, one.dropped) == (1, 1, 2, 1, 1)
    assert (one.total, one.counted, one.overdue, one.percent_done) == (6, 5, 2, 40)
    assert (areas["Gap 2"].done, areas["Gap 2"].percent_done) == (1, 50)
    total = rollup.total
    assert (total.total, total.done, total.overdue, total.percent_done) == (9, 3, 2, 38)
    assert rollup.start == today


def test_the_rollup_of_a_plan_without_steps(cast):
    plan = ActionPlan.objects.create(workshop=cast.workshop)
    rollup = progress.rollup(plan)
    assert rollup.areas == []
    assert (rollup.total.total, rollup.total.percent_done) == (0, 0)


def test_the_measures_rows_keep_a_fixed_query_count(cast, django_assert_num_queries):
    tree = plan_tree(cast.workshop)
    for n in range(2, 6):
        item = plan_tree(cast.workshop, n).measure
        MeasureReading.objects.create(measure=item, on=TODAY, value=n)
        MeasureReading.objects.create(measure=item, on=TODAY - timedelta(days=3), value=1)
    with django_assert_num_queries(3):
        rows = progress.measure_rows(tree.plan, START, TODAY)
    assert len(rows) == 5
    assert rows[0].latest is None and rows[0].status.standing == Standing.NO_READINGS
    assert [row.latest.value for row in rows[1:]] == [2, 3, 4, 5]


def test_the_overview_waits_for_steps(cast, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert progress.overview(cast.workshop) is None
    ActionPlan.objects.create(workshop=cast.workshop)
    assert progress.overview(cast.workshop) is None
    tree = plan_tree(cast.workshop)
    MeasureReading.objects.create(measure=tree.measure, on=timezone.localdate(), value=30)
    with django_assert_num_queries(5):
        summary = progress.overview(cast.workshop)
    assert summary.steps.total == 1
    assert (summary.on_track, summary.behind, summary.at_risk, summary.unrated) == (1, 0, 0, 0)


def test_the_latest_update_comes_in_one_query(cast, django_assert_num_queries):
    tree = plan_tree(cast.workshop)
    other = plan_tree(cast.workshop, 2).step
    for day in (3, 1, 2):
        progress.post_update(
            tree.step, None, Status.IN_PROGRESS, TODAY - timedelta(days=day), today=TODAY
        )
    with django_assert_num_queries(2):
        steps = list(
            ActionStep.objects.filter(pk__in=[tree.step.pk, other.pk])
            .order_by("pk")
            .prefetch_related(progress.latest_update_prefetch())
        )
    assert [u.on for u in steps[0].latest_updates] == [TODAY - timedelta(days=1)]
    assert steps[1].latest_updates == []


# --- reminders -------------------------------------------------------------------------------


def test_reminders_go_to_leads_of_overdue_steps_of_the_latest_plan(cast):
    now = timezone.now()
    today = timezone.localdate(now)
    tree = plan_tree(cast.workshop)
    late = {"start": None, "due": today - timedelta(days=1), "lead_member": cast.participant}
    ActionStep.objects.filter(pk=tree.step.pk).update(**late)
    add = ActionStep.objects.create
    done = add(objective=tree.objective, title="Done", status=Status.DONE, **late)
    due_today = add(objective=tree.objective, title="Today", **{**late, "due": today})
    reminded = add(objective=tree.objective, title="Reminded", reminded_at=now, **late)
    old = add(objective=tree.objective, title="Old", reminded_at=now - timedelta(days=8), **late)
    nobody = add(objective=tree.objective, title="Nobody", due=late["due"])
    due = progress.reminders_due(now, every_days=7)
    assert list(due) == [cast.participant]
    titles = {step.title for step in due[cast.participant]}
    assert titles == {"Step 1", "Old"}
    assert not {done.title, due_today.title, reminded.title, nobody.title} & titles
    progress.mark_reminded(due[cast.participant], now)
    assert progress.reminders_due(now, every_days=7) == {}
    # A newer plan version: the old one's steps are history.
    ActionStep.objects.filter(pk=old.pk).update(reminded_at=None)
    ActionPlan.objects.create(workshop=cast.workshop, number=2)
    assert progress.reminders_due(now, every_days=7) == {}


def test_reminders_skip_leads_without_an_email_address(cast):
    tree = plan_tree(cast.workshop)
    yesterday = timezone.localdate() - timedelta(days=1)
    ActionStep.objects.filter(pk=tree.step.pk).update(
        start=None, due=yesterday, lead_member=cast.participant
    )
    cast.participant.user.email = ""
    cast.participant.user.save()
    assert progress.reminders_due(timezone.now(), every_days=7) == {}


def test_another_workshops_steps_are_its_own(cast):
    other = WorkshopFactory(county=county("Erie"))
    tree = plan_tree(other)
    assert progress.rollup(plan_tree(cast.workshop).plan).total.total == 1
    assert progress.rollup(tree.plan).total.total == 1


def test_an_expected_value_is_as_precise_as_the_plans_own_numbers():
    """The database keeps two places (8.00): the plan wrote 2, 8 and 3, so 3.4286 schools
    expected reads 3, not 3.43; a plan that wrote 12.5 gets one place."""
    stored = [Decimal("2.00"), Decimal("8.00"), Decimal("3.00")]
    assert progress.like(Decimal("3.4286"), stored) == Decimal("3")
    assert progress.like(Decimal("3.4286"), [Decimal("12.50"), Decimal("100")]) == Decimal("3.4")
    assert progress.number(Decimal("54.14")) == "54.14"


def test_numbers_are_written_in_the_readers_language():
    from django.utils import translation

    with translation.override("es"):
        assert progress.number(Decimal("12.50")) == "12,5"
        assert progress.number(Decimal("47.00")) == "47"
