"""Forms of implementation: a progress update on an action step and a reading of a measure.

The rules (no date in the future, a note when a step is blocked, a number or words depending
on the measure) are the services' (``actionplans.progress``); the forms put each of their
messages next to its field.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actionplans import progress
from actionplans.models import ActionStep, Measure

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": _("Give a date, like 2026-03-12.")}


class UpdateForm(forms.Form):
    """A lead's progress update: the step's status, on a date, with what happened."""

    status = forms.ChoiceField(
        label=_("Status"), choices=ActionStep.Status.choices, widget=forms.RadioSelect
    )
    on = forms.DateField(label=_("Date"), widget=DATE, required=False, error_messages=DATE_ERRORS)
    note = forms.CharField(
        label=_("What happened"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was done, what is next, what is in the way."),
    )

    def __init__(self, *args, step: ActionStep, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].error_messages["required"] = _("Choose the step's status.")
        self.initial.setdefault("status", step.status)
        self.initial.setdefault("on", timezone.localdate())

    def clean(self) -> dict:
        cleaned = super().clean()
        errors = progress.update_errors(
            cleaned.get("status", ""),
            cleaned.get("on"),
            cleaned.get("note", ""),
            timezone.localdate(),
        )
        for name, message in errors.items():
            if name not in self.errors:
                self.add_error(name, message)
        return cleaned


class ReadingForm(forms.Form):
    """A reading of a measure: a number (quantitative) or what was observed (qualitative)."""

    on = forms.DateField(label=_("Date"), widget=DATE, required=False, error_messages=DATE_ERRORS)
    value = forms.DecimalField(
        label=_("Value"),
        required=False,
        max_digits=12,
        decimal_places=2,
        error_messages={
            "invalid": _("Give the value as a number, like 42 or 12.5."),
            "max_digits": _("That number is too long: at most 10 digits before the point."),
            "max_decimal_places": _("Give at most 2 digits after the point."),
            "max_whole_digits": _("That number is too long: at most 10 digits before the point."),
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, measure: Measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure
        self.initial.setdefault("on", timezone.localdate())
        if measure.kind == Measure.Kind.QUALITATIVE:
            del self.fields["value"]
            self.fields["note"].label = _("What you observed")
            self.fields["note"].help_text = _("Who said or saw what, and where it came from.")
        else:
            if measure.unit:
                self.fields["value"].help_text = measure.unit
            self.fields["note"].label = _("Note (optional)")

    def clean(self) -> dict:
        cleaned = super().clean()
        errors = progress.reading_errors(
            self.measure,
            cleaned.get("on"),
            cleaned.get("value"),
            cleaned.get("note", ""),
            timezone.localdate(),
        )
        for name, message in errors.items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return cleaned
