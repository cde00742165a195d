"""The system of care map as a server-side SVG (and PNG), grouped by system.

One panel per system in a grid, in the systems' order; each panel stacks its nodes in the
order given, so the same data always gives the same picture and a new node only moves what is
below it. Links are drawn under the nodes and the panels' headings, so labels stay readable;
links within one column curve out into the gap beside the panels. Statuses, link strengths,
node kinds and the survey's highlight differ in shape or line pattern, not in colour alone.

As in ``charts``: ``role="img"`` with a ``<title>`` and ``<desc>``, a ``viewBox`` (it scales to
a phone), no scripts, no ids, no external references, no style attributes, every label escaped.
``layout`` is a pure function from the data to positions, which the tests check.
"""

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.template.defaultfilters import floatformat
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from assessments.charts import INK, MUTED, svg, text
from assessments.maps import Link, MapData, MapSystem, Node
from assessments.models import MapLink, MapNode

COLUMNS = 4  # at 1200 wide; one column makes a narrow picture for a phone
MARGIN = 32  # also room for the links that curve out of the last column
GUTTER = 32
PANEL_W = 260
PAD = 12  # inside a panel
TITLE_SIZE, HEAD_SIZE, FONT, SMALL = 20, 15, 14, 13
TOP = 46  # below the visible title
TITLE_LINE = 25
LINE = 17  # a line of a node's label
NODE_PAD = 9  # above and below a node's label
NODE_GAP = 8
TEXT_LEFT = 34  # from a node's left edge: the status marker comes first
TEXT_RIGHT = 10
EMPTY_H = 34  # "nothing mapped yet"
HEAD_LINE = 19
TAG_H = 22

PANEL_FILL, PANEL_STROKE = "#f3f5f7", "#adb5bd"
HIGHLIGHT, HIGHLIGHT_FILL = "#5a2a9a", "#f6f1fc"  # purple: none of the statuses' colours
NODE_STROKE = "#495057"
LINK = "#3d4349"
RED = "#c8102e"

# Advance widths of DejaVu Sans (regular, bold) for " " to "~", in hundredths of an em: wider
# than the usual sans-serif fonts, so text measured with them fits whatever the browser uses.
# fmt: off
REGULAR = [
    32, 40, 46, 84, 64, 95, 78, 27, 39, 39, 50, 84, 32, 36, 32, 34, 64, 64, 64, 64, 64, 64, 64,
    64, 64, 64, 34, 34, 84, 84, 84, 53, 100, 68, 69, 70, 77, 63, 58, 77, 75, 29, 29, 66, 56,
    86, 75, 79, 60, 79, 69, 63, 61, 73, 68, 99, 69, 61, 69, 39, 34, 39, 84, 50, 50, 61, 63, 55,
    63, 62, 35, 63, 63, 28, 28, 58, 28, 97, 63, 61, 63, 63, 41, 52, 39, 63, 59, 82, 59, 59, 52,
    64, 34, 64, 84,
]
BOLD = [
    35, 46, 52, 84, 70, 100, 87, 31, 46, 46, 52, 84, 38, 42, 38, 37, 70, 70, 70, 70, 70, 70,
    70, 70, 70, 70, 40, 40, 84, 84, 84, 58, 100, 77, 76, 73, 83, 68, 68, 82, 84, 37, 37, 77,
    64, 100, 84, 85, 73, 85, 77, 72, 68, 81, 77, 110, 77, 72, 73, 46, 37, 46, 84, 50, 50, 67,
    72, 59, 72, 68, 44, 72, 71, 34, 34, 67, 34, 104, 71, 69, 72, 72, 49, 60, 48, 71, 65, 92,
    65, 65, 58, 71, 37, 71, 84,
]
# fmt: on
WIDE = 100  # any other character, after taking accents off (á is as wide as a)


def text_width(content: str, size: float = FONT, bold: bool = False) -> float:
    """The width of a line of text, measured generously."""
    table = BOLD if bold else REGULAR
    total = 0
    for char in content:
        code = ord(unicodedata.normalize("NFD", char)[0]) if ord(char) >= 127 else ord(char)
        total += table[code - 32] if 32 <= code < 127 else WIDE
    return total * size / 100


def fit(
    content: str, width: float, size: float = FONT, bold: bool = False, lines: int = 2
) -> tuple[str, ...]:
    """Words in at most ``lines`` lines no wider than ``width``; "…" ends a cut text."""

    def fits(line: str) -> bool:
        return text_width(line, size, bold) <= width

    out: list[str] = []
    line = ""
    for word in content.split():
        if fits(f"{line} {word}" if line else word):
            line = f"{line} {word}" if line else word
            continue
        if line:
            out.append(line)
        while not fits(word):  # a word longer than a line is broken where it has to be
            cut = next((i for i in range(len(word) - 1, 0, -1) if fits(word[:i])), 1)
            out.append(word[:cut])
            word = word[cut:]
        line = word
        if len(out) > lines:
            break
    if line:
        out.append(line)
    if len(out) > lines:
        last = out[lines - 1]
        while last and not fits(last + "…"):
            last = last[:-1]
        out = [*out[: lines - 1], last.rstrip() + "…"]
    return tuple(out) or ("",)


# --- layout -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def overlaps(self, other: "Box") -> bool:
        return (
            self.x < other.right
            and other.x < self.right
            and self.y < other.bottom
            and other.y < self.bottom
        )

    def contains(self, other: "Box") -> bool:
        return (
            self.x <= other.x
            and other.right <= self.right
            and self.y <= other.y
            and other.bottom <= self.bottom
        )


@dataclass(frozen=True)
class PlacedNode:
    node: Node
    box: Box
    lines: tuple[str, ...]
    text_x: float
    baselines: tuple[float, ...]
    label_box: Box  # where the label's lines are drawn
    column: int


@dataclass(frozen=True)
class Panel:
    system: MapSystem
    box: Box
    header_h: float  # the same for every panel of a row, so a row's nodes start level
    name_lines: tuple[str, ...]
    tag: str  # "Survey: look here", on the systems the survey rated weakest
    nodes: tuple[PlacedNode, ...]

    @property
    def header(self) -> Box:
        return Box(self.box.x, self.box.y, self.box.w, self.header_h)


@dataclass(frozen=True)
class Route:
    link: Link
    source: PlacedNode
    target: PlacedNode
    path: str
    start: tuple[float, float]
    end: tuple[float, float]
    mark: tuple[float, float] | None  # where a broken link is crossed out, clear of the nodes


@dataclass(frozen=True)
class Layout:
    width: float
    height: float  # of the panels; the legend goes below
    panels: tuple[Panel, ...]
    routes: tuple[Route, ...]


def num(value: float) -> str:
    return f"{round(value, 1):g}"


def tag_text(system: MapSystem) -> str:
    if not system.highlighted:
        return ""
    if system.mean is None:
        return gettext("Survey: look here")
    return gettext("Survey: look here (mean %(mean)s)") % {"mean": floatformat(system.mean, 1)}


def node_height(lines: int) -> float:
    return 2 * NODE_PAD + lines * LINE


def header_height(name_lines: int, tagged: bool) -> float:
    return 8 + name_lines * HEAD_LINE + (TAG_H + 4 if tagged else 0) + 6


def canvas_width(columns: int) -> float:
    return 2 * MARGIN + columns * PANEL_W + (columns - 1) * GUTTER


def layout(data: MapData, columns: int = COLUMNS, top: float = TOP) -> Layout:
    """Where every panel, node and link goes: a grid of systems, nodes stacked in order."""
    columns = max(1, columns)
    inner = PANEL_W - 2 * PAD
    by_system: dict[int, list[Node]] = defaultdict(list)
    for node in data.nodes:
        by_system[node.system_id].append(node)

    panels: list[Panel] = []
    y = top
    for start in range(0, len(data.systems), columns):
        row = data.systems[start : start + columns]
        names = [fit(system.name, inner, HEAD_SIZE, bold=True) for system in row]
        tags = [fit(tag_text(s), inner - 12, SMALL, True, 1)[0] for s in row]
        header_h = max(header_height(len(n), bool(t)) for n, t in zip(names, tags, strict=True))
        labels = [
            [fit(node.label, inner - TEXT_LEFT - TEXT_RIGHT) for node in by_system[s.id]]
            for s in row
        ]
        content = max(
            sum(node_height(len(lines)) + NODE_GAP for lines in panel) - NODE_GAP
            if panel
            else EMPTY_H
            for panel in labels
        )
        panel_h = header_h + content + PAD
        for column, system in enumerate(row):
            x = MARGIN + column * (PANEL_W + GUTTER)
            placed = []
            node_y = y + header_h
            for node, lines in zip(by_system[system.id], labels[column], strict=True):
                box = Box(x + PAD, node_y, inner, node_height(len(lines)))
                text_x, text_y = box.x + TEXT_LEFT, box.y + NODE_PAD
                baselines = tuple(text_y + 13 + i * LINE for i in range(len(lines)))
                label_w = max(text_width(line) for line in lines)
                label_box = Box(text_x, text_y, label_w, len(lines) * LINE)
                placed.append(PlacedNode(node, box, lines, text_x, baselines, label_box, column))
                node_y = box.bottom + NODE_GAP
            panels.append(
                Panel(
                    system,
                    Box(x, y, PANEL_W, panel_h),
                    header_h,
                    names[column],
                    tags[column],
                    tuple(placed),
                )
            )
        y += panel_h + GUTTER
    height = y - GUTTER if panels else top
    return Layout(canvas_width(columns), height, tuple(panels), tuple(routes(data.links, panels)))


def routes(links: Iterable[Link], panels: list[Panel]) -> list[Route]:
    """A curve per link between its nodes' sides, each end at its own point on the side."""
    placed = {p.node.id: p for panel in panels for p in panel.nodes}
    drawn = [
        (link, placed[link.source_id], placed[link.target_id])
        for link in links
        if link.source_id in placed
        and link.target_id in placed
        and link.source_id != link.target_id
    ]

    def sides(a: PlacedNode, b: PlacedNode) -> tuple[str, str]:
        if a.column == b.column:
            return "right", "right"  # curving out beside the column
        return ("right", "left") if a.column < b.column else ("left", "right")

    ends: dict[tuple[int, str], list[tuple[float, float, int]]] = defaultdict(list)
    for i, (_link, a, b) in enumerate(drawn):
        side_a, side_b = sides(a, b)
        ends[(a.node.id, side_a)].append((b.box.y, b.box.x, i))
        ends[(b.node.id, side_b)].append((a.box.y, a.box.x, i))
    ports: dict[tuple[int, int], tuple[float, float]] = {}
    for (node_id, side), items in ends.items():
        box = placed[node_id].box
        x = box.right if side == "right" else box.x
        for order, (_y, _x, i) in enumerate(sorted(items)):
            ports[(i, node_id)] = (x, box.y + box.h * (order + 1) / (len(items) + 1))

    out = []
    for i, (link, a, b) in enumerate(drawn):
        (x1, y1), (x2, y2) = ports[(i, a.node.id)], ports[(i, b.node.id)]
        if a.column == b.column:
            bulge = min(24 + abs(y2 - y1) * 0.1, 48)  # stays in the gap, with its cross
            controls = ((x1 + bulge, y1), (x2 + bulge, y2))
        else:
            pull = max(abs(x2 - x1) * 0.45, 30) * (1 if x2 > x1 else -1)
            controls = ((x1 + pull, y1), (x2 - pull, y2))
        curve = ((x1, y1), *controls, (x2, y2))
        path = "M{} {}C{} {} {} {} {} {}".format(*(num(v) for point in curve for v in point))
        mark = clear_point(curve, panels) if link.strength == MapLink.Strength.BROKEN else None
        out.append(Route(link, a, b, path, (x1, y1), (x2, y2), mark))
    return out


def point_at(curve, t: float) -> tuple[float, float]:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = curve
    s = 1 - t
    return (
        s**3 * x0 + 3 * s * s * t * x1 + 3 * s * t * t * x2 + t**3 * x3,
        s**3 * y0 + 3 * s * s * t * y1 + 3 * s * t * t * y2 + t**3 * y3,
    )


def clear_point(curve, panels: list[Panel], radius: float = 9) -> tuple[float, float]:
    """The point of the curve nearest its middle that no node or heading hides."""
    candidates = [0.5 + step * sign / 20 for step in range(8) for sign in (1, -1)]
    for t in candidates:
        x, y = point_at(curve, t)
        around = Box(x - radius, y - radius, 2 * radius, 2 * radius)
        if not any(
            panel.box.overlaps(around)
            and (panel.header.overlaps(around) or any(p.box.overlaps(around) for p in panel.nodes))
            for panel in panels
        ):
            return x, y
    return point_at(curve, 0.5)


# --- drawing ----------------------------------------------------------------------------------


def el(name: str, **attrs: object) -> str:
    """An empty element with presentation attributes (``stroke_width`` → ``stroke-width``)."""
    parts = []
    for key, value in attrs.items():
        shown = num(value) if isinstance(value, float) else str(value)
        parts.append(f' {key.rstrip("_").replace("_", "-")}="{escape(shown)}"')
    return f"<{name}{''.join(parts)}/>"


def label(x: float, y: float, content: str, size: float = FONT, **attrs: object) -> str:
    if size != FONT:
        attrs["font_size"] = num(size)
    return text(round(x, 1), round(y, 1), content, fill=INK, **attrs)


def status_marker(status: str, cx: float, cy: float) -> str:
    """A dot whose mark (a tick, "!", a cross, or none) tells the status without its colour."""
    r = 9
    if status == MapNode.Status.STRENGTH:
        mark = f"M{num(cx - 4.5)} {num(cy + 0.5)}l3 3.5l6 -7.5"
        return el("circle", cx=cx, cy=cy, r=r, fill="#198754", stroke="#0f5132") + el(
            "path",
            d=mark,
            fill="none",
            stroke="#ffffff",
            stroke_width=2.4,
            stroke_linecap="round",
            stroke_linejoin="round",
        )
    if status == MapNode.Status.CONCERN:
        return (
            el("circle", cx=cx, cy=cy, r=r, fill="#ffc107", stroke="#8a6300")
            + el(
                "path",
                d=f"M{num(cx)} {num(cy - 5)}v5.5",
                stroke="#000000",
                stroke_width=2.4,
                stroke_linecap="round",
            )
            + el("circle", cx=cx, cy=cy + 4.6, r=1.4, fill="#000000")
        )
    if status == MapNode.Status.GAP:
        cross = f"M{num(cx - 4)} {num(cy - 4)}l8 8M{num(cx + 4)} {num(cy - 4)}l-8 8"
        return el("circle", cx=cx, cy=cy, r=r, fill="#dc3545", stroke="#842029") + el(
            "path", d=cross, stroke="#ffffff", stroke_width=2.4, stroke_linecap="round"
        )
    return el("circle", cx=cx, cy=cy, r=r - 1, fill="#ffffff", stroke="#6c757d", stroke_width=2.0)


def node_shape(kind: str, box: Box) -> str:
    """Agencies square, services rounded, community and informal supports round-ended."""
    corner = {MapNode.Kind.AGENCY: 0, MapNode.Kind.COMMUNITY: box.h / 2}.get(kind, 7)
    width = 2.25 if kind == MapNode.Kind.AGENCY else 1.25
    return el(
        "rect",
        x=box.x,
        y=box.y,
        width=box.w,
        height=box.h,
        rx=float(corner),
        fill="#ffffff",
        stroke=NODE_STROKE,
        stroke_width=float(width),
    )


LINK_STYLES: dict[str, dict[str, object]] = {
    MapLink.Strength.STRONG: {"stroke": LINK, "stroke_width": 4.0},
    MapLink.Strength.MODERATE: {"stroke": LINK, "stroke_width": 2.0},
    MapLink.Strength.WEAK: {
        "stroke": LINK,
        "stroke_width": 2.5,
        "stroke_dasharray": "0.1 6",
        "stroke_linecap": "round",
    },
    MapLink.Strength.BROKEN: {"stroke": LINK, "stroke_width": 2.0},
    MapLink.Strength.MISSING: {"stroke": RED, "stroke_width": 2.5, "stroke_dasharray": "9 6"},
}


def link_line(strength: str, d: str) -> str:
    return el("path", d=d, fill="none", **LINK_STYLES.get(strength, LINK_STYLES["moderate"]))


def cross_mark(x: float, y: float) -> str:
    lines = f"M{num(x - 4.5)} {num(y - 4.5)}l9 9M{num(x + 4.5)} {num(y - 4.5)}l-9 9"
    return el("circle", cx=x, cy=y, r=8.0, fill="#ffffff", stroke=RED, stroke_width=1.5) + el(
        "path", d=lines, stroke=RED, stroke_width=2.5, stroke_linecap="round"
    )


def choice(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def dots(centres: list[tuple[float, float]], r: float, fill: str) -> str:
    """Filled circles as one ``<path>`` (for print: one element instead of many): a tiny
    stroke with round caps at each centre, which PDF readers and browsers draw as a dot
    (cheaper for the PDF renderer than arcs)."""
    d = "".join(f"M{num(x)} {num(y)}h0.01" for x, y in centres)
    return el("path", d=d, fill="none", stroke=fill, stroke_width=2 * r, stroke_linecap="round")


# A status marker's dot (radius, fill, outline colour and width) and its mark, as drawn by
# ``status_marker``; for print ``status_markers`` draws all the markers of a map in a few paths.
MARKER_DOTS = {
    MapNode.Status.STRENGTH: (9, "#198754", "#0f5132", 1),
    MapNode.Status.CONCERN: (9, "#ffc107", "#8a6300", 1),
    MapNode.Status.GAP: (9, "#dc3545", "#842029", 1),
    MapNode.Status.UNMARKED: (8, "#ffffff", "#6c757d", 2),
}


def status_markers(nodes: Iterable[PlacedNode]) -> list[str]:
    """The status markers of ``status_marker`` for all the nodes, in a dozen paths: each dot as
    two round dots (its outline's colour, then its fill), the ticks and crosses as one white
    path, the "!" as a black stroke and dot."""
    centres: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for placed in nodes:
        box = placed.box
        centres[placed.node.status].append((box.x + 17, box.y + box.h / 2))
    outlines, fills, white, stems, points = [], [], [], [], []
    for status, (r, fill, stroke, width) in MARKER_DOTS.items():
        if not centres[status]:
            continue
        outlines.append(dots(centres[status], r + width / 2, stroke))
        fills.append(dots(centres[status], r - width / 2, fill))
    for cx, cy in centres[MapNode.Status.STRENGTH]:
        white.append(f"M{num(cx - 4.5)} {num(cy + 0.5)}l3 3.5l6 -7.5")
    for cx, cy in centres[MapNode.Status.GAP]:
        white.append(f"M{num(cx - 4)} {num(cy - 4)}l8 8M{num(cx + 4)} {num(cy - 4)}l-8 8")
    for cx, cy in centres[MapNode.Status.CONCERN]:
        stems.append(f"M{num(cx)} {num(cy - 5)}v5.5")
        points.append((cx, cy + 4.6))
    marks = []
    if white:
        tick = {"stroke_linecap": "round", "stroke_linejoin": "round"}
        marks.append(
            el("path", d="".join(white), fill="none", stroke="#ffffff", stroke_width=2.4, **tick)
        )
    if stems:
        stem = el(
            "path", d="".join(stems), stroke="#000000", stroke_width=2.4, stroke_linecap="round"
        )
        marks += [stem, dots(points, 1.4, "#000000")]
    return outlines + fills + marks


def link_paths(routes: Iterable[Route]) -> list[str]:
    """The links' curves, one ``<path>`` per strength (``render_map(for_print=True)``): each
    curve a subpath, which strokes and dashes the same as a path of its own."""
    curves: dict[str, list[str]] = defaultdict(list)
    for route in routes:
        curves[route.link.strength].append(route.path)
    return [link_line(strength, "".join(paths)) for strength, paths in curves.items()]


def link_ends(routes: Iterable[Route]) -> list[str]:
    """The links' end dots, one ``<path>`` per colour (``render_map(for_print=True)``)."""
    by_colour: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for route in routes:
        missing = route.link.strength == MapLink.Strength.MISSING
        by_colour[RED if missing else LINK] += [route.start, route.end]
    return [dots(centres, 3.0, colour) for colour, centres in by_colour.items()]


def draw_route(route: Route) -> str:
    """The link's curve and end dots, in a group with a tooltip."""
    link = route.link
    tip = gettext("Link between %(a)s and %(b)s: %(strength)s") % {
        "a": route.source.node.label,
        "b": route.target.node.label,
        "strength": choice(MapLink.Strength, link.strength),
    }
    if link.note:
        tip += f". {link.note}"
    colour = RED if link.strength == MapLink.Strength.MISSING else LINK
    parts = [f"<g><title>{escape(tip)}</title>", link_line(link.strength, route.path)]
    for x, y in (route.start, route.end):
        parts.append(el("circle", cx=x, cy=y, r=3.0, fill=colour))
    parts.append("</g>")
    return "".join(parts)


def draw_node(placed: PlacedNode, system: MapSystem, for_print: bool = False) -> str:
    """The node's shape, status marker and label, in a group with a tooltip (not for print:
    a PDF shows no tooltips, and each element costs time to draw)."""
    node, box = placed.node, placed.box
    if for_print:  # the status marker comes with the others' (``status_markers``)
        return node_shape(node.kind, box) + "".join(
            label(placed.text_x, y, line)
            for line, y in zip(placed.lines, placed.baselines, strict=True)
        )
    tip = [
        node.label,
        choice(MapNode.Status, node.status),
        system.name,
        choice(MapNode.Kind, node.kind),
    ]
    if node.provider:
        tip.append(node.provider)
    parts = [
        f"<g><title>{escape(' — '.join(tip))}</title>",
        node_shape(node.kind, box),
        status_marker(node.status, box.x + 17, box.y + box.h / 2),
    ]
    parts += [
        label(placed.text_x, y, line)
        for line, y in zip(placed.lines, placed.baselines, strict=True)
    ]
    parts.append("</g>")
    return "".join(parts)


def draw_panel(panel: Panel) -> tuple[str, str]:
    """The panel's box (under the links) and its heading (over them, on a patch of its fill)."""
    box, highlighted = panel.box, bool(panel.tag)
    fill = HIGHLIGHT_FILL if highlighted else PANEL_FILL
    border = {"stroke": PANEL_STROKE, "stroke_width": 1.0}
    if highlighted:
        border = {"stroke": HIGHLIGHT, "stroke_width": 3.0, "stroke_dasharray": "10 5"}
    under = el("rect", x=box.x, y=box.y, width=box.w, height=box.h, rx=8.0, fill=fill, **border)
    x, y = box.x + PAD, box.y + 8
    over = []
    for line in panel.name_lines:
        over.append(patch(x, y, text_width(line, HEAD_SIZE, bold=True), HEAD_LINE, fill))
        over.append(label(x, y + 15, line, HEAD_SIZE, font_weight="bold"))
        y += HEAD_LINE
    if highlighted:
        width = text_width(panel.tag, SMALL, bold=True) + 12
        over.append(
            el("rect", x=x, y=y + 4, width=width, height=float(TAG_H), rx=4.0, fill=HIGHLIGHT)
        )
        over.append(
            text(
                round(x + 6, 1),
                round(y + 20, 1),
                panel.tag,
                fill="#ffffff",
                font_size=str(SMALL),
                font_weight="bold",
            )
        )
    if not panel.nodes:
        top, empty = box.y + panel.header_h, gettext("nothing mapped yet")
        over.append(patch(x, top + 6, text_width(empty), LINE + 2, fill))
        over.append(text(round(x, 1), round(top + 21, 1), empty, fill=MUTED, font_style="italic"))
    return under, "".join(over)


def patch(x: float, y: float, w: float, h: float, fill: str) -> str:
    """A background just behind a line of text, so that links pass under it."""
    return el("rect", x=x - 3, y=y, width=w + 6, height=float(h), rx=3.0, fill=fill)


def legend_sections() -> list[tuple[str, list[tuple[str, float, Callable[[float, float], str]]]]]:
    """The legend's headings, each with its items: words, a sample's width, and its drawing."""
    line_w = 44
    Status = MapNode.Status

    def status(value: str):
        return lambda x, y: status_marker(value, x + 9, y)

    def line(value: str):
        def draw(x: float, y: float) -> str:
            sample = link_line(value, f"M{num(x)} {num(y)}h{line_w}")
            return sample + (
                cross_mark(x + line_w / 2, y) if value == MapLink.Strength.BROKEN else ""
            )

        return draw

    def kind(value: str):
        return lambda x, y: node_shape(value, Box(x, y - 10, 36, 20))

    def highlight(x: float, y: float) -> str:
        return el(
            "rect",
            x=x,
            y=y - 10,
            width=36.0,
            height=20.0,
            rx=4.0,
            fill=HIGHLIGHT_FILL,
            stroke=HIGHLIGHT,
            stroke_width=3.0,
            stroke_dasharray="10 5",
        )

    statuses = [Status.STRENGTH, Status.CONCERN, Status.GAP, Status.UNMARKED]
    return [
        (gettext("Status"), [(str(s.label), 18, status(s)) for s in statuses]),
        (gettext("Links"), [(str(s.label), line_w, line(s)) for s in MapLink.Strength]),
        (gettext("Kinds"), [(str(k.label), 36, kind(k)) for k in MapNode.Kind]),
        (
            gettext("Survey"),
            [
                (
                    gettext("Survey: look here — among the systems the survey rated weakest"),
                    36,
                    highlight,
                )
            ],
        ),
    ]


def legend(top: float, width: float) -> tuple[list[str], float]:
    """What the dots, lines, shapes and the dashed frame mean; returns its height."""
    sections = legend_sections()
    row_h = 28
    head_w = max(text_width(name, FONT, bold=True) for name, _items in sections) + 16
    left, right = MARGIN + 12, width - MARGIN - 12
    stacked = right - left - head_w < 360  # narrow: each heading on a line of its own
    parts = [label(left, top + 22, gettext("Legend"), HEAD_SIZE, font_weight="bold")]
    y = top + 34  # the top of the current line of items
    for name, items in sections:
        if stacked:
            parts.append(label(left, y + 19, name, font_weight="bold"))
            y += 26
        else:
            parts.append(label(left, y + row_h / 2 + 5, name, font_weight="bold"))
        start = left if stacked else left + head_w
        x, line_h = start, row_h
        for content, sample, draw in items:
            lines = fit(content, right - start - sample - 8, lines=3)
            item_w = sample + 8 + max(text_width(line) for line in lines)
            if x > start and x + item_w > right:
                y += line_h
                x, line_h = start, row_h
            cy = y + row_h / 2
            parts.append(draw(x, cy))
            for i, line in enumerate(lines):
                parts.append(label(x + sample + 8, cy + 5 + i * LINE, line))
            line_h = max(line_h, row_h + (len(lines) - 1) * LINE)
            x += item_w + 24
        y += line_h
    height = y - top + 10
    frame = el(
        "rect",
        x=float(MARGIN),
        y=top,
        width=width - 2 * MARGIN,
        height=height,
        rx=8.0,
        fill="#ffffff",
        stroke=PANEL_STROKE,
    )
    return [frame, *parts], height


def summary(data: MapData) -> str:
    """How many nodes of each status and links of each strength, for screen readers."""
    statuses = Counter(node.status for node in data.nodes)
    strengths = Counter(link.strength for link in data.links)
    nodes = ", ".join(f"{choice(MapNode.Status, s)}: {statuses[s]}" for s in MapNode.Status)
    links = ", ".join(f"{choice(MapLink.Strength, s)}: {strengths[s]}" for s in MapLink.Strength)
    return gettext("%(nodes)d nodes (%(by_status)s); %(links)d links (%(by_strength)s).") % {
        "nodes": len(data.nodes),
        "by_status": nodes,
        "links": len(data.links),
        "by_strength": links,
    }


def render_map(
    data: MapData, *, title: str, desc: str = "", columns: int = COLUMNS, for_print: bool = False
) -> SafeString:
    """The map as an SVG: a titled grid of systems with their nodes and links, and a legend.

    ``desc`` follows the counts in the ``<desc>``; by default it says where the table is.
    ``for_print``: the same picture in fewer elements, for the PDF: no tooltips; the links in
    one path per strength, their end dots after them, and the nodes' status markers after the
    nodes, each kind in a path of its own.
    """
    heading, plan = arrange(data, title, columns)
    body = [el("rect", x=0, y=0, width=plan.width, height=1.0, fill="#ffffff")]  # replaced below
    for i, line in enumerate(heading):
        body.append(label(MARGIN, 30 + i * TITLE_LINE, line, TITLE_SIZE, font_weight="bold"))
    drawn = [draw_panel(panel) for panel in plan.panels]
    body += [under for under, _over in drawn]
    if for_print:
        body += link_paths(plan.routes) + link_ends(plan.routes)
    else:
        body += [draw_route(route) for route in plan.routes]
    body += [cross_mark(*route.mark) for route in plan.routes if route.mark]
    body += [over for _under, over in drawn]
    nodes = [(p, panel.system) for panel in plan.panels for p in panel.nodes]
    body += [draw_node(p, system, for_print) for p, system in nodes]
    body += status_markers(p for p, _system in nodes) if for_print else []
    parts, height = legend_below(plan)
    body += parts
    body[0] = el("rect", x=0, y=0, width=plan.width, height=height, fill="#ffffff")
    about = f"{summary(data)} {desc or gettext('The same data is in the table below the map.')}"
    return svg(plan.width, height, title, about, body)


def size(data: MapData, *, title: str, columns: int = COLUMNS) -> tuple[float, float]:
    """The width and height of ``render_map(data, title=title, columns=columns)``, without
    drawing it (the PDF compares the map's sizes at several numbers of columns)."""
    _heading, plan = arrange(data, title, columns)
    return plan.width, legend_below(plan)[1]


def arrange(data: MapData, title: str, columns: int) -> tuple[tuple[str, ...], Layout]:
    """The title's lines and the layout of the panels below them."""
    columns = max(1, columns)
    heading = fit(title, canvas_width(columns) - 2 * MARGIN, TITLE_SIZE, bold=True)
    return heading, layout(data, columns, TOP + (len(heading) - 1) * TITLE_LINE)


def legend_below(plan: Layout) -> tuple[list[str], float]:
    """The legend under the panels, and the height of the whole picture."""
    parts, legend_h = legend(plan.height + 24, plan.width)
    return parts, plan.height + 24 + legend_h + MARGIN / 2


def to_png(svg: str, scale: float = 2.0) -> bytes:
    """The SVG as a PNG on white (cairosvg draws with the machine's fonts: DejaVu here)."""
    import cairosvg

    return cairosvg.svg2png(bytestring=svg.encode(), scale=scale, background_color="#ffffff")
