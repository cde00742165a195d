"""A participant's personal action plan, in real Chromium: on a phone, Maria signs in with her
magic link, starts a relationship from what the map shows is broken, picks two collaboration
strategies with the keyboard alone, shares her plan with Aisha and looks back at it; Aisha
reads it under "Shared with me" from her own browser, and Tom, not chosen, cannot.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Locator, Page, expect

from actionplans.models import PersonalPlan, Relationship
from assessments.models import MapLink, MapNode
from tests.e2e.people import link_on, make_participant, make_workshop
from tests.e2e.test_workshop_journeys import click_and_load, heading, status
from tests.e2e.test_workshop_journeys import watch as watch  # the fixture
from workshops.links import magic_link_url
from workshops.models import Membership, System

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}
MAX_TABS = 80  # how far the keyboard may travel to reach a control


def open_link(page: Page, live_server, membership: Membership) -> None:
    membership.user.refresh_from_db()  # the token signs the last login
    page.goto(link_on(live_server, magic_link_url(membership)))
    click_and_load(page, page.get_by_role("button", name="Continue to the workshop"))


def focused(target: Locator) -> bool:
    return target.evaluate("element => element === document.activeElement")


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until the target has the focus (the keyboard alone, as a person would)."""
    for _ in range(MAX_TABS):
        if focused(target):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}")


def draw_map(maria: Membership) -> None:
    """Maria's agency on the map: broken with probation's diversion program, strong with the
    youth bureau."""
    workshop = maria.workshop
    own = MapNode.objects.create(workshop=workshop, system=maria.system, kind="agency",
                                 label=maria.agency, membership=maria)  # fmt: skip
    probation = MapNode.objects.create(
        workshop=workshop,
        system=System.objects.get(slug="juvenile-justice"),
        label="Probation diversion program",
        provider="County Probation",
    )
    bureau = MapNode.objects.create(
        workshop=workshop, system=System.objects.get(slug="youth"), label="Youth Bureau"
    )
    MapLink.objects.create(workshop=workshop, source=own, target=probation,
                           strength=MapLink.Strength.BROKEN,
                           note="Staff turnover broke the old referral agreement.")  # fmt: skip
    MapLink.objects.create(
        workshop=workshop, source=own, target=bureau, strength=MapLink.Strength.STRONG
    )


def test_a_participant_plans_on_a_phone_and_shares_with_a_colleague(
    page: Page, browser: Browser, live_server, a11y, watch
):
    workshop = make_workshop()
    maria = make_participant(workshop)
    maria.agency = "County Mental Health"
    maria.save()
    aisha = make_participant(workshop, "Aisha", "Khan", system="education")
    make_participant(workshop, "Tom", "Becker", system="juvenile-justice")
    draw_map(maria)
    my_plan = reverse("actionplans:personal", args=[workshop.code])

    # Maria, on her phone: the empty plan explains the exercise and offers the map's start.
    page.set_viewport_size(PHONE)
    open_link(page, live_server, maria)
    page.goto(my_plan)
    expect(heading(page, "My personal action plan")).to_be_visible()
    expect(page.get_by_text("Relationships to improve (0 of 3)")).to_be_visible()
    suggestions = page.get_by_role("region", name="Relationships the map shows are weak or missing")
    expect(
        suggestions.get_by_text("Staff turnover broke the old referral agreement.")
    ).to_be_visible()
    expect(suggestions.get_by_text("Youth Bureau")).to_have_count(0)
    a11y(page)
    click_and_load(
        page, suggestions.get_by_role("link", name="Start from this (Probation diversion program)")
    )

    # The form comes filled from the map; the rest of it with the keyboard alone.
    expect(heading(page, "Add a relationship")).to_be_visible()
    expect(page.get_by_label("Agency or organization")).to_have_value("County Probation")
    expect(page.get_by_role("radio", name="Challenging")).to_be_checked()
    expect(page.get_by_label("What I want to improve")).to_have_value(
        "Staff turnover broke the old referral agreement."
    )
    a11y(page)
    work_together = page.get_by_role("checkbox", name="Work together")
    tab_to(page, work_together)
    page.keyboard.press("Space")
    goals = page.get_by_role("checkbox", name="Set goals and measure success")
    tab_to(page, goals)
    page.keyboard.press("Space")
    expect(work_together).to_be_checked()
    expect(goals).to_be_checked()
    tab_to(page, page.get_by_label("What I will do"))
    page.keyboard.type("Meet the probation supervisor and renew the referral agreement.")
    tab_to(page, page.get_by_label("How I will know I succeeded"))
    page.keyboard.type("Youth on diversion are seen within two weeks.")
    tab_to(page, page.get_by_role("button", name="Add to my plan"))
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(status(page)).to_contain_text("Added: County Probation")
    card = page.get_by_role("article", name="1. County Probation")
    expect(card.get_by_text("On the map: Probation diversion program")).to_be_visible()
    expect(card.get_by_role("listitem")).to_have_text(
        ["Work together", "Set goals and measure success"]
    )
    expect(page.get_by_text("Relationships to improve (1 of 3)")).to_be_visible()
    a11y(page)
    relationship = Relationship.objects.get()
    assert relationship.strategies == ["work_together", "goals"]

    # She shares it with Aisha, and only with her.
    click_and_load(page, page.get_by_role("link", name="Share with colleagues"))
    expect(heading(page, "Share my plan with colleagues")).to_be_visible()
    a11y(page)
    page.get_by_role("checkbox", name="Aisha Khan").check()
    click_and_load(page, page.get_by_role("button", name="Save who can read it"))
    expect(status(page)).to_contain_text("Your plan is shared with Aisha Khan.")
    plan = PersonalPlan.objects.get(membership=maria)
    assert list(plan.shared_with.all()) == [aisha]

    # Later, she looks back at it.
    click_and_load(page, page.get_by_role("link", name="Review my plan"))
    expect(heading(page, "Review my plan")).to_be_visible()
    a11y(page)
    part = page.get_by_role("group", name="1. County Probation")
    part.get_by_role("radio", name="Partly achieved").check()
    part.get_by_label("Notes").fill("The agreement is drafted, not signed yet.")
    click_and_load(page, page.get_by_role("button", name="Save my review"))
    expect(status(page)).to_contain_text("Your review is saved.")
    expect(card.get_by_text("Partly achieved")).to_be_visible()

    # Aisha, in her own browser: Maria's plan under "Shared with me", to read.
    desk = browser.new_context(base_url=live_server.url)
    other = desk.new_page()
    watch.attach(other)
    open_link(other, live_server, aisha)
    other.goto(my_plan)
    shared = other.get_by_role("region", name="Shared with me")
    expect(shared.get_by_text("1 relationship")).to_be_visible()
    click_and_load(other, shared.get_by_role("link", name="Maria Lopez"))
    expect(heading(other, "Personal action plan of Maria Lopez")).to_be_visible()
    card = other.get_by_role("article", name="1. County Probation")
    expect(card.get_by_text("Meet the probation supervisor")).to_be_visible()
    expect(card.get_by_text("The agreement is drafted, not signed yet.")).to_be_visible()
    expect(card.get_by_role("link")).to_have_count(0)  # read-only
    a11y(other)
    shared_url = other.url
    desk.close()

    # Tom, whom she did not share it with, finds nothing there.
    tom = Membership.objects.get(user__first_name="Tom")
    third = browser.new_context(base_url=live_server.url).new_page()
    open_link(third, live_server, tom)
    response = third.goto(shared_url)
    assert response is not None and response.status == 404
    third.context.close()
