"""The county's action plan as a PDF (WeasyPrint). Placeholder: being written (issue 7)."""

from dataclasses import dataclass

from actionplans.models import ActionPlan


class RenderError(Exception):
    """The PDF could not be made (too slow, or WeasyPrint failed), with a message to show."""


@dataclass(frozen=True)
class RenderedPdf:
    pdf: bytes
    pages: int


def plan_html(plan: ActionPlan, *, language: str = "en", preview: bool = False) -> str:
    """The HTML the PDF is made from (``preview``: as a browser page for facilitators)."""
    raise NotImplementedError


def render_plan_pdf(
    plan: ActionPlan, *, language: str = "en", time_limit: float | None = None
) -> RenderedPdf:
    """The plan's PDF (PDF/UA-1, tagged); raises RenderError past ``time_limit`` seconds."""
    raise NotImplementedError
