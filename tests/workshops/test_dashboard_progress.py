"""The dashboard's "Plan progress" card: the latest plan's steps and measures, rolled up,
from the Plan stage on."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionplans.models import ActionPlan, ActionStep, MeasureReading
from tests.conftest import sign_in
from tests.factories import WorkshopFactory, plan_tree
from workshops.models import Workshop

Status = ActionStep.Status


@pytest.fixture(autouse=True)
def _implementing(cast):
    cast.workshop.stage = Workshop.Stage.IMPLEMENT
    cast.workshop.save()


def dashboard(client, workshop):
    return client.get(workshop.get_absolute_url())


def test_it_shows_no_card_before_the_plan_stage(client, cast):
    plan_tree(cast.workshop)
    cast.workshop.stage = Workshop.Stage.PRIORITIZE
    cast.workshop.save()
    sign_in(client, cast.facilitator.user)
    assert "Plan progress" not in dashboard(client, cast.workshop).text
    cast.workshop.stage = Workshop.Stage.PLAN
    cast.workshop.save()
    assert "Plan progress" in dashboard(client, cast.workshop).text


def test_it_shows_no_card_until_the_plan_has_steps(client, cast):
    sign_in(client, cast.participant.user, cast.workshop)
    assert "Plan progress" not in dashboard(client, cast.workshop).text
    ActionPlan.objects.create(workshop=cast.workshop)
    response = dashboard(client, cast.workshop)
    assert response.context["plan_progress"] is None
    assert "Plan progress" not in response.text


def test_it_rolls_up_the_steps_and_measures(client, cast):
    today = timezone.localdate()
    tree = plan_tree(cast.workshop)
    other = plan_tree(cast.workshop, 2)
    ActionStep.objects.create(objective=tree.objective, title="Done", status=Status.DONE)
    ActionStep.objects.create(
        objective=tree.objective, title="Late", status=Status.BLOCKED, due=today - timedelta(days=3)
    )
    ActionStep.objects.create(objective=tree.objective, title="Gone", status=Status.DROPPED)
    MeasureReading.objects.create(measure=tree.measure, on=today, value=25)  # on track
    MeasureReading.objects.create(measure=other.measure, on=today, value=5)  # at risk
    sign_in(client, cast.participant.user, cast.workshop)
    text = dashboard(client, cast.workshop).text
    assert "Plan progress" in text
    assert "1 of 4 action steps done (25%)" in text
    assert "1 step overdue" in text
    assert "1 step blocked" in text
    assert "1 step dropped, not counted" in text  # the plan lists 5: the sums add up
    assert "Measures: 1 on track, 0 behind, 1 at risk" in text
    assert reverse("actionplans:progress", args=[cast.workshop.code]) in text


def queries_of(client, workshop) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert dashboard(client, workshop).status_code == 200
    return len(captured)


def test_the_card_keeps_the_dashboards_query_count_fixed(client, cast):
    small = WorkshopFactory(stage=Workshop.Stage.IMPLEMENT)
    plan_tree(small)
    today = timezone.localdate()
    for n in range(1, 9):
        tree = plan_tree(cast.workshop, n)
        for s in range(6):
            ActionStep.objects.create(objective=tree.objective, title=f"{n}.{s}", due=today)
        for day in range(4):
            MeasureReading.objects.create(
                measure=tree.measure, on=today - timedelta(days=day), value=day
            )
    sign_in(client, cast.reviewer)
    assert queries_of(client, small) == queries_of(client, cast.workshop)
    assert "8 of 56" not in dashboard(client, cast.workshop).text
    assert "0 of 56 action steps done (0%)" in dashboard(client, cast.workshop).text
