"""The participant's survey: sections with autosave, resume, review, submit and refusals."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.instruments import survey_for
from assessments.models import DONT_KNOW, Answer, Instrument, Question, Response
from assessments.survey import MAX_TEXT
from tests.conftest import sign_in
from tests.factories import ParticipantFactory
from workshops.models import System

HTMX = {"HTTP_HX_REQUEST": "true"}


def question(key: str) -> Question:
    return Question.objects.get(section__instrument=Instrument.latest(), key=key)


def url(cast, name: str, **kwargs) -> str:
    return reverse(f"assessments:{name}", kwargs={"code": cast.workshop.code, **kwargs})


def answer(client, cast, name: str, value: str, **extra):
    return client.post(url(cast, "survey_answer"), {name: value}, **HTMX, **extra)


def response_of(membership) -> Response:
    return Response.objects.get(membership=membership)


def stored(membership, key: str, **lookup) -> Answer | None:
    return Answer.objects.filter(
        response__membership=membership, question__key=key, **lookup
    ).first()


@pytest.fixture
def participant(client, cast):
    return sign_in(client, cast.participant.user, cast.workshop)


def answer_all_required(membership) -> Response:
    survey = survey_for(membership.workshop)
    response, _ = Response.objects.get_or_create(
        membership=membership, instrument=survey.instrument, defaults={"survey": survey}
    )
    for q in Question.objects.filter(section__instrument=survey.instrument, required=True):
        if q.kind == Question.Kind.SCALE:
            Answer.objects.create(response=response, question=q, value_int=3)
        else:
            Answer.objects.create(response=response, question=q, value_text=q.options[0]["value"])
    return response


# --- pages ----------------------------------------------------------------------------------


def test_it_opens_the_survey_on_the_intro_page(participant, cast):
    page = participant.get(url(cast, "survey"))
    assert page.status_code == 200
    assert "Local Infrastructure Self-Assessment Survey" in page.text
    assert "Start the survey" in page.text
    assert "Part C: the systems" in page.text
    assert url(cast, "data_row") in page.text
    assert response_of(cast.participant).survey == survey_for(cast.workshop)


@pytest.mark.parametrize("role", ["reviewer", "facilitator", "committee"])
def test_it_explains_the_survey_to_staff_without_answering(client, cast, role):
    sign_in(client, cast.user(role), cast.workshop)
    for name, kwargs in [("survey", {}), ("survey_section", {"number": 1}), ("survey_review", {})]:
        page = client.get(url(cast, name, **kwargs))
        assert page.status_code == 200
        assert "Only the workshop's participants answer the survey" in page.text
    assert url(cast, "completion") in page.text
    submit = client.post(url(cast, "survey_submit"))
    assert submit.status_code == 200
    refused = answer(client, cast, f"q{question('planning').pk}", "3")
    assert refused.status_code == 400
    assert "Only participants answer the survey" in refused.text
    assert not Response.objects.exists()


def test_it_shows_a_section_with_progress_and_its_questions(participant, cast):
    page = participant.get(url(cast, "survey_section", number=2))
    assert page.status_code == 200
    assert "Section 2 of 5" in page.text
    assert '<progress class="w-100" max="5" value="2"' in page.text
    assert "Part A: SOC values and principles" in page.text
    principle = question("youth-guided")
    assert f'name="q{principle.pk}" id="q{principle.pk}-dk" value="dk"' in page.text
    assert "Don&#x27;t know" in page.text
    assert page.text.count('hx-post="' + url(cast, "survey_answer")) == 8 * 6


def test_it_shows_the_systems_matrix_with_a_comment_box_per_system(participant, cast):
    page = participant.get(url(cast, "survey_section", number=4))
    matrix = question("systems")
    crisis = System.objects.get(slug="crisis")
    assert f'name="q{matrix.pk}-{crisis.pk}-availability"' in page.text
    assert f'id="q{matrix.pk}-{crisis.pk}-comment"' in page.text
    assert page.text.count('-none">Not rated</label>') == System.objects.count() * 3


@pytest.mark.parametrize("number", [0, 6, 99])
def test_it_answers_404_for_a_section_out_of_range(participant, cast, number):
    assert participant.get(url(cast, "survey_section", number=number)).status_code == 404


def test_it_resumes_where_the_participant_left_off(participant, cast):
    participant.get(url(cast, "survey_section", number=3))
    assert response_of(cast.participant).last_section == 3
    page = participant.get(url(cast, "survey"))
    assert "Continue at section 3" in page.text
    assert url(cast, "survey_section", number=3) in page.text


# --- autosave -------------------------------------------------------------------------------


def test_it_autosaves_each_kind_of_answer(participant, cast):
    participant.get(url(cast, "survey"))
    matrix = question("systems")
    crisis = System.objects.get(slug="crisis")
    saves = [
        (f"q{question('system').pk}", "youth"),
        (f"q{question('role').pk}", "family"),
        (f"q{question('youth-guided').pk}", "4"),
        (f"q{question('planning').pk}", "dk"),
        (f"q{matrix.pk}-{crisis.pk}-availability", "2"),
        (f"q{matrix.pk}-{crisis.pk}-comment", "No mobile team after 5 pm."),
        (f"q{question('strengths').pk}", "  Schools refer quickly.  "),
    ]
    for name, value in saves:
        saved = answer(participant, cast, name, value)
        assert saved.status_code == 200, (name, saved.text)
        assert "Saved" in saved.text
        assert "<html" not in saved.text

    me = cast.participant
    assert stored(me, "system").value_text == "youth"
    assert stored(me, "role").value_text == "family"
    assert stored(me, "youth-guided").value_int == 4
    assert stored(me, "planning").value_int == DONT_KNOW
    assert stored(me, "systems", system=crisis, dimension="availability").value_int == 2
    assert stored(me, "systems", system=crisis, dimension="comment").value_text.startswith("No")
    assert stored(me, "strengths").value_text == "Schools refer quickly."


def test_it_updates_an_answer_in_place_and_clears_it_when_emptied(participant, cast):
    name = f"q{question('cqi').pk}"
    answer(participant, cast, name, "2")
    answer(participant, cast, name, "5")
    assert Answer.objects.filter(question__key="cqi").count() == 1
    assert stored(cast.participant, "cqi").value_int == 5
    assert answer(participant, cast, name, "").status_code == 200
    assert stored(cast.participant, "cqi") is None


def test_it_validates_and_saves_short_text_and_number_questions(participant, cast):
    section = question("role").section
    count = Question.objects.create(
        section=section, order=9, key="years", kind=Question.Kind.NUMBER, text="Years in role?",
        min_value=0, max_value=60,
    )  # fmt: skip
    agency = Question.objects.create(
        section=section, order=10, key="agency", kind=Question.Kind.SHORT_TEXT, text="Agency?"
    )
    assert answer(participant, cast, f"q{count.pk}", "12").status_code == 200
    assert answer(participant, cast, f"q{agency.pk}", "Clinic").status_code == 200
    assert stored(cast.participant, "years").value_int == 12
    assert stored(cast.participant, "agency").value_text == "Clinic"

    text = answer(participant, cast, f"q{count.pk}", "twelve")
    assert text.status_code == 400
    assert "Enter a whole number" in text.text
    too_big = answer(participant, cast, f"q{count.pk}", "61")
    assert too_big.status_code == 400
    assert "Enter a number from 0 to 60." in too_big.text
    assert stored(cast.participant, "years").value_int == 12

    page = participant.get(url(cast, "survey_section", number=1))
    assert f'id="q{count.pk}" value="12"' in page.text


BAD = [
    ("youth-guided", "6", "Choose a value from 1 to 5."),
    ("youth-guided", "0", "Choose a value from 1 to 5."),
    ("youth-guided", "three", "Choose a value from 1 to 5."),
    ("role", "president", "Choose one of the options."),
    ("strengths", "x" * 100_000, "Your answer is too long: keep it under 5,000 characters"),
]


@pytest.mark.parametrize(("key", "value", "error"), BAD, ids=lambda v: str(v)[:12])
def test_it_refuses_bad_answers_with_a_message(participant, cast, key, value, error):
    refused = answer(participant, cast, f"q{question(key).pk}", value)
    assert refused.status_code == 400
    assert error in refused.text
    assert not Answer.objects.exists()


def test_it_accepts_a_text_of_the_maximum_length(participant, cast):
    assert (
        answer(participant, cast, f"q{question('strengths').pk}", "y" * MAX_TEXT).status_code == 200
    )


def test_it_refuses_bad_matrix_answers(participant, cast):
    matrix = question("systems")
    crisis = System.objects.get(slug="crisis")
    cases = [
        (f"q{matrix.pk}-{crisis.pk}-availability", "6", "Choose a value from 1 to 5."),
        (f"q{matrix.pk}-{crisis.pk}-availability", "dk", "Choose a value from 1 to 5."),
        (f"q{matrix.pk}-{crisis.pk}-speed", "3", "This question has no such rating."),
        (f"q{matrix.pk}-999999-availability", "3", "That system is not in the list."),
        (f"q{matrix.pk}", "3", "Rate one system at a time."),
        (f"q{question('cqi').pk}-{crisis.pk}-availability", "3", "not rated per system"),
    ]
    for name, value, error in cases:
        refused = answer(participant, cast, name, value)
        assert refused.status_code == 400, name
        assert error in refused.text, name
    assert not Answer.objects.exists()


def test_it_refuses_requests_that_name_no_question_of_this_survey(participant, cast):
    empty = participant.post(url(cast, "survey_answer"), {}, **HTMX)
    assert empty.status_code == 400
    assert "No answer was sent" in empty.text

    other = Instrument.objects.create(name="Other", key="other")
    section = other.sections.create(title="Other")
    foreign = section.questions.create(key="x", kind=Question.Kind.SCALE, text="Other?")
    for name in (f"q{foreign.pk}", "q999999"):
        refused = answer(participant, cast, name, "3")
        assert refused.status_code == 400
        assert "not part of your survey" in refused.text

    both = {f"q{question('cqi').pk}": "3", f"q{question('policy').pk}": "3"}
    two = participant.post(url(cast, "survey_answer"), both, **HTMX)
    assert two.status_code == 400
    assert not Answer.objects.exists()


def test_it_refuses_a_plain_post_without_data_with_a_page(participant, cast):
    refused = participant.post(url(cast, "survey_answer"))
    assert refused.status_code == 400
    assert "Your answer was not saved" in refused.text
    assert "No answer was sent" in refused.text


def test_it_escapes_script_tags_on_the_section_and_review(participant, cast):
    script = '<script>alert("x")</script>'
    name = f"q{question('challenges').pk}"
    assert answer(participant, cast, name, script).status_code == 200
    assert stored(cast.participant, "challenges").value_text == script
    for page in (
        participant.get(url(cast, "survey_section", number=5)),
        participant.get(url(cast, "survey_review")),
    ):
        assert script not in page.text
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page.text


# --- two participants -----------------------------------------------------------------------


def test_it_keeps_each_participants_answers_to_themselves(client, cast):
    other = ParticipantFactory(workshop=cast.workshop)
    name = f"q{question('governance').pk}"
    sign_in(client, other.user, cast.workshop)
    answer(client, cast, name, "1")
    theirs = response_of(other)

    sign_in(client, cast.participant.user, cast.workshop)
    page = client.get(url(cast, "survey_section", number=3))
    assert f'id="{name}-1" value="1" checked' not in page.text
    # A posted response id is ignored: the answer goes to the caller's own response.
    client.post(url(cast, "survey_answer"), {name: "4", "response": theirs.pk}, **HTMX)

    assert stored(other, "governance").value_int == 1
    assert stored(cast.participant, "governance").value_int == 4
    assert Answer.objects.filter(response=theirs).count() == 1


# --- plain form submit of a section (no JavaScript) -----------------------------------------


def test_it_saves_a_whole_section_and_goes_to_the_next(participant, cast):
    data = {"section": "2"}
    principles = Question.objects.filter(
        section__instrument=Instrument.latest(), purpose="principle"
    )
    data |= {f"q{q.pk}": "3" for q in principles}
    saved = participant.post(url(cast, "survey_section", number=2), data)
    assert saved.status_code == 302
    assert saved.url == url(cast, "survey_section", number=3)
    assert Answer.objects.filter(response__membership=cast.participant).count() == 8
    assert response_of(cast.participant).last_section == 3


def test_it_shows_errors_next_to_the_questions_of_a_section(participant, cast):
    cqi, policy = question("cqi"), question("policy")
    data = {"section": "3", f"q{cqi.pk}": "9", f"q{policy.pk}": "2"}
    page = participant.post(url(cast, "survey_section", number=3), data)
    assert page.status_code == 200
    assert "Some answers were not saved" in page.text
    status = page.text.split(f'id="status-q{cqi.pk}"', 1)[1].split("</p>", 1)[0]
    assert "Choose a value from 1 to 5." in status
    assert stored(cast.participant, "policy").value_int == 2
    assert stored(cast.participant, "cqi") is None


def test_it_sends_the_last_section_to_the_review(participant, cast):
    saved = participant.post(url(cast, "survey_section", number=5), {"section": "5"})
    assert saved.status_code == 302
    assert saved.url == url(cast, "survey_review")


# --- review and submit ----------------------------------------------------------------------


def test_it_refuses_to_submit_with_required_questions_missing(participant, cast):
    answer(participant, cast, f"q{question('role').pk}", "youth")
    page = participant.post(url(cast, "survey_submit"))
    assert page.status_code == 200
    assert "Your answers are not submitted yet." in page.text
    assert "18 required questions have no answer yet." in page.text
    assert page.text.count("This question is required.") == 18
    assert (
        url(cast, "survey_section", number=2) + f"#question-{question('cqi').pk}" not in page.text
    )
    assert url(cast, "survey_section", number=3) + f"#question-{question('cqi').pk}" in page.text
    assert response_of(cast.participant).submitted_at is None


def test_it_submits_and_lets_answers_change_until_closed(participant, cast):
    answer_all_required(cast.participant)
    review = participant.get(url(cast, "survey_review"))
    assert "Submit my answers" in review.text
    done = participant.post(url(cast, "survey_submit"), follow=True)
    assert done.redirect_chain[-1][0] == url(cast, "survey")
    assert "your survey is submitted" in done.text
    assert "You submitted your answers on" in done.text
    assert response_of(cast.participant).submitted_at is not None

    name = f"q{question('financing').pk}"
    assert answer(participant, cast, name, "1").status_code == 200
    assert stored(cast.participant, "financing").value_int == 1
    cleared = answer(participant, cast, name, "")
    assert cleared.status_code == 400
    assert "This question is required" in cleared.text
    assert "Submit my changes" in participant.get(url(cast, "survey_review")).text


def test_it_refuses_changes_once_the_survey_is_closed(participant, cast):
    response = answer_all_required(cast.participant)
    survey = survey_for(cast.workshop)
    survey.closed_at = timezone.now()
    survey.save()
    name = f"q{question('financing').pk}"

    refused = answer(participant, cast, name, "1")
    assert refused.status_code == 409
    assert "The survey is closed" in refused.text
    assert stored(cast.participant, "financing").value_int == 3

    section = participant.post(url(cast, "survey_section", number=3), {"section": "3", name: "1"})
    assert section.status_code == 409
    assert stored(cast.participant, "financing").value_int == 3
    page = participant.get(url(cast, "survey_section", number=3))
    assert "disabled" in page.text
    assert "hx-post" not in page.text

    participant.post(url(cast, "survey_submit"))
    assert response_of(cast.participant).submitted_at is None
    review = participant.get(url(cast, "survey_review"))
    assert "Submit my" not in review.text
    assert response.pk == response_of(cast.participant).pk
    start = participant.get(url(cast, "survey"))
    assert "Read your answers" in start.text


# --- language -------------------------------------------------------------------------------


def test_it_shows_the_survey_in_spanish_and_notes_the_language(participant, cast):
    participant.post(reverse("set_language"), {"language": "es", "next": url(cast, "survey")})
    page = participant.get(url(cast, "survey_section", number=2))
    assert "Parte A: valores y principios del sistema de atención" in page.text
    assert "Los servicios son guiados por los jóvenes." in page.text
    assert "Totalmente de acuerdo" in page.text
    assert response_of(cast.participant).language == "es"


# --- query count ----------------------------------------------------------------------------


def full_answers(response: Response, questions: list[Question], systems) -> list[Answer]:
    answers = []
    for q in questions:
        if q.kind == Question.Kind.SYSTEM_MATRIX:
            for system in systems:
                answers += [
                    Answer(response=response, question=q, system=system, dimension=d["value"],
                           value_int=4)
                    for d in q.options
                ]  # fmt: skip
                answers.append(
                    Answer(response=response, question=q, system=system, dimension="comment",
                           value_text="ok")
                )  # fmt: skip
        elif q.kind == Question.Kind.SCALE:
            answers.append(Answer(response=response, question=q, value_int=2))
        elif q.kind == Question.Kind.CHOICE:
            answers.append(Answer(response=response, question=q, value_text=q.options[0]["value"]))
        else:
            answers.append(Answer(response=response, question=q, value_text="text"))
    return answers


def test_it_renders_a_section_in_a_fixed_number_of_queries(client, cast):
    survey = survey_for(cast.workshop)
    questions = list(Question.objects.filter(section__instrument=survey.instrument))
    systems = list(System.objects.all())
    people = [cast.participant, *ParticipantFactory.create_batch(29, workshop=cast.workshop)]
    responses = Response.objects.bulk_create(
        Response(survey=survey, membership=m, instrument=survey.instrument, last_section=1)
        for m in people
    )
    answers = []
    for response in responses:
        answers += full_answers(response, questions, systems)
    Answer.objects.bulk_create(answers)
    newcomer = ParticipantFactory(workshop=cast.workshop)

    def count(membership, number: int) -> int:
        sign_in(client, membership.user, cast.workshop)
        client.get(url(cast, "survey_section", number=number))  # first visit: last_section moves
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url(cast, "survey_section", number=number))
        assert page.status_code == 200
        return len(queries)

    for number in range(1, 6):
        full = count(cast.participant, number)
        empty = count(newcomer, number)
        assert full == empty, number
        assert full <= 13, number  # 4 for session, user and savepoints; 3 for access
