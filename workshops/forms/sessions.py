"""Forms for the workshop format, the sessions and their agendas, and the debriefs."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.utils import timezone

from workshops.formats import SessionPlan, has_mode, plan_sessions
from workshops.models import Activity, AgendaItem, Debrief, Workshop, WorkshopSession

Mode = WorkshopSession.Mode


class WebLinkField(forms.URLField):
    """A meeting link: http(s) only, unlike URLField's default that also takes ftp."""

    default_validators = [URLValidator(schemes=["http", "https"])]
    default_error_messages = {"invalid": "Enter a web address such as https://zoom.us/j/123."}


def numbers_text(numbers: list[int]) -> str:
    return ", ".join(str(number) for number in numbers)


class FormatForm(forms.Form):
    """The county's choice of format, from which the sessions are generated."""

    format = forms.ChoiceField(
        label="Format",
        choices=Workshop.Format.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose one of the formats."},
    )
    first_day = forms.DateField(
        label="Date of the first session",
        help_text="Later sessions follow weekly, on the same weekday.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a date such as 2026-03-05."},
    )
    start_time = forms.TimeField(
        label="Start time",
        required=False,
        help_text="Leave blank for 10:00 online and 9:00 in person.",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "Enter a time such as 10:00."},
    )
    meeting_link = WebLinkField(
        label="Meeting link (Zoom or Webex)",
        required=False,
        max_length=500,
        help_text="Needed for online sessions.",
        widget=forms.URLInput(attrs={"placeholder": "https://zoom.us/j/…"}),
    )
    location = forms.CharField(
        label="Location",
        required=False,
        max_length=300,
        help_text="Needed for in-person sessions: the venue and its address.",
    )

    def __init__(self, *args, held: list[int] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.held = held or []

    def clean_first_day(self):
        first_day = self.cleaned_data["first_day"]
        if first_day < timezone.localdate():
            raise ValidationError("The first session cannot be in the past.")
        return first_day

    def clean(self):
        data = super().clean()
        if self.held:
            raise ValidationError(
                f"Session {numbers_text(self.held)} has already happened, so the format can no "
                "longer change: held sessions stay in the workshop's record. Edit the remaining "
                "sessions one by one instead."
            )
        workshop_format = data.get("format")
        if not workshop_format:
            return data
        needs_link = has_mode(workshop_format, Mode.ONLINE) and not data.get("meeting_link")
        if needs_link and "meeting_link" not in self.errors:
            self.add_error("meeting_link", "Online sessions need a Zoom or Webex link.")
        if has_mode(workshop_format, Mode.IN_PERSON) and not data.get("location"):
            self.add_error("location", "The in-person session needs a location.")
        if data.get("first_day") and self.plans()[0].starts_at <= timezone.now():
            self.add_error("start_time", "That time has already passed today.")
        return data

    def plans(self) -> list[SessionPlan]:
        data = self.cleaned_data
        return plan_sessions(data["format"], data["first_day"], data.get("start_time"))


class SessionForm(forms.ModelForm):
    """When and where one session happens."""

    starts_at = forms.DateTimeField(
        label="Starts",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": "Enter a date and time such as 2026-03-05 10:00."},
    )
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)",
        min_value=15,
        max_value=720,
        help_text="Between 15 minutes and 12 hours.",
    )
    meeting_link = WebLinkField(
        label="Meeting link (Zoom or Webex)", required=False, max_length=500
    )

    class Meta:
        model = WorkshopSession
        fields = ["starts_at", "duration_minutes", "meeting_link", "location"]

    def __init__(
        self,
        *args,
        previous: WorkshopSession | None = None,
        following: WorkshopSession | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.previous, self.following = previous, following
        if self.instance.mode == Mode.ONLINE:
            self.fields["meeting_link"].help_text = "Needed: this session is online."
        else:
            self.fields["location"].help_text = "Needed: this session is in person."

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        if self.previous and starts_at <= self.previous.starts_at:
            raise ValidationError(
                f"Session {self.previous.number} starts "
                f"{timezone.localtime(self.previous.starts_at):%a %d %b %Y %H:%M}; "
                f"session {self.instance.number} must start after it."
            )
        if self.following and starts_at >= self.following.starts_at:
            raise ValidationError(
                f"Session {self.following.number} starts "
                f"{timezone.localtime(self.following.starts_at):%a %d %b %Y %H:%M}; "
                f"session {self.instance.number} must start before it."
            )
        return starts_at

    def clean(self):
        data = super().clean()
        needs_link = self.instance.mode == Mode.ONLINE and not data.get("meeting_link")
        if needs_link and "meeting_link" not in self.errors:
            self.add_error("meeting_link", "Online sessions need a Zoom or Webex link.")
        if self.instance.mode == Mode.IN_PERSON and not data.get("location"):
            self.add_error("location", "In-person sessions need a location.")
        return data


class AgendaItemForm(forms.ModelForm):
    order = forms.IntegerField(label="Order", min_value=0, max_value=999)
    title = forms.CharField(
        label="Title", required=False, max_length=200, help_text="Blank: the activity's name."
    )
    minutes = forms.IntegerField(
        label="Minutes", validators=[MinValueValidator(1), MaxValueValidator(480)]
    )

    class Meta:
        model = AgendaItem
        fields = ["order", "activity", "title", "minutes"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name == "activity" else "form-control"

    def clean(self):
        data = super().clean()
        if data.get("activity") and not data.get("title"):
            data["title"] = Activity(data["activity"]).label
        return data


class BaseAgendaFormSet(forms.BaseInlineFormSet):
    """The agenda rows; the view sets ``duration`` so that their sum can be checked."""

    duration: int | None = None

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove"
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"

    def clean(self) -> None:
        super().clean()
        total = sum(
            form.cleaned_data.get("minutes") or 0
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        )
        if self.duration is not None and total > self.duration:
            raise ValidationError(
                f"The agenda adds up to {total} minutes, more than the session's "
                f"{self.duration}: shorten or remove items, or lengthen the session."
            )


AgendaFormSet = forms.inlineformset_factory(
    WorkshopSession,
    AgendaItem,
    form=AgendaItemForm,
    formset=BaseAgendaFormSet,
    extra=1,
    can_delete=True,
    max_num=40,
    validate_max=True,
)


class DebriefForm(forms.ModelForm):
    """The three questions (seed 004) and the adjustments for the next session."""

    # Free text so that a damaged value gets the form-level message, not a hidden field's error.
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Debrief
        fields = ["working_well", "worried_about", "next_steps", "adjustments"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in fields}
        help_texts = {
            "adjustments": "Facilitators see these on the next session's page.",
        }

    def clean(self):
        data = super().clean()
        version = data.get("version", "")
        if not version.isdigit():
            raise ValidationError(
                "This form lost track of which version it edits; reload the page and try again."
            )
        data["version"] = int(version)
        if not any(data.get(name, "").strip() for name in self._meta.fields):
            raise ValidationError("Answer at least one of the questions.")
        return data
