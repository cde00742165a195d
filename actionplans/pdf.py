"""The county's action plan as a PDF (WeasyPrint, PDF/UA-1), and the same HTML as a preview.

``plan_html`` gathers the plan, the workshop, the assessment and the map in a fixed number of
queries and renders ``actionplans/pdf/document.html`` in the reader's language; the charts, the
map and the timeline are the same SVG functions as the web pages (the map and the timeline in
their print variants, drawn in far fewer elements). ``render_plan_pdf`` lays it out with the
print stylesheet ``static/css/print.css`` (parsed once), WeasyPrint set up by ``pdf_engine``,
``pdf_svgtext`` and ``pdf_glyphs``.

Safe rendering: user text goes through Django's autoescape; WeasyPrint's URL fetcher serves our
own static files and refuses everything else (the network, ``file:``, ``data:``), so nothing in
a plan can make the renderer fetch anything; a render past its time limit raises RenderError.
"""

import logging
import re
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils._os import safe_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from actionplans import pdf_engine, pdf_glyphs, pdf_svgtext
from actionplans.models import ActionPlan, ActionStep, PriorityArea
from actionplans.plans import PrincipleRow, outline, principle_rows, tagged_in, walk, who
from actionplans.timeline import (
    CLOSED,
    PRINT,
    WEB,
    Look,
    Row,
    describe,
    long_date,
    timeline_svg,
    window_of,
)
from actionplans.timeline import size as timeline_size
from actionplans.trail import row_of
from actionplans.voting import Board, load_board
from assessments import maps
from assessments.charts import fmt
from assessments.datatable import active_metrics, county_totals, workshop_figures
from assessments.mapsvg import render_map
from assessments.mapsvg import size as map_size
from assessments.mapsvg import summary as map_summary
from assessments.models import MapLink, MapNode, Survey
from assessments.results import Bars, HeatMap, Results, results_for
from workshops.models import Debrief, Membership, System, Workshop, WorkshopSession

log = logging.getLogger(__name__)

# The document's own origin: never contacted, it only tells our URL fetcher's URLs apart.
BASE_URL = "https://socplan.invalid/"
STYLESHEET = "css/print.css"
PDF_VARIANT = "pdf/ua-1"  # tagged, with title and language (WeasyPrint's option names)
NEXT_DAYS = 90  # "next steps": the steps that start or fall due within this many days

# The room a picture has on a US Letter page, in CSS px (1/96 in), below a heading and a line
# of text, within the print stylesheet's margins (0.75 in at the sides, 0.85 in at the top and
# the bottom): what decides whether the map goes on a portrait or a landscape page.
PORTRAIT = (7.0 * 96, 8.6 * 96)
LANDSCAPE = (9.5 * 96, 5.9 * 96)
MAP_COLUMNS = (4, 5, 6)
MARKED = [MapNode.Status.GAP, MapNode.Status.CONCERN]  # the map's nodes listed under it
BROKEN = [MapLink.Strength.MISSING, MapLink.Strength.BROKEN]  # and its links
# The most a timeline part may take on a portrait page: the first one under the part's heading
# and its paragraph, the others on a page of their own (9.3 in of room less the figure's margins).
TIMELINE_HEIGHTS = (8.0 * 96, 8.8 * 96)
MIN_ROWS = 4  # fewer steps of a long priority area than this start on the next picture


class RenderError(Exception):
    """The PDF could not be made (too slow, or WeasyPrint failed), with a message to show."""


@dataclass(frozen=True)
class RenderedPdf:
    pdf: bytes
    pages: int


# --- what the document shows -------------------------------------------------------------------


@dataclass
class SystemPeople:
    """A system and the participants who represent it (none: not represented)."""

    system: System
    name: str
    people: list[Membership]


@dataclass
class Figure:
    """An SVG picture with its text alternative: ``alt`` (the SVG's ``<title>`` and ``<desc>``)
    and ``summary``, said in words under the picture.

    The preview shows the SVG inline; the PDF gets it as ``<img src="figures/N.svg">``, which our
    URL fetcher serves from memory: WeasyPrint parses it as XML, several times faster than as
    part of the HTML."""

    svg: SafeString
    summary: str = ""
    landscape: bool = False
    url: str = ""

    @property
    def alt(self) -> str:
        found = re.search(r"<title>(.*?)</title><desc>(.*?)</desc>", self.svg, re.S)
        return " ".join(unescape(part) for part in found.groups()) if found else ""


class Figures(dict):
    """The pictures of one document by URL, for the URL fetcher."""

    def add(self, figure: Figure) -> Figure:
        figure.url = f"{BASE_URL}figures/{len(self) + 1}.svg"
        self[figure.url] = figure.svg
        return figure


@dataclass(frozen=True)
class Said:
    """A comment, and how many respondents wrote exactly that."""

    text: str
    count: int


def counted(comments: list[str]) -> list[Said]:
    """The same words from several people once, with their number, in the order given."""
    counts = Counter(comments)
    return [Said(text, counts[text]) for text in dict.fromkeys(comments)]


@dataclass
class UpcomingStep:
    step: ActionStep
    area: str
    when: date
    starts: bool  # ``when`` is its start (else its due date)


@dataclass
class Document:
    """Everything ``actionplans/pdf/document.html`` shows."""

    plan: ActionPlan
    workshop: Workshop
    title: str
    running: str
    language: str
    preview: bool
    made_at: datetime
    sessions: list[WorkshopSession]
    team: list[Membership]
    systems: list[SystemPeople]
    participants: int
    results: Results
    heat_map: Figure
    bar_charts: list[tuple[Bars, Figure]]
    totals: list[dict]
    map_figure: Figure | None
    map_gaps: list[dict]
    map_links: list[dict]
    board: Board
    priorities: list[PriorityArea]
    principles: list[PrincipleRow]
    timeline: list[Figure]
    timeline_summary: str
    upcoming: list[UpcomingStep]
    overdue: list[UpcomingStep]
    debrief: Debrief | None
    figures: Figures
    stylesheet: str  # the preview's; the PDF is given ``print_stylesheet()``
    preview_url: str = ""
    plan_url: str = ""

    @property
    def format_label(self) -> str:
        return str(self.workshop.get_format_display()) if self.workshop.format else ""

    @property
    def next_days(self) -> int:
        return NEXT_DAYS

    @property
    def missing(self) -> list[SystemPeople]:
        return [group for group in self.systems if not group.people]

    @property
    def missing_voice(self) -> list[SystemPeople]:
        return [group for group in self.missing if group.system.is_voice]


def document_title(plan: ActionPlan) -> str:
    return gettext("%(county)s County System of Care Action Plan — version %(number)s") % {
        "county": plan.workshop.county.name,
        "number": plan.number,
    }


def gather(plan: ActionPlan, language: str, preview: bool) -> Document:
    """The plan and what it rests on, in about thirty queries whatever the plan's size."""
    workshop = Workshop.objects.select_related("county__state").filter(pk=plan.workshop_id).first()
    plan.workshop = workshop
    today = timezone.localdate()
    members = list(workshop.memberships.select_related("user", "system"))
    participants = [m for m in members if m.role == Membership.Role.PARTICIPANT]
    results = results_for(workshop.pk, Survey.objects.filter(workshop=workshop).first())
    priorities = outline(plan)
    deciders = decided_by(priorities)
    for priority in priorities:
        priority.decider = deciders.get(priority.decided_by_id)
    steps = [node for kind, node in walk(priorities) if kind == "step"]
    for step in steps:
        step.facts = facts_of(step)
    rows = [row_of(step) for step in steps]
    rows_principles = principle_rows(workshop, plan, items=tagged_in(priorities))
    survey_means = {item.key: item.stat for item in results.principles.items}
    for row in rows_principles:
        row.survey = survey_means.get(row.principle.key)
    upcoming, overdue = coming_up(steps, rows, today)
    for group in [g for q in results.comments for g in q.groups] + results.system_comments:
        group.said = counted(group.comments)
    figures = Figures()
    drawn_map = map_part(workshop, for_print=not preview)
    if drawn_map["map_figure"]:
        figures.add(drawn_map["map_figure"])
    return Document(
        plan=plan,
        workshop=workshop,
        title=document_title(plan),
        running=gettext("%(county)s County · Action plan, version %(number)s")
        % {"county": workshop.county.name, "number": plan.number},
        language=language,
        preview=preview,
        made_at=timezone.now(),
        sessions=list(workshop.sessions.order_by("number")),
        team=[m for m in members if m.role != Membership.Role.PARTICIPANT],
        systems=by_system(participants),
        participants=len(participants),
        results=results,
        heat_map=figures.add(Figure(results.heat_map.svg, heat_summary(results.heat_map))),
        bar_charts=[
            (bars, figures.add(Figure(bars.svg, bar_summary(bars)))) for bars in results.bar_charts
        ],
        totals=data_totals(workshop),
        **drawn_map,
        board=load_board(workshop, None),
        priorities=priorities,
        principles=rows_principles,
        timeline=[
            figures.add(part)
            for part in timeline_parts(workshop, rows, today, WEB if preview else PRINT)
        ],
        timeline_summary=describe(rows, today, window_of(rows, today)),
        upcoming=upcoming,
        overdue=overdue,
        debrief=(
            Debrief.objects.filter(session__workshop=workshop)
            .exclude(next_steps="")
            .select_related("session")
            .order_by("-session__number")
            .first()
        ),
        figures=figures,
        # The browser gets it from the site; WeasyPrint from our fetcher (whatever STATIC_URL).
        stylesheet=static(STYLESHEET) if preview else "",  # the PDF: ``print_stylesheet``
        preview_url=reverse("actionplans:pdf", args=[workshop.code]) if preview else "",
        plan_url=reverse("actionplans:plan", args=[workshop.code]) if preview else "",
    )


def facts_of(step: ActionStep) -> str:
    """A step's status, lead, dates, partners and principles, in words: made here rather than in
    the template, as a big plan has a hundred steps and more."""
    parts = [
        step.get_status_display(),
        f"{gettext('Lead')}: {step.lead or '—'}",
        " \u2013 ".join(long_date(day) if day else "…" for day in (step.start, step.due)),
    ]
    if step.partners:
        parts.append(f"{gettext('Partners')}: {step.partners}")
    if systems := [gettext(system.name) for system in step.partner_systems.all()]:
        parts.append(f"{gettext('Partner systems')}: {', '.join(systems)}")
    if principles := [principle.tr_name for principle in step.principles.all()]:
        parts.append(f"{gettext('SOC principles')}: {', '.join(principles)}")
    return " · ".join(parts)


def decided_by(priorities: list[PriorityArea]) -> dict[int, str]:
    """Who set each priority area, by user id (one query, none without any)."""
    ids = {p.decided_by_id for p in priorities if p.decided_by_id}
    users = get_user_model().objects.filter(pk__in=ids) if ids else []
    return {user.pk: who(user) for user in users}


def by_system(participants: list[Membership]) -> list[SystemPeople]:
    """Every system with its participants, in the systems' order; "" for those without one."""
    groups: dict[int | None, list[Membership]] = {}
    for person in participants:
        groups.setdefault(person.system_id, []).append(person)
    out = [
        SystemPeople(system, gettext(system.name), groups.get(system.pk, []))
        for system in System.objects.order_by("order", "name")
    ]
    if groups.get(None):
        out.append(SystemPeople(System(name=""), gettext("No system given"), groups[None]))
    return out


# --- the assessment ----------------------------------------------------------------------------


def heat_summary(heat: HeatMap) -> str:
    """The lowest and highest rated cells of the heat map, in words."""
    cells = [
        (stat.mean, row, column)
        for row, stats in heat.table
        for column, stat in zip(heat.columns, stats, strict=True)
        if stat.shown
    ]
    if not cells:
        return gettext("No system has been rated by 3 or more people yet.")
    cells.sort(key=lambda cell: cell[0])

    def words(group) -> str:
        return "; ".join(f"{row}, {column.lower()} {fmt(mean)}" for mean, row, column in group)

    return gettext("Rated lowest: %(low)s. Rated highest: %(high)s.") % {
        "low": words(cells[:3]),
        "high": words(reversed(cells[-3:])),
    }


def bar_summary(bars: Bars) -> str:
    shown = sorted((item for item in bars.items if item.stat.shown), key=lambda i: i.stat.mean)
    if not shown:
        return gettext("Not rated by 3 or more people yet.")
    return gettext(
        "Rated lowest: %(low)s (%(low_mean)s). Rated highest: %(high)s (%(high_mean)s)."
    ) % {
        "low": shown[0].label.rstrip("."),  # principles are sentences: no ". (1.8)."
        "low_mean": fmt(shown[0].stat.mean),
        "high": shown[-1].label.rstrip("."),
        "high_mean": fmt(shown[-1].stat.mean),
    }


def data_totals(workshop: Workshop) -> list[dict]:
    """The Administrative Data Table's county totals ([] when no agency entered figures)."""
    totals = county_totals(workshop_figures(workshop), active_metrics())
    if not totals.has_data:
        return []
    return [
        {
            "label": total.metric.tr("label"),
            "value": total.display,
            "method": total.method.label,
            "reporting": total.reporting,
        }
        for total in totals.totals
    ]


# --- the map -----------------------------------------------------------------------------------


def map_part(workshop: Workshop, for_print: bool = True) -> dict:
    """The map at the largest scale a page allows: portrait with four columns of systems,
    or landscape with five or six, whichever draws it bigger."""
    data = maps.load_map(workshop)
    if not data.nodes:
        return {"map_figure": None, "map_gaps": [], "map_links": []}
    title = gettext("System of care map: %(county)s County, %(cycle)s") % {
        "county": workshop.county.name,
        "cycle": workshop.cycle,
    }
    desc = gettext("The gaps, concerns and broken links are listed in the tables that follow.")

    def scale(columns: int) -> float:
        width, height = map_size(data, title=title, columns=columns)
        room = LANDSCAPE if columns > MAP_COLUMNS[0] else PORTRAIT
        return min(room[0] / width, room[1] / height)

    columns = max(MAP_COLUMNS, key=scale)  # the first of equals
    svg = render_map(data, title=title, desc=desc, columns=columns, for_print=for_print)
    best = Figure(svg, map_summary(data), landscape=columns > MAP_COLUMNS[0])
    systems = data.system_by_id
    nodes = data.node_by_id
    order = {system.id: index for index, system in enumerate(data.systems)}
    marked = [node for node in data.nodes if node.status in MARKED]
    marked.sort(key=lambda node: (MARKED.index(node.status), order[node.system_id]))
    gaps = [
        {
            "system": systems[node.system_id].name,
            "label": node.label,
            "status": MapNode.Status(node.status).label,
            "description": node.description,
        }
        for node in marked
    ]
    links = [
        {
            "source": nodes[link.source_id].label,
            "target": nodes[link.target_id].label,
            "strength": MapLink.Strength(link.strength).label,
            "note": link.note,
        }
        for strength in BROKEN
        for link in data.links
        if link.strength == strength
    ]
    return {"map_figure": best, "map_gaps": gaps, "map_links": links}


# --- the timeline and what comes next ---------------------------------------------------------


def timeline_parts(
    workshop: Workshop, rows: list[Row], today: date, look: Look = PRINT
) -> list[Figure]:
    """The timeline in pictures that each fit a page (a picture cannot break across pages),
    each as full as it goes (see ``pack``); the first has the key."""
    if not rows:
        return []
    title = gettext("Timeline of the action steps: %(county)s %(cycle)s") % {
        "county": workshop.county.name,
        "cycle": workshop.cycle,
    }

    def fitting(group: list[Row], number: int) -> bool:
        return fits(*timeline_size(group, today, look, key=number == 0), first=number == 0)

    groups = pack(rows, fitting)
    if len(groups) == 1:
        return [Figure(timeline_svg(rows, title=title, today=today, look=look))]
    return [
        Figure(
            timeline_svg(
                group,
                title=gettext("%(title)s (part %(part)s of %(count)s)")
                % {"title": title, "part": number, "count": len(groups)},
                today=today,
                look=look,
                key=number == 1,  # the key once, on the first of the pages
            )
        )
        for number, group in enumerate(groups, start=1)
    ]


Fitting = Callable[[list[Row], int], bool]  # a group of rows, and its number from 0


def pack(rows: list[Row], fitting: Fitting) -> list[list[Row]]:
    """The rows in groups that each pass ``fitting``, in order, each as full as it goes: a
    priority area goes on in the current group when all or at least ``MIN_ROWS`` of its steps
    fit there, and on in the next group; else it starts the next group."""
    groups: list[list[Row]] = [[]]
    for rest in areas_of(rows):
        while rest:
            current, number = groups[-1], len(groups) - 1
            if fitting(current + rest, number):
                groups[-1] = current + rest
                break
            count = most(current, rest, lambda group, number=number: fitting(group, number))
            if current and count < MIN_ROWS:
                groups.append([])
                continue
            count = max(count, 1)  # a single step always goes somewhere
            groups[-1] = current + rest[:count]
            groups.append([])
            rest = rest[count:]
    return [group for group in groups if group]


def most(current: list[Row], rest: list[Row], fitting: Callable[[list[Row]], bool]) -> int:
    """How many of ``rest`` fit after ``current`` (a binary search: a few drawings)."""
    low, high = 0, len(rest)  # rest[:low] fits; rest[:high + 1] does not
    while low < high:
        middle = (low + high + 1) // 2
        if fitting(current + rest[:middle]):
            low = middle
        else:
            high = middle - 1
    return low


def fits(width: float, height: float, first: bool = False) -> bool:
    """Whether a timeline part of this size fits its page (``first``: under the heading)."""
    room = TIMELINE_HEIGHTS[0] if first else TIMELINE_HEIGHTS[1]
    return height * min(PORTRAIT[0] / width, 1.0) <= room


def areas_of(rows: list[Row]) -> list[list[Row]]:
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(row.area, []).append(row)
    return list(groups.values())


def coming_up(
    steps: Sequence[ActionStep], rows: Sequence[Row], today: date
) -> tuple[list[UpcomingStep], list[UpcomingStep]]:
    """Open steps that start or fall due in the next ``NEXT_DAYS`` days, by date; and the
    overdue ones."""
    horizon = today + timedelta(days=NEXT_DAYS)
    upcoming, overdue = [], []
    for step, row in zip(steps, rows, strict=True):
        if step.status in CLOSED:
            continue
        if row.is_overdue(today):
            overdue.append(UpcomingStep(step, row.area, step.due, starts=False))
        elif step.start and today <= step.start <= horizon:
            upcoming.append(UpcomingStep(step, row.area, step.start, starts=True))
        elif step.due and today <= step.due <= horizon:
            upcoming.append(UpcomingStep(step, row.area, step.due, starts=False))
    upcoming.sort(key=lambda item: item.when)
    overdue.sort(key=lambda item: item.when)
    return upcoming, overdue


# --- the HTML ----------------------------------------------------------------------------------


def plan_html(plan: ActionPlan, *, language: str = "en", preview: bool = False) -> str:
    """The HTML the PDF is made from (``preview``: as a browser page for facilitators)."""
    return document_html(plan, language, preview)[0]


def document_html(plan: ActionPlan, language: str, preview: bool) -> tuple[str, Figures]:
    with translation.override(language):
        document = gather(plan, language, preview)
        html = render_to_string("actionplans/pdf/document.html", {"doc": document})
    return html, document.figures


# --- the URL fetcher ---------------------------------------------------------------------------


def static_prefix() -> str:
    """Where our fetcher's static files are: the document's origin, ``/static/``."""
    return f"{BASE_URL}static/"


def static_file(url: str) -> Path | None:
    """The file behind one of our static URLs: collected (production) or found by the
    finders; None for any other URL, or a path that leaves the static folders."""
    prefix = static_prefix()
    if not url.startswith(prefix):
        return None
    parts = urlsplit(url)
    if parts.query or parts.fragment:
        return None
    name = unquote(url[len(prefix) :])
    if not name or "\\" in name or any(part in ("", ".", "..") for part in name.split("/")):
        return None
    if settings.STATIC_ROOT:
        try:
            found = Path(safe_join(str(settings.STATIC_ROOT), name))
        except ValueError:  # outside STATIC_ROOT
            return None
        return found if found.is_file() else None
    located = finders.find(name)
    return Path(located) if isinstance(located, str) and Path(located).is_file() else None


CONTENT_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}


def make_fetcher(figures: Figures | None = None):
    """A WeasyPrint URL fetcher that serves our static files and the document's pictures, and
    refuses anything else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def __init__(self):
            # Not URLFetcher's: its HTTP(S) handlers (and their SSL context, 0.1 s to load)
            # are never used here.
            self._fail_on_errors = False

        def fetch(self, url, headers=None):
            check_deadline()
            if figures and url in figures:
                svg = figures[url].encode()
                return URLFetcherResponse(url, svg, headers={"Content-Type": "image/svg+xml"})
            path = static_file(url)
            if path is None:
                log.warning("PDF: refused to fetch %s", url[:200])
                raise ValueError(f"Only the site's own static files are served: {url[:200]}")
            content_type = CONTENT_TYPES.get(path.suffix, "application/octet-stream")
            return URLFetcherResponse(
                url, path.read_bytes(), headers={"Content-Type": content_type}
            )

    return StaticOnlyFetcher()


def print_stylesheet():
    """Our print stylesheet, parsed once for each version of the file: parsing it takes as long
    as laying out a page or two, and every render uses the same."""
    url = static_prefix() + STYLESHEET
    path = static_file(url)
    version = path.stat().st_mtime_ns if path else 0
    return parsed_stylesheet(url, version)


@lru_cache(maxsize=2)
def parsed_stylesheet(url: str, version: int):
    from weasyprint import CSS

    return CSS(url=url, url_fetcher=make_fetcher())


# --- the time limit ----------------------------------------------------------------------------


class Overtime(BaseException):
    """Raised in the middle of WeasyPrint when the time is up; a BaseException so that no
    ``except Exception`` inside it can swallow it."""


_deadline = threading.local()


def check_deadline() -> None:
    until = getattr(_deadline, "until", None)
    if until is not None and time.monotonic() > until:
        raise Overtime


class DeadlineFilter(logging.Filter):
    """WeasyPrint logs each step and each page it lays out to ``weasyprint.progress``: a
    checkpoint in any thread. It keeps those records out of the logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        check_deadline()
        return False


def watch_progress() -> None:
    """Before WeasyPrint is first imported: it logs its own set-up there too."""
    progress = logging.getLogger("weasyprint.progress")
    if not any(isinstance(f, DeadlineFilter) for f in progress.filters):
        progress.addFilter(DeadlineFilter())
        progress.setLevel(logging.INFO)  # else the records (and checks) never happen


@contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Stop the work inside past ``seconds`` with ``Overtime``.

    In the main thread (the task worker ``db_worker`` and management commands) a SIGALRM
    timer interrupts wherever the render is. Signals only work in the main thread, so in any
    other thread the limit is checked at WeasyPrint's checkpoints instead: each page laid
    out, each step of the render, each file fetched; a single very long step can then run
    over before it stops.
    """
    if seconds is None:
        yield
        return
    _deadline.until = time.monotonic() + seconds
    alarm = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    previous_handler = previous_timer = None
    started = time.monotonic()
    if alarm:

        def on_alarm(signum, frame):
            raise Overtime

        previous_handler = signal.signal(signal.SIGALRM, on_alarm)
        previous_timer = signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))
    try:
        yield
    finally:
        _deadline.until = None
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous_handler)
            if previous_timer and previous_timer[0]:  # someone else's timer: put it back
                left = max(previous_timer[0] - (time.monotonic() - started), 0.001)
                signal.setitimer(signal.ITIMER_REAL, left, previous_timer[1])


# --- the PDF -----------------------------------------------------------------------------------


def render_plan_pdf(
    plan: ActionPlan, *, language: str = "en", time_limit: float | None = None
) -> RenderedPdf:
    """The plan's PDF (PDF/UA-1, tagged); raises RenderError past ``time_limit`` seconds."""
    watch_progress()
    pdf_svgtext.install()
    pdf_glyphs.install()
    pdf_engine.install()
    with pdf_engine.collector_paused():
        return render(plan, language, time_limit)


def render(plan: ActionPlan, language: str, time_limit: float | None) -> RenderedPdf:
    from weasyprint import HTML  # not at the top: web processes that never render skip it

    started = time.monotonic()
    html, figures = document_html(plan, language, False)  # queries: not interrupted, but counted
    left = None if time_limit is None else time_limit - (time.monotonic() - started)
    if left is not None and left <= 0:
        raise RenderError(too_slow(time_limit))
    try:
        with deadline(left):
            source = HTML(string=html, base_url=BASE_URL, url_fetcher=make_fetcher(figures))
            pdf_engine.use_ua_stylesheet(source)
            document = source.render(
                stylesheets=[print_stylesheet()],
                pdf_variant=PDF_VARIANT,
                pdf_tags=True,
                font_config=pdf_engine.font_config(),
            )
            pages = len(document.pages)
            check_deadline()
            pdf = document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)
    except Overtime:
        raise RenderError(too_slow(time_limit)) from None
    except Exception as error:
        log.exception("PDF of plan %s failed", plan.pk)
        raise RenderError(
            gettext("The PDF could not be made (%(error)s).") % {"error": type(error).__name__}
        ) from error
    return RenderedPdf(pdf=pdf, pages=pages)


def too_slow(limit: float | None) -> str:
    return ngettext(
        "Making the PDF took longer than %(seconds)s second, so it was stopped.",
        "Making the PDF took longer than %(seconds)s seconds, so it was stopped.",
        int(limit or 0),
    ) % {"seconds": f"{limit:g}"}
