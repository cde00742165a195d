"""Forms of the action plan's items and of where the county stands on each principle.

An edit form carries the ``version`` it was read at (see ``plans.save_item``); an add form has
none. Errors go next to the field they are about: a due date before the start, a number
without its unit, numbers on a qualitative measure.
"""

from django import forms
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _

from actionplans.models import (
    ActionStep,
    Benchmark,
    Goal,
    Measure,
    Objective,
    Principle,
    PrincipleStance,
    Strategy,
)
from actionplans.plans import KINDS
from workshops.models import Membership, System

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PrincipleChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Principle) -> str:
        return obj.tr_name


class SystemChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: System) -> str:
        return gettext(obj.name)


class MemberChoice(forms.ModelChoiceField):
    """A member of the workshop, shown as "Name — agency"."""

    def label_from_instance(self, obj: Membership) -> str:
        return f"{obj.display_name} — {obj.agency}" if obj.agency else obj.display_name


class ItemForm(forms.ModelForm):
    """Common to every plan item: the principles it advances and its version."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "principles" in self.fields:
            self.fields["principles"] = PrincipleChoices(
                queryset=Principle.objects.order_by("order", "id"),
                widget=forms.CheckboxSelectMultiple(attrs={"class": "plan-principle-choice"}),
                required=False,
                label=_("SOC principles it advances"),
            )
        if self.instance.pk is None:
            del self.fields["version"]
        else:
            self.initial.setdefault("version", self.instance.version)


class GoalForm(ItemForm):
    class Meta:
        model = Goal
        fields = KINDS["goal"].fields
        labels = {"title": _("Goal: where do we want to be?"), "where_we_are": _("Where are we?")}
        help_texts = {
            "where_we_are": _("What the assessment and the map show today, in a few sentences."),
        }
        widgets = {"where_we_are": forms.Textarea(attrs={"rows": 3})}


class ObjectiveForm(ItemForm):
    class Meta:
        model = Objective
        fields = KINDS["objective"].fields
        help_texts = {"title": _("Measurable, within a time frame.")}
        widgets = {"target_date": DATE}


class StrategyForm(ItemForm):
    class Meta:
        model = Strategy
        fields = KINDS["strategy"].fields
        help_texts = {"title": _("A broad effort towards the objective.")}


class StepForm(ItemForm):
    class Meta:
        model = ActionStep
        fields = KINDS["step"].fields
        labels = {"title": _("What will be done")}
        help_texts = {
            "lead": _("The person who makes sure it happens."),
            "partners": _("Partner agencies, separated by commas."),
        }
        widgets = {
            "start": DATE,
            "due": DATE,
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, objective: Objective, **kwargs):
        super().__init__(*args, **kwargs)
        strategy = self.fields["strategy"]
        strategy.queryset = objective.strategies.order_by("order", "id")
        strategy.empty_label = gettext("(no strategy)")
        self.fields["partner_systems"] = SystemChoices(
            queryset=System.objects.order_by("order", "name"),
            widget=forms.CheckboxSelectMultiple(attrs={"class": "plan-system-choice"}),
            required=False,
            label=_("Partner systems"),
        )
        self.fields["lead_member"] = MemberChoice(
            queryset=Membership.objects.filter(workshop__plans__goals__objectives=objective)
            .select_related("user")
            .order_by("user__first_name", "user__last_name", "pk"),
            required=False,
            label=_("Lead in the workshop"),
            help_text=_(
                "Optional: a member of the workshop who leads the step can post its progress. "
                "When the lead person is empty, it takes this member's name."
            ),
            empty_label=gettext("(nobody chosen)"),
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        start, due = cleaned.get("start"), cleaned.get("due")
        if start and due and due < start:
            self.add_error("due", gettext("The due date cannot be before the start date."))
        member = cleaned.get("lead_member")
        if member is not None and not cleaned.get("lead", "").strip():
            cleaned["lead"] = member.display_name
        return cleaned


class MeasureForm(ItemForm):
    class Meta:
        model = Measure
        fields = KINDS["measure"].fields
        help_texts = {
            "kind": _(
                "Quantitative: counted or compared on a scale. Qualitative: about the process, "
                "in words."
            ),
            "unit": _("What the numbers count: families, days, %, …"),
        }
        widgets = {"kind": forms.RadioSelect}

    def clean(self) -> dict:
        cleaned = super().clean()
        numbers = [name for name in ("baseline", "target") if cleaned.get(name) is not None]
        if cleaned.get("kind") == Measure.Kind.QUALITATIVE:
            for name in numbers:
                self.add_error(
                    name,
                    gettext(
                        "A qualitative measure has no numbers: describe it in words, or make "
                        "it quantitative."
                    ),
                )
        elif numbers and not cleaned.get("unit", "").strip() and "unit" not in self.errors:
            self.add_error("unit", gettext("Give the unit of the baseline and target."))
        return cleaned


class BenchmarkForm(ItemForm):
    class Meta:
        model = Benchmark
        fields = KINDS["benchmark"].fields
        labels = {"due": _("By"), "value": _("Value expected by then")}
        widgets = {"due": DATE}

    def __init__(self, *args, measure: Measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure
        if measure.unit:
            self.fields["value"].help_text = measure.unit

    def clean(self) -> dict:
        cleaned = super().clean()
        value = cleaned.get("value")
        if self.measure.kind == Measure.Kind.QUALITATIVE and value is not None:
            self.add_error(
                "value", gettext("This measure is qualitative: describe the benchmark in words.")
            )
        elif value is None and not cleaned.get("description") and "value" not in self.errors:
            self.add_error("value", gettext("Give a value, a description, or both."))
        return cleaned


FORMS: dict[str, type[ItemForm]] = {
    "goal": GoalForm,
    "objective": ObjectiveForm,
    "strategy": StrategyForm,
    "step": StepForm,
    "measure": MeasureForm,
    "benchmark": BenchmarkForm,
}


def item_form(kind: str, data=None, *, instance, parent=None) -> ItemForm:
    """The form of a plan item; steps and benchmarks need their parent to build their choices."""
    kwargs = {}
    if kind == "step":
        kwargs["objective"] = parent or instance.objective
    elif kind == "benchmark":
        kwargs["measure"] = parent or instance.measure
    return FORMS[kind](data, instance=instance, **kwargs)


class StanceForm(forms.ModelForm):
    """Where the county stands on a principle; ``version`` 0 when nobody has said yet."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = PrincipleStance
        fields = ["level", "notes"]
        widgets = {"level": forms.RadioSelect, "notes": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"notes": gettext_lazy("What the room said about adopting and practising it.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = PrincipleStance.Level.choices
        self.initial.setdefault("version", self.instance.version if self.instance.pk else 0)
