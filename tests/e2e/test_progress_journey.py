"""Implementation tracking in real Chromium: a participant who leads an action step, on a
phone, posts its progress and a reading of the objective's measure; the facilitator's
dashboard and progress page show the change.
"""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from actionplans.models import ActionStep, MeasureReading
from tests.e2e.people import link_on, make_participant, make_staff, make_workshop
from tests.e2e.test_workshop_journeys import click_and_load, heading, sign_in
from tests.e2e.test_workshop_journeys import watch as watch  # the fixture
from tests.factories import plan_tree
from workshops.links import magic_link_url
from workshops.models import Workshop

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}
NOTE = "The hospital signed the rota: nights and weekends are covered from March."


def messages(page: Page):
    return page.locator(".messages[role=status]")


def test_a_lead_posts_progress_and_a_reading_and_the_dashboards_follow(
    page: Page, browser: Browser, live_server, a11y, watch
):
    workshop = make_workshop()
    workshop.stage = Workshop.Stage.IMPLEMENT
    workshop.save()
    make_staff(workshop, "frank")
    maria = make_participant(workshop)
    tree = plan_tree(workshop)
    ActionStep.objects.filter(pk=tree.step.pk).update(lead_member=maria)
    page.emulate_media(reduced_motion="reduce")

    # Maria opens her link on her phone and goes from the dashboard to the plan's progress.
    phone_context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, reduced_motion="reduce"
    )
    phone = phone_context.new_page()
    watch.attach(phone)
    try:
        phone.goto(link_on(live_server, magic_link_url(maria)))
        click_and_load(phone, phone.get_by_role("button", name="Continue to the workshop"))
        card = phone.locator(".dashboard-progress")
        expect(card).to_contain_text("0 of 1 action step done (0%)")
        expect(card).to_contain_text("Measures: 0 on track, 0 behind, 0 at risk")
        click_and_load(phone, card.get_by_role("link", name="See the progress"))
        expect(heading(phone, "Progress of the action plan")).to_be_visible()
        mine = phone.get_by_role("region", name="The steps you lead")
        expect(mine).to_contain_text("Step 1")
        expect(mine).to_contain_text("No progress posted yet.")
        a11y(phone)

        # She posts progress: done, today, with a note.
        click_and_load(
            phone, mine.get_by_role("link", name=re.compile(r"^Post progress\W+Step 1$"))
        )
        expect(heading(phone, "Post progress")).to_be_visible()
        expect(phone.get_by_label("Date", exact=True)).to_have_value(
            timezone.localdate().isoformat()
        )
        a11y(phone)
        phone.get_by_role("radio", name="Done").check()
        phone.get_by_label("What happened").fill(NOTE)
        click_and_load(phone, phone.get_by_role("button", name="Post progress"))
        expect(messages(phone)).to_contain_text("Progress posted: Step 1 — Done.")
        mine = phone.get_by_role("region", name="The steps you lead")
        expect(mine).to_contain_text("Latest update: Done on")
        expect(mine).to_contain_text(NOTE)
        expect(phone.locator(".progress-total")).to_contain_text("1 of 1 action step done")

        # Then a reading of the objective's measure: first without a date, then right.
        click_and_load(
            phone, phone.get_by_role("link", name=re.compile(r"^Add a reading\W+Measure 1$"))
        )
        expect(heading(phone, "Measure 1")).to_be_visible()
        expect(phone.locator("figure svg[role=img]")).to_be_visible()
        a11y(phone)
        form = phone.locator("#reading-form")
        form.get_by_label("Date", exact=True).fill("")
        form.get_by_label("Value").fill("12")
        click_and_load(phone, form.get_by_role("button", name="Add the reading"))
        form = phone.locator("#reading-form")
        expect(form).to_contain_text("The reading is not saved yet")
        expect(form).to_contain_text("Give the date of the reading.")
        a11y(phone)
        form.get_by_label("Date", exact=True).fill(timezone.localdate().isoformat())
        click_and_load(phone, form.get_by_role("button", name="Add the reading"))
        expect(messages(phone)).to_contain_text("Reading added: Measure 1.")
        expect(phone.get_by_role("region", name="How it stands")).to_contain_text("On track")
        expect(phone.locator(".measure-table")).to_contain_text("12 families")
    finally:
        phone_context.close()
    assert MeasureReading.objects.get().author == maria.user

    # The facilitator's dashboard and progress page show it.
    sign_in(page, "frank")
    page.goto(reverse("workshops:detail", args=[workshop.code]))
    card = page.locator(".dashboard-progress")
    expect(card).to_contain_text("1 of 1 action step done (100%)")
    expect(card).to_contain_text("Measures: 1 on track, 0 behind, 0 at risk")
    a11y(page)
    click_and_load(page, card.get_by_role("link", name="See the progress"))
    every = page.get_by_role("region", name="Every action step")
    expect(every).to_contain_text("Latest update: Done on")
    expect(every).to_contain_text(f"by {maria.user.get_full_name()}")
    measures = page.get_by_role("region", name="Measures: how will we know we are making progress?")
    expect(measures.locator(".measure-standing")).to_have_text("✓ On track")
    a11y(page)
