"""Forms of the review (sending, deciding, commenting, answering) and of plan versions (starting
one, choosing two to compare). Their errors are what people read when a step is refused."""

from django import forms
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from actionplans.models import ActionPlan, ReviewComment, Submission

Decision = Submission.Decision
TEXT_REQUIRED = {"required": _("Write the comment first.")}


class SubmitForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the state team"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: what to look at first, what changed since the last time."),
    )


class DecisionForm(forms.Form):
    """Approve, or ask for changes with a note saying what should change."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Decision.APPROVED, _("Approve the plan")),
            (Decision.CHANGES, _("Ask for changes")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose to approve the plan or to ask for changes."),
            "invalid_choice": _("Choose to approve the plan or to ask for changes."),
        },
    )
    note = forms.CharField(
        label=_("Note to the county"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Needed when you ask for changes: say what should change."),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("decision") == Decision.CHANGES and not cleaned.get("note", "").strip():
            self.add_error(
                "note", gettext("Say what should change: a note is needed to ask for changes.")
            )
        return cleaned


class CommentForm(forms.Form):
    """A reviewer's comment on the whole plan or on one item (``target`` and ``target_id``)."""

    target = forms.ChoiceField(
        choices=ReviewComment.Target.choices,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose what the comment is about."),
            "invalid_choice": _("Choose what the comment is about."),
        },
    )
    target_id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    text = forms.CharField(
        label=pgettext_lazy("the text of a review comment", "Comment"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=TEXT_REQUIRED,
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.errors.get("target_id"):
            self.errors.pop("target_id")
            self.add_error(None, gettext("Choose what the comment is about."))
        return cleaned


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=pgettext_lazy("the text of an answer to a comment", "Answer"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write the answer first.")},
    )


class RevisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the plan is revised"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For example: the committee reconvened after a year; two steps are done and the "
            "crisis pilot needs a new goal."
        ),
        error_messages={"required": _("Say why the plan is revised.")},
    )


class CompareForm(forms.Form):
    """Two versions of the plan, by number (the older first, whichever order they come in)."""

    a = forms.TypedChoiceField(label=_("Compare version"), coerce=int)
    b = forms.TypedChoiceField(label=_("with version"), coerce=int)

    def __init__(self, *args, versions: list[ActionPlan], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            (plan.number, gettext("Version %(n)s") % {"n": plan.number}) for plan in versions
        ]
        for name in ("a", "b"):
            self.fields[name].choices = choices
            self.fields[name].error_messages["invalid_choice"] = gettext(
                "There is no such version of the plan."
            )

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("a") is not None and cleaned.get("a") == cleaned.get("b"):
            self.add_error("b", gettext("Choose two different versions."))
        return cleaned
