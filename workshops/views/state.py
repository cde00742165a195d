"""The state SOC team's pages across the counties of a state: the dashboard and its CSV.

A reviewer sees only the states whose team they are on: another state's pages answer 404, as
another county's workshop does. People who are on no state team get 403.
"""

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from assessments import exports
from workshops import pagecache
from workshops import state as service
from workshops.access import state_reviewer
from workshops.models import State

CSV_HEADER = [
    "County",
    "Workshop",
    "Cycle",
    "Cycles so far",
    "Stage",
    "Participants",
    "Surveys submitted",
    "Survey completion (%)",
    "Plan version",
    "Plan status",
    "Steps done",
    "Steps (not dropped)",
    "Overdue steps",
    "Last activity",
    "Workshop address",
]


def reviewed_state(request: HttpRequest, code: str) -> State:
    """The state of ``code`` if the user is on its team (as ``state_reviewer`` found), else 404."""
    for state in request.reviewed_states:
        if state.code.casefold() == code.casefold():
            return state
    raise Http404("No such state.")


@state_reviewer
@transaction.non_atomic_requests  # served from the page cache without a transaction
def dashboard(request: HttpRequest, code: str) -> TemplateResponse:
    state = reviewed_state(request, code)

    def render() -> TemplateResponse:
        board = service.dashboard(state, request.GET)
        return TemplateResponse(request, "workshops/state.html", {"state": state, "board": board})

    return pagecache.serve(request, pagecache.state_version(state), render)


def csv_line(request: HttpRequest, row: service.CountyRow) -> list[exports.Cell]:
    workshop = row.workshop
    if workshop is None:
        return [row.county.name, "", None, row.cycles, "No workshop", *[None] * 10]
    activity = row.last_activity
    return [
        row.county.name,
        workshop.title,
        workshop.cycle,
        row.cycles,
        row.stage.label,
        row.participants,
        row.submitted,
        row.completion,
        row.plan_number,
        row.plan_status.label if row.plan_status else "No plan yet",
        row.steps_done,
        row.steps_total,
        row.overdue,
        timezone.localtime(activity).strftime("%Y-%m-%d %H:%M") if activity else "",
        request.build_absolute_uri(workshop.get_absolute_url()),
    ]


@state_reviewer
def counties_csv(request: HttpRequest, code: str) -> HttpResponse:
    """The dashboard's rows, filtered and sorted as on the page (bad parameters are ignored)."""
    state = reviewed_state(request, code)
    _query, _problems, _rows, shown = service.filtered_rows(state, request.GET)
    sheet = exports.Sheet(
        title=f"{state.name} counties", header=CSV_HEADER,
        rows=[csv_line(request, row) for row in shown],
    )  # fmt: skip
    response = HttpResponse(exports.to_csv(sheet), content_type="text/csv; charset=utf-8")
    name = f"{state.code.lower()}-counties-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
