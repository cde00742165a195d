from django.contrib.admin.sites import site
from django.test import RequestFactory

from assessments.instruments import new_version, survey_for
from assessments.models import Instrument, Metric, Question, Section
from tests.factories import UserFactory


def test_it_loads_the_default_instrument(db):
    instrument = Instrument.latest()
    assert instrument.version == 1
    purposes = list(
        Question.objects.filter(section__instrument=instrument).values_list("purpose", flat=True)
    )
    assert purposes.count(Question.Purpose.PRINCIPLE) == 8
    assert purposes.count(Question.Purpose.DOMAIN) == 9
    matrix = Question.objects.get(section__instrument=instrument, kind=Question.Kind.SYSTEM_MATRIX)
    assert [o["value"] for o in matrix.options] == ["availability", "accessibility", "coordination"]
    assert all(q.text_es for q in Question.objects.filter(section__instrument=instrument))


def test_it_loads_the_default_data_table_rows(db):
    total = Metric.objects.get(key="served-total")
    assert set(total.parts.values_list("key", flat=True)) == {
        "served-0-5",
        "served-6-11",
        "served-12-17",
        "served-18-21",
    }
    assert Metric.objects.count() == 10


def test_it_opens_a_workshop_survey_on_the_latest_version(cast):
    survey = survey_for(cast.workshop)
    assert survey.instrument == Instrument.latest()
    assert survey_for(cast.workshop) == survey
    assert survey.instrument.is_frozen


def test_it_copies_an_instrument_into_a_new_version(cast):
    used = survey_for(cast.workshop).instrument
    copy = new_version(used)
    assert copy.version == 2
    assert Instrument.latest() == copy
    assert not copy.is_frozen
    assert Section.objects.filter(instrument=copy).count() == used.sections.count()
    assert Question.objects.filter(section__instrument=copy).count() == 23
    assert survey_for(cast.workshop).instrument == used  # the workshop keeps its version


def test_it_freezes_instruments_in_use_in_the_admin(cast):
    request = RequestFactory().get("/")
    request.user = UserFactory(is_superuser=True, is_staff=True)
    instrument = survey_for(cast.workshop).instrument
    instrument_admin = site._registry[Instrument]
    section_admin = site._registry[Section]
    assert not instrument_admin.has_change_permission(request, instrument)
    assert not section_admin.has_change_permission(request, instrument.sections.first())
    draft = new_version(instrument)
    assert instrument_admin.has_change_permission(request, draft)
    assert section_admin.has_change_permission(request, draft.sections.first())


def test_it_lets_the_state_team_edit_instruments_in_the_admin(client, db):
    from io import StringIO

    from django.core.management import call_command

    call_command("seed_demo", stdout=StringIO())
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="reviewer"))
    assert client.get("/admin/assessments/instrument/").status_code == 200
    assert client.get("/admin/assessments/metric/").status_code == 200
    assert client.get("/admin/workshops/workshop/").status_code == 403
