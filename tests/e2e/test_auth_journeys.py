"""Signing in, in real Chromium: staff passwords, lockout, participants' magic links, refusals.

Every test creates its own data in a transactional database: the live server runs in another
thread and only sees committed rows. The reference data of the data migrations (states,
counties, systems) that each test's flush removes is put back by tests/e2e/conftest.py.
"""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.e2e.people import (
    PASSWORD,
    link_on,
    make_participant,
    make_staff,
    make_workshop,
)
from workshops.links import magic_link_url
from workshops.models import Workshop

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}


# --- data -----------------------------------------------------------------------------------


# --- steps ----------------------------------------------------------------------------------


def heading(page: Page, name: str):
    return page.get_by_role("heading", level=1, name=name)


def submit_login(page: Page, username: str, password: str):
    """Fill and send the staff form; returns the response the browser ended on."""
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Sign in", exact=True).click()
    return navigation.value


def sign_in(page: Page, username: str) -> None:
    page.goto("/login/")
    submit_login(page, username, PASSWORD)
    expect(heading(page, "My workshops")).to_be_visible()


def use_magic_link(page: Page, url: str, workshop: Workshop) -> None:
    page.goto(url)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue to the workshop").click()
    expect(heading(page, workshop.title)).to_be_visible()


# --- journeys -------------------------------------------------------------------------------


def test_staff_signs_in_with_the_keyboard_and_opens_the_workshop(page: Page, live_server, a11y):
    workshop = make_workshop()
    make_staff(workshop, "frank")

    page.goto("/login/")
    expect(heading(page, "Staff sign in")).to_be_visible()
    a11y(page)

    username = page.get_by_label("Username")
    expect(username).to_be_focused()  # autofocus: typing can start at once
    page.keyboard.type("frank")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.url == live_server.url + "/"
    expect(heading(page, "My workshops")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="My workshops")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
    a11y(page)

    page.get_by_role("link", name=workshop.title).click()
    expect(heading(page, workshop.title)).to_be_visible()
    assert page.url == live_server.url + workshop.get_absolute_url()
    expect(page.get_by_text("your role: Facilitator")).to_be_visible()
    expect(page.get_by_role("heading", name="Where the workshop stands")).to_be_visible()
    expect(nav.get_by_role("link", name="Dashboard")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="Roster")).to_be_visible()
    a11y(page)


def test_wrong_password_shows_an_error_then_locks_sign_in(page: Page, live_server, a11y):
    workshop = make_workshop()
    make_staff(workshop, "frank")
    limit = settings.AXES_FAILURE_LIMIT

    page.goto("/login/")
    for attempt in range(1, limit):
        response = submit_login(page, "frank", f"wrong-{attempt}")
        assert response.status == 200, f"attempt {attempt}: HTTP {response.status}"
        expect(heading(page, "Staff sign in")).to_be_visible()
        form = page.locator("form").filter(has=page.get_by_label("Password"))
        expect(form.get_by_text("Please enter a correct username and password")).to_be_visible()
        expect(page.get_by_label("Username")).to_have_value("frank")
        expect(page.get_by_label("Password")).to_have_value("")
    a11y(page)

    response = submit_login(page, "frank", f"wrong-{limit}")
    assert response.status < 500
    expect(heading(page, "Too many failed sign-ins")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("locked")
    a11y(page)

    # Locked: even the right password is refused, and no session is opened.
    page.goto("/login/")
    response = submit_login(page, "frank", PASSWORD)
    assert response.status < 500
    expect(heading(page, "Too many failed sign-ins")).to_be_visible()
    page.goto("/")
    expect(heading(page, "System of Care Action Planning")).to_be_visible()
    expect(page.get_by_role("link", name="Staff sign in").first).to_be_visible()


def test_participant_magic_link_works_once_then_offers_a_new_one(page: Page, live_server, a11y):
    workshop = make_workshop()
    participant = make_participant(workshop)
    url = link_on(live_server, magic_link_url(participant))

    response = page.goto(url)
    assert response.status == 200
    expect(heading(page, workshop.title)).to_be_visible()
    expect(page.get_by_text("Hello Maria Lopez")).to_be_visible()
    a11y(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue to the workshop").click()

    assert page.url == live_server.url + workshop.get_absolute_url()
    expect(heading(page, workshop.title)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Welcome, Maria Lopez.")
    expect(page.get_by_text("your role: Participant")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
    expect(nav.get_by_role("link", name="Roster")).to_have_count(0)

    # Opened again in the same browser, the used link leads back in.
    page.goto(url)
    expect(heading(page, workshop.title)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("You are already signed in.")

    # The link worked once: opening it again from a fresh browser cannot sign in.
    page.context.clear_cookies()
    response = page.goto(url)
    assert response.status == 400
    expect(heading(page, "This link cannot sign you in")).to_be_visible()
    expect(page.get_by_role("button", name="Continue to the workshop")).to_have_count(0)
    a11y(page)

    page.get_by_label("Your email address").fill(participant.user.email)
    with page.expect_navigation():
        page.get_by_role("button", name="Email me a new link").click()
    expect(heading(page, "Check your email")).to_be_visible()
    expect(page.get_by_text(participant.user.email)).to_be_visible()

    # The emailed link signs in.
    assert [m.to for m in mail.outbox] == [[participant.user.email]]
    new_url = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    use_magic_link(page, link_on(live_server, new_url), workshop)
    expect(page.get_by_text("your role: Participant")).to_be_visible()


def test_outsider_gets_not_found_and_participant_gets_forbidden(page: Page, live_server, a11y):
    tompkins = make_workshop()
    participant = make_participant(tompkins)
    erie = make_workshop("Erie")
    make_staff(erie, "olivia")

    sign_in(page, "olivia")
    expect(page.get_by_role("link", name=erie.title)).to_be_visible()
    expect(page.get_by_role("link", name=tompkins.title)).to_have_count(0)

    response = page.goto(tompkins.get_absolute_url())
    assert response.status == 404
    expect(heading(page, "Page not found")).to_be_visible()
    expect(page.get_by_text(tompkins.title)).to_have_count(0)
    a11y(page)

    page.context.clear_cookies()
    use_magic_link(page, link_on(live_server, magic_link_url(participant)), tompkins)
    response = page.goto(reverse("workshops:roster", args=[tompkins.code]))
    assert response.status == 403
    expect(heading(page, "You cannot do this")).to_be_visible()
    expect(page.get_by_text(participant.user.email)).to_have_count(0)
    a11y(page)


def test_phone_menu_and_skip_link_work_with_the_keyboard(page: Page, live_server):
    workshop = make_workshop()
    make_staff(workshop, "frank")
    page.set_viewport_size(PHONE)
    sign_in(page, "frank")
    page.goto(workshop.get_absolute_url())

    # The skip link is the first Tab stop, shows when focused and moves focus to <main>.
    skip = page.get_by_role("link", name="Skip to main content")
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # The navbar is collapsed behind the menu button, which the keyboard opens.
    nav = page.get_by_role("navigation", name="Main")
    menu = nav.get_by_role("button", name="Menu")
    dashboard = nav.get_by_role("link", name="Dashboard")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(dashboard).to_be_hidden()
    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(dashboard).to_be_visible()
    expect(nav.get_by_role("link", name="Roster")).to_be_visible()
    expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
    dashboard.focus()
    expect(dashboard).to_be_in_viewport()


def test_pages_load_without_csp_violations(page: Page, live_server):
    """With the CSP enforced (no bypass), no page reports a violation and the scripts run."""
    workshop = make_workshop()
    make_staff(workshop, "frank")
    participant = make_participant(workshop)
    violations: list[str] = []

    def on_console(message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            violations.append(f"console {message.type}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: violations.append(f"pageerror: {error}"))
    page.expose_function("reportCspViolation", lambda text: violations.append(text))
    page.add_init_script(
        """document.addEventListener("securitypolicyviolation", (e) => window.reportCspViolation(
          `${location.pathname}: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`
          + ` (${e.sourceFile}:${e.lineNumber})`));"""
    )

    def visit(path: str) -> None:
        response = page.goto(path)
        assert response.headers.get("content-security-policy"), f"no CSP header on {path}"
        page.wait_for_load_state("load")
        ready = page.evaluate("[typeof bootstrap, typeof htmx]")
        assert ready == ["object", "object"], f"{path}: scripts did not run ({ready})"

    visit("/")
    visit("/login/")
    submit_login(page, "frank", PASSWORD)
    expect(heading(page, "My workshops")).to_be_visible()
    visit("/")
    visit(workshop.get_absolute_url())
    page.set_viewport_size(PHONE)
    page.get_by_role("button", name="Menu").click()
    expect(page.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "true")
    visit("/w/00000000-0000-0000-0000-000000000000/")  # the 404 page

    page.context.clear_cookies()
    url = link_on(live_server, magic_link_url(participant))
    visit(url)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue to the workshop").click()
    expect(heading(page, workshop.title)).to_be_visible()
    visit(reverse("workshops:roster", args=[workshop.code]))  # the 403 page
    page.context.clear_cookies()  # signed in, the used link would lead back into the workshop
    visit(url)  # used: the invalid-link page
    page.get_by_label("Your email address").fill(participant.user.email)
    with page.expect_navigation():
        page.get_by_role("button", name="Email me a new link").click()
    expect(heading(page, "Check your email")).to_be_visible()

    assert violations == []

    # The listeners do catch a violation: an inline script is refused, and reported twice.
    page.evaluate(
        "document.body.append(Object.assign(document.createElement('script'),"
        " {textContent: 'window.inlineRan = true'}))"
    )
    assert page.evaluate("window.inlineRan") is None
    for _ in range(40):  # console messages and the exposed function arrive asynchronously
        if len(violations) >= 2:
            break
        page.wait_for_timeout(50)
    assert any(v.startswith("console error:") for v in violations), violations
    assert any(v.startswith("/join/") and "script-src" in v for v in violations), violations
