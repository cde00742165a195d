"""Background tasks of the action plans: making the plan's PDF.

Run by ``python manage.py db_worker`` (django-tasks-db); in tests the immediate backend runs
them at once.
"""

import logging
import time

from django.conf import settings
from django.tasks import task
from django.utils.translation import gettext, override

from actionplans import documents
from actionplans.pdf import RenderError, render_plan_pdf

logger = logging.getLogger(__name__)


@task
def render_document(document_id: int) -> str:
    """Make the PDF of a queued document; what happened, in a word, for the task's result.

    Whatever goes wrong, the document ends failed with a short message (the traceback goes
    to the log): it is never left "being made".
    """
    document = documents.claim(document_id)
    if document is None:
        logger.info("PDF document %s is not waiting any more: skipped", document_id)
        return "skipped"
    started = time.perf_counter()
    with override(document.language):
        try:
            rendered = render_plan_pdf(
                document.plan,
                language=document.language,
                time_limit=settings.PDF_RENDER_TIME_LIMIT,
            )
        except RenderError as error:
            logger.warning("PDF document %s failed: %s", document_id, error)
            documents.fail(document, str(error))
            return "failed"
        except Exception:
            logger.exception("PDF document %s failed", document_id)
            documents.fail(document, gettext("The PDF could not be made because of an error."))
            return "failed"
        except BaseException:  # the worker is being stopped: leave the document failed
            documents.fail(
                document, gettext("The PDF was not finished: its worker stopped while making it.")
            )
            raise
    render_ms = round((time.perf_counter() - started) * 1000)
    stored = documents.store(document, rendered, render_ms)
    logger.info(
        "PDF document %s: %s pages, %s bytes in %s ms%s",
        document_id,
        rendered.pages,
        len(rendered.pdf),
        render_ms,
        "" if stored else " (dropped)",
    )
    return "ready" if stored else "dropped"
