"""Moving a workshop along its lifecycle, the checks that guard each stage, and the tracker."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in
from tests.factories import MeetingFactory, ParticipantFactory, SessionFactory, WorkshopFactory
from workshops import stages
from workshops.models import Meeting, StageChange, Workshop
from workshops.stages import CHECKS, StageState, register_check, stage_status

Stage = Workshop.Stage


def move(client, cast, to: str, note: str = ""):
    url = reverse("workshops:stage", args=[cast.workshop.code])
    return client.post(url, {"to": to, "note": note}, follow=True)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def ready_to_assess(cast) -> None:
    cast.workshop.format = Workshop.Format.VIRTUAL
    cast.workshop.save()


def at_stage(cast, stage: Stage) -> None:
    cast.workshop.stage = stage
    cast.workshop.save()


def test_it_has_a_check_list_for_every_stage():
    assert set(CHECKS) == set(Stage)
    assert CHECKS[Stage.PREPARE] == []
    assert [check.__name__ for check in CHECKS[Stage.PLAN]] == ["has_priorities"]  # issue 6
    assert [check.__name__ for check in CHECKS[Stage.REVIEW]] == ["plan_submitted"]  # issue 8
    assert [check.__name__ for check in CHECKS[Stage.IMPLEMENT]] == ["plan_approved"]
    assert CHECKS[Stage.REVISE] == []  # reconvening needs nothing the app can check


def test_it_refuses_assess_without_format_and_says_why(client, cast):
    sign_in(client, cast.facilitator.user)
    response = move(client, cast, Stage.ASSESS)
    cast.workshop.refresh_from_db()
    assert cast.workshop.stage == Stage.PREPARE
    assert not StageChange.objects.exists()
    [message] = messages_of(response)
    assert "Choose the workshop format" in message


def test_it_needs_sessions_and_participants_for_assess(client, cast):
    ready_to_assess(cast)
    cast.session.delete()
    cast.participant.delete()
    sign_in(client, cast.facilitator.user)
    [message] = messages_of(move(client, cast, Stage.ASSESS))
    assert "Generate the sessions" in message
    assert "at least one participant" in message
    cast.workshop.refresh_from_db()
    assert cast.workshop.stage == Stage.PREPARE


def test_it_moves_forward_and_records_who_and_when(client, cast):
    ready_to_assess(cast)
    sign_in(client, cast.facilitator.user)
    before = timezone.now()
    response = move(client, cast, Stage.ASSESS, note="Committee agreed")
    assert response.redirect_chain[-1][0] == cast.workshop.get_absolute_url()
    cast.workshop.refresh_from_db()
    assert cast.workshop.stage == Stage.ASSESS
    change = StageChange.objects.get()
    assert (change.from_stage, change.to_stage) == (Stage.PREPARE, Stage.ASSESS)
    assert change.changed_by == cast.facilitator.user
    assert change.note == "Committee agreed"
    assert change.changed_at >= before
    assert messages_of(response) == ["The workshop is now at the Assess stage."]
    assert cast.workshop.history.first().stage == Stage.ASSESS


def test_it_moves_one_stage_at_a_time(client, cast):
    ready_to_assess(cast)
    sign_in(client, cast.reviewer)
    [message] = messages_of(move(client, cast, Stage.PRIORITIZE))
    assert "one stage at a time" in message
    cast.workshop.refresh_from_db()
    assert cast.workshop.stage == Stage.PREPARE


def test_it_moves_back_any_number_of_stages_without_checks(client, cast, monkeypatch):
    monkeypatch.setitem(CHECKS, Stage.PREPARE, [lambda workshop: "never"])
    at_stage(cast, Stage.PLAN)
    sign_in(client, cast.facilitator.user)
    move(client, cast, Stage.PREPARE, note="Start over")
    cast.workshop.refresh_from_db()
    assert cast.workshop.stage == Stage.PREPARE
    change = StageChange.objects.get()
    assert (change.from_stage, change.to_stage, change.note) == ("plan", "prepare", "Start over")


def test_it_refuses_the_current_stage(client, cast):
    sign_in(client, cast.facilitator.user)
    [message] = messages_of(move(client, cast, Stage.PREPARE))
    assert "already at the Prepare stage" in message
    assert not StageChange.objects.exists()


@pytest.mark.parametrize("data", [{}, {"to": "finished"}, {"to": "assess", "note": "x" * 501}])
def test_it_refuses_bad_input_without_change(client, cast, data):
    ready_to_assess(cast)
    sign_in(client, cast.facilitator.user)
    url = reverse("workshops:stage", args=[cast.workshop.code])
    response = client.post(url, data, follow=True)
    assert messages_of(response) == ["Choose one of the workshop's stages to move to."]
    cast.workshop.refresh_from_db()
    assert cast.workshop.stage == Stage.PREPARE
    assert not StageChange.objects.exists()


def test_it_answers_only_posts(client, cast):
    sign_in(client, cast.facilitator.user)
    assert client.get(reverse("workshops:stage", args=[cast.workshop.code])).status_code == 405


def test_it_needs_a_held_session_to_prioritize(client, cast):
    at_stage(cast, Stage.ASSESS)
    sign_in(client, cast.facilitator.user)
    [message] = messages_of(move(client, cast, Stage.PRIORITIZE))
    assert "Hold at least one workshop session" in message
    cast.session.live_started_at = timezone.now()
    cast.session.save()
    move(client, cast, Stage.PRIORITIZE)
    cast.workshop.refresh_from_db()
    assert cast.workshop.stage == Stage.PRIORITIZE


def test_it_counts_a_past_session_as_held(cast):
    at_stage(cast, Stage.ASSESS)
    SessionFactory(workshop=cast.workshop, starts_at=timezone.now() - timedelta(days=1))
    assert stages.problems_entering(cast.workshop, Stage.PRIORITIZE) == []


def test_it_runs_checks_registered_by_later_features(client, cast, monkeypatch):
    monkeypatch.setitem(CHECKS, Stage.PLAN, [])
    verdict = {"problem": "No priority areas yet."}

    @register_check(Stage.PLAN)
    def has_priorities(workshop: Workshop) -> str | None:
        assert workshop.pk == cast.workshop.pk
        return verdict["problem"]

    assert CHECKS[Stage.PLAN] == [has_priorities]
    at_stage(cast, Stage.PRIORITIZE)
    sign_in(client, cast.facilitator.user)
    [message] = messages_of(move(client, cast, Stage.PLAN))
    assert "No priority areas yet." in message
    cast.workshop.refresh_from_db()
    assert cast.workshop.stage == Stage.PRIORITIZE

    verdict["problem"] = None
    move(client, cast, Stage.PLAN)
    cast.workshop.refresh_from_db()
    assert cast.workshop.stage == Stage.PLAN
    assert StageChange.objects.get().to_stage == Stage.PLAN


def test_it_lets_only_runners_move_the_stage(client, cast):
    ready_to_assess(cast)
    sign_in(client, cast.committee.user)
    assert move(client, cast, Stage.ASSESS).status_code == 403
    cast.workshop.refresh_from_db()
    assert cast.workshop.stage == Stage.PREPARE


def test_it_marks_each_stage_done_current_next_or_later(cast):
    at_stage(cast, Stage.PRIORITIZE)
    states = [(info.stage, info.state) for info in stage_status(cast.workshop)]
    assert states == [
        (Stage.PREPARE, StageState.DONE),
        (Stage.ASSESS, StageState.DONE),
        (Stage.PRIORITIZE, StageState.CURRENT),
        (Stage.PLAN, StageState.NEXT),
        (Stage.REVIEW, StageState.LATER),
        (Stage.IMPLEMENT, StageState.LATER),
        (Stage.REVISE, StageState.LATER),
    ]


def test_it_lists_what_is_done_and_to_do_while_preparing(cast):
    MeetingFactory(
        workshop=cast.workshop,
        scheduled_at=timezone.now() - timedelta(days=7),
        topics_reviewed=[Meeting.Topic.GOALS, Meeting.Topic.TIMEFRAME],
    )
    cast.participant.invited_at = timezone.now()
    cast.participant.save()
    ParticipantFactory(workshop=cast.workshop)
    prepare = stage_status(cast.workshop)[0]
    assert prepare.state == StageState.CURRENT
    assert prepare.done_items == [
        "1 planning-committee meeting held",
        "2 of 5 meeting topics reviewed",
        "1 session scheduled",
        "1 of 30 participants invited",
    ]
    assert prepare.todo_items == [
        "Review with the committee: The planning process, The list of participants, Facilitators",
        "Invite the 1 participant not yet invited",
        "Choose the workshop format (virtual, hybrid or in person).",
    ]


def test_it_shows_what_blocks_the_next_stage(cast, monkeypatch):
    monkeypatch.setitem(CHECKS, Stage.REVIEW, [lambda workshop: "The plan has no goals."])
    at_stage(cast, Stage.PLAN)
    plan = stage_status(cast.workshop)[3]
    assert plan.todo_items == ["The plan has no goals."]
    assert stage_status(cast.workshop)[4].todo_items == []


def test_it_has_nothing_left_after_the_last_stage(db):
    workshop = WorkshopFactory(stage=Stage.REVISE)
    assert stage_status(workshop)[-1].state == StageState.CURRENT
    assert stage_status(workshop)[-1].todo_items == []
