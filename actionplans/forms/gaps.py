"""Forms of gaps and opportunities: proposing and editing one, filtering the list, adding
evidence, merging a duplicate."""

from django import forms
from django.utils.translation import gettext, gettext_lazy

from actionplans.gaps import GapFields, Sources, Target, parse_target
from actionplans.models import Gap, Principle
from workshops.models import System, Workshop


class SystemsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: System) -> str:
        return gettext(obj.name)


class PrinciplesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Principle) -> str:
        return obj.tr_name


class GapForm(forms.ModelForm):
    """A gap, barrier or opportunity as the room names it."""

    systems = SystemsField(
        label=gettext_lazy("Systems affected"),
        queryset=System.objects.order_by("order", "name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    principles = PrinciplesField(
        label=gettext_lazy("SOC principles concerned"),
        queryset=Principle.objects.order_by("order", "id"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Gap
        fields = ["title", "description", "kind", "systems", "principles"]
        labels = {
            "title": gettext_lazy("Title"),
            "description": gettext_lazy("Description"),
            "kind": gettext_lazy("Kind"),
        }
        help_texts = {
            "title": gettext_lazy("A few words the room will recognise, at most 120 characters."),
            "description": gettext_lazy("What is missing or could be done, for whom, where."),
        }
        widgets = {
            "kind": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].error_messages["invalid_choice"] = gettext_lazy(
            "Choose gap, barrier or opportunity."
        )
        self.fields["title"].error_messages["max_length"] = gettext_lazy(
            "Keep the title to %(limit_value)d characters (it has %(show_value)d): "
            "put the rest in the description."
        )

    def gap_fields(self) -> GapFields:
        data = self.cleaned_data
        return GapFields(
            title=data["title"],
            description=data["description"],
            kind=data["kind"],
            systems=list(data["systems"]),
            principles=list(data["principles"]),
        )


class GapEditForm(GapForm):
    """``version`` guards against lost updates when two people edit the same gap."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("version", self.instance.version)


class GapFilterForm(forms.Form):
    """What the list shows: one kind or all, one system or all."""

    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    system = forms.TypedChoiceField(
        label=gettext_lazy("System"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, data=None, *, systems: list[System], **kwargs):
        super().__init__(data, auto_id="gap-filter-%s", **kwargs)
        self.fields["kind"].choices = [("", gettext("All kinds")), *Gap.Kind.choices]
        self.fields["system"].choices = [("", gettext("All systems"))] + [
            (s.pk, gettext(s.name)) for s in systems
        ]
        for name in self.fields:
            self.fields[name].widget.attrs["class"] = "form-select"

    def chosen(self) -> tuple[str, int | None]:
        """The valid filters (an invalid one is left out, the other kept)."""
        if not self.is_bound:
            return "", None
        self.is_valid()
        return self.cleaned_data.get("kind") or "", self.cleaned_data.get("system")


class CheckedChoiceField(forms.ChoiceField):
    """A choice whose validity the form checks itself, to say what is wrong with it."""

    def validate(self, value) -> None:
        if value in self.empty_values:
            raise forms.ValidationError(self.error_messages["required"], code="required")


class EvidenceForm(forms.Form):
    """Evidence of a gap: one of this workshop's survey results, map items or figures."""

    source = CheckedChoiceField(
        label=gettext_lazy("Evidence"),
        help_text=gettext_lazy(
            "A survey question or heat-map cell, a service or link of the map, or a figure of "
            "the data table."
        ),
        error_messages={"required": gettext_lazy("Choose a piece of evidence from the list.")},
    )
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("What it shows about this gap, in a sentence."),
    )

    def __init__(self, *args, sources: Sources, gap: Gap, **kwargs):
        super().__init__(*args, **kwargs)
        self.sources = sources
        self.gap = gap
        self.fields["source"].choices = [("", gettext("Choose…")), *sources.choices()]
        self.fields["source"].widget.attrs["class"] = "form-select"

    def clean_source(self) -> Target:
        value = self.cleaned_data["source"]
        target = self.sources.targets().get(value)
        if target is None:
            raise forms.ValidationError(self.sources.refusal(parse_target(value)), "foreign")
        if self.gap.evidence.filter(**target.fields()).exists():
            raise forms.ValidationError(
                gettext("This gap already has that evidence."), code="duplicate"
            )
        return target


class MergeForm(forms.Form):
    """Which gap keeps the duplicate's evidence and dots."""

    kept = CheckedChoiceField(
        label=gettext_lazy("Merge into"),
        help_text=gettext_lazy("The gap that stays; this one disappears from the lists."),
        error_messages={"required": gettext_lazy("Choose the gap to keep.")},
    )

    def __init__(self, *args, duplicate: Gap, workshop: Workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.duplicate = duplicate
        candidates = list(
            Gap.objects.filter(workshop=workshop, merged_into__isnull=True)
            .exclude(pk=duplicate.pk)
            .order_by("title", "id")
            .values_list("pk", "title", "kind")
        )
        kinds = dict(Gap.Kind.choices)
        self.candidates = {pk: title for pk, title, _ in candidates}
        self.fields["kept"].choices = [("", gettext("Choose…"))] + [
            (pk, f"{title} ({kinds[kind].lower()})") for pk, title, kind in candidates
        ]
        self.fields["kept"].widget.attrs["class"] = "form-select"

    def clean_kept(self) -> int:
        value = self.cleaned_data["kept"]
        kept = int(value) if value.isdigit() else None
        if kept == self.duplicate.pk:
            raise forms.ValidationError(
                gettext("A gap cannot be merged into itself: choose another gap."), "itself"
            )
        if kept not in self.candidates:
            raise forms.ValidationError(
                gettext("Choose one of this workshop's gaps that is not merged already."),
                "invalid_choice",
            )
        return kept
