"""The system of care map in a live session, in real Chromium.

The facilitator runs the mapping item and edits the map; a participant follows on the live
screen without reloading, and suggests a service that reaches the facilitator's editor.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from assessments.models import MapLink, MapNode, Proposal
from tests.e2e.people import link_on, make_participant, make_staff, make_workshop
from tests.e2e.test_workshop_journeys import (
    click_and_load,
    heading,
    schedule_virtual,
    sign_in,
)
from tests.e2e.test_workshop_journeys import watch as watch  # the fixture
from workshops.links import magic_link_url
from workshops.models import Activity

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LIVE_UPDATE_MS = 6000  # screens poll every 2 to 3 s


def test_map_edits_reach_the_room_and_suggestions_reach_the_facilitator(
    page: Page, browser: Browser, live_server, a11y, watch
):
    workshop = make_workshop()
    make_staff(workshop, "frank")
    participant = make_participant(workshop)
    schedule_virtual(workshop)
    session = next(
        s for s in workshop.sessions.all() if s.agenda.filter(activity=Activity.MAPPING).exists()
    )
    mapping = session.agenda.get(activity=Activity.MAPPING)
    MapNode.objects.create(
        workshop=workshop,
        system_id=participant.system_id,
        label="Family & Children's Services clinic",
        status=MapNode.Status.STRENGTH,
    )

    # The participant follows the live screen on their phone-sized browser.
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    try:
        phone = context.new_page()
        watch.attach(phone)
        phone.goto(link_on(live_server, magic_link_url(participant)))
        click_and_load(phone, phone.get_by_role("button", name="Continue to the workshop"))
        phone.goto(reverse("workshops:live", args=[workshop.code]))
        screen = phone.locator("#live-screen")
        expect(screen).to_contain_text("No session is live right now")
        phone.evaluate("window.__marker = 1")

        # The facilitator starts the session and shows the mapping item.
        sign_in(page, "frank")
        page.goto(reverse("workshops:runner", args=[workshop.code, session.number]))
        click_and_load(page, page.get_by_role("button", name="Start the session"))
        click_and_load(page, page.get_by_role("button", name=f"Show {mapping.display_title}"))
        expect(screen.get_by_role("heading", name=mapping.display_title)).to_be_visible(
            timeout=LIVE_UPDATE_MS
        )
        expect(screen).to_contain_text("Family & Children's Services clinic")
        a11y(phone)

        # In the map editor the facilitator adds a gap and a broken link.
        click_and_load(page, page.get_by_role("link", name="Open the map editor"))
        expect(heading(page, "System of care map")).to_be_visible()
        add = page.locator("#map-node-new")
        add.get_by_label("Name").fill("Crisis respite beds")
        add.get_by_label("System").select_option(label="Crisis")
        add.get_by_label("Status").select_option(label="Gap")
        add.get_by_role("button", name="Add to the map").click()
        expect(page.locator("#map-node-new")).to_contain_text("Crisis respite beds")
        link = page.locator("#map-link-new")
        expect(link.get_by_label("To")).to_contain_text("Crisis respite beds")
        link.get_by_label("From").select_option(label="Family & Children's Services clinic")
        link.get_by_label("To").select_option(label="Crisis respite beds")
        link.get_by_label("Strength of the link").select_option(label="Strained or broken")
        link.get_by_label("Note").fill("No after-hours referral path")
        link.get_by_role("button", name="Link them").click()
        expect(page.locator("#map-link-new")).to_contain_text("Crisis respite beds")
        a11y(page)

        # Both reach the participant's screen without a reload.
        expect(screen.locator("table.map-nodes")).to_contain_text(
            "Crisis respite beds", timeout=LIVE_UPDATE_MS
        )
        expect(screen.locator("table.map-links")).to_contain_text("Strained or broken")
        expect(screen.locator("table.map-links")).to_contain_text("No after-hours referral path")
        expect(screen.locator("svg[role=img]").first).to_contain_text("Crisis respite beds")
        assert phone.evaluate("window.__marker") == 1

        # The participant suggests a service; it reaches the facilitator's editor.
        click_and_load(phone, phone.get_by_role("link", name="Suggest a service or a link"))
        suggest = phone.locator("#map-node-new")
        suggest.get_by_label("Name").fill("Youth peer mentoring")
        suggest.get_by_label("System").select_option(label="Youth")
        suggest.get_by_label("Status").select_option(label="Gap")
        suggest.get_by_role("button", name="Send the suggestion").click()
        expect(phone.locator("#map-suggestions")).to_contain_text("Youth peer mentoring")
        a11y(phone)

        review = page.locator("#map-suggestions")
        expect(review).to_contain_text("Youth peer mentoring", timeout=LIVE_UPDATE_MS)
        expect(review).to_contain_text("Suggested by Maria Lopez")
        review.get_by_role("button", name="Accept Youth peer mentoring").click()
        expect(page.locator("#map-live table.map-nodes")).to_contain_text(
            "Youth peer mentoring", timeout=LIVE_UPDATE_MS
        )
        expect(phone.locator("#map-live table.map-nodes")).to_contain_text(
            "Youth peer mentoring", timeout=LIVE_UPDATE_MS
        )
    finally:
        context.close()

    gap = MapNode.objects.get(workshop=workshop, label="Crisis respite beds")
    assert gap.status == MapNode.Status.GAP and gap.system.name == "Crisis"
    broken = MapLink.objects.get(workshop=workshop)
    assert broken.strength == MapLink.Strength.BROKEN
    assert {broken.source_id, broken.target_id} >= {gap.pk}
    suggested = MapNode.objects.get(workshop=workshop, label="Youth peer mentoring")
    assert suggested.proposal == Proposal.ACCEPTED and suggested.suggested_by == participant
