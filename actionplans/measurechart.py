"""A measure's readings over time against its baseline, benchmarks and target, as SVG.

A pure function of plain data (``ChartData``) to an SVG string, like the timeline
(``actionplans.timeline``): time runs left to right, values bottom to top. The expected line
(dashed) runs from the baseline through the benchmarks to the target, the readings are a solid
line of dots, and today is a dashed red line. Shapes tell the kinds apart without colour
(square: baseline, diamond: benchmark, ringed dot: target, dot: reading) and the key says so;
``role="img"`` with ``<title>`` and ``<desc>``, a ``viewBox``, no ids, no scripts, no style
attributes, every label escaped. ``table_rows`` gives the same data for a table.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext, ngettext

from actionplans.progress import number, with_unit
from actionplans.timeline import formatted, line, long_date, polygon
from assessments.charts import GRID, INK, MUTED, rect, svg, text, wrap

WIDTH, HEIGHT = 600, 380  # narrow enough for its words to be read on a phone
LEFT, RIGHT, BOTTOM = 64, 28, 52  # room for the value axis and the months; the key sets the top
SMALL = "14"  # the font size of axis labels and marks' values
READING = "#0b4da2"
EXPECTED = "#495057"
BENCHMARK = "#6f42c1"
TARGET = "#146c43"
TODAY = "#c1121f"
WHITE = "#ffffff"
KEY = "measure-key"  # the class of the key's swatches


@dataclass(frozen=True)
class ChartData:
    """What the chart draws: the measure, its expected line's points and its readings."""

    title: str
    unit: str
    start: date  # the baseline's date: the plan's start
    baseline: Decimal | None
    target: Decimal | None
    target_on: date | None  # the objective's target date
    benchmarks: tuple[tuple[date, Decimal | None, str], ...] = ()  # (by, value, description)
    readings: tuple[tuple[date, Decimal], ...] = ()
    expected: tuple[tuple[date, Decimal], ...] = ()  # ``progress.trajectory``

    @property
    def values(self) -> list[Decimal]:
        found = [v for v in (self.baseline, self.target) if v is not None]
        found += [v for _day, v, _text in self.benchmarks if v is not None]
        return found + [v for _day, v in self.readings]


@dataclass(frozen=True)
class TableRow:
    on: date
    what: str
    value: str
    note: str = ""


def table_rows(data: ChartData) -> list[TableRow]:
    """The chart's points in date order, for a table next to it."""
    rows = []
    if data.baseline is not None:
        rows.append(TableRow(data.start, gettext("Baseline"), with_unit(data.baseline, data.unit)))
    for day, value, description in data.benchmarks:
        shown = with_unit(value, data.unit) if value is not None else "—"
        rows.append(TableRow(day, gettext("Benchmark"), shown, description))
    if data.target is not None and data.target_on is not None:
        rows.append(TableRow(data.target_on, gettext("Target"), with_unit(data.target, data.unit)))
    for day, value in data.readings:
        rows.append(TableRow(day, gettext("Reading"), with_unit(value, data.unit)))
    order = {gettext("Baseline"): 0, gettext("Reading"): 1, gettext("Benchmark"): 2}
    return sorted(rows, key=lambda row: (row.on, order.get(row.what, 3)))


def describe(data: ChartData) -> str:
    """The chart in words, for ``<desc>``."""
    parts = []
    if data.baseline is not None:
        parts.append(
            gettext("Baseline %(value)s on %(date)s.")
            % {"value": with_unit(data.baseline, data.unit), "date": long_date(data.start)}
        )
    if data.target is not None:
        parts.append(
            gettext("Target %(value)s by %(date)s.")
            % {
                "value": with_unit(data.target, data.unit),
                "date": long_date(data.target_on) if data.target_on else "—",
            }
        )
    valued = [(day, value) for day, value, _text in data.benchmarks if value is not None]
    if valued:
        parts.append(
            gettext("Benchmarks: %(list)s.")
            % {
                "list": ", ".join(
                    gettext("%(value)s by %(date)s")
                    % {"value": with_unit(value, data.unit), "date": long_date(day)}
                    for day, value in valued
                )
            }
        )
    if data.readings:
        last_day, last_value = data.readings[-1]
        parts.append(
            ngettext(
                "%(count)s reading, %(value)s on %(date)s.",
                "%(count)s readings; the latest %(value)s on %(date)s.",
                len(data.readings),
            )
            % {
                "count": len(data.readings),
                "value": with_unit(last_value, data.unit),
                "date": long_date(last_day),
            }
        )
    else:
        parts.append(gettext("No readings yet."))
    return " ".join(parts)


# --- scales ------------------------------------------------------------------------------------


def nice_step(span: float, ticks: int = 5) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving about ``ticks`` intervals."""
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def value_range(values: Sequence[Decimal]) -> tuple[float, float, float]:
    """Low, high and step of the value axis: round numbers around every value."""
    low, high = float(min(values)), float(max(values))
    if low == high:
        low, high = low - 1, high + 1
    if low >= 0 and low <= (high - low) / 2:
        low = 0.0  # counts and shares read best from zero
    step = nice_step(high - low)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def date_range(days: Sequence[date]) -> tuple[date, date]:
    first, last = min(days), max(days)
    pad = max((last - first).days // 30, 7)
    return first - timedelta(days=pad), last + timedelta(days=pad)


def months_between(first: date, last: date) -> list[date]:
    """The first day of each month from ``first`` to ``last``."""
    months, day = [], date(first.year, first.month, 1)
    if day < first:
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    while day <= last:
        months.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return months


class Plot:
    """Where a date and a value fall in the plotting area."""

    def __init__(self, first: date, last: date, low: float, high: float, top: float):
        self.first, self.last, self.low, self.high = first, last, low, high
        self.left, self.right = LEFT, WIDTH - RIGHT
        self.top, self.bottom = top, HEIGHT - BOTTOM

    def x(self, day: date) -> float:
        share = (day - self.first).days / max((self.last - self.first).days, 1)
        return round(self.left + share * (self.right - self.left), 1)

    def y(self, value: Decimal | float) -> float:
        share = (float(value) - self.low) / (self.high - self.low)
        return round(self.bottom - share * (self.bottom - self.top), 1)


# --- drawing -----------------------------------------------------------------------------------


def square(cx: float, cy: float, fill: str, r: float = 6, cls: str = "measure-baseline") -> str:
    return (
        f'<rect class="{cls}" x="{cx - r:g}" y="{cy - r:g}" width="{2 * r:g}" '
        f'height="{2 * r:g}" fill="{fill}" stroke="{INK}" stroke-width="1.5"/>'
    )


def diamond(cx: float, cy: float, fill: str, r: float = 7, cls: str = "measure-benchmark") -> str:
    points = [(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)]
    return polygon(points, fill, INK, **{"class": cls})


def ringed(cx: float, cy: float, fill: str, cls: str = "measure-target") -> str:
    return (
        f'<g class="{cls}"><circle cx="{cx:g}" cy="{cy:g}" r="9" fill="{WHITE}" '
        f'stroke="{fill}" stroke-width="2"/><circle cx="{cx:g}" cy="{cy:g}" r="4" '
        f'fill="{fill}"/></g>'
    )


def dot(cx: float, cy: float, fill: str, cls: str = "measure-reading") -> str:
    return (
        f'<circle class="{cls}" cx="{cx:g}" cy="{cy:g}" r="5" fill="{fill}" '
        f'stroke="{WHITE}" stroke-width="1.5"/>'
    )


def polyline(
    points: Sequence[tuple[float, float]], stroke: str, width: float, dash: str = "", cls: str = ""
) -> str:
    coords = " ".join(f"{x:g},{y:g}" for x, y in points)
    extra = (f' stroke-dasharray="{dash}"' if dash else "") + (f' class="{cls}"' if cls else "")
    return (
        f'<polyline points="{coords}" fill="none" stroke="{stroke}" '
        f'stroke-width="{width:g}"{extra}/>'
    )


def key(y: float) -> tuple[list[str], float]:
    """What each mark means, in rows above the plot; returns the parts and the y below them."""
    items = [
        (gettext("Readings"), [line(0, 7, 26, 7, READING, 2.5), dot(13, 7, READING, KEY)]),
        (gettext("Expected"), [line(0, 7, 26, 7, EXPECTED, 2, "6 4")]),
        (gettext("Baseline"), [square(13, 7, WHITE, cls=KEY)]),
        (gettext("Benchmark"), [diamond(13, 7, BENCHMARK, cls=KEY)]),
        (gettext("Target"), [ringed(13, 7, TARGET, KEY)]),
        (gettext("Today"), [line(13, -3, 13, 17, TODAY, 2, "5 3")]),
    ]
    parts, x = [], 12.0
    for label, shapes in items:
        width = 32 + len(label) * 8 + 16
        if x + width > WIDTH - 12 and x > 12:
            x, y = 12.0, y + 26
        parts.append(f'<g transform="translate({x:g} {y:g})">{"".join(shapes)}</g>')
        parts.append(text(x + 32, y + 12, label, fill=INK))
        x += width
    return parts, y + 26


def measure_svg(data: ChartData, *, today: date, title: str = "", desc: str = "") -> SafeString:
    """The readings against the expected line, baseline, benchmarks and target."""
    title = title or gettext("Readings of the measure: %(title)s") % {"title": data.title}
    desc = desc or describe(data)
    body = [rect(0, 0, WIDTH, HEIGHT, WHITE)]
    parts, below = key(14)
    body += parts
    if not data.values:
        body.append(text(LEFT, below + 40, gettext("No numbers to draw yet."), fill=MUTED))
        return svg(WIDTH, HEIGHT, title, desc, body)
    days = [data.start, today, *(day for day, _v in data.readings)]
    days += [day for day, _v, _t in data.benchmarks]
    if data.target_on is not None:
        days.append(data.target_on)
    first, last = date_range(days)
    low, high, step = value_range(data.values)
    plot = Plot(first, last, low, high, top=below + 36)
    body += axes(plot, low, high, step, data.unit)
    body += marks(plot, data, today)
    return svg(WIDTH, HEIGHT, title, desc, body)


def axes(plot: Plot, low: float, high: float, step: float, unit: str) -> list[str]:
    parts = []
    count = round((high - low) / step)
    for i in range(count + 1):
        value = low + i * step
        y = plot.y(value)
        parts.append(line(plot.left, y, plot.right, y, GRID, 1, cls="measure-grid"))
        label = number(Decimal(str(round(value, 6))))
        parts.append(
            text(plot.left - 8, y + 4, label, fill=INK, font_size=SMALL, text_anchor="end")
        )
    if unit:
        parts.append(text(12, plot.top - 12, wrap(unit, 24, 1)[0], fill=MUTED, font_size=SMALL))
    months = months_between(plot.first, plot.last)
    # At most 8 month labels: every n months, or every n years over a long span.
    every = next(
        (n for n in (1, 2, 3, 6, 12, 24, 60, 120) if len(months) / n <= 8),
        12 * math.ceil(len(months) / 96),
    )
    language = get_language()
    for month in months[::every]:
        x = plot.x(month)
        parts.append(line(x, plot.bottom, x, plot.bottom + 6, INK, 1, cls="measure-month"))
        show = "M Y" if month.month == 1 or month == months[0] else "M"
        label = formatted(month, show, language)
        parts.append(
            text(x, plot.bottom + 22, label, fill=INK, font_size=SMALL, text_anchor="middle")
        )
    parts.append(line(plot.left, plot.bottom, plot.right, plot.bottom, INK, 1.5))
    return parts


def marks(plot: Plot, data: ChartData, today: date) -> list[str]:
    parts = []
    if plot.first <= today <= plot.last:
        x = plot.x(today)
        parts.append(line(x, plot.top - 4, x, plot.bottom, TODAY, 2, "5 3", "measure-today"))
        parts.append(text(x + 4, plot.top + 8, gettext("Today"), fill=TODAY, font_size=SMALL,
                          font_weight="bold"))  # fmt: skip
    if len(data.expected) > 1:
        points = [(plot.x(day), plot.y(value)) for day, value in data.expected]
        parts.append(polyline(points, EXPECTED, 2, "6 4", "measure-expected"))
    for day, value, _text in data.benchmarks:
        if value is None:  # a benchmark in words: marked on the time axis
            parts.append(diamond(plot.x(day), plot.bottom, WHITE, 5))
        else:
            x, y = plot.x(day), plot.y(value)
            parts.append(diamond(x, y, BENCHMARK))
            if (day, value) != (data.target_on, data.target):  # the target says it already
                parts.append(text(x, y - 12, number(value), fill=BENCHMARK, font_size=SMALL,
                                  text_anchor="middle"))  # fmt: skip
    if data.baseline is not None:
        x, y = plot.x(data.start), plot.y(data.baseline)
        parts.append(square(x, y, WHITE))
        parts.append(text(x + 10, y - 10, number(data.baseline), fill=INK, font_size=SMALL))
    if data.target is not None and data.target_on is not None:
        x, y = plot.x(data.target_on), plot.y(data.target)
        parts.append(ringed(x, y, TARGET))
        parts.append(text(x - 12, y - 12, number(data.target), fill=TARGET, font_size=SMALL,
                          text_anchor="end", font_weight="bold"))  # fmt: skip
    if data.readings:
        points = [(plot.x(day), plot.y(value)) for day, value in data.readings]
        if len(points) > 1:
            parts.append(polyline(points, READING, 2.5, cls="measure-readings"))
        for (day, value), (x, y) in zip(data.readings, points, strict=True):
            label = escape(f"{long_date(day)}: {with_unit(value, data.unit)}")
            parts.append(f"<g><title>{label}</title>{dot(x, y, READING)}</g>")
        x, y = points[-1]
        parts.append(text(x, y + 22, number(data.readings[-1][1]), fill=READING,
                          font_size=SMALL, font_weight="bold", text_anchor="middle"))  # fmt: skip
    return parts
