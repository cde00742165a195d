"""Server-side SVG charts of the assessment results: a heat map and horizontal bars.

Pure functions from numbers to SVG strings, so that the browser and the PDF show the same
picture. Every chart is self-contained: ``role="img"`` with a ``<title>`` and ``<desc>``, a
``viewBox`` (it scales to a phone's width), no scripts, no ids, no external references. Labels
are escaped. Colours run from light to dark, and every value is also printed, so the charts read
in grayscale too. Cells of fewer than three people are hatched grey and carry no number.
"""

from collections.abc import Sequence
from typing import Protocol

from django.template.defaultfilters import floatformat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

SCALE_MIN, SCALE_MAX = 1, 5
# ColorBrewer "Blues": lightness falls steadily from 1 to 5.
STOPS = [
    (0xEF, 0xF3, 0xFF),
    (0xBD, 0xD7, 0xE7),
    (0x6B, 0xAE, 0xD6),
    (0x31, 0x82, 0xBD),
    (0x08, 0x51, 0x9C),
]
SUPPRESSED_FILL = "#d9d9d9"
HATCH = "#6c6c6c"
EMPTY_FILL = "#ffffff"
INK = "#212529"
MUTED = "#495057"
GRID = "#adb5bd"
BAR = "#2c6fbb"
FONT = 14


class Value(Protocol):
    """A mean on the 1 to 5 scale, how many people it is from, and whether it is hidden."""

    mean: float | None
    n: int
    suppressed: bool


def fmt(mean: float) -> str:
    """One decimal, rounded and written as the pages' tables write it (``floatformat``: half
    up, 2.25 is 2.3, and in the reader's language, 2,3 in Spanish)."""
    return floatformat(mean, 1)


def color(mean: float) -> str:
    """The colour of a mean on the scale, between the five stops."""
    position = (min(max(mean, SCALE_MIN), SCALE_MAX) - SCALE_MIN) * (len(STOPS) - 1) / 4
    low = min(int(position), len(STOPS) - 2)
    share = position - low
    rgb = [round(a + (b - a) * share) for a, b in zip(STOPS[low], STOPS[low + 1], strict=True)]
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def luminance(fill: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(fill[i : i + 2], 16) / 255) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ink_on(fill: str) -> str:
    """Black or white text, whichever contrasts more with the fill (at least 4.5:1)."""
    light = luminance(fill) + 0.05
    return "#ffffff" if 1.05 / light > light / 0.05 else "#000000"


def wrap(text: str, width: int, lines: int = 2) -> list[str]:
    """Words in lines of at most ``width`` characters; the last line ends in "…" if cut."""
    words, out, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        out.append(line)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1].rstrip() + "…"
    return [part if len(part) <= width else part[: width - 1] + "…" for part in out] or [""]


def text(x: float, y: float, content: str, **attrs) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{escape(v)}"' for k, v in attrs.items())
    return f'<text x="{x:g}" y="{y:g}"{extra}>{escape(content)}</text>'


def rect(x: float, y: float, w: float, h: float, fill: str, stroke: str = "none") -> str:
    return (
        f'<rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" fill="{fill}" stroke="{stroke}"/>'
    )


def hatched(x: float, y: float, w: float, h: float, step: float = 8) -> str:
    """A grey box with diagonal lines, drawn as clipped segments (no pattern ids needed)."""
    parts = [rect(x, y, w, h, SUPPRESSED_FILL, GRID)]
    k = step - h
    while k < w:
        # The line from (x + k, y + h) up to (x + k + h, y), clipped to the box.
        x1, y1, x2, y2 = x + k, y + h, x + k + h, y
        if x1 < x:
            y1 -= x - x1
            x1 = x
        if x2 > x + w:
            y2 += x2 - (x + w)
            x2 = x + w
        parts.append(
            f'<line x1="{x1:g}" y1="{y1:g}" x2="{x2:g}" y2="{y2:g}" stroke="{HATCH}" '
            'stroke-width="1"/>'
        )
        k += step
    return "".join(parts)


def svg(width: float, height: float, title: str, desc: str, body: list[str]) -> SafeString:
    # Every label and title is escaped on its way in (``text``, ``escape``).
    return mark_safe(  # noqa: S308 - every text is escaped on its way in  # nosec B308 B703
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width:g} {height:g}" '
        f'class="chart" font-family="sans-serif" font-size="{FONT}">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>{''.join(body)}</svg>"
    )


def legend(x: float, y: float, with_empty: bool = True) -> tuple[list[str], float]:
    """The colour scale 1 to 5 and the hatched "fewer than 3" swatch; returns its height."""
    parts = [text(x, y + 12, gettext("Mean rating"), fill=INK, font_weight="bold")]
    box = 28
    for step in range(SCALE_MIN, SCALE_MAX + 1):
        left = x + (step - 1) * box
        fill = color(step)
        parts.append(rect(left, y + 20, box, 22, fill, GRID))
        parts.append(
            text(left + box / 2, y + 36, str(step), fill=ink_on(fill), text_anchor="middle")
        )
    parts.append(text(x, y + 58, gettext("1 = low, 5 = high"), fill=MUTED, font_size="12"))
    left = x + 5 * box + 24
    parts.append(hatched(left, y + 20, box, 22))
    parts.append(text(left + box + 6, y + 36, gettext("fewer than 3 people: hidden"), fill=INK))
    if with_empty:
        parts.append(rect(left, y + 48, box, 14, EMPTY_FILL, GRID))
        parts.append(text(left + box + 6, y + 60, gettext("no ratings"), fill=INK))
    return parts, 66


def heat_map(
    rows: Sequence[str],
    columns: Sequence[str],
    cells: Sequence[Sequence[Value]],
    *,
    title: str = "",
    desc: str = "",
) -> SafeString:
    """Rows by columns of means, each cell coloured and labelled with its mean and n."""
    title = title or gettext("Heat map")
    label_width, cell_w, cell_h, gap = 210, 128, 40, 2
    header_lines = [wrap(column, 17) for column in columns]
    header_h = 18 * max((len(lines) for lines in header_lines), default=1) + 10
    top = 8
    body = []
    for i, lines in enumerate(header_lines):
        cx = label_width + i * cell_w + cell_w / 2
        for j, line in enumerate(lines):
            body.append(
                text(
                    cx, top + 14 + j * 18, line, fill=INK, text_anchor="middle", font_weight="bold"
                )
            )
    grid_top = top + header_h
    for r, row in enumerate(rows):
        y = grid_top + r * cell_h
        body.append(text(label_width - 10, y + cell_h / 2 + 5, wrap(row, 26, 1)[0], fill=INK,
                         text_anchor="end"))  # fmt: skip
        for c in range(len(columns)):
            value = cells[r][c]
            x = label_width + c * cell_w
            w, h = cell_w - gap, cell_h - gap
            if value.suppressed:
                body.append(hatched(x, y, w, h))
            elif value.mean is None:
                body.append(rect(x, y, w, h, EMPTY_FILL, GRID))
                body.append(text(x + w / 2, y + h / 2 + 5, "-", fill=MUTED, text_anchor="middle"))
            else:
                fill = color(value.mean)
                ink = ink_on(fill)
                body.append(rect(x, y, w, h, fill))
                body.append(text(x + w / 2 - 6, y + h / 2 + 5, fmt(value.mean), fill=ink,
                                 text_anchor="end", font_weight="bold"))  # fmt: skip
                body.append(text(x + w / 2 + 2, y + h / 2 + 5, f"n={value.n}", fill=ink,
                                 font_size="12"))  # fmt: skip
    legend_top = grid_top + len(rows) * cell_h + 16
    parts, legend_h = legend(8, legend_top)
    width = label_width + len(columns) * cell_w + 8
    return svg(max(width, 460), legend_top + legend_h + 8, title, desc, body + parts)


def bar_chart(items: Sequence[tuple[str, Value]], *, title: str = "", desc: str = "") -> SafeString:
    """One horizontal bar per item on an axis from 1 to 5, labelled with its mean and n.

    Each item's label sits above its bar, so long statements stay readable on a phone.
    """
    title = title or gettext("Bar chart")
    left, axis_w, row_h, bar_h = 10, 420, 50, 18
    right = left + axis_w

    def x_of(value: float) -> float:
        return left + (value - SCALE_MIN) / (SCALE_MAX - SCALE_MIN) * axis_w

    top = 24
    body = []
    for tick in range(SCALE_MIN, SCALE_MAX + 1):
        x = x_of(tick)
        body.append(text(x, top - 8, str(tick), fill=MUTED, text_anchor="middle", font_size="12"))
    bottom = top + row_h * len(items)
    for tick in range(SCALE_MIN, SCALE_MAX + 1):
        x = x_of(tick)
        body.append(f'<line x1="{x:g}" y1="{top:g}" x2="{x:g}" y2="{bottom:g}" stroke="{GRID}" '
                    'stroke-width="1" stroke-dasharray="2 3"/>')  # fmt: skip
    for i, (label, value) in enumerate(items):
        y = top + i * row_h
        body.append(text(left, y + 16, wrap(label, 70, 1)[0], fill=INK))
        bar_y = y + 22
        if value.suppressed:
            body.append(hatched(left, bar_y, 60, bar_h))
            body.append(text(left + 68, bar_y + 14, gettext("fewer than 3 answers: hidden"),
                             fill=INK))  # fmt: skip
        elif value.mean is None:
            body.append(text(left, bar_y + 14, gettext("no answers yet"), fill=MUTED))
        else:
            end = x_of(value.mean)
            body.append(rect(left, bar_y, max(end - left, 2), bar_h, BAR))
            body.append(text(end + 6, bar_y + 14, f"{fmt(value.mean)} (n={value.n})", fill=INK,
                             font_weight="bold"))  # fmt: skip
    axis = (
        f'<line x1="{left}" y1="{top}" x2="{right}" y2="{top}" stroke="{MUTED}" stroke-width="1"/>'
    )
    caption = text(left, bottom + 18, gettext("Mean from 1 (low) to 5 (high); n = people who "
                                              "answered, not counting “don't know”"),
                   fill=MUTED, font_size="12")  # fmt: skip
    return svg(right + 120, bottom + 28, title, desc, [axis, *body, caption])
