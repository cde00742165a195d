"""The timeline of the action steps by month, as SVG.

A pure function of plain rows (``Row``) to an SVG string, so that the timeline page, its
download and the plan's PDF show the same picture. Months are columns, one row per step under
its priority area; a bar runs from a step's start to its due date, a step with only a due
date is a milestone diamond, and steps without dates are listed as "not scheduled". Status
shows by colour, by pattern (so it reads in grayscale) and in words. Like the charts of
``assessments.charts``: ``role="img"`` with ``<title>`` and ``<desc>``, a ``viewBox``, no ids,
no scripts, no style attributes, every label escaped, white background and dark text.

``look=PRINT`` draws the PDF's variant of the same picture: denser rows (titles measured in
the PDF's font), no tooltips, and a few hundred elements where the web's has thousands (the
grid, the bands and the lines of the patterns gathered into paths, the hatched bars filled
with two ``<pattern>``s: the only ids, in a picture of its own). ``size`` tells its size
without drawing it.
"""

import calendar
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache, partial

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext, ngettext

from actionplans.models import ActionStep
from assessments.charts import GRID, INK, MUTED, rect, svg, text, wrap
from assessments.mapsvg import fit

Status = ActionStep.Status
CLOSED = {Status.DONE, Status.DROPPED}  # never overdue
MAX_MONTHS = 24  # the most months shown; steps reaching beyond get an arrow and their date
MIN_MONTHS = 6
PAD = 12
LABEL_W = 330  # the steps' titles
NOTE_W = 126  # right of the grid: where bars that go on beyond the months shown say until when
BAR_H = 16
GROUP_H = 30
LINE_H = 17
BAND = "#f1f3f5"  # every other step row, to follow a row across the months
GROUP_FILL = "#dee2e6"
YEAR_LINE = "#6c757d"
MONTH_LINE = "#dee2e6"
TODAY = "#c1121f"
ALERT = "#a4161a"
WHITE = "#ffffff"
KEY = "timeline-key"  # the class of the key's swatches


@dataclass(frozen=True)
class Style:
    fill: str
    stroke: str
    lines: str = ""  # "", "/" (stripes), "x" (cross-hatch) or "-" (struck through)
    dashed: bool = False


STYLES = {
    Status.NOT_STARTED: Style(WHITE, "#343a40"),
    Status.IN_PROGRESS: Style("#cfe2ff", "#0b4da2", "/"),
    Status.DONE: Style("#1e6f43", "#14532d"),
    Status.BLOCKED: Style("#f8d7da", ALERT, "x"),
    Status.DROPPED: Style("#e9ecef", "#6c757d", "-", dashed=True),
}


@dataclass(frozen=True)
class Row:
    """One action step as the timeline needs it."""

    area: str  # its priority area
    objective: str
    title: str
    lead: str
    start: date | None
    due: date | None
    status: str  # an ``ActionStep.Status`` value

    @property
    def status_label(self) -> str:
        return status_label(self.status, get_language())

    @property
    def scheduled(self) -> bool:
        return self.start is not None or self.due is not None

    def is_overdue(self, today: date) -> bool:
        return self.due is not None and self.due < today and self.status not in CLOSED


# --- months ------------------------------------------------------------------------------------


def month_of(day: date) -> int:
    return day.year * 12 + day.month - 1


def first_day(month: int) -> date:
    return date(month // 12, month % 12 + 1, 1)


@dataclass(frozen=True)
class Window:
    """The months shown: ``count`` months from month number ``first`` (see ``month_of``)."""

    first: int
    count: int
    capped: bool = False  # some dates lie outside

    @property
    def last(self) -> int:
        return self.first + self.count - 1

    def __contains__(self, day: date) -> bool:
        return self.first <= month_of(day) <= self.last

    @property
    def months(self) -> list[date]:
        return [first_day(self.first + i) for i in range(self.count)]


def window_of(rows: Iterable[Row], today: date) -> Window | None:
    """From the earliest start to the latest due, at least ``MIN_MONTHS``; when that is more
    than ``MAX_MONTHS``, the ``MAX_MONTHS`` that keep today in sight with a quarter behind it."""
    days = [day for row in rows for day in (row.start, row.due) if day is not None]
    if not days:
        return None
    low, high = month_of(min(days)), month_of(max(days))
    if high - low + 1 <= MAX_MONTHS:
        return Window(low, max(high - low + 1, MIN_MONTHS))
    first = min(max(low, month_of(today) - 3), high - MAX_MONTHS + 1)
    return Window(first, MAX_MONTHS, capped=True)


@lru_cache(maxsize=4096)
def formatted(day: date, pattern: str, language: str) -> str:
    """A date in the reader's language; cached, as a big plan repeats its dates many times."""
    return date_format(day, pattern)


def month_year(day: date) -> str:
    return formatted(day, "M Y", get_language())


def long_date(day: date) -> str:
    return formatted(day, "SHORT_DATE_FORMAT", get_language())


@lru_cache(maxsize=64)
def status_label(status: str, language: str) -> str:
    return str(Status(status).label)


# --- drawing -----------------------------------------------------------------------------------


def line(
    x1: float, y1: float, x2: float, y2: float, stroke: str, width: float = 1, dash: str = "",
    cls: str = "",
) -> str:  # fmt: skip
    extra = (f' stroke-dasharray="{dash}"' if dash else "") + (f' class="{cls}"' if cls else "")
    return (
        f'<line x1="{x1:g}" y1="{y1:g}" x2="{x2:g}" y2="{y2:g}" stroke="{stroke}" '
        f'stroke-width="{width:g}"{extra}/>'
    )


class Pen:
    """Draws each line and box as an element of its own (the web page: the lines carry their
    class, and a browser draws thousands of elements at no cost)."""

    def line(
        self, x1: float, y1: float, x2: float, y2: float, stroke: str, width: float = 1,
        dash: str = "", cls: str = "",
    ) -> list[str]:  # fmt: skip
        return [line(x1, y1, x2, y2, stroke, width, dash, cls)]

    def box(self, x: float, y: float, w: float, h: float, fill: str) -> list[str]:
        return [rect(x, y, w, h, fill)]

    def flush(self) -> list[str]:
        return []

    def fill(self, status: str) -> str:
        """What a bar of this status is filled with (its lines drawn over it by ``bar``)."""
        return STYLES[Status(status)].fill


class PrintPen(Pen):
    """Gathers the lines and boxes of one layer of the picture and draws them as one
    ``<path>`` per colour and stroke, at ``flush``: WeasyPrint sets up the graphics state of
    every SVG element it draws, and the grid, the row bands and the status patterns of a big
    plan are thousands of them."""

    def __init__(self) -> None:
        self.fills: dict[str, list[str]] = {}
        self.strokes: dict[tuple[str, float, str], list[str]] = {}

    def line(
        self, x1: float, y1: float, x2: float, y2: float, stroke: str, width: float = 1,
        dash: str = "", cls: str = "",
    ) -> list[str]:  # fmt: skip
        self.strokes.setdefault((stroke, width, dash), []).append(f"M{x1:g} {y1:g}L{x2:g} {y2:g}")
        return []

    def box(self, x: float, y: float, w: float, h: float, fill: str) -> list[str]:
        self.fills.setdefault(fill, []).append(f"M{x:g} {y:g}h{w:g}v{h:g}h{-w:g}z")
        return []

    def flush(self) -> list[str]:
        out = [f'<path d="{"".join(d)}" fill="{fill}"/>' for fill, d in self.fills.items()]
        for (stroke, width, dash), d in self.strokes.items():
            extra = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(
                f'<path d="{"".join(d)}" fill="none" stroke="{stroke}" '
                f'stroke-width="{width:g}"{extra}/>'
            )
        self.fills, self.strokes = {}, {}
        return out

    def fill(self, status: str) -> str:
        """The hatched statuses' ``<pattern>`` (``patterns``), drawn once per bar by WeasyPrint
        rather than as dozens of lines; the others' colour."""
        return f"url(#{PATTERNS[status]})" if status in PATTERNS else super().fill(status)


# The print picture's patterns of the hatched statuses, by id: a picture of its own in the PDF,
# so its ids cannot clash (the web page's pictures, several on a page, have none).
PATTERNS = {Status.IN_PROGRESS: "in-progress", Status.BLOCKED: "blocked"}


def patterns() -> str:
    """``<defs>`` with a 6-unit tile for each of ``PATTERNS``: the fill, and the diagonals of
    ``diagonals`` ("/" and, crossed, "\\") at the same spacing."""
    tiles = []
    for status, pattern_id in PATTERNS.items():
        style = STYLES[status]
        lines = "M-1 1l2-2M0 6l6-6M5 7l2-2" + (
            "M-1 5l2 2M0 0l6 6M5-1l2 2" if style.lines == "x" else ""
        )
        tiles.append(
            f'<pattern id="{pattern_id}" patternUnits="userSpaceOnUse" width="6" height="6">'
            f'<rect width="6" height="6" fill="{style.fill}"/>'
            f'<path d="{lines}" stroke="{style.stroke}" stroke-width="1.2"/></pattern>'
        )
    return f"<defs>{''.join(tiles)}</defs>"


def polygon(points: Sequence[tuple[float, float]], fill: str, stroke: str, **attrs) -> str:
    extra = "".join(f' {k}="{escape(v)}"' for k, v in attrs.items())
    coords = " ".join(f"{x:g},{y:g}" for x, y in points)
    return f'<polygon points="{coords}" fill="{fill}" stroke="{stroke}" stroke-width="1.5"{extra}/>'


def diagonals(
    x: float, y: float, w: float, h: float, stroke: str, slope: int, pen: Pen
) -> list[str]:
    """Lines at 45° across a box (``slope`` 1: "/", -1: "\\"), clipped to it: a pattern
    without a ``<pattern>`` element, which would need an id."""
    out: list[str] = []
    step, k = 6.0, -h
    while k < w:
        x1, x2 = x + k, x + k + h
        y1, y2 = (y + h, y) if slope > 0 else (y, y + h)
        if x1 < x:
            y1 += (x1 - x) if slope > 0 else (x - x1)
            x1 = x
        if x2 > x + w:
            y2 += (x2 - x - w) if slope > 0 else (x + w - x2)
            x2 = x + w
        if x2 - x1 > 0.5:
            out += pen.line(x1, y1, x2, y2, stroke, 1.2)
        k += step
    return out


def bar(
    x: float, y: float, w: float, h: float, status: str, cls: str = "timeline-bar",
    pen: Pen | None = None,
) -> list[str]:  # fmt: skip
    """The box, and over it the status's lines (drawn by ``pen``, else one element each)."""
    pen = pen or Pen()
    style = STYLES[Status(status)]
    dash = ' stroke-dasharray="4 2"' if style.dashed else ""
    fill = pen.fill(status)
    parts = [
        f'<rect class="{cls}" x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" rx="2" '
        f'fill="{fill}" stroke="{style.stroke}" stroke-width="1.5"{dash}/>'
    ]
    hatched = fill == style.fill  # not filled with a pattern of its lines
    if hatched and style.lines in ("/", "x"):
        parts += diagonals(x, y, w, h, style.stroke, 1, pen)
    if hatched and style.lines == "x":
        parts += diagonals(x, y, w, h, style.stroke, -1, pen)
    if style.lines == "-":
        parts += pen.line(x, y + h / 2, x + w, y + h / 2, style.stroke, 1.5)
    return parts


def diamond(cx: float, cy: float, status: str, r: float = 8, cls: str = "timeline-due") -> str:
    style = STYLES[Status(status)]
    points = [(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)]
    return polygon(points, style.fill, style.stroke, **{"class": cls})


def dot(cx: float, cy: float, status: str, r: float = 6, cls: str = "timeline-start") -> str:
    style = STYLES[Status(status)]
    return (
        f'<circle class="{cls}" cx="{cx:g}" cy="{cy:g}" r="{r:g}" fill="{style.fill}" '
        f'stroke="{style.stroke}" stroke-width="1.5"/>'
    )


def arrow(x: float, cy: float, direction: int, fill: str = INK, cls: str = "timeline-beyond"):
    """A small triangle pointing right (1) or left (-1) with its base at ``x``."""
    tip = x + 9 * direction
    points = [(x, cy - 6), (tip, cy), (x, cy + 6)]
    return polygon(points, fill, fill, **{"class": cls})


def text_width(content: str, size: float = 14) -> float:
    """About how wide a label is in a sans-serif font (no font metrics on the server)."""
    return len(content) * size * 0.52


class Grid:
    """Where a day is across the months shown."""

    def __init__(self, window: Window, left: float, month_w: float):
        self.window, self.left, self.month_w = window, left, month_w
        self.right = left + window.count * month_w
        # Past the months, room to say until when a step goes on (only when some do).
        self.edge = self.right + (NOTE_W if window.capped else 0)

    def x(self, day: date, end: bool = False) -> float:
        """The left edge of the day, or its right edge with ``end`` (due dates end the day)."""
        days = calendar.monthrange(day.year, day.month)[1]
        into = (day.day if end else day.day - 1) / days
        return self.left + (month_of(day) - self.window.first + into) * self.month_w


def legend(x: float, y: float, width: float, pen: Pen | None = None) -> tuple[list[str], float]:
    """Swatches for each status, the milestone, the start-only dot, today and the arrow.

    Each swatch is drawn at (0, 0) in a group moved into place; with a ``PrintPen``, in place
    and with its lines gathered by the pen (fewer elements)."""
    parts = [text(x, y + 14, gettext("Key"), fill=INK, font_weight="bold")]
    left, top, row_h = x + 44, y, 26
    Swatch = Callable[[float, float, Pen], list[str]]
    items: list[tuple[str, Swatch]] = []
    for status in Status:
        items.append((str(status.label), partial(key_bar, status)))
    items.append((gettext("due date only"), key_diamond))
    items.append((gettext("start date only"), key_dot))
    items.append((gettext("today"), key_today))
    items.append((gettext("beyond the months shown"), key_arrow))
    for label, swatch in items:
        w = 30 + 6 + text_width(label, 13) + 16
        if left + w > x + width and left > x + 44:
            left, top = x + 44, top + row_h
        if pen is None:
            shapes = "".join(swatch(0, 0, Pen()))
            parts.append(f'<g transform="translate({left:g} {top + 3:g})">{shapes}</g>')
        else:
            parts += swatch(left, top + 3, pen)
        parts.append(text(left + 36, top + 15, label, fill=INK, font_size="13"))
        left += w
    return parts + (pen.flush() if pen else []), top - y + row_h


@lru_cache(maxsize=64)
def legend_height(width: float, language: str) -> float:
    """The height of ``legend`` at this width (its words are the language's)."""
    return legend(PAD, PAD, width)[1]


def key_bar(status: str, x: float, y: float, pen: Pen) -> list[str]:
    return bar(x, y, 30, 14, status, KEY, pen)


def key_diamond(x: float, y: float, pen: Pen) -> list[str]:
    return [diamond(x + 15, y + 7, Status.NOT_STARTED, 7, KEY)]


def key_dot(x: float, y: float, pen: Pen) -> list[str]:
    return [dot(x + 15, y + 7, Status.NOT_STARTED, 6, KEY)]


def key_today(x: float, y: float, pen: Pen) -> list[str]:
    return [line(x + 15, y - 3, x + 15, y + 17, TODAY, 2, "5 3", KEY)]


def key_arrow(x: float, y: float, pen: Pen) -> list[str]:
    return [arrow(x + 10, y + 7, 1, INK, KEY)]


def describe(rows: Sequence[Row], today: date, window: Window | None) -> str:
    """The timeline in words, for ``<desc>``."""
    scheduled = [row for row in rows if row.scheduled]
    areas = len({row.area for row in rows})
    steps = ngettext("%(count)s action step", "%(count)s action steps", len(rows)) % {
        "count": len(rows)
    }
    parts = [
        ngettext(
            "%(steps)s in %(count)s priority area.", "%(steps)s in %(count)s priority areas.", areas
        )
        % {"steps": steps, "count": areas}
    ]
    if window is not None:
        parts.append(
            gettext("By month from %(first)s to %(last)s.")
            % {
                "first": month_year(first_day(window.first)),
                "last": month_year(first_day(window.last)),
            }
        )
    counts = [(sum(1 for row in rows if row.status == status), status) for status in Status]
    if rows:
        parts.append(", ".join(f"{n} {str(s.label).lower()}" for n, s in counts if n) + ".")
    overdue = sum(1 for row in rows if row.is_overdue(today))
    if overdue:
        parts.append(
            ngettext("%(count)s overdue.", "%(count)s overdue.", overdue) % {"count": overdue}
        )
    if len(scheduled) < len(rows):
        parts.append(gettext("%(count)s not scheduled.") % {"count": len(rows) - len(scheduled)})
    return " ".join(parts)


def grouped(rows: Iterable[Row]) -> dict[str, list[Row]]:
    """Rows by priority area, in the order the areas first come."""
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(row.area, []).append(row)
    return groups


@lru_cache(maxsize=1024)
def fitted(title: str, width: float, size: float) -> tuple[str, ...]:
    """A title in at most two lines of ``width`` (measured: a big plan repeats this a lot)."""
    return fit(title, width, size, lines=2)


@dataclass(frozen=True)
class Look:
    """The room the picture gives its parts: ``WEB``'s roomy rows for the page, or ``PRINT``'s
    denser ones for the PDF, with the step titles measured in the PDF's font."""

    label_w: float  # the steps' titles
    months_w: float  # the most the months take
    min_month_w: float
    line_h: float  # a line of a step's title and its status line
    first: float  # from the top of a step's row to its first baseline
    row_pad: float  # a row is ``row_pad + line_h * (title lines + 1)`` high
    group_h: float
    bar_h: float
    title_size: str  # "": the picture's font size
    meta_size: str
    for_print: bool
    status_line: bool  # under each title, the step's status and lead in words

    def title_lines(self, title: str) -> list[str]:
        if self.for_print:  # the PDF has DejaVu Sans, whose widths mapsvg knows
            return list(fitted(title, self.label_w - 24, float(self.title_size)))
        return wrap(title, 40, 2)

    def row_h(self, lines: int, status_line: bool | None = None) -> float:
        """A row with this many lines of title (and the status line, by default the look's)."""
        status_line = self.status_line if status_line is None else status_line
        return self.row_pad + self.line_h * (lines + status_line)

    def label(self, row: Row, today: date) -> str:
        """The words at the left of a step's bar: its title; without the status line, an
        overdue step says so first (and is drawn in red)."""
        if not self.status_line and row.is_overdue(today):
            return f"{gettext('Overdue')} · {row.title}"
        return row.title

    def pen(self) -> Pen:
        return PrintPen() if self.for_print else Pen()


WEB = Look(
    label_w=LABEL_W, months_w=720, min_month_w=30, line_h=LINE_H, first=20, row_pad=11,
    group_h=GROUP_H, bar_h=BAR_H, title_size="", meta_size="12", for_print=False,
    status_line=True,
)  # fmt: skip
# A title on one line where the web wraps it, and no status line: the bar's fill and pattern
# tell the status (the key is on the first page), the action plan lists every step's status
# and lead just before. Rows of 24 units rather than 62: 40 steps a page rather than 15.
PRINT = Look(
    label_w=500, months_w=460, min_month_w=22, line_h=14.5, first=15, row_pad=9.5,
    group_h=24, bar_h=13, title_size="13", meta_size="11.5", for_print=True,
    status_line=False,
)  # fmt: skip


def timeline_svg(
    rows: Sequence[Row], *, title: str = "", desc: str = "", today: date, look: Look = WEB,
    key: bool = True,
) -> SafeString:  # fmt: skip
    """The steps by month: bars under their priority areas, a today line, a key; steps
    without dates listed below as not scheduled. ``title`` and ``desc`` default to words
    made from the rows. ``look=PRINT``: the same picture for the PDF, denser and in fewer
    elements (no tooltips). ``key=False``: without the key (the PDF's parts after the first,
    on the pages that follow it)."""
    rows = list(rows)
    window = window_of(rows, today)
    title = title or gettext("Timeline of the action steps")
    desc = desc or describe(rows, today, window)
    scheduled = [row for row in rows if row.scheduled]
    unscheduled = [row for row in rows if not row.scheduled]
    width, month_w = widths(window, look)
    body = [rect(0, 0, width, 0, WHITE)]  # the background: its height is set at the end
    if look.for_print:
        body.append(patterns())

    y = PAD
    if key:
        key_pen = look.pen() if look.for_print else None
        legend_parts, legend_h = legend(PAD, PAD, width - 2 * PAD, key_pen)
        body += legend_parts
        y += legend_h + 10
    if window is not None:
        grid = Grid(window, PAD + look.label_w, month_w)
        y = draw_schedule(body, grid, scheduled, today, y, look)
    if unscheduled:
        y = draw_unscheduled(body, unscheduled, today, width, y, look)
    if not rows:
        body.append(text(PAD, y + 18, gettext("No action steps yet."), fill=MUTED))
        y += 28
    y = draw_notes(body, window, today, width, y)
    body[0] = rect(0, 0, width, y + PAD, WHITE)
    return svg(width, y + PAD, title, desc, body)


def widths(window: Window | None, look: Look) -> tuple[float, float]:
    """The picture's width, and a month's."""
    count = window.count if window else MIN_MONTHS
    month_w = min(max(look.months_w / count, look.min_month_w), 80)
    notes = NOTE_W if window and window.capped else 0
    return PAD + look.label_w + count * month_w + notes + 2 * PAD, month_w


def size(
    rows: Sequence[Row], today: date, look: Look = WEB, key: bool = True
) -> tuple[float, float]:
    """The width and height of ``timeline_svg(rows, today=today, look=look, key=key)``,
    worked out without drawing it (the PDF tries many groups of rows to fill its pages)."""
    rows = list(rows)
    window = window_of(rows, today)
    width, _ = widths(window, look)
    y = PAD + (legend_height(width - 2 * PAD, get_language()) + 10 if key else 0)
    scheduled = [row for row in rows if row.scheduled]
    if window is not None:
        y += 16 + 42
        for steps in grouped(scheduled).values():
            labels = [look.label(row, today) for row in steps]
            y += look.group_h + sum(look.row_h(len(look.title_lines(lab))) for lab in labels)
    unscheduled = [row for row in rows if not row.scheduled]
    if unscheduled:
        chars = unscheduled_chars(width)
        y += 14 + look.group_h
        y += sum(look.row_h(len(wrap(row.title, chars, 2)), True) for row in unscheduled)
    if not rows:
        y += 28
    y += 6 + 17 * sum(len(wrap(note, note_chars(width), 3)) for note in notes_of(window, today))
    return width, y + PAD


def draw_schedule(
    body: list[str], grid: Grid, rows: list[Row], today: date, top: float, look: Look = WEB
) -> float:
    """The month header, the groups and their steps; returns the y below them."""
    window = grid.window
    header_top = top + 16  # the "today" label sits above the years
    years_y, months_y = header_top + 14, header_top + 34
    grid_top = header_top + 42
    # Three letters of a month's name where a whole one does not fit, its initial where three
    # do not (only the print look's months get that narrow).
    letters = 1 if grid.month_w < 28 else 3 if grid.month_w < 44 else None
    for i, month in enumerate(window.months):
        x = grid.left + i * grid.month_w
        if month.month == 1 or (i == 0 and month.month < 12):  # no room for a lone December
            body.append(text(x + 3, years_y, str(month.year), fill=INK, font_weight="bold",
                             font_size="13"))  # fmt: skip
        label = formatted(month, "M", get_language())[:letters]
        body.append(text(x + grid.month_w / 2, months_y, label, fill=INK, font_size="12",
                         text_anchor="middle"))  # fmt: skip
    y = grid_top
    under, over = look.pen(), look.pen()  # under the steps (bands, grid), over their bars
    bands: list[str] = []
    marks: list[str] = []
    for area, steps in grouped(rows).items():
        bands += under.box(PAD, y, grid.edge, look.group_h, GROUP_FILL)
        marks.append(text(PAD + 6, y + look.group_h - 10, wrap(area, 110, 1)[0], fill=INK,
                          font_weight="bold"))  # fmt: skip
        y += look.group_h
        for i, row in enumerate(steps):
            lines = look.title_lines(look.label(row, today))
            row_h = look.row_h(len(lines))
            if i % 2:
                bands += under.box(PAD, y, grid.edge, row_h, BAND)
            marks.append(step_row(grid, row, lines, today, y, row_h, look, over))
            y += row_h
    lines_x = []
    for i in range(window.count + 1):
        x = grid.left + i * grid.month_w
        is_year = i in (0, window.count) or window.months[i].month == 1
        top_y, stroke = (years_y - 12, YEAR_LINE) if is_year else (months_y - 12, MONTH_LINE)
        lines_x += under.line(x, top_y, x, y, stroke, cls="timeline-month")
    body += bands + lines_x + under.flush()
    body.append(line(grid.left, grid_top, grid.right, grid_top, YEAR_LINE))
    body += marks + over.flush()
    if today in window:
        x = grid.x(today) + grid.month_w / calendar.monthrange(today.year, today.month)[1] / 2
        body.append(line(x, header_top + 2, x, y, TODAY, 2, "5 3", "timeline-today"))
        anchor = "end" if x > grid.right - 40 else "middle"
        body.append(text(x, header_top, gettext("Today"), fill=TODAY, font_weight="bold",
                         font_size="12", text_anchor=anchor))  # fmt: skip
    body.append(line(PAD, y, grid.edge + PAD, y, GRID))
    return y


def step_row(
    grid: Grid, row: Row, lines: list[str], today: date, y: float, row_h: float,
    look: Look = WEB, pen: Pen | None = None,
) -> str:  # fmt: skip
    """One step: its title and status in words at the left, its bar or marker in the grid
    (in a group with the step in words as its tooltip, on the web)."""
    parts = [] if look.for_print else [f"<title>{escape(tooltip(row))}</title>"]
    size = {"font_size": look.title_size} if look.title_size else {}
    ink = ALERT if not look.status_line and row.is_overdue(today) else INK
    for j, content in enumerate(lines):
        parts.append(text(PAD + 16, y + look.first + j * look.line_h, content, fill=ink, **size))
    cy = y + row_h / 2
    if not look.status_line:
        return "".join(parts + marker(grid, row, cy, look.bar_h, pen))
    meta_y = y + look.first + len(lines) * look.line_h
    meta = " · ".join(part for part in (row.status_label, row.lead) if part)
    flag = gettext("Overdue") if row.is_overdue(today) else ""
    meta = wrap(meta, 46 - len(flag), 1)[0]
    if flag:  # in bold red, ahead of the status on the same line
        meta = f'<tspan fill="{ALERT}" font-weight="bold">{escape(flag)}</tspan> · {escape(meta)}'
    else:
        meta = escape(meta)
    parts.append(
        f'<text x="{PAD + 16:g}" y="{meta_y:g}" fill="{MUTED}" font-size="{look.meta_size}">'
        f"{meta}</text>"
    )
    parts += marker(grid, row, cy, look.bar_h, pen)
    if look.for_print:
        return "".join(parts)
    return f'<g class="timeline-step">{"".join(parts)}</g>'


def marker(
    grid: Grid, row: Row, cy: float, bar_h: float = BAR_H, pen: Pen | None = None
) -> list[str]:
    """The bar (start to due), diamond (due only) or dot (start only), with arrows and the
    date for what lies beyond the months shown."""
    window = grid.window
    first, last = first_day(window.first), first_day(window.last + 1)
    after, before = grid.right + 12, grid.left + 12
    start, due = row.start, row.due
    if start is not None and due is not None:
        if due < first:
            return [arrow(before, cy, -1), note(before + 6, cy, gettext("until %(date)s"), due)]
        if start >= last:
            return [
                arrow(grid.right + 3, cy, 1),
                note(after + 4, cy, gettext("from %(date)s"), start),
            ]
        x1 = grid.x(start) if start >= first else grid.left
        x2 = grid.x(due, end=True) if due < last else grid.right
        if x2 - x1 < 4:
            x1, x2 = (x1 + x2) / 2 - 2, (x1 + x2) / 2 + 2
        parts = bar(x1, cy - bar_h / 2, x2 - x1, bar_h, row.status, pen=pen)
        if start < first:
            parts.append(arrow(grid.left + 1, cy, -1, MUTED))
        if due >= last:
            parts.append(arrow(grid.right + 3, cy, 1))
            parts.append(note(after + 4, cy, gettext("until %(date)s"), due))
        return parts
    day = due or start
    if day is None:  # unscheduled steps are listed apart
        return []
    if day < first:
        return [arrow(before, cy, -1), note(before + 6, cy, label_of(row), day)]
    if day >= last:
        return [arrow(grid.right + 3, cy, 1), note(after + 4, cy, label_of(row), day)]
    if due is not None:
        return [diamond(grid.x(due, end=True), cy, row.status)]
    return [dot(grid.x(day), cy, row.status)]


def label_of(row: Row) -> str:
    return gettext("due %(date)s") if row.due is not None else gettext("from %(date)s")


def note(x: float, cy: float, words: str, day: date) -> str:
    return text(x, cy + 4, words % {"date": month_year(day)}, fill=INK, font_size="12")


def tooltip(row: Row) -> str:
    when = " \u2013 ".join(long_date(day) for day in (row.start, row.due) if day is not None)
    parts = [row.title, row.objective, when, row.status_label, row.lead]
    return " · ".join(part for part in parts if part)


def draw_unscheduled(
    body: list[str], rows: list[Row], today: date, width: float, top: float, look: Look = WEB
) -> float:
    y = top + 14
    pen = look.pen()
    head = pen.box(PAD, y, width - 2 * PAD, look.group_h, GROUP_FILL)
    heading = text(PAD + 6, y + look.group_h - 10,
                   gettext("Not scheduled: no start or due date yet"), fill=INK,
                   font_weight="bold")  # fmt: skip
    y += look.group_h
    chars = unscheduled_chars(width)
    size = {"font_size": look.title_size} if look.title_size else {}
    steps: list[str] = []  # on the web, each with its band before it
    for i, row in enumerate(rows):
        lines = wrap(row.title, chars, 2)
        row_h = look.row_h(len(lines), status_line=True)  # no bar: the words say it all
        if i % 2:
            steps += pen.box(PAD, y, width - 2 * PAD, row_h, BAND)
        parts = [] if look.for_print else [f"<title>{escape(tooltip(row))}</title>"]
        for j, content in enumerate(lines):
            parts.append(
                text(PAD + 16, y + look.first + j * look.line_h, content, fill=INK, **size)
            )
        meta = " · ".join(part for part in (row.area, row.status_label, row.lead) if part)
        parts.append(text(PAD + 16, y + look.first + len(lines) * look.line_h,
                          wrap(meta, chars + 8, 1)[0], fill=MUTED,
                          font_size=look.meta_size))  # fmt: skip
        steps.append(
            "".join(parts) if look.for_print else f'<g class="timeline-step">{"".join(parts)}</g>'
        )
        y += row_h
    body += pen.flush() + head
    body.append(heading)
    body += steps
    body.append(line(PAD, y, width - PAD, y, GRID))
    return y


def unscheduled_chars(width: float) -> int:
    return int((width - 2 * PAD - 16) / 7.8)


def note_chars(width: float) -> int:
    return int((width - 2 * PAD) / 6.8)


def notes_of(window: Window | None, today: date) -> list[str]:
    """What the picture says under the grid about the months it shows."""
    notes = []
    if window is not None and window.capped:
        notes.append(
            gettext(
                "Showing %(count)s months, %(first)s to %(last)s: an arrow marks a step that "
                "goes on before or after them, with its date."
            )
            % {
                "count": window.count,
                "first": month_year(first_day(window.first)),
                "last": month_year(first_day(window.last)),
            }
        )
    if window is not None and today not in window:
        notes.append(
            gettext("Today, %(date)s, is outside the months shown.") % {"date": long_date(today)}
        )
    return notes


def draw_notes(body: list[str], window: Window | None, today: date, width: float, top: float):
    y = top + 6
    for content in notes_of(window, today):
        for part in wrap(content, note_chars(width), 3):
            y += 17
            body.append(text(PAD, y, part, fill=MUTED, font_size="12"))
    return y
