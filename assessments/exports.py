"""Survey responses and the data table as spreadsheets (CSV and XLSX) for facilitators and
the state team.

Every text cell is neutralised against formula injection: a text beginning with ``= + - @``,
a tab or a carriage return gets a leading apostrophe, so Excel, LibreOffice and Google Sheets
show it as text instead of running it. Numbers stay numbers. The responses export carries no
names or emails: respondents are anonymous to whoever reads the file.
"""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from assessments import datatable
from assessments.models import DONT_KNOW, Answer, Instrument, Question, Response, Survey
from workshops.models import Membership, System, Workshop

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_XLSX_TEXT = 32_767  # characters in one Excel cell
COMMENT = "comment"

Cell = str | int | Decimal | date | None


def neutralise(value: str) -> str:
    """Text that a spreadsheet would read as a formula, made plain text with a leading '."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


@dataclass(frozen=True)
class Sheet:
    title: str
    header: list[str]
    rows: list[list[Cell]]


def to_csv(sheet: Sheet) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel reads accents right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for line in [sheet.header, *sheet.rows]:
        writer.writerow([csv_cell(value) for value in line])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def csv_cell(value: Cell) -> str | int | Decimal:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralise(value)
    return value


def xlsx_cell(value: Cell) -> Cell:
    if isinstance(value, str):
        # Characters Excel cannot store would make openpyxl fail: drop them.
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))[:MAX_XLSX_TEXT]
    return value


def to_xlsx(sheet: Sheet) -> bytes:
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet.title[:31]
    for line in [sheet.header, *sheet.rows]:
        worksheet.append([xlsx_cell(value) for value in line])
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
    for index, title in enumerate(sheet.header, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = min(max(len(title), 10), 40)
    worksheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filename(workshop: Workshop, what: str, fmt: str) -> str:
    return f"{slugify(workshop.county.name)}-{workshop.cycle}-{what}.{fmt}"


# --- survey responses --------------------------------------------------------------------------


def responses_sheet(workshop: Workshop) -> Sheet:
    """One line per response: respondent system and role, submitted, then one column per
    question (per system and dimension for the systems matrix). No names, no emails."""
    survey = Survey.objects.select_related("instrument").filter(workshop=workshop).first()
    instrument = survey.instrument if survey else Instrument.latest()
    questions = list(
        Question.objects.filter(section__instrument=instrument).order_by(
            "section__order", "section_id", "order", "id"
        )
    )
    systems = list(System.objects.order_by("order", "name"))
    columns = answer_columns(questions, systems)
    header = ["Respondent system", "Respondent role", "Submitted", "Submitted on"]
    header += [title for _, title in columns]
    if survey is None:
        return Sheet("Survey responses", header, [])

    responses = list(
        Response.objects.filter(survey=survey, instrument=instrument).only(
            "pk", "submitted_at", "started_at"
        )
    )
    answers: dict[int, dict[tuple[int, int | None, str], Answer]] = {}
    for answer in Answer.objects.filter(response__survey=survey, response__instrument=instrument):
        key = (answer.question_id, answer.system_id, answer.dimension)
        answers.setdefault(answer.response_id, {})[key] = answer
    by_purpose = {q.purpose: q for q in questions}
    profile = [
        by_purpose.get(Question.Purpose.RESPONDENT_SYSTEM),
        by_purpose.get(Question.Purpose.RESPONDENT_ROLE),
    ]
    rows = []
    for response in responses:
        mine = answers.get(response.pk, {})
        submitted = response.submitted_at
        line: list[Cell] = [
            answer_value(q, mine.get((q.pk, None, ""))) if q else "" for q in profile
        ]
        line += [
            "yes" if submitted else "no",
            timezone.localdate(submitted) if submitted else None,
        ]
        line += [answer_value(q, mine.get((q.pk, system_id, dimension)))
                 for (q, system_id, dimension), _ in columns]  # fmt: skip
        rows.append(line)
    # Listed by profile, not in the order people answered: the order could tell who is who.
    rows.sort(key=lambda line: tuple(str(v or "") for v in line[:4]))
    return Sheet("Survey responses", header, rows)


Column = tuple[tuple[Question, int | None, str], str]


def answer_columns(questions: Sequence[Question], systems: Sequence[System]) -> list[Column]:
    """((question, system id, dimension), header) of each answer column."""
    columns = []
    for q in questions:
        if q.purpose in (Question.Purpose.RESPONDENT_SYSTEM, Question.Purpose.RESPONDENT_ROLE):
            continue
        if q.kind == Question.Kind.SYSTEM_MATRIX:
            dimensions = [(o["value"], o["label"]) for o in q.options]
            dimensions.append((COMMENT, "comment"))
            for system in systems:
                for value, label in dimensions:
                    columns.append(((q, system.pk, value), f"{q.key}: {system.name}: {label}"))
        else:
            columns.append(((q, None, ""), f"{q.key}: {q.text}"))
    return columns


def answer_value(question: Question, answer: Answer | None) -> Cell:
    """Scale: the number, "DK" for don't know; choice: the option's label; text: the text."""
    if answer is None:
        return None
    if question.kind == Question.Kind.CHOICE:
        labels = {o["value"]: o["label"] for o in question.options}
        return labels.get(answer.value_text, answer.value_text)
    if answer.value_int is not None:
        if answer.value_int == DONT_KNOW and question.kind in (
            Question.Kind.SCALE,
            Question.Kind.SYSTEM_MATRIX,
        ):
            return "DK"
        return answer.value_int
    return answer.value_text


# --- the data table ----------------------------------------------------------------------------


def data_sheet(workshop: Workshop) -> Sheet:
    """One line per participant's agency with their figures, then the county totals and the
    totals of each system that has data, and how each total is computed."""
    metrics = datatable.active_metrics()
    participants = list(
        workshop.memberships.filter(role=Membership.Role.PARTICIPANT)
        .select_related("user", "system")
        .order_by("system__order", "agency", "user__last_name", "user__first_name")
    )
    rows = {
        row.membership_id: row
        for row in workshop.data_rows.select_related("entered_by").prefetch_related("values")
    }
    header = ["System", "Agency", "Participant", "Status", "Last entered by", "Last entered on"]
    header += [m.label for m in metrics]
    lines: list[list[Cell]] = []
    figures = []
    for membership in participants:
        row = rows.get(membership.pk)
        values = {v.metric_id: v.value for v in row.values.all()} if row else {}
        if row is not None:
            figures.append(datatable.RowFigures(membership.system_id, values))
        entered = datatable.last_entered(row)
        lines.append(
            [
                membership.system.name if membership.system else "",
                membership.agency,
                membership.display_name,
                status(row),
                entered[0] if entered else "",
                local(entered[1]) if entered else None,
                *[number(values.get(m.pk)) for m in metrics],
            ]
        )
    county = datatable.county_totals(figures, metrics)
    lines.append(["County total", f"{county.agencies} agencies reporting", "", "", "", None,
                  *[number(t.value) for t in county.totals]])  # fmt: skip
    lines.append(["How the total is computed", "", "", "", "", None,
                  *[t.method.label for t in county.totals]])  # fmt: skip
    systems = list(System.objects.order_by("order", "name"))
    for totals in datatable.totals_by_system(figures, metrics, systems):
        if totals.has_data:
            lines.append([f"Total: {totals.system.name}", f"{totals.agencies} reporting", "", "",
                          "", None, *[number(t.value) for t in totals.totals]])  # fmt: skip
    return Sheet("Data table", header, lines)


def status(row) -> str:
    if row is None:
        return "not started"
    return "complete" if row.submitted_at else "in progress"


def number(value: Decimal | None) -> int | Decimal | None:
    """Whole figures as integers, so that spreadsheets show 120 rather than 120.0."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else value


def local(moment: datetime) -> date:
    return timezone.localtime(moment).date()
