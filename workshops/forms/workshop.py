"""Forms for creating and configuring a workshop, its team and its stage."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from workshops import cycles
from workshops.models import County, Membership, Workshop

DEFAULT_TITLE = "{county} County SOC Action Planning Workshop"
START_FROM_HELP = (
    "Copies the facilitators, committee members and participants of the county's latest "
    "workshop with their systems, agencies and titles, so that the survey is repeated with the "
    "same people. Participants get new invitation links; each fills this cycle's data-table "
    "row anew."
)


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

    start_from = forms.BooleanField(
        label="Start from the latest workshop", required=False, help_text=START_FROM_HELP
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.source: Workshop | None = None  # the workshop whose roster a new one copies
        if self.instance.pk:
            del self.fields["county"]
            del self.fields["start_from"]
        else:
            self.fields["county"].queryset = (
                County.objects.filter(state__reviewers__user=user)
                .select_related("state")
                .order_by("state__name", "name")
            )
            self.fields["county"].help_text = "Counties of the states whose SOC team you are on."
            self.fields["title"].required = False
            county = self.chosen_county()
            title = DEFAULT_TITLE.format(county=county.name if county else "(the county)")
            self.fields["title"].help_text = f"Leave empty for “{title}”."
            self.initial.setdefault("cycle", timezone.localdate().year)
            self.initial.setdefault("max_participants", settings.MAX_PARTICIPANTS)
            self.offer_last_cycle(county)
            # With htmx, picking a county names the workshop a new cycle would start from.
            self.fields["county"].widget.attrs.update({
                "hx-get": reverse("workshops:new"), "hx-trigger": "change",
                "hx-target": "#start-from", "hx-select": "#div_id_start_from",
                "hx-swap": "innerHTML",
            })  # fmt: skip
        self.fields["cycle"].validators += [MinValueValidator(2000), MaxValueValidator(2100)]
        self.fields["cycle"].widget.attrs.update(min=2000, max=2100)
        limit = settings.MAX_PARTICIPANTS
        self.fields["max_participants"].validators += [
            MinValueValidator(1),
            MaxValueValidator(limit),
        ]
        self.fields["max_participants"].widget.attrs.update(min=1, max=limit)
        self.fields["max_participants"].help_text = f"At most {limit}."

    def chosen_county(self) -> County | None:
        """The county picked so far: the submitted one, or the one the page was opened for."""
        field = self.fields["county"]
        raw = self.data.get("county") if self.is_bound else self.initial.get("county")
        if isinstance(raw, County):
            return raw
        try:
            return field.queryset.filter(pk=int(raw)).first() if raw else None
        except (TypeError, ValueError):
            return None

    def offer_last_cycle(self, county: County | None) -> None:
        """Names the workshop a new cycle would start from, once the county is known."""
        latest = cycles.latest_workshop(county) if county else None
        if latest is None:
            return
        counts = cycles.roster_counts(latest)
        team = counts[Membership.Role.FACILITATOR] + counts[Membership.Role.COMMITTEE]
        participants = counts[Membership.Role.PARTICIPANT]
        field = self.fields["start_from"]
        # The title stays out of the label: it would make "County" a word of two labels.
        field.label = f"Start from the {latest.cycle} workshop"
        field.help_text = (
            f"“{latest.title}”: {participants} participant{'s' if participants != 1 else ''} and "
            f"{team} team member{'s' if team != 1 else ''}. {START_FROM_HELP}"
        )
        if not self.is_bound:
            self.initial.setdefault("start_from", True)

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
        if cleaned.get("start_from") and county is not None:
            self.source = cycles.latest_workshop(county)
            if self.source is None:
                self.add_error(
                    "start_from", f"{county.name} has no earlier workshop to start from."
                )
            elif cleaned.get("max_participants"):
                copied = cycles.roster_counts(self.source)[Membership.Role.PARTICIPANT]
                if cleaned["max_participants"] < copied:
                    self.add_error(
                        "max_participants",
                        f"The {self.source.cycle} workshop had {copied} participants: allow at "
                        f"least {copied}, or start with an empty roster.",
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
