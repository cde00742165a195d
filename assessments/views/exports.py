"""Downloads of the survey responses and the data table, as CSV or XLSX."""

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse

from assessments import exports
from workshops.access import Perm, workshop_view
from workshops.models import Workshop

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
WRITERS: dict[str, Callable[[exports.Sheet], bytes]] = {
    "csv": exports.to_csv,
    "xlsx": exports.to_xlsx,
}


def download(workshop: Workshop, sheet: exports.Sheet, what: str, fmt: str) -> HttpResponse:
    response = HttpResponse(WRITERS[fmt](sheet), content_type=CONTENT_TYPES[fmt])
    name = exports.filename(workshop, what, fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def check_format(fmt: str) -> None:
    if fmt not in WRITERS:
        raise Http404("Exports come as .csv or .xlsx.")


@workshop_view(Perm.PREPARE)
def export_responses(request: HttpRequest, workshop: Workshop, fmt: str) -> HttpResponse:
    check_format(fmt)
    return download(workshop, exports.responses_sheet(workshop), "survey-responses", fmt)


@workshop_view(Perm.PREPARE)
def export_data(request: HttpRequest, workshop: Workshop, fmt: str) -> HttpResponse:
    check_format(fmt)
    return download(workshop, exports.data_sheet(workshop), "data-table", fmt)
