import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.instruments import survey_for
from assessments.models import DONT_KNOW, Answer, Question, Response, Survey
from assessments.results import MIN_GROUP, Stat, live_results, protect, results_for
from tests.conftest import sign_in
from tests.factories import ParticipantFactory, system
from workshops.models import Activity, AgendaItem, System
from workshops.runner import move as runner_move

PRINCIPLES = [
    "child-family",
    "youth-guided",
    "collaboration",
    "strength-based",
    "cultural",
    "community-based",
    "family-participation",
    "shared-responsibility",
]
DOMAINS = [
    "planning",
    "governance",
    "system-management",
    "service-array",
    "communication",
    "policy",
    "financing",
    "cqi",
    "workforce",
]
DIMENSIONS = ["availability", "accessibility", "coordination"]


def questions(workshop) -> dict[str, Question]:
    survey = survey_for(workshop)
    return {q.key: q for q in Question.objects.filter(section__instrument=survey.instrument)}


def respond(
    workshop,
    membership=None,
    *,
    system_slug="mental-health",
    role="leadership",
    scale=None,
    matrix=None,
    comments=None,
    submitted=True,
    by_key=None,
) -> Response:
    """A response with the given answers: ``scale`` key → value, ``matrix`` (slug, dim) → value
    (dimension "comment" takes a text), ``comments`` key → text."""
    survey = survey_for(workshop)
    by_key = by_key or questions(workshop)
    if membership is None:
        membership = ParticipantFactory(workshop=workshop, system=system(system_slug))
    response = Response.objects.create(
        survey=survey,
        membership=membership,
        instrument_id=survey.instrument_id,
        submitted_at=timezone.now() if submitted else None,
    )
    answers = [
        Answer(response=response, question=by_key["system"], value_text=system_slug),
        Answer(response=response, question=by_key["role"], value_text=role),
    ]
    for key, value in (scale or {}).items():
        answers.append(Answer(response=response, question=by_key[key], value_int=value))
    systems = {s.slug: s.pk for s in System.objects.all()}
    for (slug, dimension), value in (matrix or {}).items():
        text = value if isinstance(value, str) else ""
        answers.append(
            Answer(
                response=response,
                question=by_key["systems"],
                system_id=systems[slug],
                dimension=dimension,
                value_int=None if text else value,
                value_text=text,
            )
        )
    for key, text in (comments or {}).items():
        answers.append(Answer(response=response, question=by_key[key], value_text=text))
    Answer.objects.bulk_create(answers)
    return response


def respond_fully(workshop, n: int, by_key) -> None:
    """``n`` respondents answering every question of the instrument."""
    slugs = list(System.objects.values_list("slug", flat=True))
    for i in range(n):
        respond(
            workshop,
            system_slug=slugs[i % len(slugs)],
            role=["leadership", "frontline", "family", "youth"][i % 4],
            scale={key: (i % 5) + 1 for key in PRINCIPLES + DOMAINS},
            matrix={
                **{(slug, d): (i + j) % 5 + 1 for j, slug in enumerate(slugs) for d in DIMENSIONS},
                **{(slug, "comment"): f"Comment {i} on {slug}" for slug in slugs},
            },
            comments={"strengths": f"S{i}", "challenges": f"C{i}", "next-steps": f"N{i}"},
            by_key=by_key,
        )


def results_url(cast) -> str:
    return reverse("assessments:results", args=[cast.workshop.code])


def results(cast):
    return results_for(cast.workshop.pk, survey_for(cast.workshop))


def item(bars, key):
    return next(i for i in bars.items if i.key == key)


def test_it_computes_means_from_submitted_responses_only(cast):
    mental_health, youth = ("mental-health", "availability"), ("youth", "accessibility")
    respond(cast.workshop, scale={"child-family": 4, "planning": 1},
            matrix={mental_health: 2, youth: 5})  # fmt: skip
    respond(cast.workshop, scale={"child-family": 5, "planning": 2},
            matrix={mental_health: 3, youth: 4})  # fmt: skip
    respond(cast.workshop, scale={"child-family": 3, "planning": 2}, matrix={mental_health: 4})
    respond(cast.workshop, scale={"child-family": DONT_KNOW, "planning": 5})
    respond(cast.workshop, scale={"child-family": 1, "planning": 1}, submitted=False)
    outcome = results(cast)
    assert outcome.respondents == 4
    assert outcome.in_progress == 1
    assert item(outcome.principles, "child-family").stat == Stat(4.0, 3, dont_know=1)
    assert item(outcome.domains, "planning").stat == Stat(2.5, 4)
    assert item(outcome.principles, "youth-guided").stat == Stat(None, 0)
    names = outcome.heat_map.rows
    mental_health = outcome.heat_map.cells[names.index("Mental Health")]
    assert mental_health[0] == Stat(3.0, 3)
    assert mental_health[1] == Stat(None, 0)
    youth = outcome.heat_map.cells[names.index("Youth")]
    assert youth[1].suppressed and youth[1].mean is None
    assert outcome.heat_map.columns[2] == "Coordination with other systems"


def test_it_hides_an_item_answered_by_fewer_than_three(cast):
    respond(cast.workshop, scale={"cultural": 5})
    respond(cast.workshop, scale={"cultural": 4})
    stat = item(results(cast).principles, "cultural").stat
    assert stat.suppressed and stat.mean is None


def split_cells(split, key_label_index=0):
    return {g.value: cell for g, cell in zip(split.groups, split.principles[0].cells, strict=True)}


def test_it_suppresses_split_cells_of_fewer_than_three(cast):
    for slug in ["mental-health"] * 3 + ["education"] * 3:
        respond(cast.workshop, system_slug=slug, scale={"child-family": 4})
    cells = split_cells(results(cast).by_system)
    assert cells["mental-health"] == Stat(4.0, 3)
    assert cells["education"] == Stat(4.0, 3)

    for _ in range(2):
        respond(cast.workshop, system_slug="youth", role="youth", scale={"child-family": 1})
    outcome = results(cast)
    cells = split_cells(outcome.by_system)
    assert cells["youth"].suppressed and cells["youth"].mean is None
    # Two hidden people could be worked out from the overall mean: a second cell is hidden.
    assert sum(cell.protects for cell in cells.values()) == 1
    assert sum(cell.shown for cell in cells.values()) == 1
    roles = split_cells(outcome.by_role)
    # Only two roles: showing leadership's mean would give away the two youth's.
    assert roles["youth"].suppressed and roles["leadership"].protects
    assert not any(cell.shown for cell in roles.values())


def test_it_keeps_cells_shown_when_three_or_more_are_hidden(cast):
    slugs = ["mental-health"] * 3 + ["education"] * 3 + ["youth"] * 2 + ["caregivers"]
    for slug in slugs:
        respond(cast.workshop, system_slug=slug, scale={"child-family": 3})
    cells = split_cells(results(cast).by_system)
    assert cells["mental-health"].shown and cells["education"].shown
    assert cells["youth"].suppressed and cells["caregivers"].suppressed
    assert not any(cell.protects for cell in cells.values())


def test_it_hides_an_empty_cell_of_a_small_group(cast):
    for slug in ["mental-health"] * 3:
        respond(cast.workshop, system_slug=slug, scale={"child-family": 3})
    respond(cast.workshop, system_slug="youth", scale={"child-family": DONT_KNOW})
    cells = split_cells(results(cast).by_system)
    # "No one rated" would tell that the one youth answered "don't know".
    assert cells["youth"] == Stat(None, 0, dont_know=1, suppressed=True)
    assert cells["mental-health"] == Stat(3.0, 3)


def test_it_protects_hidden_groups_row_by_row():
    overall = Stat(3.0, 8)
    cells = protect(overall, [Stat(3.0, 3), Stat(2.0, 4), Stat(None, 1, suppressed=True)])
    assert [c.shown for c in cells] == [False, True, False]
    assert cells[0].protects
    assert protect(Stat(3.0, 6), [Stat(3.0, 3), Stat(3.0, 3)]) == [Stat(3.0, 3), Stat(3.0, 3)]
    assert MIN_GROUP == 3


def test_it_groups_comments_by_system_only_for_three_or_more(cast):
    for text in ["We share data", "Families lead", "Crisis team works"]:
        respond(cast.workshop, system_slug="mental-health", comments={"strengths": text})
    respond(cast.workshop, system_slug="youth", comments={"strengths": "Youth board"})
    respond(cast.workshop, system_slug="education", comments={"challenges": "Waitlists"})
    respond(cast.workshop, system_slug="education", matrix={("crisis", "comment"): "Slow"})
    outcome = results(cast)
    strengths, challenges, next_steps = outcome.comments
    assert [g.label for g in strengths.groups] == ["Mental Health", "Other systems"]
    assert strengths.groups[0].comments == ["Crisis team works", "Families lead", "We share data"]
    assert strengths.groups[1].comments == ["Youth board"]
    assert [g.label for g in challenges.groups] == ["Other systems"]
    assert next_steps.count == 0
    assert [(g.label, g.comments) for g in outcome.system_comments] == [("Crisis", ["Slow"])]


def test_it_shows_the_results_page(client, cast):
    for value in (3, 4, 5):
        respond(cast.workshop, scale={"collaboration": value},
                matrix={("crisis", "coordination"): value},
                comments={"next-steps": "Meet <b>monthly</b> & share"})  # fmt: skip
    sign_in(client, cast.facilitator.user)
    response = client.get(results_url(cast))
    assert response.status_code == 200
    content = response.content.decode()
    assert "3 respondents: 3 of the 4 participants submitted" in content
    assert content.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') == 3
    assert "Show the numbers" in content
    assert '4.0 <span class="small">(n=3)</span>' in content
    assert "Meet &lt;b&gt;monthly&lt;/b&gt; &amp; share" in content
    assert "By respondent&#x27;s role" in content


def test_it_explains_the_empty_results_page(client, cast):
    sign_in(client, cast.committee.user)
    response = client.get(results_url(cast))
    assert response.status_code == 200
    assert b"Results appear here as soon as participants submit the survey" in response.content


def test_it_updates_after_a_new_submission(client, cast):
    for _ in range(3):
        respond(cast.workshop, scale={"policy": 2})
    sign_in(client, cast.reviewer)
    assert b"3 respondents:" in client.get(results_url(cast)).content
    started = respond(cast.workshop, scale={"policy": 5}, submitted=False)
    assert b"3 respondents:" in client.get(results_url(cast)).content
    started.submitted_at = timezone.now()
    started.save()
    content = client.get(results_url(cast)).content.decode()
    assert "4 respondents: 4 of the 5 participants" in content
    assert '2.8 <span class="small">(n=4)</span>' in content


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_it_keeps_a_fixed_query_count(client, cast, django_assert_max_num_queries):
    by_key = questions(cast.workshop)
    respond_fully(cast.workshop, 3, by_key)
    sign_in(client, cast.facilitator.user)
    few = count_queries(client, results_url(cast))
    respond_fully(cast.workshop, 27, by_key)
    assert Answer.objects.count() == 30 * 74
    with django_assert_max_num_queries(16):
        response = client.get(results_url(cast))
    assert b"30 respondents: 30 of the 31 participants" in response.content
    assert count_queries(client, results_url(cast)) == few


def add_agenda(session, *activities):
    return [
        AgendaItem.objects.create(
            session=session, order=i, activity=a, title=Activity(a).label, minutes=30
        )
        for i, a in enumerate(activities)
    ]


def test_it_shows_the_results_in_the_live_session(client, cast, django_assert_max_num_queries):
    add_agenda(cast.session, "assessment")
    runner_move(cast.session, "start")
    sign_in(client, cast.participant.user, cast.workshop)
    live_url = reverse("workshops:live", args=[cast.workshop.code])
    content = client.get(live_url).content.decode()
    assert "No one has submitted the survey yet" in content
    respond_fully(cast.workshop, 30, questions(cast.workshop))
    with django_assert_max_num_queries(14):
        content = client.get(live_url).content.decode()
    assert "From 30 submitted surveys." in content
    assert content.count('role="img"') == 3
    assert "The systems rated by the participants" in content
    sign_in(client, cast.facilitator.user)
    runner_url = reverse("workshops:runner", args=[cast.workshop.code, cast.session.number])
    with django_assert_max_num_queries(17):
        content = client.get(runner_url).content.decode()
    assert "SOC values and principles" in content
    assert "Infrastructure domains" in content


def test_it_shows_empty_live_results_without_creating_the_survey(cast):
    outcome = live_results(cast.workshop.pk)
    assert outcome.survey is None
    assert outcome.respondents == 0
    assert not Survey.objects.filter(workshop=cast.workshop).exists()
