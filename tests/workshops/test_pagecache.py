"""The page cache (workshops/pagecache.py): kept while nothing changed, new after any change,
never one person's page for another."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans import documents
from actionplans.models import PlanDocument
from assessments.models import Response
from tests.conftest import sign_in
from tests.factories import plan_tree
from tests.workshops.test_workshop import new_data
from workshops import pagecache
from workshops.models import Workshop

pytestmark = pytest.mark.page_cache


def dashboard_url(cast) -> str:
    return reverse("workshops:detail", args=[cast.workshop.code])


def warm(client: Client, url: str):
    """The first visit sets the CSRF cookie (not kept without one); the second is kept."""
    client.get(url)
    response = client.get(url)
    assert response.status_code == 200
    assert response[pagecache.HIT_HEADER] == "miss"
    return response


def test_a_page_is_served_again_with_fewer_queries(client, cast):
    sign_in(client, cast.facilitator.user)
    url = dashboard_url(cast)
    first = warm(client, url)
    with CaptureQueriesContext(connection) as rendered:
        client.get(url + "?again=1")  # another key: rendered
    with CaptureQueriesContext(connection) as served:
        again = client.get(url)
    assert again[pagecache.HIT_HEADER] == "hit"
    assert again.content == first.content
    assert len(served) < len(rendered)


def test_a_change_through_the_app_shows_at_once(client, cast, django_capture_on_commit_callbacks):
    sign_in(client, cast.reviewer)
    url = dashboard_url(cast)
    warm(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        edited = client.post(
            reverse("workshops:edit", args=[cast.workshop.code]), new_data(title="Renamed")
        )
    assert edited.status_code == 302
    shown = client.get(url)  # with the "saved" message: rendered, not kept
    assert b"Renamed" in shown.content
    assert pagecache.HIT_HEADER not in shown
    again = client.get(url)
    assert again[pagecache.HIT_HEADER] == "miss"
    assert b"Renamed" in again.content


def test_a_change_the_app_was_not_told_of_waits_for_the_time_limit(client, cast, settings):
    sign_in(client, cast.facilitator.user)
    url = dashboard_url(cast)
    warm(client, url)
    Workshop.objects.filter(pk=cast.workshop.pk).update(title="Changed in the admin")
    assert b"Changed in the admin" not in client.get(url).content
    settings.PAGE_CACHE_SECONDS = 0
    assert b"Changed in the admin" in client.get(url).content


def test_each_person_has_their_own_copy(cast):
    facilitator = sign_in(Client(), cast.facilitator.user)
    committee = sign_in(Client(), cast.committee.user)
    url = reverse("actionplans:voting", args=[cast.workshop.code])
    warm(facilitator, url)
    theirs = warm(committee, url)  # not the facilitator's copy
    token = committee.cookies["csrftoken"].value
    assert facilitator.cookies["csrftoken"].value != token
    assert committee.get(url)[pagecache.HIT_HEADER] == "hit"
    assert theirs.status_code == 200


def test_a_page_is_not_kept_for_a_caller_without_a_csrf_cookie(client, cast):
    sign_in(client, cast.facilitator.user)
    url = dashboard_url(cast)
    assert pagecache.HIT_HEADER not in client.get(url)  # its forms' token sets the cookie
    assert client.get(url)[pagecache.HIT_HEADER] == "miss"


def test_an_outsider_is_refused_before_the_cache(client, cast):
    url = dashboard_url(cast)
    warm(sign_in(Client(), cast.facilitator.user), url)
    assert sign_in(client, cast.outsider.user).get(url).status_code == 404


@pytest.mark.parametrize(
    ("who", "page"),
    [("facilitator", "workshop"), ("participant", "workshop"), ("reviewer", "workshop"),
     ("reviewer", "state")],
)  # fmt: skip
def test_a_page_served_again_reads_only_the_session_the_user_and_their_access(
    client, cast, who, page
):
    sign_in(client, cast.user(who), cast.workshop)
    url = dashboard_url(cast) if page == "workshop" else reverse("state:dashboard", args=["NY"])
    warm(client, url)
    with CaptureQueriesContext(connection) as served:
        assert client.get(url)[pagecache.HIT_HEADER] == "hit"
    assert len(served) == 3, [query["sql"][:80] for query in served]


def test_the_state_dashboard_follows_a_change_in_any_county(
    client, cast, django_capture_on_commit_callbacks
):
    sign_in(client, cast.reviewer)
    url = reverse("state:dashboard", args=["NY"])
    warm(client, url)
    assert client.get(url)[pagecache.HIT_HEADER] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.touch(cast.workshop.pk)
    assert client.get(url)[pagecache.HIT_HEADER] == "miss"


def test_a_pdf_made_in_the_background_shows_on_the_plan(
    client, cast, django_capture_on_commit_callbacks
):
    plan = plan_tree(cast.workshop).plan
    document = PlanDocument.objects.create(plan=plan, content_at=plan.changed_at)
    sign_in(client, cast.facilitator.user)
    url = reverse("actionplans:plan", args=[cast.workshop.code])
    warm(client, url)
    before = Workshop.objects.get(pk=cast.workshop.pk).content_changed_at
    with django_capture_on_commit_callbacks(execute=True):
        claimed = documents.claim(document.pk)
    assert claimed is not None
    assert Workshop.objects.get(pk=cast.workshop.pk).content_changed_at > before
    assert client.get(url)[pagecache.HIT_HEADER] == "miss"


def test_a_survey_section_is_kept_until_the_participant_saves(
    client, cast, django_capture_on_commit_callbacks
):
    participant = cast.participant
    sign_in(client, participant.user, cast.workshop)
    second = reverse("assessments:survey_section", args=[cast.workshop.code, 2])
    warm(client, second)
    assert client.get(second)[pagecache.HIT_HEADER] == "hit"
    # Where "Continue" takes them is noted when a section is rendered (not when served again).
    assert Response.objects.get(membership=participant).last_section == 2
    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(second, {"section": "2"})
    assert saved.status_code in (200, 302)
    assert client.get(second)[pagecache.HIT_HEADER] == "miss"


def test_no_cache_when_turned_off(client, cast, settings):
    settings.PAGE_CACHE_SECONDS = 0
    sign_in(client, cast.facilitator.user)
    url = dashboard_url(cast)
    client.get(url)
    assert pagecache.HIT_HEADER not in client.get(url)


def test_a_plan_made_by_its_first_view_shows_on_the_state_dashboard(
    client, cast, django_capture_on_commit_callbacks
):
    sign_in(client, cast.reviewer)
    state = reverse("state:dashboard", args=["NY"])
    warm(client, state)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("actionplans:plan", args=[cast.workshop.code]))
    assert cast.workshop.plans.count() == 1
    assert client.get(state)[pagecache.HIT_HEADER] == "miss"
