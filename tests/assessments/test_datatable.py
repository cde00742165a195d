"""The Administrative Data Table: a participant's row, rows filled on someone's behalf,
validation, the whole table with its totals, and the totals themselves."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from assessments import datatable
from assessments.models import DataRow, DataValue, Metric
from tests.conftest import sign_in
from tests.factories import ParticipantFactory, system
from workshops.models import System

# A valid row of the default metrics (bands add up to 120).
FIGURES = {
    "served-total": "120",
    "served-0-5": "20",
    "served-6-11": "40",
    "served-12-17": "50",
    "served-18-21": "10",
    "new-referrals": "85",
    "waitlist": "12",
    "days-to-service": "14.5",
    "out-of-county": "3",
    "vacancy-rate": "8.5",
}


def url(cast, name: str, **kwargs) -> str:
    return reverse(f"assessments:{name}", kwargs={"code": cast.workshop.code, **kwargs})


def metric(key: str) -> Metric:
    return Metric.objects.get(key=key)


def figures_of(membership) -> dict[str, Decimal]:
    return {
        v.metric.key: v.value
        for v in DataValue.objects.filter(row__membership=membership).select_related("metric")
    }


@pytest.fixture
def participant(client, cast):
    return sign_in(client, cast.participant.user, cast.workshop)


@pytest.fixture
def facilitator(client, cast):
    return sign_in(client, cast.facilitator.user, cast.workshop)


# --- the participant's own row ---------------------------------------------------------------


def test_it_shows_the_participants_own_row(participant, cast):
    cast.participant.agency = "Tompkins Mental Health Services"
    cast.participant.save()
    page = participant.get(url(cast, "data_row"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tompkins Mental Health Services" in html
    assert "Mental Health" in html
    assert "change them with your facilitator" in html
    assert "By age" in html
    assert 'name="served-total"' in html
    assert 'inputmode="numeric"' in html
    assert "Not started" in html


def test_it_saves_the_row(participant, cast):
    page = participant.post(url(cast, "data_row"), {**FIGURES, "action": "save"})
    assert page.status_code == 302
    assert page.url == url(cast, "data_row")
    row = DataRow.objects.get(membership=cast.participant)
    assert row.workshop == cast.workshop
    assert row.entered_by == cast.participant.user
    assert row.submitted_at is None
    assert figures_of(cast.participant) == {k: Decimal(v) for k, v in FIGURES.items()}
    page = participant.get(url(cast, "data_row"))
    assert "Saved." in page.content.decode()
    assert "In progress" in page.content.decode()
    assert 'value="14.5"' in page.content.decode()


def test_it_marks_the_row_complete_and_keeps_it_editable(participant, cast):
    participant.post(url(cast, "data_row"), {**FIGURES, "action": "complete"})
    row = DataRow.objects.get(membership=cast.participant)
    completed = row.submitted_at
    assert completed is not None
    page = participant.post(url(cast, "data_row"), {**FIGURES, "waitlist": "7"})
    assert page.status_code == 302
    row.refresh_from_db()
    assert row.submitted_at == completed
    assert figures_of(cast.participant)["waitlist"] == 7


def test_it_takes_a_figure_left_blank_as_not_reported(participant, cast):
    participant.post(url(cast, "data_row"), FIGURES)
    participant.post(url(cast, "data_row"), {**FIGURES, "waitlist": "", "vacancy-rate": " "})
    stored = figures_of(cast.participant)
    assert "waitlist" not in stored
    assert "vacancy-rate" not in stored
    assert len(stored) == len(FIGURES) - 2


def test_it_refuses_to_save_an_empty_new_row(participant, cast):
    page = participant.post(url(cast, "data_row"), {"action": "save"})
    assert page.status_code == 200
    assert "Enter at least one figure" in page.content.decode()
    assert not DataRow.objects.exists()


def test_it_lets_an_agency_that_tracks_nothing_mark_its_row_complete(participant, cast):
    page = participant.post(url(cast, "data_row"), {"action": "complete"})
    assert page.status_code == 302
    row = DataRow.objects.get(membership=cast.participant)
    assert row.submitted_at is not None
    assert not row.values.exists()


@pytest.mark.parametrize(
    ("key", "raw", "message"),
    [
        ("served-total", "about a hundred", "Enter a whole number, like 120."),
        ("waitlist", "-5", "Enter 0 or more: figures cannot be negative."),
        ("new-referrals", "12.5", "Enter a whole number, like 120: counts have no decimals."),
        ("out-of-county", "2000000000", "That is too large: enter at most 1,000,000,000."),
        ("waitlist", "1e5", "Enter a whole number, like 120."),
        ("waitlist", "NaN", "Enter a whole number, like 120."),
        ("waitlist", "9" * 500, "Enter a whole number, like 120."),
        ("days-to-service", "soon", "Enter a number of days, like 14 or 2.5."),
        ("days-to-service", "2.55", "Use at most one decimal, like 2.5."),
        ("vacancy-rate", "120", "A percentage cannot be more than 100."),
        ("vacancy-rate", "12%", "Enter a percentage from 0 to 100, like 12.5."),
    ],
)
def test_it_refuses_bad_figures_with_a_message_next_to_them(participant, cast, key, raw, message):
    page = participant.post(url(cast, "data_row"), {**FIGURES, key: raw})
    assert page.status_code == 200
    html = page.content.decode()
    assert f'id="id_{key}-error"' in html
    assert message in html
    assert "Nothing was saved" in html
    assert not DataRow.objects.exists()


def test_it_escapes_markup_typed_in_a_figure(participant, cast):
    page = participant.post(url(cast, "data_row"), {"waitlist": "<script>alert(1)</script>"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_it_refuses_age_bands_above_the_total(participant, cast):
    data = {**FIGURES, "served-total": "120", "served-12-17": "60"}  # bands: 20+40+60+10
    page = participant.post(url(cast, "data_row"), data)
    assert page.status_code == 200
    html = page.content.decode()
    message = "The age bands add up to 130, more than the total of 120."
    assert html.count(message) == 5  # next to the total and each band
    assert 'id="id_served-total-error"' in html
    assert 'id="id_served-0-5-error"' in html
    assert not DataRow.objects.exists()


def test_it_accepts_bands_without_a_total_and_bands_equal_to_it(participant, cast):
    data = {"served-0-5": "20", "served-6-11": "40"}
    assert participant.post(url(cast, "data_row"), data).status_code == 302
    data = {"served-total": "60", "served-0-5": "20", "served-6-11": "40"}
    assert participant.post(url(cast, "data_row"), data).status_code == 302


def test_it_reads_figures_as_people_type_them():
    count, days = Metric(unit=Metric.Unit.COUNT), Metric(unit=Metric.Unit.DAYS)
    assert datatable.parse_figure(" 1,200 ", count) == 1200
    assert datatable.parse_figure("1 200", count) == 1200
    assert datatable.parse_figure("2,5", days) == Decimal("2.5")
    assert datatable.parse_figure("14.0", days) == 14
    assert datatable.parse_figure("0", count) == 0
    assert datatable.parse_figure("", count) is None
    with pytest.raises(ValidationError):
        datatable.parse_figure("Infinity", days)
    with pytest.raises(ValidationError):
        datatable.parse_figure("1,5", count)


@pytest.mark.parametrize("role", ["reviewer", "facilitator", "committee"])
def test_it_explains_the_page_to_people_without_a_row(client, cast, role):
    sign_in(client, cast.user(role), cast.workshop)
    page = client.get(url(cast, "data_row"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "This page is for the workshop's participants" in html
    assert url(cast, "data_table") in html
    assert client.post(url(cast, "data_row"), FIGURES).status_code == 200
    assert not DataRow.objects.exists()


# --- on someone's behalf ----------------------------------------------------------------------


def test_it_lets_a_facilitator_fill_a_row_on_someones_behalf(facilitator, cast):
    page = facilitator.get(url(cast, "data_row_for", member_id=cast.participant.pk))
    assert page.status_code == 200
    name = cast.participant.display_name
    assert f"You are filling this in for <strong>{name}</strong>" in page.content.decode()

    page = facilitator.post(url(cast, "data_row_for", member_id=cast.participant.pk), FIGURES)
    assert page.status_code == 302
    assert page.url == url(cast, "data_row_for", member_id=cast.participant.pk)
    row = DataRow.objects.get(membership=cast.participant)
    assert row.entered_by == cast.facilitator.user
    history = DataValue.history.filter(row_id=row.pk)
    assert history.count() == len(FIGURES)
    assert {record.history_user for record in history} == {cast.facilitator.user}
    assert row.history.latest().history_user == cast.facilitator.user


def test_it_shows_who_entered_a_row_last(client, cast):
    sign_in(client, cast.facilitator.user, cast.workshop)
    client.post(url(cast, "data_row_for", member_id=cast.participant.pk), FIGURES)
    facilitator = cast.facilitator.user.get_full_name()
    table = client.get(url(cast, "data_table")).content.decode()
    assert facilitator in table

    sign_in(client, cast.participant.user, cast.workshop)
    html = client.get(url(cast, "data_row")).content.decode()
    assert f'Last entered</dt>\n  <dd class="col-sm-9">By {facilitator} on' in html
    with translation.override("es"):
        spanish = client.get(url(cast, "data_row"), HTTP_ACCEPT_LANGUAGE="es").text
    assert f"De {facilitator} el" in spanish and "Última entrada de" not in spanish
    assert "Salud mental" in spanish  # the participant's system, in Spanish
    assert "Recent changes" in html
    assert f"{facilitator} set “Children/youth on the waitlist today” to 12" in html

    client.post(url(cast, "data_row"), {**FIGURES, "waitlist": "9"})
    history = DataValue.history.filter(metric__key="waitlist").order_by("history_date")
    assert [(r.value, r.history_user) for r in history] == [
        (12, cast.facilitator.user),
        (9, cast.participant.user),
    ]
    assert DataRow.objects.get().entered_by == cast.participant.user


def test_it_only_fills_rows_of_this_workshops_participants(facilitator, cast):
    for member in (cast.facilitator, cast.committee, cast.outsider):
        page = facilitator.get(url(cast, "data_row_for", member_id=member.pk))
        assert page.status_code == 404


def test_it_does_not_overwrite_a_row_saved_meanwhile(client, cast):
    sign_in(client, cast.participant.user, cast.workshop)
    client.post(url(cast, "data_row"), FIGURES)
    form = client.get(url(cast, "data_row")).context["form"]
    version = form.initial["version"]

    sign_in(client, cast.facilitator.user, cast.workshop)
    client.post(url(cast, "data_row_for", member_id=cast.participant.pk),
                {**FIGURES, "waitlist": "30"})  # fmt: skip

    sign_in(client, cast.participant.user, cast.workshop)
    page = client.post(url(cast, "data_row"), {**FIGURES, "waitlist": "15", "version": version})
    assert page.status_code == 200
    html = page.content.decode()
    assert "while you were editing it" in html
    assert "<td>30</td><td>15</td>" in html
    assert figures_of(cast.participant)["waitlist"] == 30
    assert page.context["form"]["version"].value() != version

    again = {**FIGURES, "waitlist": "15", "version": page.context["form"]["version"].value()}
    assert client.post(url(cast, "data_row"), again).status_code == 302
    assert figures_of(cast.participant)["waitlist"] == 15


# --- the whole table --------------------------------------------------------------------------


def fill(membership, entered_by=None, complete=False, **figures):
    metrics = datatable.active_metrics()
    values = {m.key: figures.get(m.key.replace("-", "_")) for m in metrics}
    return datatable.save_row(
        membership.workshop,
        membership,
        {k: Decimal(v) if v is not None else None for k, v in values.items()},
        metrics,
        entered_by=entered_by or membership.user,
        complete=complete,
    )


def test_it_shows_the_table_with_county_totals_and_systems(client, cast):
    cast.participant.agency = "Clinic A"
    cast.participant.save()
    other = ParticipantFactory(workshop=cast.workshop, agency="Clinic B")
    youth = ParticipantFactory(workshop=cast.workshop, agency="Youth Bureau",
                               system=system("youth"))  # fmt: skip
    ParticipantFactory(workshop=cast.workshop, agency="Schools", system=system("education"),
                       user__first_name="Nadia", user__last_name="Nobody")  # fmt: skip
    fill(cast.participant, complete=True, served_total=100, days_to_service=10, vacancy_rate=10)
    fill(other, served_total=300, days_to_service=20, vacancy_rate=20)
    fill(youth, entered_by=cast.facilitator.user, served_total=1000, waitlist=5)

    sign_in(client, cast.committee.user, cast.workshop)
    page = client.get(url(cast, "data_table"))
    assert page.status_code == 200
    html = page.content.decode()
    county = page.context["county"]
    assert county.agencies == 3
    assert county["served-total"].value == 1400
    assert county["served-total"].display == "1,400"
    assert county["days-to-service"].value == Decimal("17.5")  # (10 * 100 + 20 * 300) / 400
    assert county["days-to-service"].method == datatable.Method.WEIGHTED_MEAN
    assert county["vacancy-rate"].display == "15%"
    assert county["waitlist"].value == 5
    assert county["new-referrals"].value is None
    assert "1,400" in html
    assert "weighted by the children each served" in html
    assert "the simple average of the agencies' figures" in html
    assert "Nadia Nobody (Education)" in html  # not started
    assert "1 of 4 participants marked their row complete" in html
    assert cast.facilitator.user.get_full_name() in html  # entered for the youth bureau
    assert '<th scope="col">System</th>' in html
    assert '<caption id="rows-caption">' in html
    assert 'tabindex="0" role="region" aria-labelledby="rows-caption"' in html  # it scrolls
    assert "table-responsive" in html
    assert url(cast, "data_row_for", member_id=other.pk) not in html  # the committee cannot run

    by_system = {t.system.slug: t for t in page.context["by_system"]}
    assert len(by_system) == System.objects.count() == 13
    assert by_system["mental-health"]["served-total"].value == 400
    assert by_system["youth"]["served-total"].value == 1000
    assert not by_system["education"].has_data
    assert html.count("no data") == 11


def test_it_links_facilitators_to_each_row(facilitator, cast):
    html = facilitator.get(url(cast, "data_table")).content.decode()
    assert url(cast, "data_row_for", member_id=cast.participant.pk) in html


def test_it_says_what_to_do_when_there_is_no_participant(client, cast):
    cast.participant.delete()
    sign_in(client, cast.reviewer)
    html = client.get(url(cast, "data_table")).content.decode()
    assert "No participants yet" in html


def test_it_renders_the_table_in_a_fixed_number_of_queries(client, cast):
    sign_in(client, cast.facilitator.user, cast.workshop)
    fill(cast.participant, served_total=10)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(cast, "data_table")).status_code == 200
        return len(queries)

    few = count()
    metrics = datatable.active_metrics()
    systems = list(System.objects.all())
    people = ParticipantFactory.create_batch(30, workshop=cast.workshop)
    rows = DataRow.objects.bulk_create(
        DataRow(workshop=cast.workshop, membership=m, entered_by=cast.facilitator.user)
        for m in people
    )
    DataValue.objects.bulk_create(
        DataValue(row=row, metric=m, value=Decimal(index % 7)) for row in rows for index, m in
        enumerate(metrics)
    )  # fmt: skip
    for index, person in enumerate(people):
        person.system = systems[index % len(systems)]
    type(people[0]).objects.bulk_update(people, ["system"])
    assert count() == few
    assert few <= 12  # session, user, 2 savepoints; 3 for access; metrics, people, rows, values,
    # systems


# --- the totals on their own --------------------------------------------------------------------


def row(system_id=None, **figures):
    by_key = {m.key: m.pk for m in Metric.objects.all()}
    return datatable.RowFigures(
        system_id, {by_key[k.replace("_", "-")]: Decimal(v) for k, v in figures.items()}
    )


def test_it_averages_days_simply_when_a_row_lacks_children_served(db):
    metrics = datatable.active_metrics()
    totals = datatable.county_totals(
        [row(served_total=100, days_to_service=10), row(days_to_service=31)], metrics
    )
    days = totals["days-to-service"]
    assert days.method == datatable.Method.MEAN
    assert days.value == Decimal("20.5")
    assert days.reporting == 2


def test_it_counts_only_rows_with_figures(db):
    metrics = datatable.active_metrics()
    totals = datatable.county_totals([row(), row(waitlist=3), row(waitlist=4)], metrics)
    assert totals.agencies == 2
    assert totals["waitlist"].value == 7
    assert totals["waitlist"].method == datatable.Method.SUM
    assert [t.metric for t in totals.totals] == metrics
    assert datatable.county_totals([], metrics)["waitlist"].value is None


def test_it_totals_by_system_in_the_order_given(db):
    metrics = datatable.active_metrics()
    systems = list(System.objects.all())
    youth = system("youth")
    result = datatable.totals_by_system(
        [row(youth.pk, waitlist=2), row(youth.pk, waitlist=3), row(None, waitlist=100)],
        metrics,
        systems,
    )
    assert [t.system for t in result] == systems
    by_system = {t.system: t for t in result}
    assert by_system[youth]["waitlist"].value == 5
    assert by_system[youth].agencies == 2
    assert sum(t.has_data for t in result) == 1


def test_it_reads_the_workshops_figures_in_one_query(cast, django_assert_num_queries):
    fill(cast.participant, served_total=10, waitlist=2)
    with django_assert_num_queries(1):
        figures = datatable.workshop_figures(cast.workshop)
    assert len(figures) == 1
    assert figures[0].system_id == cast.participant.system_id
    assert sorted(figures[0].values.values()) == [2, 10]
