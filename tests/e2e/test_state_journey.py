"""The state team's view across counties, in real Chromium: from the home page to the state
dashboard, filtered, sorted, downloaded as CSV, then into one county; and a county's next cycle
started from the dashboard with the same people.

The counties come from the demo state (``workshops.demo_state``): Erie implementing, Monroe in
review, Albany assessing, Broome preparing.
"""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.people import make_participant, make_staff, make_workshop
from tests.e2e.test_workshop_journeys import (
    click_and_load,
    heading,
    make_reviewer,
    sign_in,
    status,
)
from tests.e2e.test_workshop_journeys import watch as watch  # the fixture
from workshops.demo_state import state_demo
from workshops.models import Workshop

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}


def county_rows(page: Page):
    return page.locator("table.state-counties tbody tr")


def header(page: Page, name: str):
    return page.locator("table.state-counties thead th").filter(has_text=name)


def test_the_state_team_filters_sorts_and_downloads_the_counties(page: Page, live_server, a11y):
    make_reviewer("rita")
    state_demo("NY")
    # No colour transitions: axe must not catch the CSV button halfway to its hover colour,
    # under the pointer after the download.
    page.emulate_media(reduced_motion="reduce")
    sign_in(page, "rita")

    click_and_load(page, page.get_by_role("link", name="State dashboard"))
    expect(heading(page, "New York: counties")).to_be_visible()
    expect(page.get_by_text("62 counties, 4 with a workshop.")).to_be_visible()
    expect(county_rows(page)).to_have_count(62)
    expect(header(page, "County")).to_have_attribute("aria-sort", "ascending")
    expect(page.get_by_role("heading", name="Systems named by gaps")).to_be_visible()
    crisis = page.locator("table.state-systems tr").filter(has_text="Crisis")
    expect(crisis).to_contain_text("2 counties")
    a11y(page)

    # Filter by stage: the implementing and the reviewing counties.
    page.get_by_label("Stage").select_option(label="Implement")
    click_and_load(page, page.get_by_role("button", name="Apply"))
    expect(page.get_by_text("1 of 62 counties match.")).to_be_visible()
    expect(county_rows(page)).to_have_count(1)
    expect(county_rows(page).first).to_contain_text("Erie")
    expect(county_rows(page).first).to_contain_text("v1 · Approved")
    expect(county_rows(page).first).to_contain_text("1 overdue")
    page.get_by_label("Stage").select_option(label="Any stage")
    page.get_by_label("With overdue steps").check()
    click_and_load(page, page.get_by_role("button", name="Apply"))
    expect(county_rows(page)).to_have_count(2)
    expect(page.get_by_label("With overdue steps")).to_be_checked()

    # Sort by last activity, then the other way round; the filter stays.
    click_and_load(page, header(page, "Last activity").get_by_role("link"))
    expect(header(page, "Last activity")).to_have_attribute("aria-sort", "ascending")
    expect(header(page, "County")).not_to_have_attribute("aria-sort", re.compile(".*"))
    expect(county_rows(page).first.locator("th")).to_have_text("Erie")
    click_and_load(page, header(page, "Last activity").get_by_role("link"))
    expect(header(page, "Last activity")).to_have_attribute("aria-sort", "descending")
    expect(county_rows(page).first.locator("th")).to_have_text("Monroe")
    expect(county_rows(page)).to_have_count(2)
    a11y(page)

    # The CSV holds the rows as shown.
    with page.expect_download() as waiting:
        page.get_by_role("link", name="Download these rows (CSV)").click()
    download = waiting.value
    assert re.fullmatch(r"ny-counties-\d{4}-\d\d-\d\d\.csv", download.suggested_filename)
    with open(download.path(), encoding="utf-8-sig") as file:
        rows = list(csv.reader(io.StringIO(file.read())))
    assert rows[0][:5] == ["County", "Workshop", "Cycle", "Cycles so far", "Stage"]
    assert [row[0] for row in rows[1:]] == ["Monroe", "Erie"]
    assert rows[2][4] == "Implement" and rows[2][9] == "Approved"

    # On a phone the page does not scroll sideways: the tables scroll in their own boxes.
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    heat = page.get_by_role("region", name="Heat map of the counties (scrolls sideways)")
    expect(heat).to_be_visible()
    assert heat.evaluate("box => box.scrollWidth > box.clientWidth")
    a11y(page)

    # Into one county.
    erie = Workshop.objects.get(county__name="Erie")
    click_and_load(page, page.get_by_role("link", name=erie.title))
    expect(heading(page, erie.title)).to_be_visible()
    assert page.url == live_server.url + erie.get_absolute_url()


def test_a_county_starts_its_next_cycle_with_the_same_people(page: Page, live_server, a11y):
    make_reviewer("rita")
    last = make_workshop("Tompkins")
    Workshop.objects.filter(pk=last.pk).update(stage=Workshop.Stage.REVISE, cycle=2025)
    make_staff(last, "frank")
    make_participant(last, "Maria", "Lopez", "mental-health")
    make_participant(last, "Sam", "Reed", "caregivers")
    sign_in(page, "rita")
    click_and_load(page, page.get_by_role("link", name="State dashboard"))
    row = county_rows(page).filter(has_text="Tompkins")
    click_and_load(page, row.get_by_role("link", name="Start the next cycle in Tompkins"))

    expect(heading(page, "New workshop")).to_be_visible()
    expect(page.get_by_role("combobox", name="County")).to_have_value(str(last.county_id))
    offer = page.get_by_label("Start from the 2025 workshop")
    expect(offer).to_be_checked()
    expect(page.get_by_text(f"“{last.title}”: 2 participants and 1 team member.")).to_be_visible()
    a11y(page)

    # Another county has no workshop to start from: the offer says so in general words.
    page.get_by_role("combobox", name="County").select_option(label="Albany County, NY")
    expect(page.get_by_label("Start from the latest workshop")).not_to_be_checked()
    page.get_by_role("combobox", name="County").select_option(label="Tompkins County, NY")
    expect(offer).to_be_checked()

    start = timezone.localdate() + timedelta(days=30)
    page.get_by_label("Cycle").fill("2026")
    page.get_by_label("Target start").fill(start.isoformat())
    click_and_load(page, page.get_by_role("button", name="Create the workshop"))
    new = Workshop.objects.get(county=last.county, cycle=2026)
    expect(status(page)).to_contain_text("with the roster of the 2025 workshop (3 people)")
    assert sorted(new.memberships.values_list("user__username", flat=True)) == [
        "frank", "maria.lopez@example.org", "sam.reed@example.org"
    ]  # fmt: skip
    assert not new.memberships.filter(invited_at__isnull=False).exists()
    click_and_load(page, page.get_by_role("link", name="Roster", exact=True))
    expect(page.get_by_role("row").filter(has_text="Maria Lopez")).to_be_visible()
    a11y(page)
