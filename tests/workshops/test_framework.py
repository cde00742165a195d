from django.urls import reverse

from tests.conftest import sign_in
from workshops.models import FrameworkSection

URL = reverse("framework")


def formset_data(sections, extra=None) -> dict:
    data = {
        "form-TOTAL_FORMS": str(len(sections) + (1 if extra else 0)),
        "form-INITIAL_FORMS": str(len(sections)),
    }
    rows = [(s.pk, s.order, s.title, s.body) for s in sections]
    if extra:
        rows.append(("", *extra))
    for i, (pk, order, title, body) in enumerate(rows):
        data |= {f"form-{i}-id": pk, f"form-{i}-order": order, f"form-{i}-title": title,
                 f"form-{i}-body": body}  # fmt: skip
    return data


def test_it_shows_the_seeded_sections_to_the_state_team(client, cast):
    sign_in(client, cast.reviewer)
    response = client.get(URL)
    assert response.status_code == 200
    assert b"Core values and principles" in response.content


def test_it_saves_edits_and_new_sections(client, cast):
    sign_in(client, cast.reviewer)
    sections = list(FrameworkSection.objects.all())
    data = formset_data(sections, extra=(9, "Our county's story", "- Started in 2019"))
    data["form-0-title"] = "What a system of care is (edited)"
    response = client.post(URL, data)
    assert response.status_code == 302
    titles = list(FrameworkSection.objects.values_list("title", flat=True))
    assert titles[0] == "What a system of care is (edited)"
    assert titles[-1] == "Our county's story"


def test_it_explains_a_missing_title(client, cast):
    sign_in(client, cast.reviewer)
    sections = list(FrameworkSection.objects.all())
    data = formset_data(sections)
    data["form-1-title"] = ""
    response = client.post(URL, data)
    assert response.status_code == 200
    assert b"This field is required" in response.content
    assert FrameworkSection.objects.filter(title="Core values and principles").exists()


def test_it_is_for_the_state_team_only(client, cast):
    for person in [cast.facilitator.user, cast.committee.user]:
        sign_in(client, person)
        assert client.get(URL).status_code == 403
        assert client.post(URL, {}).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302
