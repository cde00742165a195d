"""The Administrative Data Table: a participant's own row, a row filled on someone's behalf
by a facilitator, and the whole table with county totals and a comparison by system."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext

from assessments import datatable
from assessments.forms.datatable import (
    COMPLETE,
    DataRowForm,
    action,
    nothing_entered_message,
)
from assessments.models import DataRow, DataValue, Metric
from workshops.access import Perm, workshop_view
from workshops.models import Membership, System, Workshop

PARTICIPANT = Membership.Role.PARTICIPANT
HISTORY_SHOWN = 12


def is_participant(membership: Membership | None) -> bool:
    return membership is not None and membership.role == PARTICIPANT


def row_of(workshop: Workshop, membership: Membership) -> DataRow | None:
    return (
        DataRow.objects.select_related("entered_by")
        .prefetch_related("values")
        .filter(workshop=workshop, membership=membership)
        .first()
    )


@dataclass(frozen=True)
class Change:
    """One line of a row's history: who set which figure to what, when."""

    when: object
    who: str
    metric: str
    value: str


def changes_of(row: DataRow | None, metrics: list[Metric]) -> list[Change]:
    """The latest changes of the row's figures (from django-simple-history)."""
    if row is None:
        return []
    by_id = {m.pk: m for m in metrics}
    records = (
        DataValue.history.filter(row_id=row.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:HISTORY_SHOWN]
    )
    changes = []
    for record in records:
        metric = by_id.get(record.metric_id)
        if metric is None:
            continue
        user = record.history_user
        who = (user.get_full_name() or user.username) if user else gettext("someone")
        value = (
            gettext("cleared")
            if record.history_type == "-"
            else datatable.format_figure(record.value, metric)
        )
        changes.append(Change(record.history_date, who, metric.tr("label"), value))
    return changes


def row_page(
    request: HttpRequest, workshop: Workshop, membership: Membership, on_behalf: bool
) -> HttpResponse:
    """The form of one agency's row, for the participant or a facilitator on their behalf."""
    metrics = datatable.active_metrics()
    row = row_of(workshop, membership)
    form = DataRowForm(
        request.POST if request.method == "POST" else None,
        metrics=metrics,
        stored=datatable.stored_figures(row, metrics),
        version=datatable.row_version(row),
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        complete = action(request.POST) == COMPLETE
        if row is None and form.is_blank() and not complete:
            form.add_error(None, nothing_entered_message())
        else:
            try:
                datatable.save_row(
                    workshop,
                    membership,
                    form.figures(),
                    metrics,
                    entered_by=request.user,
                    complete=complete,
                    version=form.cleaned_data["version"] or None,
                )
            except datatable.RowChanged as changed:
                conflict = conflict_context(changed, form, metrics)
                # The next save goes through, with what the person now sees.
                form.data = form.data.copy()
                form.data["version"] = datatable.row_version(changed.row)
            else:
                if complete:
                    messages.success(request, gettext("Saved and marked as complete. Thank you!"))
                else:
                    messages.success(request, gettext("Saved."))
                if on_behalf:
                    return redirect("assessments:data_row_for", workshop.code, membership.pk)
                return redirect("assessments:data_row", workshop.code)
    context = {
        "workshop": workshop,
        "membership": membership,
        "form": form,
        "row": row,
        "last_entered": datatable.last_entered(row),
        "entered_by_other": row is not None and row.entered_by_id != membership.user_id,
        "on_behalf": on_behalf,
        "changes": changes_of(row, metrics),
        "conflict": conflict,
    }
    return TemplateResponse(request, "assessments/data_row.html", context)


def conflict_context(changed: datatable.RowChanged, form: DataRowForm, metrics: list[Metric]):
    mine = form.figures()
    return {
        "last_entered": datatable.last_entered(changed.row),
        "differences": [
            (
                m.tr("label"),
                datatable.format_figure(changed.stored[m.key], m) or "—",
                datatable.format_figure(mine[m.key], m) or "—",
            )
            for m in metrics
            if changed.stored[m.key] != mine[m.key]
        ],
    }


@workshop_view(Perm.PARTICIPATE)
def data_row(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    membership = request.access.membership
    if not is_participant(membership):
        return TemplateResponse(request, "assessments/data_row_staff.html", {"workshop": workshop})
    return row_page(request, workshop, membership, on_behalf=False)


@workshop_view(Perm.RUN)
def data_row_for(request: HttpRequest, workshop: Workshop, member_id: int) -> HttpResponse:
    membership = get_object_or_404(
        Membership.objects.select_related("user", "system"),
        pk=member_id,
        workshop=workshop,
        role=PARTICIPANT,
    )
    return row_page(request, workshop, membership, on_behalf=True)


@dataclass(frozen=True)
class TableRow:
    """One participant's line of the data table."""

    membership: Membership
    row: DataRow | None
    cells: list[str]

    @property
    def status(self) -> str:
        if self.row is None:
            return "not_started"
        return "complete" if self.row.submitted_at else "in_progress"

    @property
    def entered_by_other(self) -> str:
        """Who entered the row, when it was not the participant themselves."""
        if self.row is None or self.row.entered_by_id == self.membership.user_id:
            return ""
        entered = datatable.last_entered(self.row)
        return entered[0] if entered else ""


def table_rows(workshop: Workshop, metrics: list[Metric]):
    """Every participant with their row (if any), and the figures of the rows."""
    participants = list(
        workshop.memberships.filter(role=PARTICIPANT)
        .select_related("user", "system")
        .order_by("system__order", "agency", "user__last_name", "user__first_name")
    )
    rows = {
        row.membership_id: row
        for row in DataRow.objects.filter(workshop=workshop, membership__role=PARTICIPANT)
        .select_related("entered_by")
        .prefetch_related("values")
    }
    lines = []
    figures = []
    for membership in participants:
        row = rows.get(membership.pk)
        values = {v.metric_id: v.value for v in row.values.all()} if row else {}
        cells = [datatable.format_figure(values.get(m.pk), m) for m in metrics]
        lines.append(TableRow(membership, row, cells))
        if row is not None:
            figures.append(datatable.RowFigures(membership.system_id, values))
    return lines, figures


@workshop_view(Perm.PREPARE)
def data_table(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    metrics = datatable.active_metrics()
    lines, figures = table_rows(workshop, metrics)
    systems = list(System.objects.order_by("order", "name"))
    county = datatable.county_totals(figures, metrics)
    context = {
        "workshop": workshop,
        "metrics": metrics,
        "lines": lines,
        "county": county,
        "by_system": datatable.totals_by_system(figures, metrics, systems),
        "not_started": [line.membership for line in lines if line.status == "not_started"],
        "in_progress": [line.membership for line in lines if line.status == "in_progress"],
        "complete_count": sum(1 for line in lines if line.status == "complete"),
        "averaged": [t for t in county.totals if t.method != datatable.Method.SUM],
    }
    return TemplateResponse(request, "assessments/data_table.html", context)
