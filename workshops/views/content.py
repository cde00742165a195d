"""Content the state team writes once for every workshop: the SOC framework review."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from workshops.access import state_reviewer
from workshops.forms.content import FrameworkFormSet
from workshops.models import FrameworkSection


@state_reviewer
def framework(request: HttpRequest) -> HttpResponse:
    formset = FrameworkFormSet(request.POST or None, queryset=FrameworkSection.objects.all())
    if request.method == "POST" and formset.is_valid():
        formset.save()
        messages.success(request, "The framework review is saved; every workshop shows it now.")
        return redirect("framework")
    return TemplateResponse(request, "workshops/framework.html", {"formset": formset})
