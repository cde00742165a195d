"""A participant answers the survey on a phone, in real Chromium: autosave, resume, submit.

The data a journey does not create through the pages is created with the ORM and committed
(transactional database): the live server runs in another thread and only sees committed rows.
"""

import re

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, expect

from assessments.models import DONT_KNOW, Answer, Instrument, Question, Response
from tests.e2e.people import make_participant, make_staff, make_workshop
from tests.e2e.test_auth_journeys import sign_in
from workshops.links import magic_link_url
from workshops.models import Membership

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}
DIMENSIONS = ["Availability", "Accessibility", "Coordination with other systems"]


def open_link(page: Page, live_server, membership: Membership) -> None:
    """Sign in with a fresh magic link (each works once), pointed at this live server."""
    membership.user.refresh_from_db()  # the token signs the last login, which sign-ins change
    url = magic_link_url(membership)
    page.goto(live_server.url + url.removeprefix(settings.SITE_URL))
    with page.expect_navigation():
        page.get_by_role("button", name="Continue to the workshop").click()


def question(key: str) -> Question:
    return Question.objects.get(section__instrument=Instrument.latest(), key=key)


def group(page: Page, key: str):
    return page.get_by_role("group", name=question(key).text)


def rate(page: Page, key: str, label: str) -> None:
    """Click a scale answer and wait for the server's "Saved" next to the question."""
    box = group(page, key)
    box.get_by_role("radio", name=label, exact=True).check()
    expect(box.locator(".answer-status")).to_contain_text("Saved")


def next_section(page: Page, button: str = "Save and continue", role: str = "button") -> None:
    with page.expect_navigation():
        page.get_by_role(role, name=button).click()


def test_participant_answers_on_a_phone_leaves_half_way_and_finishes(
    browser: Browser, live_server, a11y
):
    workshop = make_workshop()
    maria = make_participant(workshop)
    survey_url = f"{live_server.url}/w/{workshop.code}/survey/"

    phone = browser.new_context(viewport=PHONE)
    page = phone.new_page()
    open_link(page, live_server, maria)
    page.goto(survey_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Local Infrastructure Self-Assessment Survey"
    )
    a11y(page)
    # Wait for the page's load (htmx included) before answering, as next_section() does.
    next_section(page, "Start the survey", role="link")

    # Section 1: a select (13 systems) and radios, each saved as it is chosen.
    expect(page.get_by_text("Section 1 of 5")).to_be_visible()
    page.get_by_label("Which system do you represent?").select_option(label="Youth")
    expect(page.locator(f"#status-q{question('system').pk}")).to_contain_text("Saved")
    group(page, "role").get_by_role("radio", name="Family member or caregiver").check()
    expect(page.locator(f"#status-q{question('role').pk}")).to_contain_text("Saved")
    a11y(page)
    next_section(page)

    # Section 2, part of it: then the page is closed without any "continue".
    expect(page.get_by_text("Section 2 of 5")).to_be_visible()
    rate(page, "child-family", "4 Agree")
    rate(page, "youth-guided", "Don't know")
    rate(page, "collaboration", "2 Disagree")
    a11y(page)
    page.close()
    phone.close()

    answers = Answer.objects.filter(response__membership=maria)
    assert answers.count() == 5
    assert answers.get(question__key="youth-guided").value_int == DONT_KNOW

    # Back with a new link, in a fresh browser: every answer kept, resume at section 2.
    phone = browser.new_context(viewport=PHONE)
    page = phone.new_page()
    open_link(page, live_server, maria)
    page.goto(survey_url)
    next_section(page, "Continue at section 2", role="link")
    expect(page.get_by_text("Section 2 of 5")).to_be_visible()
    expect(group(page, "child-family").get_by_role("radio", name="4 Agree")).to_be_checked()
    expect(group(page, "youth-guided").get_by_role("radio", name="Don't know")).to_be_checked()
    expect(group(page, "collaboration").get_by_role("radio", name="2 Disagree")).to_be_checked()
    next_section(page, "Previous section", role="link")
    expect(page.get_by_label("Which system do you represent?")).to_have_value("youth")
    expect(
        group(page, "role").get_by_role("radio", name="Family member or caregiver")
    ).to_be_checked()
    next_section(page)

    for key in ["strength-based", "cultural", "community-based", "family-participation",
                "shared-responsibility"]:  # fmt: skip
        rate(page, key, "3 Neither agree nor disagree")
    next_section(page)

    expect(page.get_by_text("Section 3 of 5")).to_be_visible()
    for key in ["planning", "governance", "system-management", "service-array", "communication",
                "policy", "financing", "cqi", "workforce"]:  # fmt: skip
        rate(page, key, "2 Slightly developed")
    next_section(page)

    # Part C: one system rated, with a comment; the others left "Not rated".
    expect(page.get_by_text("Section 4 of 5")).to_be_visible()
    crisis = page.get_by_role("group", name="Crisis", exact=True)
    for dimension in DIMENSIONS:
        crisis.get_by_role("group", name=dimension).get_by_role("radio", name="2").check()
        expect(crisis.locator(".answer-status")).to_contain_text("Saved")
    crisis.get_by_label("Comment on Crisis (optional)").fill("No mobile team after 5 pm.")
    expect(crisis.locator(".answer-status")).to_contain_text("Saved")
    a11y(page)
    next_section(page)

    expect(page.get_by_text("Section 5 of 5")).to_be_visible()
    page.get_by_label("What are we worried about?").fill("Waitlists of two months.")
    expect(page.locator(f"#status-q{question('challenges').pk}")).to_contain_text("Saved")
    next_section(page, "Save and review")

    expect(page.get_by_role("heading", level=1, name="Review your answers")).to_be_visible()
    expect(page.get_by_text("Waitlists of two months.")).to_be_visible()
    expect(page.get_by_text("No mobile team after 5 pm.")).to_be_visible()
    a11y(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("status")).to_contain_text("your survey is submitted")
    expect(page.get_by_text("You submitted your answers on")).to_be_visible()
    response = Response.objects.get(membership=maria)
    assert response.submitted_at is not None
    assert response.answers.count() == 2 + 8 + 9 + 4 + 1

    # The facilitator, on a desktop, sees the completion and the results with this response.
    desk = browser.new_context(base_url=live_server.url)
    staff = desk.new_page()
    make_staff(workshop, "frank")
    sign_in(staff, "frank")
    staff.goto(f"/w/{workshop.code}/assessment/")
    expect(staff.locator(".completion-summary")).to_contain_text("1 of 1 submitted the survey")
    staff.goto(f"/w/{workshop.code}/results/")
    expect(staff.locator(".lead").first).to_contain_text("1 of the 1 participant submitted")
    a11y(staff)
    desk.close()

    # The participant switches to Spanish from the menu.
    page.get_by_role("button", name="Menu").click()
    menu = page.locator("#main-nav")
    expect(menu).to_have_class(re.compile(r"\bshow\b"))  # open, no longer sliding open
    menu.get_by_label("Language").select_option("es")
    with page.expect_navigation():
        menu.get_by_role("button", name="Change language").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Encuesta de autoevaluación de la infraestructura local"
    )
    page.get_by_role("link", name="Revisar y enviar").click()
    expect(page.get_by_role("heading", level=1, name="Revise sus respuestas")).to_be_visible()
    expect(
        page.get_by_role("heading", name="2. Parte A: valores y principios del sistema de atención")
    ).to_be_visible()
    a11y(page)
    phone.close()


def test_a_lost_autosave_is_retried_and_a_dead_connection_is_shown(
    browser: Browser, live_server, a11y
):
    workshop = make_workshop()
    maria = make_participant(workshop)
    context = browser.new_context()
    page = context.new_page()
    open_link(page, live_server, maria)
    page.goto(f"{live_server.url}/w/{workshop.code}/survey/3/")
    lost = []

    def lose_first(route):
        if not lost:
            lost.append(route.request.post_data)
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route("**/survey/answer/", lose_first)
    rate(page, "planning", "4 Well developed")  # saved by the retry after the lost request
    assert lost == [f"q{question('planning').pk}=4"]
    assert Answer.objects.get(question__key="planning").value_int == 4

    page.unroute("**/survey/answer/")
    page.route("**/survey/answer/", lambda route: route.abort("internetdisconnected"))
    box = group(page, "policy")
    box.get_by_role("radio", name="5 Fully developed").check()
    expect(box.locator(".answer-status")).to_contain_text("Not saved — retrying…")
    expect(box.locator(".answer-status")).to_contain_text(
        "Not saved: check your connection", timeout=20_000
    )
    expect(page.locator(".survey-unsaved")).to_have_text("Answers not saved yet: 1")
    assert not Answer.objects.filter(question__key="policy").exists()

    # Back online: the answer is sent again.
    page.unroute("**/survey/answer/")
    context.set_offline(True)
    context.set_offline(False)
    expect(box.locator(".answer-status")).to_contain_text("Saved")
    expect(page.locator(".survey-unsaved")).to_have_text("")
    assert Answer.objects.get(question__key="policy").value_int == 5
    a11y(page)
    context.close()
