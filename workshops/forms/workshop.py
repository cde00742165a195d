"""Forms for creating and configuring a workshop, its team and its stage."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils import timezone

from workshops.models import County, Membership, Workshop

DEFAULT_TITLE = "{county} County SOC Action Planning Workshop"


class WorkshopForm(forms.ModelForm):
    """A workshop's settings; with ``user`` it also picks the county (new workshops only)."""

    class Meta:
        model = Workshop
        fields = ["county", "title", "cycle", "target_start", "target_end", "max_participants"]
        widgets = {
            "target_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "target_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {"cycle": "The year of this planning cycle, e.g. 2026."}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["county"]
        else:
            self.fields["county"].queryset = (
                County.objects.filter(state__reviewers__user=user)
                .select_related("state")
                .order_by("state__name", "name")
            )
            self.fields["county"].help_text = "Counties of the states whose SOC team you are on."
            self.fields["title"].required = False
            self.fields[
                "title"
            ].help_text = "Leave empty for “<County> County SOC Action Planning Workshop”."
            self.initial.setdefault("cycle", timezone.localdate().year)
            self.initial.setdefault("max_participants", settings.MAX_PARTICIPANTS)
        self.fields["cycle"].validators += [MinValueValidator(2000), MaxValueValidator(2100)]
        self.fields["cycle"].widget.attrs.update(min=2000, max=2100)
        limit = settings.MAX_PARTICIPANTS
        self.fields["max_participants"].validators += [
            MinValueValidator(1),
            MaxValueValidator(limit),
        ]
        self.fields["max_participants"].widget.attrs.update(min=1, max=limit)
        self.fields["max_participants"].help_text = f"At most {limit}."

    def clean(self):
        cleaned = super().clean()
        county = cleaned.get("county") or (self.instance.county if self.instance.pk else None)
        if county is not None and not cleaned.get("title") and "title" not in self.errors:
            cleaned["title"] = DEFAULT_TITLE.format(county=county.name)
        start, end = cleaned.get("target_start"), cleaned.get("target_end")
        if start and end and end < start:
            self.add_error("target_end", "The end cannot be before the start.")
        cycle, title = cleaned.get("cycle"), cleaned.get("title")
        if county and cycle and title:
            same = Workshop.objects.filter(county=county, cycle=cycle, title=title)
            if same.exclude(pk=self.instance.pk).exists():
                self.add_error(
                    "title",
                    f"{county} already has a workshop with this title in the {cycle} cycle.",
                )
        if self.instance.pk and cleaned.get("max_participants"):
            added = self.instance.memberships.filter(role=Membership.Role.PARTICIPANT).count()
            if cleaned["max_participants"] < added:
                self.add_error("max_participants", f"The roster already has {added} participants.")
        return cleaned


class TeamMemberForm(forms.Form):
    """Adds a facilitator or committee member by email, creating their account if needed."""

    ROLES = [
        (Membership.Role.FACILITATOR.value, Membership.Role.FACILITATOR.label),
        (Membership.Role.COMMITTEE.value, Membership.Role.COMMITTEE.label),
    ]

    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=ROLES, widget=forms.RadioSelect)

    def __init__(self, *args, workshop: Workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.workshop = workshop
        self.user = None

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        user = (
            get_user_model()
            .objects.filter(Q(email__iexact=email) | Q(username=email.lower()))
            .order_by("pk")
            .first()
        )
        if user is not None:
            membership = self.workshop.memberships.filter(user=user).first()
            if membership is not None:
                raise forms.ValidationError(
                    f"This person is already in the workshop as {membership.get_role_display()}."
                )
        self.user = user
        return email


class StageForm(forms.Form):
    to = forms.ChoiceField(choices=Workshop.Stage.choices, label="Stage")
    note = forms.CharField(max_length=500, required=False)
