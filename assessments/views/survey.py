"""The participant's survey: intro, one section per page with autosave, review and submit.

The section page is the busiest page of the product: its questions are rendered by one template
loop over plain data (no form widgets), from a fixed number of queries.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext

from assessments import survey as service
from assessments.models import Question
from workshops.access import Perm, workshop_view
from workshops.models import System, Workshop
from workshops.pagecache import cached_page

CLOSED_STATUS = 409


def not_participant(request: HttpRequest, workshop: Workshop) -> TemplateResponse:
    """Staff and the state team answer no survey: they see the results instead."""
    return TemplateResponse(request, "assessments/survey_staff.html", {"workshop": workshop})


def closed_message() -> str:
    return gettext("The survey is closed: answers can no longer be changed.")


@workshop_view(Perm.PARTICIPATE)
def survey_start(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    membership = request.access.membership
    if not service.is_participant(membership):
        return not_participant(request, workshop)
    progress = service.progress_for(workshop, membership)
    service.note_language(progress.response)
    return TemplateResponse(
        request, "assessments/survey_start.html", {"workshop": workshop, "progress": progress}
    )


def section_questions(progress: service.Progress, number: int):
    section = progress.section(number)
    if section is None:
        raise Http404("No such section.")
    questions = list(section.questions.order_by("order", "id"))
    has_matrix = any(q.kind == Question.Kind.SYSTEM_MATRIX for q in questions)
    systems = list(System.objects.order_by("order", "name")) if has_matrix else []
    return section, questions, systems


@workshop_view(Perm.PARTICIPATE)
@cached_page
def survey_section(request: HttpRequest, workshop: Workshop, number: int) -> HttpResponse:
    """One section of the survey's questions; POST saves them all and goes on."""
    membership = request.access.membership
    if not service.is_participant(membership):
        return not_participant(request, workshop)
    progress = service.progress_for(workshop, membership)
    response = progress.response
    section, questions, systems = section_questions(progress, number)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        if not progress.survey.is_open:
            messages.error(request, closed_message())
            status = CLOSED_STATUS
        elif request.POST.get("section") != str(number):
            # Not this page's form (which always sends its number): show the page again.
            messages.error(request, gettext("Nothing was sent: answer the questions below."))
        else:
            errors = service.save_many(response, {q.pk: q for q in questions}, request.POST)
            if not errors:
                if number < progress.count:
                    response.last_section = number + 1
                    response.save(update_fields=["last_section", "updated_at"])
                    return redirect("assessments:survey_section", workshop.code, number + 1)
                return redirect("assessments:survey_review", workshop.code)
    if response.last_section != number:
        response.last_section = number
        type(response).objects.filter(pk=response.pk).update(last_section=number)
    answers = service.answers_by_field(response, questions)
    posted = request.POST if errors else None
    context = {
        "workshop": workshop,
        "progress": progress,
        "number": number,
        "section": section,
        "title": section.tr("title"),
        "intro": section.tr("intro"),
        "items": service.items_for(questions, answers, systems, errors, posted),
        "errors": errors,
        "is_open": progress.survey.is_open,
        "previous": number - 1 if number > 1 else None,
        "next": number + 1 if number < progress.count else None,
        "max_text": service.MAX_TEXT,
    }
    return TemplateResponse(request, "assessments/survey_section.html", context, status=status)


def answer_status(
    request: HttpRequest, workshop: Workshop, error: str = "", status: int = 200
) -> HttpResponse:
    """The status next to the question ("Saved" or why not); a small page without htmx."""
    context = {"workshop": workshop, "error": error, "saved_at": timezone.now()}
    if request.htmx:
        template = "assessments/survey_section.html#status"
    elif not error:
        messages.success(request, gettext("Your answer is saved."))
        return redirect("assessments:survey", workshop.code)
    else:
        template = "assessments/survey_answer.html"
    return TemplateResponse(request, template, context, status=status)


@workshop_view(Perm.PARTICIPATE)
def survey_answer(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    """Autosave of one answer (htmx); 400 with the reason when it cannot be saved."""
    if request.method != "POST":
        return redirect("assessments:survey", workshop.code)
    membership = request.access.membership
    if not service.is_participant(membership):
        message = gettext("Only participants answer the survey: nothing was saved.")
        return answer_status(request, workshop, message, 400)
    names = service.field_names(request.POST)
    if len(names) != 1:
        message = (
            gettext("No answer was sent: nothing was saved.")
            if not names
            else gettext("Send one answer at a time.")
        )
        return answer_status(request, workshop, message, 400)
    field = service.Field.parse(names[0])
    progress = service.progress_for(workshop, membership)
    if not progress.survey.is_open:
        return answer_status(request, workshop, closed_message(), CLOSED_STATUS)
    question = Question.objects.filter(
        pk=field.question_id, section__instrument_id=progress.response.instrument_id
    ).first()
    if question is None:
        message = gettext("This question is not part of your survey: nothing was saved.")
        return answer_status(request, workshop, message, 400)
    try:
        service.save(progress.response, question, field, request.POST.get(names[0], ""))
    except service.AnswerError as error:
        return answer_status(request, workshop, str(error), 400)
    service.touch(progress.response)
    return answer_status(request, workshop)


def review_context(workshop: Workshop, progress: service.Progress, errors: bool = False) -> dict:
    questions = list(
        Question.objects.filter(section__instrument_id=progress.response.instrument_id)
        .select_related("section")
        .order_by("section__order", "section_id", "order", "id")
    )
    has_matrix = any(q.kind == Question.Kind.SYSTEM_MATRIX for q in questions)
    systems = list(System.objects.order_by("order", "name")) if has_matrix else []
    answers = service.answers_by_field(progress.response, questions)
    items = service.items_for(questions, answers, systems)
    missing = service.missing_required(items)
    if errors:
        for item in missing:
            item.error = gettext("This question is required.")
    number_of = {section.pk: n for n, section in enumerate(progress.sections, start=1)}
    groups = [
        {"number": number_of[section.pk], "title": section.tr("title"), "items": []}
        for section in progress.sections
    ]
    for item in items:
        groups[number_of[item.question.section_id] - 1]["items"].append(item)
    for item in missing:
        item.section_number = number_of[item.question.section_id]
    return {
        "workshop": workshop,
        "progress": progress,
        "groups": groups,
        "missing": missing,
        "show_errors": errors,
        "is_open": progress.survey.is_open,
        "required_message": service.required_message(len(missing)) if missing else "",
    }


@workshop_view(Perm.PARTICIPATE)
def survey_review(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    membership = request.access.membership
    if not service.is_participant(membership):
        return not_participant(request, workshop)
    progress = service.progress_for(workshop, membership)
    context = review_context(workshop, progress)
    return TemplateResponse(request, "assessments/survey_review.html", context)


@workshop_view(Perm.PARTICIPATE)
def survey_submit(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    membership = request.access.membership
    if not service.is_participant(membership):
        return not_participant(request, workshop)
    if request.method != "POST":
        return redirect("assessments:survey_review", workshop.code)
    progress = service.progress_for(workshop, membership)
    if not progress.survey.is_open:
        messages.error(request, closed_message())
        return redirect("assessments:survey_review", workshop.code)
    context = review_context(workshop, progress, errors=True)
    if context["missing"]:
        return TemplateResponse(request, "assessments/survey_review.html", context)
    response = progress.response
    response.submitted_at = timezone.now()
    response.save(update_fields=["submitted_at", "updated_at"])
    messages.success(
        request,
        gettext(
            "Thank you: your survey is submitted. You can change your answers until the "
            "facilitators close the survey."
        ),
    )
    return redirect("assessments:survey", workshop.code)
