"""Render the current action plan of one workshop, or of every workshop of a state, to PDF
files: the state team's archive. Synchronous (no task queue), one line per file."""

import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify
from django.utils.translation import override

from actionplans.models import ActionPlan
from actionplans.pdf import RenderError, render_plan_pdf
from workshops.models import State, Workshop


class Command(BaseCommand):
    help = (
        "Render the current action plan of a workshop (--workshop CODE) or of every workshop of "
        "a state (--state NY) to DIR/<county>-<cycle>-v<N>.pdf."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--workshop", metavar="CODE", help="The workshop's code (a UUID).")
        which.add_argument("--state", metavar="NY", help="A state's postal code.")
        parser.add_argument("--out", metavar="DIR", required=True, help="Where to write the PDFs.")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="The language of the PDFs (default: %(default)s).",
        )

    def handle(self, *args, workshop=None, state=None, out, language, **options):
        workshops = self.workshops(workshop, state)
        folder = self.folder(out)
        written, failed = 0, 0
        for found in workshops:
            plan = found.plans.order_by("-number").first()
            if plan is None:
                self.stdout.write(f"skipped {found}: no action plan yet")
                continue
            path = folder / self.filename(plan, language)
            started = time.perf_counter()
            try:
                with override(language):
                    rendered = render_plan_pdf(
                        plan, language=language, time_limit=settings.PDF_RENDER_TIME_LIMIT
                    )
                path.write_bytes(rendered.pdf)
            except (RenderError, OSError) as error:
                failed += 1
                self.stderr.write(f"failed {path.name} ({found}): {error}")
                continue
            written += 1
            seconds = time.perf_counter() - started
            size = f"{len(rendered.pdf) / 1024:.0f} KB"
            self.stdout.write(f"{path}  {rendered.pages} pages  {size}  {seconds:.2f} s")
        if failed:
            raise CommandError(f"{failed} of {written + failed} plans could not be rendered.")

    def workshops(self, code: str | None, state: str | None) -> list[Workshop]:
        found = Workshop.objects.select_related("county__state").order_by("county__name", "cycle")
        if code is not None:
            try:
                uuid.UUID(code)
            except ValueError:
                raise CommandError(f"{code!r} is not a workshop code (a UUID).") from None
            workshops = list(found.filter(code=code))
            if not workshops:
                raise CommandError(f"No workshop has the code {code}.")
            return workshops
        if not State.objects.filter(code=state.upper()).exists():
            raise CommandError(f"No state with the code {state!r}.")
        workshops = list(found.filter(county__state__code=state.upper()))
        if not workshops:
            self.stdout.write(f"No workshops in {state.upper()}.")
        return workshops

    def folder(self, out: str) -> Path:
        folder = Path(out)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe = folder / f".render_plans-{uuid.uuid4().hex}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as error:
            raise CommandError(f"Cannot write to {out}: {error.strerror or error}.") from None
        return folder

    def filename(self, plan: ActionPlan, language: str) -> str:
        """``tompkins-2026-v1.pdf``; a second workshop of the same county and cycle gets the
        start of its code after the county (``-es`` for Spanish)."""
        workshop = plan.workshop
        county = slugify(workshop.county.name) or "county"
        suffix = "" if language == settings.LANGUAGE_CODE else f"-{language}"
        siblings = Workshop.objects.filter(county=workshop.county, cycle=workshop.cycle)
        if siblings.count() > 1:
            county = f"{county}-{str(workshop.code)[:8]}"
        return f"{county}-{workshop.cycle}-v{plan.number}{suffix}.pdf"
