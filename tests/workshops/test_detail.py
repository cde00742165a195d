from tests.conftest import sign_in
from tests.factories import ParticipantFactory


def test_it_shows_the_stage_and_people(client, cast):
    sign_in(client, cast.committee.user)
    response = client.get(cast.workshop.get_absolute_url())
    assert response.status_code == 200
    assert b'aria-current="step"' in response.content
    assert response.context["counts"] == {"facilitator": 1, "committee": 1, "participant": 1}
    assert b"Committee member" in response.content


def test_it_hides_preparation_links_from_participants(client, cast):
    sign_in(client, cast.participant.user, cast.workshop)
    response = client.get(cast.workshop.get_absolute_url())
    assert b"/people/" not in response.content


def test_it_keeps_a_fixed_query_count(client, cast, django_assert_max_num_queries):
    sign_in(client, cast.facilitator.user)
    ParticipantFactory.create_batch(10, workshop=cast.workshop)
    with django_assert_max_num_queries(8):
        client.get(cast.workshop.get_absolute_url())
