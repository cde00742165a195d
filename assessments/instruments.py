"""Which instrument a workshop's survey uses, and new versions of frozen instruments."""

from django.db import transaction

from assessments.models import Instrument, Survey
from workshops.models import Workshop


def survey_for(workshop: Workshop) -> Survey:
    """The workshop's survey, opened on the latest instrument version at first use."""
    survey = Survey.objects.select_related("instrument").filter(workshop=workshop).first()
    if survey is None:
        survey, _ = Survey.objects.select_related("instrument").get_or_create(
            workshop=workshop, defaults={"instrument": Instrument.latest()}
        )
    return survey


@transaction.atomic
def new_version(instrument: Instrument) -> Instrument:
    """A copy of the instrument, with its sections and questions, as the next version."""
    latest = Instrument.objects.filter(key=instrument.key).order_by("-version").first()
    copy = Instrument.objects.create(
        name=instrument.name,
        key=instrument.key,
        version=latest.version + 1,
        description=instrument.description,
    )
    for section in instrument.sections.prefetch_related("questions"):
        questions = list(section.questions.all())
        section.pk = None
        section.instrument = copy
        section.save()
        for question in questions:
            question.pk = None
            question.section = section
            question.save()
    return copy
