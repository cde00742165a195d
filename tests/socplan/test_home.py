from django.urls import reverse

from tests.conftest import sign_in
from tests.factories import ParticipantFactory, WorkshopFactory, county


def test_it_welcomes_visitors(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert b"Staff sign in" in response.content


def test_it_lists_my_workshops(client, cast):
    sign_in(client, cast.facilitator.user)
    response = client.get(reverse("home"))
    assert list(response.context["workshops"]) == [cast.workshop]


def test_it_lists_the_state_for_reviewers(client, cast):
    sign_in(client, cast.reviewer)
    titles = {w.title for w in client.get(reverse("home")).context["workshops"]}
    assert titles == {"Tompkins SOC Workshop", "Erie SOC Workshop"}


def test_it_shows_nothing_of_other_states(client, cast):
    sign_in(client, cast.other_reviewer)
    response = client.get(reverse("home"))
    assert list(response.context["workshops"]) == []
    assert b"not part of any workshop yet" in response.content


def test_it_keeps_a_fixed_query_count(client, cast, django_assert_max_num_queries):
    sign_in(client, cast.reviewer)
    for name in ["Albany", "Bronx", "Broome", "Cayuga", "Essex"]:
        WorkshopFactory(county=county(name))
    with django_assert_max_num_queries(6):
        client.get(reverse("home"))


def test_a_participant_gets_links_only_to_the_workshops_whose_email_link_they_used(client, cast):
    other = WorkshopFactory(title="Tompkins 2025 workshop", cycle=2025)
    ParticipantFactory(workshop=other, user=cast.participant.user)
    sign_in(client, cast.participant.user, cast.workshop)
    page = client.get(reverse("home")).text
    assert f'href="{cast.workshop.get_absolute_url()}"' in page
    assert "Tompkins 2025 workshop" in page
    assert f'href="{other.get_absolute_url()}"' not in page  # it would answer 404 until then
    assert "Open it with the link in its invitation email." in page
