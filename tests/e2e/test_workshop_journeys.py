"""The workshop's lifecycle in real Chromium: created, prepared, scheduled, filled, run, debriefed.

Each journey is driven as a person would: links, buttons, labelled fields. Every distinct page
visited is checked with axe (serious or critical WCAG 2.1 AA violations fail the test). Data a
journey does not create through the pages is created with the ORM and committed (transactional
database): the live server runs in another thread and only sees committed rows. The reference
data (states, counties, systems, the framework review) is put back by tests/e2e/conftest.py.
"""

import re
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.people import PASSWORD, make_participant, make_staff, make_user, make_workshop
from workshops.formats import apply_plan, plan_sessions
from workshops.links import magic_link_url
from workshops.models import (
    Debrief,
    Meeting,
    Membership,
    State,
    StateReviewer,
    Workshop,
    WorkshopSession,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ZOOM = "https://zoom.us/j/5551234567"
VENUE = "Tompkins County Library, 101 E Green St, Ithaca"
LIVE_UPDATE_MS = 5000  # participants' screens poll every 2 s


# --- data -----------------------------------------------------------------------------------


def make_reviewer(username: str = "rita", state: str = "NY"):
    user = make_user(username, last="Reviewer")
    StateReviewer.objects.create(user=user, state=State.objects.get(code=state))
    return user


def schedule_virtual(workshop: Workshop, first_day: date | None = None) -> None:
    """Five weekly online sessions from a week ahead, as the Format page would schedule them."""
    first_day = first_day or timezone.localdate() + timedelta(weeks=1)
    apply_plan(workshop, Workshop.Format.VIRTUAL, plan_sessions("virtual", first_day), ZOOM)


def link_on(live_server, url: str) -> str:
    """A link the app built for SITE_URL, pointed at this test's live server instead."""
    assert url.startswith(settings.SITE_URL + "/"), url
    return live_server.url + url.removeprefix(settings.SITE_URL)


# --- what must never happen: server errors, CSP violations, script errors -----------------


class Watch:
    """Collects what a journey's pages must never show, from every page it is attached to."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def attach(self, page: Page) -> None:
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: script {error}"))
        page.on("response", self._response)

    def _console(self, page: Page, message) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            self.problems.append(f"{page.url}: console {message.type}: {message.text}")

    def _response(self, response) -> None:
        if response.status >= 500:
            self.problems.append(
                f"HTTP {response.status} from {response.request.method} {response.url}"
            )


@pytest.fixture(autouse=True)
def watch(page: Page):
    """Every journey fails on a 5xx answer, a CSP violation or a script error on its pages."""
    watcher = Watch()
    watcher.attach(page)
    yield watcher
    assert watcher.problems == []


# --- steps ----------------------------------------------------------------------------------


def heading(page: Page, name: str | re.Pattern) -> Locator:
    return page.get_by_role("heading", level=1, name=name)


def status(page: Page) -> Locator:
    """The Django messages of the page (rendered with role=status)."""
    return page.get_by_role("status")


def click_and_load(page: Page, target: Locator):
    """Click a link or a submit button and wait for the page it leads to; returns the response."""
    with page.expect_navigation() as navigation:
        target.click()
    response = navigation.value
    assert response is None or response.status < 500, f"HTTP {response.status} on {page.url}"
    return response


def htmx_settled(page: Page) -> None:
    """Waits until htmx has settled what it last swapped in: new content keeps the class
    ``htmx-added`` for the settle delay (20 ms), after which htmx wires it up and focuses its
    ``autofocus`` field; typing before then can land in that field."""
    # A locator, not wait_for_function: its polling evaluates a string, which our CSP forbids.
    expect(page.locator(".htmx-added, .htmx-request")).to_have_count(0)


def nav_link(page: Page, name: str) -> Locator:
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True)


def sign_in(page: Page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    click_and_load(page, page.get_by_role("button", name="Sign in", exact=True))
    expect(heading(page, "My workshops")).to_be_visible()


def open_workshop(page: Page, workshop: Workshop) -> None:
    click_and_load(page, page.get_by_role("link", name=workshop.title))
    expect(heading(page, workshop.title)).to_be_visible()


def table_rows(page: Page) -> Locator:
    """The body rows of the page's (first) table."""
    return page.locator("table").first.locator("tbody tr")


def day_text(day: date) -> str:
    """A date as the sessions list shows it (Django's "D j M Y")."""
    return f"{day:%a} {day.day} {day:%b} {day.year}"


# --- 1. creating a workshop -----------------------------------------------------------------


def test_reviewer_creates_a_workshop_and_adds_a_facilitator(page: Page, live_server, a11y):
    make_reviewer("rita")
    start = timezone.localdate() + timedelta(days=60)
    end = start + timedelta(days=35)

    sign_in(page, "rita")
    expect(page.get_by_text("You are not part of any workshop yet.")).to_be_visible()
    a11y(page)

    click_and_load(page, page.get_by_role("link", name="New workshop"))
    expect(heading(page, "New workshop")).to_be_visible()
    a11y(page)
    page.get_by_label("County").select_option(label="Tompkins County, NY")
    page.get_by_label("Cycle").fill(str(start.year))
    page.get_by_label("Target start").fill(start.isoformat())
    page.get_by_label("Target end").fill(end.isoformat())
    click_and_load(page, page.get_by_role("button", name="Create the workshop"))

    workshop = Workshop.objects.get()
    assert workshop.title == "Tompkins County SOC Action Planning Workshop"
    assert (workshop.cycle, workshop.target_start, workshop.target_end) == (start.year, start, end)
    assert page.url == live_server.url + workshop.get_absolute_url()
    expect(heading(page, workshop.title)).to_be_visible()
    expect(status(page)).to_contain_text("Workshop created.")
    expect(page.get_by_text("your role: State reviewer")).to_be_visible()
    tracker = page.locator("ol.stage-tracker > li")
    expect(tracker).to_have_count(len(Workshop.Stage))
    expect(tracker.first).to_contain_text("Prepare")
    expect(tracker.first).to_have_attribute("aria-current", "step")
    expect(page.get_by_role("heading", name="Now: Prepare")).to_be_visible()
    a11y(page)

    click_and_load(page, nav_link(page, "Team"))
    expect(heading(page, "Team")).to_be_visible()
    expect(page.get_by_text("No one is on the team yet.")).to_be_visible()
    a11y(page)
    page.get_by_label("Email").fill("fiona.facil@example.org")
    page.get_by_label("First name").fill("Fiona")
    page.get_by_label("Last name").fill("Facil")
    page.get_by_label("Facilitator", exact=True).check()
    click_and_load(page, page.get_by_role("button", name="Add to the team"))

    expect(status(page)).to_contain_text("Fiona Facil added as facilitator and told by email.")
    row = page.get_by_role("row").filter(has_text="Fiona Facil")
    expect(row.get_by_role("cell", name="Facilitator", exact=True)).to_be_visible()
    expect(row).to_contain_text("fiona.facil@example.org")
    assert workshop.memberships.get().role == Membership.Role.FACILITATOR
    assert [m.to for m in mail.outbox] == [["fiona.facil@example.org"]]
    a11y(page)

    click_and_load(page, nav_link(page, "Dashboard"))
    expect(page.get_by_text("1 facilitator", exact=True)).to_be_visible()


# --- 2. planning meetings -------------------------------------------------------------------


def test_facilitator_schedules_a_meeting_and_ticks_three_topics(page: Page, live_server, a11y):
    workshop = make_workshop()
    make_staff(workshop, "frank")

    sign_in(page, "frank")
    open_workshop(page, workshop)
    click_and_load(page, nav_link(page, "Meetings"))
    expect(heading(page, "Planning meetings")).to_be_visible()
    expect(page.get_by_text("No meetings yet.")).to_be_visible()
    a11y(page)

    click_and_load(page, page.get_by_role("link", name="Schedule a meeting").first)
    expect(heading(page, "Schedule a meeting")).to_be_visible()
    a11y(page)
    when = page.get_by_label("Date and time")
    expect(when).not_to_have_value("")  # suggested: a week from today at 10:00
    page.get_by_label("Place or meeting link").fill("County office, room 2")
    click_and_load(page, page.get_by_role("button", name="Schedule", exact=True))

    meeting = Meeting.objects.get(workshop=workshop)
    expect(status(page)).to_contain_text("Meeting scheduled for")
    expect(heading(page, re.compile(r"^Planning meeting,"))).to_be_visible()
    a11y(page)
    reviewed = ["The planning process", "Goals of the workshop", "Facilitators"]
    for topic in reviewed:
        page.get_by_role("checkbox", name=topic, exact=True).check()
    click_and_load(page, page.get_by_role("button", name="Save the meeting"))

    expect(status(page)).to_contain_text("Meeting saved.")
    for topic in reviewed:
        expect(page.get_by_role("checkbox", name=topic, exact=True)).to_be_checked()
    meeting.refresh_from_db()
    assert meeting.topics_reviewed == ["planning_process", "goals", "facilitators"]
    remaining = ["The list of participants", "Timeframe for the series"]

    click_and_load(page, nav_link(page, "Meetings"))
    missing = page.get_by_role("note").filter(has_text="Topics not yet reviewed")
    expect(missing.get_by_role("listitem")).to_have_text(remaining)
    expect(table_rows(page)).to_have_count(1)
    expect(table_rows(page).first).to_contain_text("County office, room 2")
    expect(table_rows(page).first).to_contain_text("3 of 5")
    a11y(page)

    click_and_load(page, nav_link(page, "Dashboard"))
    meetings = page.get_by_role("region", name="Planning meetings")
    expect(meetings.get_by_role("heading", name="Topics not yet reviewed")).to_be_visible()
    expect(meetings.locator(".alert li")).to_have_text(remaining)
    expect(meetings.get_by_role("link", name="All meetings (1)")).to_be_visible()
    expect(page.get_by_text("3 of 5 meeting topics reviewed")).to_be_visible()
    a11y(page)


# --- 3. the format and its sessions ---------------------------------------------------------


EN_DASH = "\u2013"  # between a session's start and end times
# Each format's radio label and its sessions as listed: mode, start, end, length in minutes.
FORMATS = {
    "virtual": (r"^Virtual", [("Online", "10:00", "12:00", 120)] * 5),
    "hybrid": (
        r"^Hybrid",
        [("Online", "10:00", "12:00", 120)] * 3 + [("In person", "09:00", "12:30", 210)],
    ),
    "in_person": (r"^In person", [("In person", "09:00", "16:30", 450)]),
}


def choose_format(page: Page, key: str, first_day: date, a11y=None) -> None:
    """On the Format page: pick the format, fill the first day, link and venue, ask to see."""
    label, _ = FORMATS[key]
    page.get_by_role("radio", name=re.compile(label)).check()
    page.get_by_label("Date of the first session").fill(first_day.isoformat())
    page.get_by_label("Meeting link (Zoom or Webex)").fill(ZOOM)
    page.get_by_label("Location").fill(VENUE)
    if a11y:
        a11y(page)
    click_and_load(page, page.get_by_role("button", name="Show the sessions"))
    expect(heading(page, "Check the sessions")).to_be_visible()


def expect_sessions(page: Page, key: str, first_day: date) -> None:
    """The sessions list shows the format's sessions: weekly dates, times, modes, link or place."""
    _, expected = FORMATS[key]
    rows = table_rows(page)
    expect(rows).to_have_count(len(expected))
    for index, (mode, starts, ends, minutes) in enumerate(expected):
        row = rows.nth(index)
        cells = row.get_by_role("cell")
        expect(row.get_by_role("rowheader")).to_have_text(f"Session {index + 1}")
        day = first_day + timedelta(weeks=index)  # weekly: 7 days apart
        expect(cells.nth(0)).to_contain_text(day_text(day))
        expect(cells.nth(0)).to_contain_text(f"{starts}{EN_DASH}{ends} ({minutes} min)")
        expect(cells.nth(1)).to_have_text(mode)
        if mode == "Online":
            expect(cells.nth(2).get_by_role("link", name=ZOOM)).to_have_attribute("href", ZOOM)
        else:
            expect(cells.nth(2)).to_have_text(VENUE)
        expect(cells.nth(3)).to_contain_text("Upcoming")


def test_each_format_schedules_its_sessions_and_changes_show_first(page: Page, live_server, a11y):
    workshop = make_workshop()
    make_staff(workshop, "frank")
    first_day = timezone.localdate() + timedelta(days=10)

    sign_in(page, "frank")
    open_workshop(page, workshop)
    click_and_load(page, nav_link(page, "Sessions"))
    expect(page.get_by_role("heading", name=re.compile("No sessions yet"))).to_be_visible()
    a11y(page)
    click_and_load(page, page.get_by_role("link", name="Choose the format").first)
    expect(heading(page, "Choose the county's format")).to_be_visible()

    # Virtual: five weekly 2-hour sessions online.
    choose_format(page, "virtual", first_day, a11y)
    expect(page.get_by_role("heading", name="What changes")).to_have_count(0)
    expect(table_rows(page)).to_have_count(5)
    expect(table_rows(page).first).to_contain_text(ZOOM)
    a11y(page)
    assert not workshop.sessions.exists()  # nothing saved before confirming
    click_and_load(page, page.get_by_role("button", name="Confirm and schedule the sessions"))
    expect(heading(page, "Sessions")).to_be_visible()
    expect(status(page)).to_contain_text("5 sessions scheduled.")
    expect_sessions(page, "virtual", first_day)
    a11y(page)

    # Hybrid: the confirmation says what changes before anything is replaced.
    click_and_load(page, page.get_by_role("link", name="Change format"))
    expect(heading(page, "Change the format")).to_be_visible()
    expect(page.get_by_label("Date of the first session")).to_have_value(first_day.isoformat())
    choose_format(page, "hybrid", first_day, a11y)
    changes = page.get_by_role("region", name="What changes").get_by_role("listitem")
    expect(changes).to_have_count(5)
    for number in (1, 2, 3):
        expect(changes.nth(number - 1)).to_have_text(
            f"Session {number} keeps its date, time and place."
        )
    expect(changes.nth(3)).to_contain_text(
        "Session 4 changes (date and time, duration, mode, meeting link, location)"
    )
    expect(changes.nth(3)).to_contain_text("120 min, online")
    expect(changes.nth(3)).to_contain_text("210 min, in person")
    expect(changes.nth(4)).to_contain_text("Session 5 is removed")
    a11y(page)
    click_and_load(page, page.get_by_role("button", name="Confirm and replace the sessions"))
    expect(status(page)).to_contain_text("4 sessions scheduled.")
    expect_sessions(page, "hybrid", first_day)

    # In person: one full day; the other three sessions go.
    click_and_load(page, page.get_by_role("link", name="Change format"))
    choose_format(page, "in_person", first_day)
    changes = page.get_by_role("region", name="What changes").get_by_role("listitem")
    expect(changes).to_have_count(4)
    expect(changes.nth(0)).to_contain_text("Session 1 changes")
    expect(changes.nth(0)).to_contain_text("450 min, in person")
    for number in (2, 3, 4):
        expect(changes.nth(number - 1)).to_contain_text(f"Session {number} is removed")
    click_and_load(page, page.get_by_role("button", name="Confirm and replace the sessions"))
    expect(status(page)).to_contain_text("1 session scheduled.")
    expect_sessions(page, "in_person", first_day)
    workshop.refresh_from_db()
    assert workshop.format == Workshop.Format.IN_PERSON
    assert list(workshop.sessions.values_list("duration_minutes", flat=True)) == [450]


# --- 4. the roster --------------------------------------------------------------------------


CSV = """first_name,last_name,email,agency,title,system,leadership
Sam,Reed,sam.reed@example.org,Family Advocates,Parent partner,Caregivers,no
Jo,Park,jo.park@example.org,Youth Voice Council,Youth leader,Youth,yes
Lee,Chen,lee.chen@example.org,County Probation,Director,Juvenile Justice,
"""


def participant_row(page: Page, name: str) -> Locator:
    return page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name))


def test_roster_add_import_and_invitations(page: Page, live_server, a11y):
    workshop = make_workshop()
    make_staff(workshop, "frank")

    sign_in(page, "frank")
    open_workshop(page, workshop)
    click_and_load(page, nav_link(page, "Roster"))
    expect(heading(page, "Roster")).to_be_visible()
    expect(page.get_by_role("heading", name="No participants yet")).to_be_visible()
    a11y(page)

    click_and_load(page, page.get_by_role("link", name="Add participant", exact=True))
    expect(heading(page, "Add a participant")).to_be_visible()
    a11y(page)
    page.get_by_label("First name").fill("Ana")
    page.get_by_label("Last name").fill("Lopez")
    page.get_by_label("Email").fill("Ana.Lopez@example.org")
    page.get_by_label("Agency").fill("County Mental Health")
    page.get_by_label("Job title").fill("Director")
    page.get_by_label("System represented").select_option(label="Mental Health")
    click_and_load(page, page.get_by_role("button", name="Add to the roster"))
    expect(status(page)).to_contain_text("Ana Lopez is on the roster.")
    expect(page.get_by_text("1 of 30 participants")).to_be_visible()
    expect(participant_row(page, "Ana Lopez")).to_contain_text("ana.lopez@example.org")

    click_and_load(page, page.get_by_role("link", name="Import from CSV"))
    expect(heading(page, "Import participants from CSV")).to_be_visible()
    a11y(page)
    page.get_by_label("Paste CSV").fill(CSV)
    click_and_load(page, page.get_by_role("button", name="Import", exact=True))
    expect(status(page)).to_contain_text("Added 3 participants.")
    expect(page.get_by_text("4 of 30 participants")).to_be_visible()
    for name in ("Ana Lopez", "Sam Reed", "Jo Park", "Lee Chen"):
        expect(participant_row(page, name).get_by_text("Not sent", exact=True)).to_be_visible()
    expect(participant_row(page, "Sam Reed")).to_contain_text("Family Advocates")
    expect(page.get_by_role("heading", name=re.compile("^Missing"))).to_have_count(0)
    a11y(page)

    # One invitation, then everyone not yet invited.
    ana = participant_row(page, "Ana Lopez")
    click_and_load(page, ana.get_by_role("button", name="Send invitation to Ana Lopez"))
    expect(status(page)).to_contain_text("Invitation sent to Ana Lopez (ana.lopez@example.org).")
    expect(ana.get_by_text("Sent", exact=True)).to_be_visible()
    expect(participant_row(page, "Sam Reed").get_by_text("Not sent", exact=True)).to_be_visible()
    assert [m.to for m in mail.outbox] == [["ana.lopez@example.org"]]

    everyone = page.get_by_role("button", name="Send invitations to everyone not yet invited (3)")
    click_and_load(page, everyone)
    expect(status(page)).to_contain_text("Sent 3 invitations.")
    for name in ("Ana Lopez", "Sam Reed", "Jo Park", "Lee Chen"):
        expect(participant_row(page, name).get_by_text("Sent", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("everyone not yet invited"))).to_have_count(0)
    expect(ana.get_by_role("button", name="Resend invitation to Ana Lopez")).to_be_visible()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ana.lopez@example.org",
        "jo.park@example.org",
        "lee.chen@example.org",
        "sam.reed@example.org",
    ]
    assert all(m.to != ["ana.lopez@example.org"] for m in mail.outbox[1:])
    a11y(page)


def test_a_full_roster_refuses_the_thirty_first_participant(page: Page, live_server, a11y):
    workshop = make_workshop()
    make_staff(workshop, "frank")
    assert workshop.max_participants == 30
    for n in range(30):
        make_participant(workshop, "Person", f"Number{n:02}")

    sign_in(page, "frank")
    page.goto(reverse("workshops:roster", args=[workshop.code]))
    expect(page.get_by_text("30 of 30 participants")).to_be_visible()
    expect(page.get_by_text("The roster is full")).to_be_visible()
    a11y(page)

    click_and_load(page, page.get_by_role("link", name="Add participant", exact=True))
    page.get_by_label("First name").fill("Thirty")
    page.get_by_label("Last name").fill("One")
    page.get_by_label("Email").fill("thirty.one@example.org")
    page.get_by_label("System represented").select_option(label="Education")
    response = click_and_load(page, page.get_by_role("button", name="Add to the roster"))

    assert response.status == 200
    expect(heading(page, "Add a participant")).to_be_visible()
    form = page.locator("form").filter(has=page.get_by_label("First name"))
    expect(form.get_by_text("This workshop already has 30 participants")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value("thirty.one@example.org")  # kept
    a11y(page)
    assert workshop.memberships.filter(role=Membership.Role.PARTICIPANT).count() == 30

    click_and_load(page, page.get_by_role("link", name="Cancel"))
    expect(page.get_by_text("30 of 30 participants")).to_be_visible()
    expect(page.get_by_role("rowheader", name=re.compile("Thirty One"))).to_have_count(0)


# --- 5. the live runner ---------------------------------------------------------------------


def test_participants_screen_follows_the_facilitator_without_reloading(
    page: Page, browser: Browser, live_server, a11y, watch
):
    workshop = make_workshop()
    make_staff(workshop, "frank")
    participant = make_participant(workshop)
    schedule_virtual(workshop)
    session = workshop.sessions.get(number=1)
    agenda = [item.title for item in session.agenda.all()]
    assert agenda == [
        "Welcome and introductions",
        "SOC framework and core principles",
        "Assessment results",
        "Next steps",
    ]

    # The participant signs in with their link and opens the live page before it starts.
    context = browser.new_context(base_url=live_server.url)
    try:
        screen_page = context.new_page()
        watch.attach(screen_page)
        screen_page.goto(link_on(live_server, magic_link_url(participant)))
        click_and_load(
            screen_page, screen_page.get_by_role("button", name="Continue to the workshop")
        )
        expect(heading(screen_page, workshop.title)).to_be_visible()
        expect(screen_page.get_by_text("your role: Participant")).to_be_visible()
        a11y(screen_page)
        click_and_load(screen_page, nav_link(screen_page, "Live session"))
        screen = screen_page.locator("#live-screen")
        expect(screen.get_by_role("heading", name="No session is live right now")).to_be_visible()
        expect(screen).to_contain_text("The next session is session 1")
        a11y(screen_page)
        screen_page.evaluate("window.__marker = 1")

        # The facilitator opens session 1's runner and starts it.
        sign_in(page, "frank")
        page.goto(reverse("workshops:session", args=[workshop.code, 1]))
        expect(heading(page, "Session 1")).to_be_visible()
        a11y(page)
        click_and_load(page, page.get_by_role("link", name="Run this session live"))
        expect(heading(page, "Run session 1")).to_be_visible()
        a11y(page)
        click_and_load(page, page.get_by_role("button", name="Start the session"))
        current = page.locator(".agenda-list [aria-current=step]")
        expect(current).to_contain_text("Welcome and introductions")

        title = screen.get_by_role("heading", level=2)
        expect(title).to_have_text("Welcome and introductions", timeout=LIVE_UPDATE_MS)
        expect(screen).to_contain_text("Session 1 · Welcome and introductions")
        expect(screen.locator(".timer")).to_contain_text(re.compile(r"\d+:\d\d left"))
        a11y(page)  # the runner while live

        # Next: the framework review, with the state team's content.
        click_and_load(page, page.get_by_role("button", name="Next →"))
        expect(current).to_contain_text("SOC framework and core principles")
        expect(title).to_have_text("SOC framework and core principles", timeout=LIVE_UPDATE_MS)
        expect(
            screen.get_by_role("heading", name="Core values and principles", level=3)
        ).to_be_visible()
        expect(screen).to_contain_text("Youth-guided")
        a11y(screen_page)

        # Show: jump to the last item.
        click_and_load(page, page.get_by_role("button", name="Show Next steps"))
        expect(current).to_contain_text("Next steps")
        expect(title).to_have_text("Next steps", timeout=LIVE_UPDATE_MS)
        expect(screen.get_by_role("heading", name="Core values and principles")).to_have_count(0)

        # The participant's page never reloaded: the marker set on it is still there.
        assert screen_page.evaluate("window.__marker") == 1
        assert screen_page.url == live_server.url + reverse("workshops:live", args=[workshop.code])
    finally:
        context.close()
    session.refresh_from_db()
    assert session.is_live and session.current_item.title == "Next steps"


# --- 6. debriefs ----------------------------------------------------------------------------


def test_debrief_adjustments_show_on_the_next_session(page: Page, live_server, a11y):
    workshop = make_workshop()
    make_staff(workshop, "frank")
    schedule_virtual(workshop)
    adjustment = "Start with a five-minute check-in; send the assessment slides a day ahead."

    sign_in(page, "frank")
    open_workshop(page, workshop)
    click_and_load(page, nav_link(page, "Sessions"))
    expect(table_rows(page)).to_have_count(5)
    a11y(page)
    click_and_load(page, page.get_by_role("link", name="Session 1", exact=True))
    expect(heading(page, "Session 1")).to_be_visible()
    expect(page.get_by_role("complementary")).to_have_count(0)  # no debrief before session 1
    a11y(page)
    click_and_load(page, page.get_by_role("link", name="Record the debrief"))
    expect(heading(page, "Debrief of session 1")).to_be_visible()
    a11y(page)

    page.get_by_label("What's working well?").fill("People spoke up across systems.")
    page.get_by_label("What are we worried about?").fill("Youth voice was quiet.")
    page.get_by_label("Adjustments for the next session").fill(adjustment)
    click_and_load(page, page.get_by_role("button", name="Save the debrief"))

    expect(heading(page, "Session 1")).to_be_visible()
    expect(status(page)).to_contain_text("Debrief of session 1 saved.")
    expect(page.get_by_role("link", name="See or edit the debrief")).to_be_visible()
    debrief = Debrief.objects.get(session__workshop=workshop)
    assert (debrief.session.number, debrief.adjustments, debrief.version) == (1, adjustment, 1)

    click_and_load(page, page.get_by_role("link", name="Session 2 →"))
    expect(heading(page, "Session 2")).to_be_visible()
    callout = page.get_by_role("complementary", name="Adjustments agreed after session 1")
    expect(callout).to_be_visible()
    expect(callout).to_contain_text(adjustment)
    expect(callout.get_by_role("link", name="Read the whole debrief of session 1")).to_be_visible()
    a11y(page)

    # Session 1's own page does not show them; the sessions list marks it debriefed.
    click_and_load(page, page.get_by_role("link", name="← Session 1"))
    expect(page.get_by_role("complementary", name=re.compile("Adjustments agreed"))).to_have_count(
        0
    )
    click_and_load(page, nav_link(page, "Sessions"))
    expect(table_rows(page).first.get_by_text("Debriefed")).to_be_visible()
    assert WorkshopSession.objects.filter(workshop=workshop).count() == 5
