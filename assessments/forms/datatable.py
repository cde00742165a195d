"""The form of one agency's row of the Administrative Data Table: one field per metric."""

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.utils.translation import gettext, gettext_lazy

from assessments import datatable
from assessments.models import Metric

COMPLETE = "complete"
SAVE = "save"

# Shown after the box; counts need none (their label says what is counted).
UNIT_SUFFIX = {Metric.Unit.DAYS: gettext_lazy("days"), Metric.Unit.PERCENT: "%"}


class FigureField(forms.CharField):
    """A figure of the metric's unit (``datatable.parse_figure``); None when left blank."""

    def __init__(self, metric: Metric, **kwargs):
        self.metric = metric
        self.suffix = UNIT_SUFFIX.get(metric.unit, "")
        inputmode = "numeric" if metric.unit == Metric.Unit.COUNT else "decimal"
        super().__init__(
            required=False,
            label=metric.tr("label"),
            help_text=metric.tr("help"),
            widget=forms.TextInput(
                attrs={"inputmode": inputmode, "autocomplete": "off", "class": "form-control"}
            ),
            **kwargs,
        )

    def to_python(self, value) -> Decimal | None:  # type: ignore[override]
        return datatable.parse_figure(value if isinstance(value, str) else None, self.metric)

    def prepare_value(self, value) -> str:
        return datatable.input_value(value) if isinstance(value, Decimal) else (value or "")


@dataclass
class Group:
    """A metric's field with the fields of its age bands, shown together."""

    field: forms.BoundField
    bands: list[forms.BoundField]


class DataRowForm(forms.Form):
    """``cleaned_data`` holds a ``Decimal`` or None for each metric key; ``version`` is the
    row's ``datatable.row_version`` when the form was loaded."""

    version = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, metrics: list[Metric], stored: dict, version: str):
        super().__init__(data, initial={**stored, "version": version})
        self.metrics = metrics
        for metric in metrics:
            self.fields[metric.key] = FigureField(metric)

    @property
    def groups(self) -> list[Group]:
        return [
            Group(self[m.key], [self[b.key] for b in datatable.bands_of(m, self.metrics)])
            for m in self.metrics
            if not datatable.is_band(m, self.metrics)
        ]

    def clean(self) -> dict:
        data = super().clean()
        figures = {m.key: data.get(m.key) for m in self.metrics if m.key not in self.errors}
        for key, message in datatable.band_errors(figures, self.metrics).items():
            self.add_error(key, message)
        return data

    def figures(self) -> dict[str, Decimal | None]:
        return {m.key: self.cleaned_data.get(m.key) for m in self.metrics}

    def is_blank(self) -> bool:
        return all(value is None for value in self.figures().values())


def action(data) -> str:
    """Which button was pressed: save, or save and mark as complete."""
    return COMPLETE if data.get("action") == COMPLETE else SAVE


def nothing_entered_message() -> str:
    return gettext(
        "Enter at least one figure before saving, or use “Mark as complete” if your agency "
        "tracks none of them."
    )
