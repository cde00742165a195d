"""The timeline of the action steps by month, as SVG.

A pure function of plain rows (``Row``) to an SVG string, so that the timeline page, its
download and the plan's PDF show the same picture. Months are columns, one row per step under
its priority area; a bar runs from a step's start to its due date, a step with only a due
date is a milestone diamond, and steps without dates are listed as "not scheduled". Status
shows by colour, by pattern (so it reads in grayscale) and in words. Like the charts of
``assessments.charts``: ``role="img"`` with ``<title>`` and ``<desc>``, a ``viewBox``, no ids,
no scripts, no style attributes, every label escaped, white background and dark text.
"""

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext, ngettext

from actionplans.models import ActionStep
from assessments.charts import GRID, INK, MUTED, rect, svg, text, wrap

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
    return formatted(day, "j M Y", get_language())


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


def polygon(points: Sequence[tuple[float, float]], fill: str, stroke: str, **attrs) -> str:
    extra = "".join(f' {k}="{escape(v)}"' for k, v in attrs.items())
    coords = " ".join(f"{x:g},{y:g}" for x, y in points)
    return f'<polygon points="{coords}" fill="{fill}" stroke="{stroke}" stroke-width="1.5"{extra}/>'


def diagonals(x: float, y: float, w: float, h: float, stroke: str, slope: int) -> list[str]:
    """Lines at 45° across a box (``slope`` 1: "/", -1: "\\"), clipped to it: a pattern
    without a ``<pattern>`` element, which would need an id."""
    out, step, k = [], 6.0, -h
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
            out.append(line(x1, y1, x2, y2, stroke, 1.2))
        k += step
    return out


def bar(
    x: float, y: float, w: float, h: float, status: str, cls: str = "timeline-bar"
) -> list[str]:
    style = STYLES[Status(status)]
    dash = ' stroke-dasharray="4 2"' if style.dashed else ""
    parts = [
        f'<rect class="{cls}" x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" rx="2" '
        f'fill="{style.fill}" stroke="{style.stroke}" stroke-width="1.5"{dash}/>'
    ]
    if style.lines in ("/", "x"):
        parts += diagonals(x, y, w, h, style.stroke, 1)
    if style.lines == "x":
        parts += diagonals(x, y, w, h, style.stroke, -1)
    if style.lines == "-":
        parts.append(line(x, y + h / 2, x + w, y + h / 2, style.stroke, 1.5))
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


def legend(x: float, y: float, width: float) -> tuple[list[str], float]:
    """Swatches for each status, the milestone, the start-only dot, today and the arrow."""
    parts = [text(x, y + 14, gettext("Key"), fill=INK, font_weight="bold")]
    left, top, row_h = x + 44, y, 26
    items: list[tuple[str, list[str]]] = []
    for status in Status:
        items.append((str(status.label), bar(0, 0, 30, 14, status, KEY)))
    items.append((gettext("due date only"), [diamond(15, 7, Status.NOT_STARTED, 7, KEY)]))
    items.append((gettext("start date only"), [dot(15, 7, Status.NOT_STARTED, 6, KEY)]))
    items.append((gettext("today"), [line(15, -3, 15, 17, TODAY, 2, "5 3", KEY)]))
    items.append((gettext("beyond the months shown"), [arrow(10, 7, 1, INK, KEY)]))
    for label, shapes in items:
        w = 30 + 6 + text_width(label, 13) + 16
        if left + w > x + width and left > x + 44:
            left, top = x + 44, top + row_h
        parts.append(f'<g transform="translate({left:g} {top + 3:g})">{"".join(shapes)}</g>')
        parts.append(text(left + 36, top + 15, label, fill=INK, font_size="13"))
        left += w
    return parts, top - y + row_h


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


def timeline_svg(
    rows: Sequence[Row], *, title: str = "", desc: str = "", today: date
) -> SafeString:
    """The steps by month: bars under their priority areas, a today line, a key; steps
    without dates listed below as not scheduled. ``title`` and ``desc`` default to words
    made from the rows."""
    rows = list(rows)
    window = window_of(rows, today)
    title = title or gettext("Timeline of the action steps")
    desc = desc or describe(rows, today, window)
    scheduled = [row for row in rows if row.scheduled]
    unscheduled = [row for row in rows if not row.scheduled]
    count = window.count if window else MIN_MONTHS
    month_w = min(max(720 / count, 30), 80)
    grid_left = PAD + LABEL_W
    width = grid_left + count * month_w + (NOTE_W if window and window.capped else 0) + 2 * PAD
    body = [rect(0, 0, width, 0, WHITE)]  # the background: its height is set at the end

    legend_parts, legend_h = legend(PAD, PAD, width - 2 * PAD)
    body += legend_parts
    y = PAD + legend_h + 10
    if window is not None:
        grid = Grid(window, grid_left, month_w)
        y = draw_schedule(body, grid, scheduled, today, y)
    if unscheduled:
        y = draw_unscheduled(body, unscheduled, today, width, y)
    if not rows:
        body.append(text(PAD, y + 18, gettext("No action steps yet."), fill=MUTED))
        y += 28
    y = draw_notes(body, window, today, width, y)
    body[0] = rect(0, 0, width, y + PAD, WHITE)
    return svg(width, y + PAD, title, desc, body)


def draw_schedule(body: list[str], grid: Grid, rows: list[Row], today: date, top: float) -> float:
    """The month header, the groups and their steps; returns the y below them."""
    window = grid.window
    header_top = top + 16  # the "today" label sits above the years
    years_y, months_y = header_top + 14, header_top + 34
    grid_top = header_top + 42
    small = grid.month_w < 44
    for i, month in enumerate(window.months):
        x = grid.left + i * grid.month_w
        if month.month == 1 or (i == 0 and month.month < 12):  # no room for a lone December
            body.append(text(x + 3, years_y, str(month.year), fill=INK, font_weight="bold",
                             font_size="13"))  # fmt: skip
        label = formatted(month, "M", get_language())
        body.append(text(x + grid.month_w / 2, months_y, label[:3] if small else label, fill=INK,
                         font_size="12", text_anchor="middle"))  # fmt: skip
    y = grid_top
    bands: list[str] = []
    marks: list[str] = []
    for area, steps in grouped(rows).items():
        bands.append(rect(PAD, y, grid.edge, GROUP_H, GROUP_FILL))
        marks.append(text(PAD + 6, y + 20, wrap(area, 110, 1)[0], fill=INK, font_weight="bold"))
        y += GROUP_H
        for i, row in enumerate(steps):
            lines = wrap(row.title, 40, 2)
            row_h = 10 + LINE_H * len(lines) + 18
            if i % 2:
                bands.append(rect(PAD, y, grid.edge, row_h, BAND))
            marks.append(step_row(grid, row, lines, today, y, row_h))
            y += row_h
    lines_x = []
    for i in range(window.count + 1):
        x = grid.left + i * grid.month_w
        is_year = i in (0, window.count) or window.months[i].month == 1
        top_y, stroke = (years_y - 12, YEAR_LINE) if is_year else (months_y - 12, MONTH_LINE)
        lines_x.append(line(x, top_y, x, y, stroke, cls="timeline-month"))
    body += bands + lines_x
    body.append(line(grid.left, grid_top, grid.right, grid_top, YEAR_LINE))
    body += marks
    if today in window:
        x = grid.x(today) + grid.month_w / calendar.monthrange(today.year, today.month)[1] / 2
        body.append(line(x, header_top + 2, x, y, TODAY, 2, "5 3", "timeline-today"))
        anchor = "end" if x > grid.right - 40 else "middle"
        body.append(text(x, header_top, gettext("Today"), fill=TODAY, font_weight="bold",
                         font_size="12", text_anchor=anchor))  # fmt: skip
    body.append(line(PAD, y, grid.edge + PAD, y, GRID))
    return y


def step_row(grid: Grid, row: Row, lines: list[str], today: date, y: float, row_h: float) -> str:
    """One step: its title and status in words at the left, its bar or marker in the grid."""
    parts = [f"<title>{escape(tooltip(row))}</title>"]
    for j, content in enumerate(lines):
        parts.append(text(PAD + 16, y + 20 + j * LINE_H, content, fill=INK))
    meta_y = y + 20 + len(lines) * LINE_H
    meta = " · ".join(part for part in (row.status_label, row.lead) if part)
    flag = gettext("Overdue") if row.is_overdue(today) else ""
    meta = wrap(meta, 46 - len(flag), 1)[0]
    if flag:  # in bold red, ahead of the status on the same line
        meta = f'<tspan fill="{ALERT}" font-weight="bold">{escape(flag)}</tspan> · {escape(meta)}'
    else:
        meta = escape(meta)
    parts.append(
        f'<text x="{PAD + 16:g}" y="{meta_y:g}" fill="{MUTED}" font-size="12">{meta}</text>'
    )
    cy = y + row_h / 2
    parts += marker(grid, row, cy)
    return f'<g class="timeline-step">{"".join(parts)}</g>'


def marker(grid: Grid, row: Row, cy: float) -> list[str]:
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
        parts = bar(x1, cy - BAR_H / 2, x2 - x1, BAR_H, row.status)
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


def draw_unscheduled(body: list[str], rows: list[Row], today: date, width: float, top: float):
    y = top + 14
    body.append(rect(PAD, y, width - 2 * PAD, GROUP_H, GROUP_FILL))
    body.append(text(PAD + 6, y + 20, gettext("Not scheduled: no start or due date yet"),
                     fill=INK, font_weight="bold"))  # fmt: skip
    y += GROUP_H
    chars = int((width - 2 * PAD - 16) / 7.8)
    for i, row in enumerate(rows):
        lines = wrap(row.title, chars, 2)
        row_h = 10 + LINE_H * len(lines) + 18
        if i % 2:
            body.append(rect(PAD, y, width - 2 * PAD, row_h, BAND))
        parts = [f"<title>{escape(tooltip(row))}</title>"]
        for j, content in enumerate(lines):
            parts.append(text(PAD + 16, y + 20 + j * LINE_H, content, fill=INK))
        meta = " · ".join(part for part in (row.area, row.status_label, row.lead) if part)
        parts.append(text(PAD + 16, y + 20 + len(lines) * LINE_H, wrap(meta, chars + 8, 1)[0],
                          fill=MUTED, font_size="12"))  # fmt: skip
        body.append(f'<g class="timeline-step">{"".join(parts)}</g>')
        y += row_h
    body.append(line(PAD, y, width - PAD, y, GRID))
    return y


def draw_notes(body: list[str], window: Window | None, today: date, width: float, top: float):
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
    y = top + 6
    for content in notes:
        for part in wrap(content, int((width - 2 * PAD) / 6.8), 3):
            y += 17
            body.append(text(PAD, y, part, fill=MUTED, font_size="12"))
    return y
