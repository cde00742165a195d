from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in
from tests.factories import MeetingFactory, ParticipantFactory, SessionFactory, system
from workshops.models import Meeting, StageChange, Workshop

Stage = Workshop.Stage


def test_it_shows_the_stage_and_people(client, cast):
    sign_in(client, cast.committee.user)
    response = client.get(cast.workshop.get_absolute_url())
    assert response.status_code == 200
    assert b'aria-current="step"' in response.content
    assert response.context["counts"] == {"facilitator": 1, "committee": 1, "participant": 1}
    assert b"Committee member" in response.content


def test_it_hides_preparation_links_from_participants(client, cast):
    sign_in(client, cast.participant.user, cast.workshop)
    response = client.get(cast.workshop.get_absolute_url())
    assert b"/people/" not in response.content
    assert b"/roster/" not in response.content
    assert b"/meetings/" not in response.content
    assert b"Planning meetings" not in response.content
    assert b"Move to" not in response.content


def test_it_marks_done_and_current_stages_for_screen_readers(client, cast):
    cast.workshop.stage = Stage.PRIORITIZE
    cast.workshop.save()
    sign_in(client, cast.facilitator.user)
    content = client.get(cast.workshop.get_absolute_url()).content.decode()
    assert content.count('aria-current="step"') == 1
    assert content.count('<span class="visually-hidden">(done)</span>') == 2
    assert (
        'aria-current="step">\n        Prioritize <span class="visually-hidden">(current stage)'
        in content
    )
    assert "Now: Prioritize" in content


def test_it_lists_what_is_done_and_what_blocks_the_next_stage(client, cast):
    sign_in(client, cast.facilitator.user)
    response = client.get(cast.workshop.get_absolute_url())
    current = response.context["current"]
    assert current.stage == Stage.PREPARE
    assert "Choose the workshop format (virtual, hybrid or in person)." in current.todo_items
    assert b"To do before Assess" in response.content
    assert b"Choose the workshop format" in response.content


def test_it_offers_stage_moves_to_runners_only(client, cast):
    cast.workshop.stage = Stage.ASSESS
    cast.workshop.save()
    sign_in(client, cast.facilitator.user)
    content = client.get(cast.workshop.get_absolute_url()).content.decode()
    assert "Move to Prioritize" in content
    assert 'name="to" value="prioritize"' in content
    assert '<option value="prepare">Prepare</option>' in content
    assert reverse("workshops:stage", args=[cast.workshop.code]) in content
    sign_in(client, cast.committee.user)
    assert b"Move to" not in client.get(cast.workshop.get_absolute_url()).content


def test_it_offers_no_back_option_at_the_first_stage(client, cast):
    sign_in(client, cast.reviewer)
    response = client.get(cast.workshop.get_absolute_url())
    assert b"Move to Assess" in response.content
    assert b"Move back" not in response.content


def test_it_shows_the_last_five_stage_changes(client, cast):
    for index in range(7):
        StageChange.objects.create(
            workshop=cast.workshop,
            from_stage=Stage.PREPARE,
            to_stage=Stage.ASSESS,
            changed_by=cast.facilitator.user,
            note=f"change {index}",
        )
    sign_in(client, cast.committee.user)
    response = client.get(cast.workshop.get_absolute_url())
    notes = [change.note for change in response.context["history"]]
    assert notes == ["change 6", "change 5", "change 4", "change 3", "change 2"]
    assert cast.facilitator.user.get_full_name().encode() in response.content


def test_notes_the_app_wrote_read_in_the_readers_language(client, cast):
    # What the plan's review writes is stored in English, the record; people's notes stay as
    # they wrote them.
    for note in ("Plan version 2 approved.", "Plan version 2 sent for review.", "Tal cual."):
        StageChange.objects.create(
            workshop=cast.workshop, from_stage=Stage.PREPARE, to_stage=Stage.ASSESS, note=note
        )
    sign_in(client, cast.committee.user)
    page = client.get(cast.workshop.get_absolute_url()).text
    assert "“Plan version 2 approved.”" in page
    client.cookies["django_language"] = "es"
    page = client.get(cast.workshop.get_absolute_url()).text
    assert "“Versión 2 del plan aprobada.”" in page
    assert "“Versión 2 del plan enviada a revisión.”" in page
    assert "“Tal cual.”" in page
    assert "Plan version 2" not in page


def test_it_shows_the_next_session(client, cast):
    SessionFactory(workshop=cast.workshop, starts_at=timezone.now() - timedelta(days=3))
    sign_in(client, cast.participant.user, cast.workshop)
    response = client.get(cast.workshop.get_absolute_url())
    assert response.context["facts"].next_session == cast.session
    url = reverse("workshops:session", args=[cast.workshop.code, cast.session.number])
    assert url.encode() in response.content
    assert b"https://zoom.example.org/j/123456" in response.content


def test_it_summarizes_meetings_and_the_roster(client, cast):
    cast.meeting.topics_reviewed = [Meeting.Topic.GOALS]
    cast.meeting.save()
    ParticipantFactory(workshop=cast.workshop, system=system("youth"))
    sign_in(client, cast.committee.user)
    response = client.get(cast.workshop.get_absolute_url())
    facts = response.context["facts"]
    assert facts.next_meeting == cast.meeting
    assert len(facts.topics_not_reviewed) == 4
    assert facts.systems_missing == 11
    content = response.content.decode()
    assert "Topics not yet reviewed" in content
    assert "2 of at most 30 participants" in content
    assert "11 systems not yet represented" in content
    assert reverse("workshops:roster", args=[cast.workshop.code]) in content


def test_it_keeps_a_fixed_query_count(client, cast, django_assert_max_num_queries):
    ParticipantFactory.create_batch(25, workshop=cast.workshop, invited_at=timezone.now())
    for day in range(1, 20):
        MeetingFactory(
            workshop=cast.workshop,
            scheduled_at=timezone.now() + timedelta(days=day - 10),
            topics_reviewed=[Meeting.Topic.GOALS],
        )
    SessionFactory.create_batch(5, workshop=cast.workshop)
    for _ in range(12):
        StageChange.objects.create(
            workshop=cast.workshop,
            from_stage=Stage.PREPARE,
            to_stage=Stage.ASSESS,
            changed_by=cast.reviewer,
        )
    cast.workshop.format = Workshop.Format.VIRTUAL
    cast.workshop.save()
    sign_in(client, cast.facilitator.user)
    with django_assert_max_num_queries(16):
        response = client.get(cast.workshop.get_absolute_url())
    assert response.status_code == 200


def test_it_counts_the_assessment_at_the_assess_stage(client, cast):
    from django.utils import timezone

    from assessments.instruments import survey_for
    from assessments.models import Response

    cast.workshop.stage = "assess"
    cast.workshop.save()
    survey = survey_for(cast.workshop)
    Response.objects.create(
        survey=survey,
        membership=cast.participant,
        instrument=survey.instrument,
        submitted_at=timezone.now(),
    )
    sign_in(client, cast.facilitator.user)
    response = client.get(cast.workshop.get_absolute_url())
    assert b"1 of 1 participants submitted the survey" in response.content
    assert b"1 data-table row still to complete" in response.content


def test_it_shows_a_participant_what_to_do_before_the_workshop(client, cast):
    sign_in(client, cast.participant.user, cast.workshop)
    response = client.get(cast.workshop.get_absolute_url())
    assert b"Self-assessment survey: not started." in response.content
    assert b"Start the survey" in response.content
    assert b"Fill in the data table" in response.content


def test_it_shows_no_participant_tasks_to_staff(client, cast):
    sign_in(client, cast.facilitator.user)
    response = client.get(cast.workshop.get_absolute_url())
    assert b"Before the workshop" not in response.content
