"""A whole live session run and followed with the keyboard only, in real Chromium.

The demo county gets a full-day session with every kind of activity (the in-person format's
agenda). The facilitator signs in, finds the session's runner, starts it and takes it through
every agenda item to the end with Tab, Shift+Tab, Enter and Space only; Maria follows on her
phone-sized screen, signed in with her magic link, and acts where the session lets her: she opens
the assessment's numbers, reaches the map and gap links and, while the vote is open, moves one
of her dots. After every key press focus must be on an element (never the page itself) and
visible (an outline or a box shadow); after every swap of her screen, focus must not be lost.
Both screens are scanned with axe at each item.
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, expect

from actionplans.models import Dot
from tests.e2e.people import link_on
from tests.e2e.test_workshop_journeys import watch as watch  # the fixture
from workshops.formats import plan_sessions
from workshops.links import magic_link_url
from workshops.management.commands.seed_demo import DEMO_CYCLE, DEMO_PASSWORD
from workshops.models import Activity, AgendaItem, Membership, Workshop, WorkshopSession

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}
LIVE_UPDATE_MS = 10_000  # screens poll every 2 s; the machine may be busy
MOST_TABS = 150

# What is wrong with the focus right now: "" when it is on an element and visible. <main> is
# the skip link's target, a container that is focused only to start tabbing from there.
FOCUS_PROBLEM = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) {
    return "focus is lost (on the page itself)";
  }
  if (el.id === "main") { return ""; }
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  if (outline || style.boxShadow !== "none") { return ""; }
  return "focus is not visible on " + el.outerHTML.slice(0, 200);
}"""


# --- data -----------------------------------------------------------------------------------


def full_day_session(workshop: Workshop) -> WorkshopSession:
    """A fifth session with the in-person format's agenda: every kind of activity."""
    plan = plan_sessions(Workshop.Format.IN_PERSON, timezone.localdate() + timedelta(weeks=1))[0]
    session = WorkshopSession.objects.create(
        workshop=workshop,
        number=workshop.sessions.count() + 1,
        mode=plan.mode,
        starts_at=plan.starts_at,
        duration_minutes=plan.duration_minutes,
        location="Tompkins County Library, 101 E Green St, Ithaca",
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(
            session=session, order=order, activity=item.activity, title=item.label, minutes=15
        )
        for order, item in enumerate(plan.agenda, start=1)
    )
    return session


# --- the keyboard ---------------------------------------------------------------------------


def focus_problem(page: Page) -> str:
    return page.evaluate(FOCUS_PROBLEM)


def assert_focus_kept(page: Page, when: str) -> None:
    """Focus is on an element and visible (given a moment: htmx settles after its swap)."""
    try:
        page.wait_for_function(f"() => !({FOCUS_PROBLEM})()", timeout=2000)
    except Exception:
        raise AssertionError(f"{when}, on {page.url}: {focus_problem(page)}") from None


# Which way to go from the focused element to a target: Shift+Tab when it comes before.
DIRECTION = """target => {
  const active = document.activeElement;
  const before = active && active !== document.body
    && active.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_PRECEDING;
  return before ? "Shift+Tab" : "Tab";
}"""


def tab_to(page: Page, target: Locator, key: str | None = None) -> int:
    """Press Tab (Shift+Tab if ``target`` comes before the focus) until ``target`` has the
    focus; every stop on the way must show its focus. Returns the number of presses."""
    target.wait_for()
    key = key or target.evaluate(DIRECTION)
    for presses in range(1, MOST_TABS + 1):
        page.keyboard.press(key)
        problem = focus_problem(page)
        assert not problem, f"After {key} pressed {presses} times on {page.url}: {problem}"
        if target.evaluate("element => element === document.activeElement"):
            return presses
    raise AssertionError(f"{target} not reached with {key} pressed {MOST_TABS} times on {page.url}")


def follow(page: Page, target: Locator, key: str = "Enter") -> None:
    """Tab to a link or a submit button and press ``key`` on it: a new page loads."""
    tab_to(page, target)
    with page.expect_navigation():
        page.keyboard.press(key)


def skip_to_main(page: Page) -> None:
    """On a page just loaded: the skip link comes first and takes focus to the content."""
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    assert not focus_problem(page)
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


# --- the people -----------------------------------------------------------------------------


def facilitator_opens_the_runner(page: Page, workshop: Workshop, session: WorkshopSession):
    page.goto("/login/")
    expect(page.get_by_label("Username")).to_be_focused()  # autofocus
    page.keyboard.type("facilitator")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="My workshops")).to_be_visible()

    follow(page, page.locator(f"main a[href='{workshop.get_absolute_url()}']"))
    main_nav = page.get_by_role("navigation", name="Main")
    follow(page, main_nav.get_by_role("link", name="Sessions", exact=True))
    session_url = reverse("workshops:session", args=[workshop.code, session.number])
    follow(page, page.locator(f"main a[href='{session_url}']"))
    follow(page, page.get_by_role("link", name="Run this session live"))
    expect(
        page.get_by_role("heading", level=1, name=f"Run session {session.number}")
    ).to_be_visible()


def maria_opens_the_live_screen(phone: Page, live_server, maria: Membership) -> None:
    phone.goto(link_on(live_server, magic_link_url(maria)))
    follow(phone, phone.get_by_role("button", name="Continue to the workshop"))
    expect(phone.get_by_role("heading", level=1, name=maria.workshop.title)).to_be_visible()
    # At phone width the main menu is folded behind its button.
    menu = phone.get_by_role("button", name="Menu")
    tab_to(phone, menu)
    phone.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    follow(
        phone, phone.get_by_role("navigation", name="Main").get_by_role("link", name="Live session")
    )
    skip_to_main(phone)


def runner_moves(page: Page, button: str, key: str = "Enter") -> None:
    """The facilitator, on the runner just loaded: from the control the page focused (the one
    to press next after a move) or else from the skip link, Tab to ``button`` and press it."""
    target = page.get_by_role("button", name=button, exact=True)
    if page.evaluate("document.activeElement === document.body"):
        skip_to_main(page)
    if target.evaluate("element => element === document.activeElement"):
        with page.expect_navigation():
            page.keyboard.press(key)
    else:
        follow(page, target, key)


def maria_moves_a_dot(phone: Page, screen: Locator, mine: str, other: str) -> None:
    """Take a dot back from a gap and put it on another one: focus stays on each button."""
    left = screen.locator(".voting-left")
    expect(left).to_contain_text("0 of 3 dots left", timeout=LIVE_UPDATE_MS)
    take_back = screen.get_by_role("button", name=f"Take a dot back from {mine}")
    tab_to(phone, take_back)
    phone.keyboard.press("Enter")
    expect(left).to_contain_text("1 of 3 dots left")
    expect(take_back).to_be_focused()  # the board was swapped; htmx put focus back
    assert_focus_kept(phone, "A dot taken back")
    add = screen.get_by_role("button", name=f"Add a dot to {other}")
    tab_to(phone, add)
    phone.keyboard.press("Space")
    expect(left).to_contain_text("0 of 3 dots left")
    expect(add).to_be_focused()
    assert_focus_kept(phone, "A dot added")


# --- the journey ----------------------------------------------------------------------------


def test_a_whole_session_is_run_and_followed_with_the_keyboard_only(
    page: Page, browser: Browser, live_server, a11y, watch
):
    call_command("seed_demo", stdout=StringIO())
    workshop = Workshop.objects.get(county__name="Tompkins", cycle=DEMO_CYCLE)
    session = full_day_session(workshop)
    agenda = list(session.agenda.all())
    assert {item.activity for item in agenda} == set(Activity) - {Activity.OTHER}
    maria = workshop.memberships.get(user__username="maria.lopez@example.org")
    mine = Dot.objects.filter(membership=maria).select_related("gap").first().gap.title
    other = workshop.gaps.filter(merged_into=None).exclude(title=mine).first().title

    page.emulate_media(reduced_motion="reduce")
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, reduced_motion="reduce")
    try:
        phone = context.new_page()
        watch.attach(phone)
        maria_opens_the_live_screen(phone, live_server, maria)
        screen = phone.locator("#live-screen")
        expect(screen).to_contain_text("No session is live right now")
        a11y(phone)

        facilitator_opens_the_runner(page, workshop, session)
        a11y(page)
        current = page.locator(".agenda-list [aria-current=step]")
        title = screen.get_by_role("heading", level=2)

        for index, item in enumerate(agenda):
            if index == 0:
                runner_moves(page, "Start the session", key="Space")
            elif index == 2:
                # The runner came back with the focus on Next: Shift+Tab once to go back to the
                # first item, then on again.
                expect(page.get_by_role("button", name="Next →")).to_be_focused()
                tab_to(page, page.get_by_role("button", name="← Previous"), key="Shift+Tab")
                with page.expect_navigation():
                    page.keyboard.press("Space")
                expect(current).to_contain_text(agenda[0].title)
                expect(title).to_have_text(agenda[0].display_title, timeout=LIVE_UPDATE_MS)
                runner_moves(page, "Show " + item.title)
            else:
                if index == 1:  # after Start, Enter moves on: the focus is on Next
                    expect(page.get_by_role("button", name="Next →")).to_be_focused()
                runner_moves(page, "Next →")
            expect(current).to_contain_text(item.title)
            expect(title).to_have_text(item.display_title, timeout=LIVE_UPDATE_MS)
            assert_focus_kept(phone, f"Item {index + 1} ({item.title}) shown")

            if item.activity == Activity.ASSESSMENT:
                numbers = screen.locator("summary").first
                tab_to(phone, numbers)
                phone.keyboard.press("Enter")
                expect(screen.locator("details").first).to_have_attribute("open", "")
            elif item.activity == Activity.MAPPING:
                tab_to(phone, screen.get_by_role("link", name="Suggest a service or a link"))
            elif item.activity == Activity.GAPS:
                tab_to(phone, screen.get_by_role("link", name="Propose a gap or opportunity"))
            elif item.activity == Activity.VOTING:
                runner_moves(page, "Reopen voting", key="Space")
                maria_moves_a_dot(phone, screen, mine, other)
                runner_moves(page, "Close voting", key="Space")
                expect(screen.locator(".voting-state")).to_contain_text(
                    "Voting is closed", timeout=LIVE_UPDATE_MS
                )
                assert_focus_kept(phone, "Voting closed")  # her button went with the open vote
            elif item.activity == Activity.ACTION_PLAN:
                tab_to(phone, screen.get_by_role("link", name="Open the action plan"))
            a11y(phone)
            a11y(page)

        runner_moves(page, "End the session")
        expect(page.get_by_role("button", name="Restart the session")).to_be_visible()
        expect(screen).to_contain_text("No session is live right now", timeout=LIVE_UPDATE_MS)
        assert_focus_kept(phone, "Session ended")
        a11y(phone)
    finally:
        context.close()
    session.refresh_from_db()
    assert session.live_ended_at is not None and not session.is_live
    assert Dot.objects.filter(membership=maria, gap__title=other).exists()
