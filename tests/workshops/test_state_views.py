"""The state dashboard's pages: /state/<code>/ and its CSV, who may see them, bad parameters,
CSV injection and a query count that does not grow with counties and cycles."""

import csv
import io

import pytest
from django.urls import reverse

from actionplans.models import ActionPlan
from tests.assessments.test_results import count_queries, respond
from tests.conftest import sign_in
from tests.factories import ParticipantFactory, WorkshopFactory, county, plan_tree
from workshops.benchdata import state_bench
from workshops.models import County, State, StateReviewer, Workshop

DASHBOARD = reverse("state:dashboard", args=["NY"])
CSV = reverse("state:counties_csv", args=["NY"])


def rows_of(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_it_shows_every_county_to_the_state_team(client, cast):
    Workshop.objects.filter(pk=cast.workshop.pk).update(stage=Workshop.Stage.PLAN)
    plan_tree(cast.workshop)
    sign_in(client, cast.reviewer)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>New York: counties</h1>" in content
    assert "62 counties, 2 with a workshop" in content
    assert f'<a href="{cast.workshop.get_absolute_url()}">Tompkins SOC Workshop</a>' in content
    assert "v1 · Draft" in content
    assert "0% <span" in content  # one participant, no survey yet
    assert f"{reverse('workshops:new')}?county={county('Albany').pk}" in content
    assert "Counties without a workshop" in content and "60 of 62 counties" in content
    assert 'aria-sort="ascending"' in content  # by county
    assert f'href="{CSV}"' in content


def test_it_links_the_home_page_to_the_dashboard_for_reviewers_only(client, cast):
    sign_in(client, cast.reviewer)
    content = client.get(reverse("home")).content.decode()
    assert f'href="{DASHBOARD}">State dashboard</a>' in content
    sign_in(client, cast.facilitator.user)
    assert b"State dashboard" not in client.get(reverse("home")).content


def test_it_names_each_state_of_a_reviewer_of_several(client, cast):
    StateReviewer.objects.create(user=cast.reviewer, state=State.objects.get(code="VT"))
    sign_in(client, cast.reviewer)
    content = client.get(reverse("home")).content.decode()
    assert "State dashboard: New York" in content and "State dashboard: Vermont" in content
    assert client.get(reverse("state:dashboard", args=["vt"])).status_code == 200


@pytest.mark.parametrize("url", [DASHBOARD, CSV])
def test_it_hides_a_state_from_reviewers_of_another(client, cast, url):
    sign_in(client, cast.other_reviewer)
    assert client.get(url).status_code == 404
    sign_in(client, cast.reviewer)
    assert client.get(reverse("state:dashboard", args=["XX"])).status_code == 404


@pytest.mark.parametrize("url", [DASHBOARD, CSV])
@pytest.mark.parametrize("role", ["facilitator", "committee", "participant", "outsider"])
def test_it_refuses_people_who_are_not_on_a_state_team(client, cast, url, role):
    sign_in(client, cast.user(role), cast.workshop)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", [DASHBOARD, CSV])
def test_it_sends_visitors_to_sign_in(client, cast, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_filters_and_sorts_from_the_query_string(client, cast):
    erie = Workshop.objects.get(county__name="Erie")
    Workshop.objects.filter(pk=erie.pk).update(stage=Workshop.Stage.IMPLEMENT)
    sign_in(client, cast.reviewer)
    response = client.get(DASHBOARD, {"stage": "implement", "sort": "-county"})
    content = response.content.decode()
    assert "1 of 62 counties match." in content
    assert "Erie SOC Workshop" in content and "Tompkins SOC Workshop" not in content
    assert '<option value="implement" selected>' in content
    assert 'aria-sort="descending"' in content
    assert '<input type="hidden" name="sort" value="-county">' in content
    # Sorting keeps the filters; the CSV link carries them.
    assert "?stage=implement&amp;sort=county" in content
    assert f"{CSV}?stage=implement&amp;sort=-county" in content


@pytest.mark.parametrize(
    "params",
    [
        {"stage": "<script>alert(1)</script>"},
        {"plan": "' OR 1=1 --", "sort": "nonsense"},
        {"overdue": "sometimes", "no_workshop": "[]"},
        {"q": "y" * 500},
        {"sort": "-"},
    ],
)
def test_it_ignores_bad_parameters_with_a_message(client, cast, params):
    sign_in(client, cast.reviewer)
    response = client.get(DASHBOARD, params)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'class="alert alert-warning" role="status"' in content
    assert "<script>alert" not in content
    assert "All 62 counties." in content
    assert client.get(CSV, params).status_code == 200


def test_it_downloads_the_filtered_rows_as_csv(client, cast):
    plan_tree(cast.workshop)
    ActionPlan.objects.filter(workshop=cast.workshop).update(status="submitted")
    sign_in(client, cast.reviewer)
    response = client.get(CSV, {"plan": "submitted"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="ny-counties-')
    header, *rows = rows_of(response)
    assert header[:5] == ["County", "Workshop", "Cycle", "Cycles so far", "Stage"]
    assert len(rows) == 1
    line = dict(zip(header, rows[0], strict=True))
    assert line["County"] == "Tompkins" and line["Workshop"] == "Tompkins SOC Workshop"
    assert (line["Plan version"], line["Plan status"]) == ("1", "Submitted")
    assert (line["Participants"], line["Survey completion (%)"]) == ("1", "0")
    assert (line["Steps done"], line["Steps (not dropped)"], line["Overdue steps"]) == (
        "0", "1", "0"
    )  # fmt: skip
    assert line["Workshop address"] == "http://testserver" + cast.workshop.get_absolute_url()
    everyone = rows_of(client.get(CSV))
    assert len(everyone) == 63
    albany = next(row for row in everyone if row[0] == "Albany")
    assert albany[4] == "No workshop" and albany[1] == ""


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_it_neutralises_cells_a_spreadsheet_would_run(client, cast, start):
    ny = State.objects.get(code="NY")
    made = County.objects.create(state=ny, name=f"{start}HYPERLINK(1)")
    WorkshopFactory(county=made, title=f"{start}cmd|' /C calc'!A0")
    sign_in(client, cast.reviewer)
    rows = rows_of(client.get(CSV, {"q": "HYPERLINK"}))
    assert rows[1][0] == f"'{start}HYPERLINK(1)"
    assert rows[1][1] == f"'{start}cmd|' /C calc'!A0"


def test_it_keeps_a_fixed_query_count_whatever_the_counties_and_cycles(client, cast):
    """The cast's two workshops, then 2 counties of 1 cycle, then 10 more of 3 cycles each."""
    sign_in(client, cast.reviewer)
    urls = [DASHBOARD, DASHBOARD + "?sort=-activity&overdue=1&stage=assess", CSV]
    state_bench("NY", cycles=1, counties=2, participants=4)
    few = [count_queries(client, url) for url in urls]
    state_bench("NY", cycles=3, counties=10, participants=4)
    assert Workshop.objects.count() == 2 + 2 + 30
    many = [count_queries(client, url) for url in urls]
    assert many == few
    assert max(many) <= 16
    content = client.get(DASHBOARD).content.decode()
    assert "62 counties, 14 with a workshop" in content
    assert content.count("results-heat-") >= 12 * 17


def test_it_shows_the_heat_map_with_numbers_and_hidden_cells(client, cast):
    for value in (2, 3, 4):
        respond(cast.workshop, scale={"youth-guided": value, "planning": value})
    respond(cast.workshop, scale={"cultural": 5})
    ParticipantFactory(workshop=cast.workshop)
    sign_in(client, cast.reviewer)
    content = client.get(DASHBOARD).content.decode()
    assert 'scope="colgroup" colspan="8">SOC values and principles' in content
    assert '<td class="text-nowrap results-heat-3">3.0<span class="visually-hidden"> (n=3)' in (
        content
    )
    assert '<span class="results-suppressed">n&lt;3</span>' in content
    assert f'href="{reverse("assessments:results", args=[cast.workshop.code])}">Tompkins' in (
        content
    )
    assert "No submitted ratings yet: Erie." in content


def test_it_offers_the_next_cycle_to_a_county_that_revised_its_plan(client, cast):
    sign_in(client, cast.reviewer)
    next_cycle = f"{reverse('workshops:new')}?county={cast.workshop.county_id}"
    assert next_cycle not in client.get(DASHBOARD).content.decode()
    Workshop.objects.filter(pk=cast.workshop.pk).update(stage=Workshop.Stage.REVISE)
    content = client.get(DASHBOARD).content.decode()
    link = f'href="{next_cycle}">Start the next cycle<span class="visually-hidden"> in Tompkins'
    assert link in content
