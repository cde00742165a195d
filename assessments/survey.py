"""Answering the survey: a participant's response, one answer's validation and saving, progress.

Every answer is read from and written to the caller's own response (found from their
membership, never from a posted id), so two participants answering at once cannot touch each
other's answers. Inputs are named ``q<question id>`` or, in the per-system matrix,
``q<question id>-<system id>-<dimension>``; the same names serve the autosave of one answer and
the plain submit of a whole section.
"""

import re
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language, gettext, gettext_noop, ngettext

from assessments.instruments import survey_for
from assessments.models import DONT_KNOW, Answer, Question, Response, Section, Survey
from workshops.models import Membership, System, Workshop

MAX_TEXT = 5000
DONT_KNOW_VALUE = "dk"
COMMENT = "comment"
SCALE = ("1", "2", "3", "4", "5")
FIELD_NAME = re.compile(
    r"^q(?P<question>\d{1,18})(?:-(?P<system>\d{1,18})-(?P<dimension>[a-z_]+))?$"
)

# The systems' names, for the Spanish catalogue (``System`` has no Spanish twin).
SYSTEM_NAMES = [
    gettext_noop("Mental Health"),
    gettext_noop("Public Health"),
    gettext_noop("Medical"),
    gettext_noop("Caregivers"),
    gettext_noop("Care Management"),
    gettext_noop("Youth"),
    gettext_noop("Education"),
    gettext_noop("Juvenile Justice"),
    gettext_noop("Community Providers"),
    gettext_noop("Developmental Disabilities"),
    gettext_noop("Substance Use"),
    gettext_noop("Child Welfare"),
    gettext_noop("Crisis"),
]


class AnswerError(ValueError):
    """An answer that cannot be saved; the message is for the participant."""


@dataclass(frozen=True)
class Field:
    question_id: int
    system_id: int | None = None
    dimension: str = ""

    @property
    def name(self) -> str:
        if self.system_id is None:
            return f"q{self.question_id}"
        return f"q{self.question_id}-{self.system_id}-{self.dimension}"

    @classmethod
    def parse(cls, name: str) -> "Field | None":
        match = FIELD_NAME.match(name)
        if match is None:
            return None
        system = match["system"]
        return cls(
            int(match["question"]), int(system) if system else None, match["dimension"] or ""
        )


def field_names(data) -> list[str]:
    """The answer inputs among posted data (the CSRF token and the like left out)."""
    return [name for name in data if FIELD_NAME.match(name)]


def is_participant(membership: Membership | None) -> bool:
    return membership is not None and membership.role == Membership.Role.PARTICIPANT


def response_for(workshop: Workshop, membership: Membership) -> Response:
    """The participant's response to the workshop's survey, created at first visit."""
    survey = survey_for(workshop)
    lookup = {"membership": membership, "instrument_id": survey.instrument_id}
    response = Response.objects.filter(**lookup).first()
    if response is None:
        try:
            with transaction.atomic():
                response = Response.objects.create(
                    survey=survey, language=(get_language() or "en")[:8], **lookup
                )
        except IntegrityError:  # the same person's other tab created it a moment ago
            response = Response.objects.get(**lookup)
    response.survey = survey
    return response


def note_language(response: Response) -> None:
    language = (get_language() or "en")[:8]
    if response.language != language:
        response.language = language
        Response.objects.filter(pk=response.pk).update(language=language)


# --- validating and saving one answer ---------------------------------------------------------


def clean(question: Question, field: Field, raw: str) -> tuple[int | None, str] | None:
    """(value_int, value_text) to store, or None to clear the answer; AnswerError if invalid."""
    raw = raw.strip()
    if len(raw) > MAX_TEXT:
        raise AnswerError(
            gettext("Your answer is too long: keep it under %(max)s characters (it has %(count)s).")
            % {"max": f"{MAX_TEXT:,}", "count": f"{len(raw):,}"}
        )
    kind = question.kind
    if kind == Question.Kind.SYSTEM_MATRIX:
        if field.system_id is None:
            raise AnswerError(gettext("Rate one system at a time."))
        dimensions = [o["value"] for o in question.options]
        if field.dimension != COMMENT and field.dimension not in dimensions:
            raise AnswerError(gettext("This question has no such rating."))
        if not System.objects.filter(pk=field.system_id).exists():
            raise AnswerError(gettext("That system is not in the list."))
        if field.dimension == COMMENT:
            return (None, raw) if raw else None
        return clean_scale(raw, dont_know=False)
    if field.system_id is not None or field.dimension:
        raise AnswerError(gettext("This question is not rated per system."))
    if raw == "":
        return None
    if kind == Question.Kind.SCALE:
        return clean_scale(raw, dont_know=True)
    if kind == Question.Kind.CHOICE:
        if raw not in {o["value"] for o in question.options}:
            raise AnswerError(gettext("Choose one of the options."))
        return None, raw
    if kind == Question.Kind.NUMBER:
        return clean_number(question, raw), ""
    return None, raw


def clean_scale(raw: str, dont_know: bool) -> tuple[int | None, str] | None:
    if raw == "":
        return None
    if dont_know and raw == DONT_KNOW_VALUE:
        return DONT_KNOW, ""
    if raw not in SCALE:
        raise AnswerError(gettext("Choose a value from 1 to 5."))
    return int(raw), ""


def clean_number(question: Question, raw: str) -> int:
    try:
        value = int(raw.replace(",", ""))
    except ValueError:
        raise AnswerError(gettext("Enter a whole number, such as 12.")) from None
    low, high = question.min_value, question.max_value
    if (low is not None and value < low) or (high is not None and value > high):
        if low is not None and high is not None:
            message = gettext("Enter a number from %(min)s to %(max)s.")
        elif low is not None:
            message = gettext("Enter a number of at least %(min)s.")
        else:
            message = gettext("Enter a number of at most %(max)s.")
        raise AnswerError(message % {"min": low, "max": high})
    return value


def save(response: Response, question: Question, field: Field, raw: str) -> None:
    """Validate and store (or clear) one answer of the response."""
    value = clean(question, field, raw)
    if value is None and question.required and response.submitted_at is not None:
        raise AnswerError(gettext("This question is required: choose or write an answer."))
    lookup = {
        "response": response,
        "question": question,
        "system_id": field.system_id,
        "dimension": field.dimension,
    }
    if value is None:
        Answer.objects.filter(**lookup).delete()
        return
    defaults = {"value_int": value[0], "value_text": value[1]}
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                Answer.objects.update_or_create(defaults=defaults, **lookup)
            break
        except IntegrityError:  # another request created the row between our look-up and insert
            if attempt == 2:
                raise


def save_many(response: Response, questions: dict[int, Question], data) -> dict[str, str]:
    """Save every answer input in ``data``; the errors by input name."""
    errors = {}
    for name in field_names(data):
        field = Field.parse(name)
        question = questions.get(field.question_id)
        if question is None:
            continue  # an input of another section or a stale page: nothing to do with it
        try:
            save(response, question, field, data.get(name, ""))
        except AnswerError as error:
            errors[name] = str(error)
    if errors or field_names(data):
        touch(response)
    return errors


def touch(response: Response) -> None:
    Response.objects.filter(pk=response.pk).update(updated_at=timezone.now())


# --- what the pages show ----------------------------------------------------------------------


@dataclass
class Option:
    value: str
    label: str
    checked: bool


@dataclass
class Rating:
    """One dimension (availability, ...) of one system in the matrix."""

    name: str
    label: str
    options: list[Option]
    value: str
    error: str = ""


@dataclass
class SystemRow:
    system: System
    name: str
    ratings: list[Rating]
    comment: str
    comment_name: str
    error: str = ""

    @property
    def status_id(self) -> str:
        return f"status-{self.comment_name.removesuffix('-' + COMMENT)}"


@dataclass
class Item:
    """A question as the section page and the review show it, with the answer given."""

    question: Question
    name: str
    text: str
    help: str
    value: str = ""
    label: str = ""  # the chosen option's label, for the review
    options: list[Option] = field(default_factory=list)
    systems: list[SystemRow] = field(default_factory=list)
    error: str = ""
    answered: bool = False

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def status_id(self) -> str:
        return f"status-{self.name}"


def sections_of(instrument_id: int) -> list[Section]:
    return list(Section.objects.filter(instrument_id=instrument_id).order_by("order", "id"))


def answers_by_field(response: Response, questions) -> dict[str, Answer]:
    answers = Answer.objects.filter(response=response, question__in=[q.pk for q in questions])
    return {
        Field(a.question_id, a.system_id, a.dimension).name: a
        for a in answers.only("question_id", "system_id", "dimension", "value_int", "value_text")
    }


def shown_value(answer: Answer | None) -> str:
    if answer is None:
        return ""
    if answer.value_int is None:
        return answer.value_text
    if answer.value_int == DONT_KNOW:
        return DONT_KNOW_VALUE
    return str(answer.value_int)


def items_for(
    questions: list[Question],
    answers: dict[str, Answer],
    systems: list[System],
    errors: dict[str, str] | None = None,
    posted=None,
) -> list[Item]:
    """The questions with their answers; ``posted`` values win over stored ones after errors."""
    errors = errors or {}

    def value_of(name: str) -> str:
        if posted is not None and name in errors:
            return posted.get(name, "")
        return shown_value(answers.get(name))

    items = []
    for question in questions:
        name = Field(question.pk).name
        item = Item(question, name, question.tr("text"), question.tr("help"))
        item.error = errors.get(name, "")
        if question.kind == Question.Kind.SYSTEM_MATRIX:
            dimensions = question.option_labels()
            scale = [(str(n), str(n)) for n in range(1, 6)]
            for system in systems:
                rating_names = [Field(question.pk, system.pk, d).name for d, _ in dimensions]
                ratings = [
                    rating(rating_name, label, value_of(rating_name), scale, errors)
                    for rating_name, (_, label) in zip(rating_names, dimensions, strict=True)
                ]
                comment_name = Field(question.pk, system.pk, COMMENT).name
                row_errors = [r.error for r in ratings if r.error]
                row = SystemRow(
                    system=system,
                    name=gettext(system.name),
                    ratings=ratings,
                    comment=value_of(comment_name),
                    comment_name=comment_name,
                    error=errors.get(comment_name, "") or " ".join(row_errors),
                )
                item.systems.append(row)
            item.answered = any(r.value for row in item.systems for r in row.ratings)
        else:
            item.value = value_of(name)
            item.answered = name in answers
            labels = question.option_labels()
            if question.kind == Question.Kind.SCALE:
                labels = [*labels, (DONT_KNOW_VALUE, gettext("Don't know"))]
            elif question.kind == Question.Kind.CHOICE:
                labels = [(value, gettext(label)) for value, label in labels]
            item.options = [Option(v, lab, v == item.value) for v, lab in labels]
            item.label = next((o.label for o in item.options if o.checked), item.value)
        items.append(item)
    return items


def rating(name: str, label: str, value: str, scale, errors: dict[str, str]) -> Rating:
    options = [Option(v, lab, v == value) for v, lab in scale]
    return Rating(name, label, options, value, errors.get(name, ""))


def missing_required(items: list[Item]) -> list[Item]:
    return [item for item in items if item.question.required and not item.answered]


@dataclass
class Progress:
    """Where the participant is in the survey."""

    survey: Survey
    response: Response
    sections: list[Section]

    @property
    def count(self) -> int:
        return len(self.sections)

    def section(self, number: int) -> Section | None:
        return self.sections[number - 1] if 1 <= number <= self.count else None

    @property
    def resume_at(self) -> int:
        return min(max(self.response.last_section, 1), self.count or 1)

    def titles(self) -> list[tuple[int, str]]:
        return [(n, section.tr("title")) for n, section in enumerate(self.sections, start=1)]

    @property
    def minutes(self) -> int:
        """A rough time to answer: about 15 minutes for the default five sections."""
        return 3 * self.count


def progress_for(workshop: Workshop, membership: Membership) -> Progress:
    response = response_for(workshop, membership)
    return Progress(response.survey, response, sections_of(response.instrument_id))


def required_message(count: int) -> str:
    return ngettext(
        "%(count)s required question has no answer yet.",
        "%(count)s required questions have no answer yet.",
        count,
    ) % {"count": count}
