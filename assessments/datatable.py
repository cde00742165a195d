"""The Administrative Data Table: reading and checking figures, saving a row, county totals.

Each participant fills one row (``DataRow``) with a figure (``DataValue``) per active
``Metric``; a blank figure means "not reported" and has no ``DataValue``. Totals are pure
functions of plain figures (``RowFigures``), so the results page, the exports and the data
table page compute them the same way.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from assessments.models import DataRow, DataValue, Metric
from workshops.models import Membership, System, Workshop

MAX_FIGURE = Decimal(1_000_000_000)
MAX_INPUT = 40  # characters: longer input cannot be a figure
ONE_DECIMAL = Decimal("0.1")
# The count that weighs each agency's average days (children served in the last 12 months).
WEIGHT_KEY = "served-total"

NUMBER = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)$")
THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d*)?$")


def active_metrics() -> list[Metric]:
    """The rows of the table as configured by the state team, in order."""
    return list(Metric.objects.filter(active=True).order_by("order", "id"))


def bands_of(total: Metric, metrics: Sequence[Metric]) -> list[Metric]:
    """The age bands (``part_of``) of a total among the given metrics."""
    return [m for m in metrics if m.part_of_id == total.pk]


def is_band(metric: Metric, metrics: Sequence[Metric]) -> bool:
    """A band whose total is shown too (a band of an inactive total stands on its own)."""
    return metric.part_of_id is not None and any(m.pk == metric.part_of_id for m in metrics)


# --- reading one figure ------------------------------------------------------------------------


def typing_error(metric: Metric) -> str:
    if metric.unit == Metric.Unit.DAYS:
        return gettext("Enter a number of days, like 14 or 2.5.")
    if metric.unit == Metric.Unit.PERCENT:
        return gettext("Enter a percentage from 0 to 100, like 12.5.")
    return gettext("Enter a whole number, like 120.")


def parse_figure(raw: str | None, metric: Metric) -> Decimal | None:
    """The figure typed for ``metric``, None when blank; ``ValidationError`` with a message
    for the participant when it is not a valid figure of the metric's unit.

    Counts are whole numbers; days and percentages may have one decimal (a decimal comma
    is accepted too); percentages are at most 100; nothing is negative or over a billion.
    """
    text = (raw or "").strip().replace(" ", "").replace("\u00a0", "")
    if text == "":
        return None
    if len(text) > MAX_INPUT:
        raise ValidationError(typing_error(metric), code="invalid")
    if THOUSANDS.match(text):
        text = text.replace(",", "")
    elif text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    if not NUMBER.match(text):
        raise ValidationError(typing_error(metric), code="invalid")
    value = Decimal(text)
    if value < 0:
        raise ValidationError(gettext("Enter 0 or more: figures cannot be negative."), "negative")
    if value > MAX_FIGURE:
        raise ValidationError(
            gettext("That is too large: enter at most 1,000,000,000."), code="too_large"
        )
    if metric.unit == Metric.Unit.COUNT:
        if value != value.to_integral_value():
            raise ValidationError(
                gettext("Enter a whole number, like 120: counts have no decimals."), "decimal"
            )
        return value.quantize(Decimal(1))
    if value != value.quantize(ONE_DECIMAL):
        raise ValidationError(gettext("Use at most one decimal, like 2.5."), code="decimals")
    if metric.unit == Metric.Unit.PERCENT and value > 100:
        raise ValidationError(gettext("A percentage cannot be more than 100."), code="percent")
    return value.quantize(ONE_DECIMAL)


def band_errors(values: Mapping[str, Decimal | None], metrics: Sequence[Metric]) -> dict[str, str]:
    """Errors by metric key where the reported age bands add up to more than their total.

    ``values`` are the figures by metric key (None: not reported). The message goes next to
    the total and next to each reported band.
    """
    errors: dict[str, str] = {}
    for total in metrics:
        bands = bands_of(total, metrics)
        reported = [b for b in bands if values.get(b.key) is not None]
        total_value = values.get(total.key)
        if total_value is None or not reported:
            continue
        band_sum = sum((values[b.key] for b in reported), Decimal(0))
        if band_sum > total_value:
            message = gettext(
                "The age bands add up to %(sum)s, more than the total of %(total)s."
            ) % {"sum": format_number(band_sum), "total": format_number(total_value)}
            for metric in [total, *reported]:
                errors[metric.key] = message
    return errors


# --- showing a figure --------------------------------------------------------------------------


def format_number(value: Decimal) -> str:
    """120 → "120", 2.50 → "2.5", 1200 → "1,200"."""
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.quantize(ONE_DECIMAL):,}"


def format_figure(value: Decimal | None, metric: Metric) -> str:
    if value is None:
        return ""
    text = format_number(value)
    return f"{text}%" if metric.unit == Metric.Unit.PERCENT else text


def input_value(value: Decimal | None) -> str:
    """A stored figure as typed in the form (no thousands separator)."""
    if value is None:
        return ""
    if value == value.to_integral_value():
        return str(int(value))
    return str(value.quantize(ONE_DECIMAL))


# --- saving a row ------------------------------------------------------------------------------


class RowChanged(Exception):
    """Someone else saved the row after the form was loaded; nothing was saved."""

    def __init__(self, row: DataRow, stored: dict[str, Decimal | None]):
        super().__init__("The row changed since the form was loaded.")
        self.row = row
        self.stored = stored


def row_version(row: DataRow | None) -> str:
    """What the form sends back to detect a concurrent change (the row's last save)."""
    return row.updated_at.isoformat() if row is not None else "new"


def stored_figures(row: DataRow | None, metrics: Sequence[Metric]) -> dict[str, Decimal | None]:
    """The row's figures by metric key (uses ``row.values.all()``, prefetched or not)."""
    by_id = {v.metric_id: v.value for v in row.values.all()} if row is not None else {}
    return {m.key: by_id.get(m.pk) for m in metrics}


@transaction.atomic
def save_row(
    workshop: Workshop,
    membership: Membership,
    figures: Mapping[str, Decimal | None],
    metrics: Sequence[Metric],
    entered_by,
    complete: bool = False,
    version: str | None = None,
) -> DataRow:
    """Store the participant's figures (blank ones are removed) as entered by ``entered_by``.

    ``complete`` marks the row complete (it stays editable). With ``version`` (from
    ``row_version`` when the form was loaded), raises ``RowChanged`` instead of overwriting
    a row someone else saved in the meantime. Values are saved one by one so that their
    history records who changed what.
    """
    row = (
        DataRow.objects.select_for_update().filter(workshop=workshop, membership=membership).first()
    )
    if version and row_version(row) != version:
        if row is None:
            stored = dict.fromkeys((m.key for m in metrics), None)
        else:
            stored = stored_figures(row, metrics)
        if any(stored[m.key] != figures.get(m.key) for m in metrics):
            raise RowChanged(row, stored)
    if row is None:
        row, _ = DataRow.objects.get_or_create(
            workshop=workshop, membership=membership, defaults={"entered_by": entered_by}
        )
    existing = {v.metric_id: v for v in row.values.all()}
    for metric in metrics:
        value = figures.get(metric.key)
        current = existing.get(metric.pk)
        if value is None:
            if current is not None:
                current.delete()
        elif current is None:
            DataValue.objects.create(row=row, metric=metric, value=value)
        elif current.value != value:
            current.value = value
            current.save(update_fields=["value"])
    row.entered_by = entered_by
    if complete and row.submitted_at is None:
        row.submitted_at = timezone.now()
    row.save()
    return row


# --- totals ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowFigures:
    """One agency's reported figures: metric id → value (unreported metrics are absent)."""

    system_id: int | None
    values: Mapping[int, Decimal]


def row_figures(row: DataRow, system_id: int | None) -> RowFigures:
    return RowFigures(system_id, {v.metric_id: v.value for v in row.values.all()})


def workshop_figures(workshop: Workshop) -> list[RowFigures]:
    """Every participant's reported figures in the workshop, in one query."""
    rows: dict[int, RowFigures] = {}
    values = DataValue.objects.filter(
        row__workshop=workshop, row__membership__role=Membership.Role.PARTICIPANT
    ).values_list("row_id", "row__membership__system_id", "metric_id", "value")
    for row_id, system_id, metric_id, value in values:
        figures = rows.setdefault(row_id, RowFigures(system_id, {}))
        figures.values[metric_id] = value  # type: ignore[index]
    return list(rows.values())


class Method(StrEnum):
    """How a metric's figures are combined into a total."""

    SUM = "sum"
    WEIGHTED_MEAN = "weighted_mean"  # weighted by children served
    MEAN = "mean"

    @property
    def label(self) -> str:
        return {
            Method.SUM: gettext("sum"),
            Method.WEIGHTED_MEAN: gettext("average weighted by children served"),
            Method.MEAN: gettext("simple average"),
        }[self]


@dataclass(frozen=True)
class Total:
    """One metric's combined figure; ``value`` is None when no agency reported it."""

    metric: Metric
    value: Decimal | None
    reporting: int  # agencies that reported this metric
    method: Method

    @property
    def display(self) -> str:
        return format_figure(self.value, self.metric)


@dataclass(frozen=True)
class Totals:
    """The combined figures of a set of agencies (the county, or one system).

    ``agencies`` counts the agencies with at least one figure; ``totals`` follow the order
    of the metrics given; ``system`` is set for the totals of one system.
    """

    agencies: int
    totals: tuple[Total, ...]
    system: System | None = None
    by_key: dict[str, Total] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_key", {t.metric.key: t for t in self.totals})

    @property
    def has_data(self) -> bool:
        return self.agencies > 0

    def __getitem__(self, key: str) -> Total:
        return self.by_key[key]


def one_decimal(value: Decimal) -> Decimal:
    return value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def combine(metric: Metric, rows: Sequence[RowFigures], weight: Metric | None) -> Total:
    reported = [r for r in rows if metric.pk in r.values]
    if metric.unit == Metric.Unit.COUNT:
        value = sum((r.values[metric.pk] for r in reported), Decimal(0)) if reported else None
        return Total(metric, value, len(reported), Method.SUM)
    if not reported:
        method = Method.MEAN
        if metric.unit == Metric.Unit.DAYS and weight is not None:
            method = Method.WEIGHTED_MEAN
        return Total(metric, None, 0, method)
    if metric.unit == Metric.Unit.DAYS and weight is not None:
        weights = [r.values.get(weight.pk) for r in reported]
        if all(w is not None and w > 0 for w in weights):
            pairs = zip(reported, weights, strict=True)
            weighted = sum((r.values[metric.pk] * w for r, w in pairs), Decimal(0))
            total_weight = sum(weights, Decimal(0))  # type: ignore[arg-type]
            return Total(
                metric, one_decimal(weighted / total_weight), len(reported), Method.WEIGHTED_MEAN
            )
    mean = sum((r.values[metric.pk] for r in reported), Decimal(0)) / len(reported)
    return Total(metric, one_decimal(mean), len(reported), Method.MEAN)


def county_totals(
    rows: Iterable[RowFigures], metrics: Sequence[Metric], system: System | None = None
) -> Totals:
    """The county's combined figures from the agencies' rows (see ``workshop_figures``).

    Counts are added up. Days (average days from referral to first service) are averaged
    weighted by each agency's children served (metric ``served-total``) when every agency
    that reported days also reported a positive number served, else as a simple mean.
    Percentages are the simple mean of the agencies' figures. Means are rounded to one
    decimal. Each ``Total`` says which ``method`` was used and how many agencies reported.
    """
    rows = [r for r in rows if r.values]
    weight = next((m for m in metrics if m.key == WEIGHT_KEY), None)
    totals = tuple(combine(metric, rows, weight) for metric in metrics)
    return Totals(agencies=len(rows), totals=totals, system=system)


def totals_by_system(
    rows: Iterable[RowFigures], metrics: Sequence[Metric], systems: Iterable[System]
) -> list[Totals]:
    """``county_totals`` of each system's agencies, one per system in the order given
    (``has_data`` is False for a system without figures). Agencies without a system count
    only in the county totals."""
    by_system: dict[int | None, list[RowFigures]] = {}
    for row in rows:
        by_system.setdefault(row.system_id, []).append(row)
    return [county_totals(by_system.get(s.pk, []), metrics, system=s) for s in systems]


def last_entered(row: DataRow | None) -> tuple[str, datetime] | None:
    """(who, when) of the row's last save, for "Last entered by X on <date>"."""
    if row is None:
        return None
    user = row.entered_by
    name = (user.get_full_name() or user.email or user.username) if user else gettext("someone")
    return name, row.updated_at
