"""The plan as a PDF: asking for it, what a person sees of it, and the steps of its rendering.

A PDF is made by a background task (``actionplans.tasks.render_document``), stored in its
``PlanDocument`` and served again until the plan changes. Asking again while a rendering of
the same content is waiting or running gets that rendering: five people clicking at once
make one PDF. The plan's row is locked while asking, so two requests take turns.

The task claims a document with a compare-and-update (queued → rendering, counting the
attempt), so two workers never render the same one, and its result is stored only by the
attempt that claimed it. A rendering still queued or running past its deadline (a worker died
or none is running) is shown as failed, and the next request queues it again.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext, pgettext_lazy

from actionplans.models import ActionPlan, PlanDocument
from actionplans.pdf import RenderedPdf
from actionplans.plans import who
from workshops import pagecache

logger = logging.getLogger(__name__)

Status = PlanDocument.Status
IN_PROGRESS = (Status.QUEUED, Status.RENDERING)
ERROR_LENGTH = 300  # the message people see; the traceback goes to the log
EARLIER_SHOWN = 10
CURRENT_LOOKED_AT = 5  # renderings of one content: one, or two when the plan changed as one began


# A PDF's language as a sentence names it ("in English", "en español").
IN_A_SENTENCE = {
    "en": pgettext_lazy("a language, in a sentence", "English"),
    "es": pgettext_lazy("a language, in a sentence", "Spanish"),
}


def language_name(code: str) -> str:
    return str(IN_A_SENTENCE.get(code, code))


def deadline() -> timedelta:
    return timedelta(seconds=settings.PDF_RENDER_DEADLINE_SECONDS)


def language_of(code: str | None) -> str:
    """One of the site's languages ("en" unless it is another one we have)."""
    short = (code or "").split("-")[0].lower()
    return short if short in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def filename(document: PlanDocument) -> str:
    """``tompkins-2026-soc-action-plan-v1-approved-2026-12-04.pdf``: the cycle, the version,
    the status it shows and the day it was made, so that saved copies tell themselves apart
    (``-es`` before the extension for Spanish)."""
    plan = document.plan
    county = slugify(plan.workshop.county.name) or "county"
    status = {"changes": "changes-requested"}.get(document.plan_status, document.plan_status)
    made = timezone.localdate(document.finished_at or document.requested_at).isoformat()
    parts = [county, str(plan.workshop.cycle), "soc-action-plan", f"v{plan.number}", status, made]
    if document.language != settings.LANGUAGE_CODE:
        parts.append(document.language)
    return "-".join(part for part in parts if part) + ".pdf"


def as_now(plan: ActionPlan) -> dict:
    """What a document of the plan as it is now was made from (a filter, or a new one's)."""
    return {"content_at": plan.changed_at, "plan_status": plan.status}


def is_current(document: PlanDocument, plan: ActionPlan) -> bool:
    """Whether the document shows the plan as it is now: its content and its status."""
    return document.content_at == plan.changed_at and document.plan_status == plan.status


def is_stuck(document: PlanDocument, now: datetime | None = None) -> bool:
    """Waiting or running past the deadline: its worker died, or none is running."""
    if document.status not in IN_PROGRESS:
        return False
    since = document.started_at if document.status == Status.RENDERING else None
    since = since or document.requested_at
    return since + deadline() < (now or timezone.now())


# --- asking for the PDF -----------------------------------------------------------------------


@transaction.atomic
def request(plan: ActionPlan, user, language: str = "en") -> PlanDocument:
    """The PDF of the plan as it is now: the stored one, the one being made, or a new one."""
    language = language_of(language)
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)  # concurrent asks take turns
    document = current_of(plan.documents.defer("pdf").filter(language=language, **as_now(plan)))
    if document is not None:
        if document.status == Status.READY:
            return document
        if document.status in IN_PROGRESS and not is_stuck(document):
            return document
        # Failed, or stuck: the same content is made again, counting one more attempt.
        logger.info("Queueing PDF document %s again (it was %s)", document.pk, document.status)
        document.status = Status.QUEUED
        document.requested_at = timezone.now()
        document.requested_by = user
        document.started_at = document.finished_at = None
        document.error = document.task_id = ""
        document.save(
            update_fields=[
                "status",
                "requested_at",
                "requested_by",
                "started_at",
                "finished_at",
                "error",
                "task_id",
            ]
        )
    else:
        document = PlanDocument.objects.create(
            plan=plan, language=language, requested_by=user, **as_now(plan)
        )
    document_id = document.pk
    transaction.on_commit(lambda: enqueue(document_id), robust=True)  # a failure: stuck, retried
    return document


def current_of(same_content: QuerySet) -> PlanDocument | None:
    """Of the renderings of one content of the plan: a ready one, else the latest asked for."""
    found = list(same_content.order_by("-requested_at", "-id")[:CURRENT_LOOKED_AT])
    return next((d for d in found if d.status == Status.READY), found[0] if found else None)


def enqueue(document_id: int) -> None:
    """Hand the document to the task queue and note the task's id (after the commit)."""
    from actionplans.tasks import render_document  # the task module imports this one

    result = render_document.enqueue(document_id)
    PlanDocument.objects.filter(pk=document_id).update(task_id=str(result.id)[:64])


# --- what the PDF page shows ------------------------------------------------------------------


@dataclass
class PdfState:
    """What a person sees of the plan's PDF in one language.

    ``state``: "none" (never asked for), "ready", "stale" (the plan changed since the last
    PDF: it can still be downloaded, marked out of date), "queued", "rendering", "failed", or
    "stuck" (shown as failed: made again when asked for).
    """

    plan: ActionPlan
    language: str
    current: PlanDocument | None  # the latest asked for this content of the plan
    latest_ready: PlanDocument | None  # the latest one that can be downloaded, of any content
    state: str

    @property
    def in_progress(self) -> bool:
        return self.state in ("queued", "rendering")

    @property
    def failed(self) -> bool:
        return self.state in ("failed", "stuck")

    @property
    def out_of_date(self) -> PlanDocument | None:
        """The latest downloadable PDF when it shows an older state of the plan."""
        ready = self.latest_ready
        if ready is not None and not is_current(ready, self.plan):
            return ready
        return None

    @property
    def language_name(self) -> str:
        return language_name(self.language)

    @property
    def version(self) -> str:
        """What the status shows, for polls: it changes when the page should change."""
        return state_version(self.plan, self.current, self.state)


def documents_of(plan: ActionPlan) -> QuerySet:
    """The plan's documents without their bytes, with who asked for them."""
    return plan.documents.defer("pdf").select_related("requested_by")


def named(document: PlanDocument | None, plan: ActionPlan) -> PlanDocument | None:
    """The document with its plan (no query), ``filename`` for links, ``asker`` (the name of
    who asked for it), ``is_current``, ``status_only`` (out of date by its status alone) and
    ``shows`` (the plan's status it shows)."""
    if document is not None:
        document.plan = plan
        document.filename = filename(document)
        document.asker = who(document.requested_by)
        document.is_current = is_current(document, plan)
        # Out of date only because the review moved the plan on (its cover's status).
        document.status_only = (
            not document.is_current
            and document.content_at == plan.changed_at
            and bool(document.plan_status)
        )
        document.language_name = language_name(document.language)
        document.shows = (  # the plan's status on its cover
            ActionPlan.Status(document.plan_status).label if document.plan_status else ""
        )
    return document


def pdf_state(plan: ActionPlan, language: str, now: datetime | None = None) -> PdfState:
    """The plan's PDF in ``language``: two queries."""
    language = language_of(language)
    mine = documents_of(plan).filter(language=language).order_by("-requested_at", "-id")
    current = named(current_of(mine.filter(**as_now(plan))), plan)
    if current is not None and current.status == Status.READY:
        latest_ready = current
    else:
        latest_ready = named(mine.filter(status=Status.READY).first(), plan)
    return PdfState(plan, language, current, latest_ready, state_of(current, latest_ready, now))


def state_of(
    current: PlanDocument | None, latest_ready: PlanDocument | None, now: datetime | None = None
) -> str:
    if current is None:
        return "stale" if latest_ready is not None else "none"
    if is_stuck(current, now):
        return "stuck"
    return str(current.status)


def state_version(plan: ActionPlan, current: PlanDocument | None, state: str) -> str:
    stamp = f"{int(plan.changed_at.timestamp() * 1_000_000)}-{plan.status}"
    if current is None:
        return f"{stamp}-{state}"
    return f"{stamp}-{current.pk}-{current.attempts}-{state}"


def poll_version(plan: ActionPlan, language: str, now: datetime | None = None) -> str:
    """``PdfState.version`` in one small query (no documents' rows but the current one's)."""
    current = current_of(
        PlanDocument.objects.filter(plan=plan, language=language_of(language), **as_now(plan)).only(
            "pk", "status", "attempts", "requested_at", "started_at"
        )
    )
    if current is None:
        has_ready = plan.documents.filter(language=language_of(language), status=Status.READY)
        return state_version(plan, None, "stale" if has_ready.exists() else "none")
    return state_version(plan, current, state_of(current, None, now))


def ready_of(plan: ActionPlan, limit: int = EARLIER_SHOWN) -> list[PlanDocument]:
    """The plan's PDFs that can be downloaded, newest first (all languages)."""
    found = documents_of(plan).filter(status=Status.READY).order_by("-requested_at", "-id")
    return [named(document, plan) for document in found[:limit]]


def earlier(plan: ActionPlan, shown: PdfState) -> list[PlanDocument]:
    """The plan's other renderings, newest first (all languages), for the page's list."""
    skip = [d.pk for d in (shown.current, shown.latest_ready) if d is not None]
    found = documents_of(plan).exclude(pk__in=skip).order_by("-requested_at", "-id")
    return [named(document, plan) for document in found[:EARLIER_SHOWN]]


def has_content(plan: ActionPlan) -> bool:
    """Whether there is anything of the plan itself yet (priority areas or goals)."""
    return plan.goals.exists() or plan.workshop.priorities.exists()


# --- the rendering's steps (the task's work) --------------------------------------------------


def claim(document_id: int) -> PlanDocument | None:
    """Mark the document as being made, if it is still waiting; None when it is not (another
    worker has it, it is made already, or it was given up).

    The content it is made from is the plan as it is now, so ``content_at`` and ``plan_status``
    move on to the plan's ``changed_at`` and status of this moment: what the renderer is about
    to read.
    """
    plan_now = ActionPlan.objects.filter(pk=OuterRef("plan_id"))
    claimed = PlanDocument.objects.filter(pk=document_id, status=Status.QUEUED).update(
        status=Status.RENDERING,
        attempts=F("attempts") + 1,
        started_at=timezone.now(),
        finished_at=None,
        content_at=Subquery(plan_now.values("changed_at")[:1]),
        plan_status=Subquery(plan_now.values("status")[:1]),
        error="",
    )
    if not claimed:
        return None
    document = (
        PlanDocument.objects.defer("pdf")
        .select_related("plan__workshop__county__state")
        .get(pk=document_id)
    )
    pagecache.touch(document.plan.workshop_id)  # its pages say "being made"
    return document


def _finish(document: PlanDocument, **fields) -> bool:
    """Store the outcome, only if this attempt still holds the document."""
    fields["finished_at"] = timezone.now()
    done = PlanDocument.objects.filter(
        pk=document.pk, status=Status.RENDERING, attempts=document.attempts
    ).update(**fields)
    if done:
        pagecache.touch(document.plan.workshop_id)
    else:
        logger.warning(
            "PDF document %s: attempt %s finished after it was given up; result dropped",
            document.pk,
            document.attempts,
        )
    return bool(done)


def store(document: PlanDocument, rendered: RenderedPdf, render_ms: int) -> bool:
    return _finish(
        document,
        status=Status.READY,
        pdf=rendered.pdf,
        pages=rendered.pages,
        size=len(rendered.pdf),
        render_ms=render_ms,
        error="",
    )


def fail(document: PlanDocument, message: str) -> bool:
    message = " ".join(message.split()) or gettext("The PDF could not be made.")
    if len(message) > ERROR_LENGTH:
        message = message[: ERROR_LENGTH - 1] + "…"
    return _finish(document, status=Status.FAILED, error=message)
