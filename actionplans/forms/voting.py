"""Forms of the dot vote and of priority areas: their errors are what people read when a
request is refused, so each says what to do."""

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from actionplans.models import Gap, PriorityArea
from actionplans.models.gaps import MAX_DOTS
from workshops.models import Workshop

NOT_ON_BOARD = _("That gap is not on this workshop's list: it may have been merged into another.")
BUDGET_RANGE = lazy(
    lambda: gettext("Choose between 1 and %(most)d dots.") % {"most": MAX_DOTS}, str
)()


def open_gaps(workshop: Workshop):
    """The gaps one may vote on or promote: this workshop's, not merged into another."""
    return Gap.objects.filter(workshop=workshop, merged_into__isnull=True)


class GapChoice(forms.ModelChoiceField):
    default_error_messages = {"invalid_choice": NOT_ON_BOARD, "required": NOT_ON_BOARD}


def budget_field(required: bool) -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Dots per participant"),
        min_value=1,
        max_value=MAX_DOTS,
        required=required,
        error_messages={
            "invalid": BUDGET_RANGE,
            "min_value": BUDGET_RANGE,
            "max_value": BUDGET_RANGE,
            "required": BUDGET_RANGE,
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class DotForm(forms.Form):
    """Add a dot to a gap, take one back, or move one to another gap."""

    ADD, REMOVE, MOVE = "add", "remove", "move"
    action = forms.ChoiceField(
        choices=[(ADD, ADD), (REMOVE, REMOVE), (MOVE, MOVE)],
        error_messages={
            "invalid_choice": _("Unknown action."),
            "required": _("Unknown action."),
        },
    )
    gap = GapChoice(queryset=Gap.objects.none())
    to = GapChoice(queryset=Gap.objects.none(), required=False)

    def __init__(self, *args, workshop: Workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gap"].queryset = open_gaps(workshop)
        self.fields["to"].queryset = open_gaps(workshop)

    def clean(self):
        data = super().clean()
        if data.get("action") == self.MOVE and not data.get("to"):
            self.add_error("to", NOT_ON_BOARD)
        return data

    def first_error(self) -> str:
        return next(iter(self.errors.values()))[0]


class VotingControlForm(forms.Form):
    """The facilitator's controls: open (or reopen) voting, close it, change the budget."""

    OPEN, CLOSE, BUDGET = "open", "close", "budget"
    action = forms.ChoiceField(
        choices=[(OPEN, OPEN), (CLOSE, CLOSE), (BUDGET, BUDGET)],
        error_messages={
            "invalid_choice": _("Unknown action."),
            "required": _("Unknown action."),
        },
    )
    budget = budget_field(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget"].widget.attrs["id"] = "voting-budget"

    def clean(self):
        data = super().clean()
        wants_budget = data.get("action") == self.BUDGET
        if wants_budget and data.get("budget") is None and "budget" not in self.errors:
            self.add_error("budget", BUDGET_RANGE)
        return data


class PromoteForm(forms.Form):
    """A gap promoted to a priority area, with its level (the title defaults to the gap's)."""

    gap_id = GapChoice(queryset=Gap.objects.none())
    level = forms.ChoiceField(
        label=_("Priority level"),
        choices=PriorityArea.Level.choices,
        initial=PriorityArea.Level.HIGH,
        error_messages={"invalid_choice": _("Choose high, medium or low.")},
    )
    title = forms.CharField(label=_("Title"), max_length=120, required=False)

    def __init__(self, *args, workshop: Workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gap_id"].queryset = open_gaps(workshop)


class PriorityForm(forms.ModelForm):
    """A priority area's title, level and rank; ``version`` guards against lost updates."""

    rank = forms.IntegerField(
        label=_("Rank"),
        min_value=1,
        help_text=_("1 is the first priority; the others move to make room."),
        error_messages={"invalid": _("Enter a whole number, 1 or more.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = PriorityArea
        fields = ["title", "level", "rank"]
