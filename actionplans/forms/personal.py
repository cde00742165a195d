"""Forms of the personal action plan: a relationship, sharing, the review and its date.

Errors go next to the field they are about.
"""

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _

from actionplans import personal
from actionplans.models import CollaborationStrategy, Relationship
from actionplans.personal import LABELS, Outcome
from assessments.models import MapNode, Proposal
from workshops.models import Membership, Workshop

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MapNodeChoice(forms.ModelChoiceField):
    """The map node a relationship started from: one not on this workshop's map (removed
    meanwhile, or never there) is left out rather than blocking the save of a hidden field."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            return None


class RelationshipForm(forms.ModelForm):
    """One relationship: with whom, how it is now, what to improve, how, and how it will show.

    An edit form carries the ``version`` it was read at (see ``personal.save_relationship``).
    """

    strategies = forms.MultipleChoiceField(
        label=LABELS["strategies"],
        choices=CollaborationStrategy.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={
            "invalid_choice": _("Choose among the seven practical collaboration strategies.")
        },
    )
    node = MapNodeChoice(queryset=MapNode.objects.none(), widget=forms.HiddenInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Relationship
        fields = ["agency", "node", "now", "improve", "strategies", "actions", "success"]
        labels = {
            "agency": LABELS["agency"],
            "now": LABELS["now"],
            "improve": LABELS["improve"],
            "actions": LABELS["actions"],
            "success": LABELS["success"],
        }
        help_texts = {
            "agency": _("An agency or organization your relationship with is challenging or "
                        "does not exist yet."),
            "improve": _("One area of the relationship you want to improve."),
            "actions": _("The strategies and actions you will use to make this improvement."),
            "success": _("What will tell you that the improvement is made."),
        }  # fmt: skip
        widgets = {
            "now": forms.RadioSelect,
            "improve": forms.Textarea(attrs={"rows": 3}),
            "actions": forms.Textarea(attrs={"rows": 4}),
            "success": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, workshop: Workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = MapNode.objects.filter(
            workshop=workshop, proposal=Proposal.ACCEPTED
        )
        self.fields["now"].choices = Relationship.Now.choices  # radios need no blank choice
        self.fields["agency"].error_messages["required"] = gettext_lazy(
            "Name the agency or organization."
        )
        self.fields["agency"].error_messages["max_length"] = gettext_lazy(
            "Keep the name to %(limit_value)d characters (it has %(show_value)d)."
        )
        self.fields["now"].error_messages["required"] = gettext_lazy(
            "Say whether the relationship is challenging or does not exist yet."
        )
        self.fields["now"].error_messages["invalid_choice"] = gettext_lazy(
            "Choose challenging or does not exist yet."
        )
        self.fields["improve"].error_messages["required"] = gettext_lazy(
            "Say what you want to improve in this relationship."
        )
        if self.instance.pk is None:
            del self.fields["version"]
        else:
            self.initial.setdefault("version", self.instance.version)

    def clean_agency(self) -> str:
        return self.cleaned_data["agency"].strip()

    def strategy_options(self) -> list[dict]:
        """The seven strategies as checkboxes, each with its explanation and whether chosen."""
        chosen = set(self["strategies"].value() or [])
        return [
            {
                "id": f"id_strategies_{index}",
                "value": choice.value,
                "label": choice.label,
                "explanation": choice.explanation,
                "checked": choice.value in chosen,
            }
            for index, choice in enumerate(personal.strategy_choices())
        ]


class ColleagueChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Membership) -> str:
        name = obj.user.get_full_name() or obj.user.username
        about = obj.agency or (gettext(obj.system.name) if obj.system else "")
        role = obj.get_role_display()
        return f"{name} ({role}, {about})" if about else f"{name} ({role})"


class ShareForm(forms.Form):
    colleagues = ColleagueChoices(
        label=_("Colleagues who can read your plan"),
        queryset=Membership.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("They see it read-only. Untick someone to stop sharing with them."),
        error_messages={
            "invalid_choice": _(
                "You can share your plan only with colleagues in this workshop, not with yourself."
            ),
            "invalid_pk_value": _("Choose colleagues from the list."),
        },
    )

    def __init__(self, *args, membership: Membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colleagues"].queryset = personal.colleagues(membership)


class ReviewDateForm(forms.Form):
    review_on = forms.DateField(
        label=_("Look back at it on"),
        required=False,
        widget=DATE,
        error_messages={"invalid": _("Enter a date, for example 2026-12-01.")},
    )

    def clean_review_on(self):
        day = self.cleaned_data["review_on"]
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(
                gettext("Choose a day from today on: the day you will look back at your plan.")
            )
        return day


class ReviewForm(forms.Form):
    """How each relationship went, with notes, and what the person sees looking back.

    ``reviewed`` carries the time of the last review as the form read it (see
    ``personal.review``).
    """

    review_notes = forms.CharField(
        label=LABELS["review_notes"],
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What worked, what got in the way, what you will do next."),
    )
    reviewed = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, relationships: list[Relationship], **kwargs):
        super().__init__(*args, **kwargs)
        self.relationships = relationships
        outcomes = [c for c in Relationship.Outcome.choices if c[0]]
        for relationship in relationships:
            self.fields[f"outcome_{relationship.pk}"] = forms.ChoiceField(
                label=LABELS["outcome"],
                choices=outcomes,
                widget=forms.RadioSelect,
                required=False,
                initial=relationship.outcome,
                error_messages={
                    "invalid_choice": _("Choose achieved, partly achieved or not yet.")
                },
            )
            self.fields[f"note_{relationship.pk}"] = forms.CharField(
                label=LABELS["outcome_note"],
                required=False,
                max_length=2000,
                initial=relationship.outcome_note,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean_reviewed(self) -> str:
        token = self.cleaned_data["reviewed"]
        try:
            if token:
                datetime.fromisoformat(token)
        except ValueError as error:
            raise forms.ValidationError(
                gettext("This form is out of date: reload the page and enter your review again.")
            ) from error
        return token

    def parts(self) -> list[tuple[Relationship, forms.BoundField, forms.BoundField]]:
        return [(r, self[f"outcome_{r.pk}"], self[f"note_{r.pk}"]) for r in self.relationships]

    def outcomes(self) -> dict[int, Outcome]:
        data = self.cleaned_data
        return {
            r.pk: Outcome(data[f"outcome_{r.pk}"], data[f"note_{r.pk}"].strip())
            for r in self.relationships
        }
