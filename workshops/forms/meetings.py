"""Forms for planning-committee meetings."""

from django import forms
from django.contrib.auth import get_user_model

from workshops.models import Meeting, Membership, StateReviewer, Workshop

DATETIME_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MeetingScheduleForm(forms.ModelForm):
    """When and where a meeting takes place."""

    duration_minutes = forms.IntegerField(
        label="Duration (minutes)", min_value=5, max_value=600, initial=60
    )

    class Meta:
        model = Meeting
        fields = ["scheduled_at", "duration_minutes", "place"]
        widgets = {"scheduled_at": DATETIME_LOCAL}


class AttendeeField(forms.ModelMultipleChoiceField):
    def __init__(self, *args, labels: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.labels = labels

    def label_from_instance(self, obj) -> str:
        name = obj.get_full_name() or obj.email or obj.username
        return f"{name} ({self.labels[obj.pk]})"


class MeetingForm(MeetingScheduleForm):
    """Everything recorded about a meeting; ``version`` guards against lost updates."""

    topics_reviewed = forms.MultipleChoiceField(
        label="Topics reviewed",
        choices=Meeting.Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta(MeetingScheduleForm.Meta):
        fields = [
            "scheduled_at",
            "duration_minutes",
            "place",
            "topics_reviewed",
            "notes",
            "decisions",
            "attendees",
        ]
        widgets = {
            **MeetingScheduleForm.Meta.widgets,
            "notes": forms.Textarea(attrs={"rows": 6}),
            "decisions": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, workshop: Workshop, **kwargs):
        super().__init__(*args, **kwargs)
        labels = attendee_labels(workshop)
        self.fields["attendees"] = AttendeeField(
            queryset=get_user_model()
            .objects.filter(pk__in=labels)
            .order_by("last_name", "first_name", "username"),
            labels=labels,
            widget=forms.CheckboxSelectMultiple,
            required=False,
            help_text="The workshop's team, participants and the state SOC team.",
        )
        self.initial.setdefault("version", self.instance.version)

    def clean_topics_reviewed(self) -> list[str]:
        chosen = set(self.cleaned_data["topics_reviewed"])
        return [topic.value for topic in Meeting.Topic if topic.value in chosen]


def attendee_labels(workshop: Workshop) -> dict[int, str]:
    """Who may attend a meeting: the workshop's members and the state's reviewers, by role."""
    labels = {
        user_id: "State SOC team"
        for user_id in StateReviewer.objects.filter(state_id=workshop.county.state_id).values_list(
            "user_id", flat=True
        )
    }
    for user_id, role in workshop.memberships.values_list("user_id", "role"):
        labels.setdefault(user_id, Membership.Role(role).label)
    return labels
