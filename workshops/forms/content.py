from django import forms

from workshops.models import FrameworkSection

FrameworkFormSet = forms.modelformset_factory(
    FrameworkSection,
    fields=["order", "title", "body"],
    extra=1,
    can_delete=True,
    widgets={"body": forms.Textarea(attrs={"rows": 6})},
)
