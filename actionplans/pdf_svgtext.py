"""SVG text in WeasyPrint a whole line at a time, not a letter at a time.

WeasyPrint 70 lays out and draws each letter of an SVG ``<text>`` separately (so that it can
honour per-letter ``x``/``y``/``dx``/``dy``/``rotate`` lists): about 0.1 ms a letter, which was a
quarter of the time of a large plan's PDF (a 120-step timeline, the map, the charts). Our SVGs
(``assessments.charts``, ``assessments.mapsvg``, ``actionplans.timeline``) only ever give one
``x`` and one ``y`` per ``<text>``; for those, ``whole_text`` lays the line out once and draws
it once, with the same position, font, fill and text-anchor box as WeasyPrint's own code.
Anything else goes to WeasyPrint's function.

Two more savings for every SVG element: ``paint`` sets up a text's colour without the rest of
WeasyPrint's graphics state (strokes, dashes, caps and joins mean nothing to a filled text),
and ``colour`` parses each colour string once rather than for the fill and the stroke of every
element (a tenth of the time of drawing the pictures).

``install`` only replaces the functions on the WeasyPrint version they were written and tested
against (``TESTED``); on any other version the PDF is made the ordinary, slower way.
"""

from copy import copy
from types import SimpleNamespace

TESTED = "70.0"
PER_LETTER = frozenset({"dx", "dy", "rotate", "textLength", "letter-spacing", "direction"})
BASELINES = frozenset({"display-anchor", "dominant-baseline", "alignment-baseline"})
WEIGHTS = {"normal": 400, "bold": 700}
# What WeasyPrint's ``set_graphical_state`` reads besides the fill: a text with none of these
# (and a plain colour) is painted by ``paint`` without it.
PAINTED = frozenset({"stroke", "stroke-width", "stroke-dasharray", "fill-opacity", "opacity"})

_original = None
_colours: dict[str, object] = {}
_weasy = SimpleNamespace()  # what ``whole_text`` uses of WeasyPrint, imported by ``install``


def is_simple(node) -> bool:
    """One line at one position: no per-letter attributes, one x and one y at most."""
    attrib = node.attrib
    if not node.text or PER_LETTER & attrib.keys() or BASELINES & attrib.keys():
        return False
    return all(len(attrib.get(name, "").replace(",", " ").split()) <= 1 for name in ("x", "y"))


def whole_text(svg, node, font_size):
    """WeasyPrint's ``svg.text.text`` for a simple ``<text>``, one layout for the line."""
    if not is_simple(node):
        return _original(svg, node, font_size)
    w = _weasy
    style = w.Style()
    style.update(w.INITIAL_VALUES)
    style.font_config = svg.font_config
    style["font_family"] = [
        font.strip("\"'") for font in node.get("font-family", "sans-serif").split(",")
    ]
    style["font_style"] = node.get("font-style", "normal")
    weight = str(node.get("font-weight", 400))
    style["font_weight"] = WEIGHTS.get(weight) or (int(weight) if weight.isdigit() else 400)
    style["font_size"] = font_size
    # Laid out once and drawn with the same layout: WeasyPrint's ``split_first_line`` would
    # drop the layout after measuring it and ``draw_first_line`` lay it out again.
    layout = w.create_layout(node.text, style, svg.context, None, 0)
    w.pango.pango_layout_set_single_paragraph_mode(layout.layout, True)  # as when drawn
    first_line, _ = layout.get_first_line()
    width, height = w.line_size(first_line, style)
    baseline = w.pango.pango_layout_get_baseline(layout.layout) * w.FROM_UNITS

    attrib = node.attrib
    x = w.size(attrib["x"].strip(), font_size, svg.inner_width) if "x" in attrib else None
    y = w.size(attrib["y"].strip(), font_size, svg.inner_height) if "y" in attrib else None
    if x is not None:
        svg.cursor_d_position[0] = 0
    if y is not None:
        svg.cursor_d_position[1] = 0
    x = svg.cursor_position[0] if x is None else x
    y = svg.cursor_position[1] if y is None else y
    svg.cursor_position = x + width, y
    left, top = x + svg.cursor_d_position[0], y + svg.cursor_d_position[1]
    node.text_bounding_box = w.extend_bounding_box(
        node.text_bounding_box,
        ((left, top - baseline), (left + width, top - baseline + height)),
    )

    svg.stream.push_state()
    fill, stroke = paint(svg, node, font_size)
    svg.stream.begin_text()
    svg.fill_stroke(fill, stroke, text=True)
    box = w.TextBox(layout, style)
    box.baseline = baseline
    matrix = w.Matrix(a=1, d=-1, e=left, f=top)
    emojis = w.draw_text.draw_first_line(svg.stream, box, "none", "none", matrix)
    svg.stream.end_text()
    svg.stream.pop_state()
    w.draw_emojis(svg.stream, style, x, y, emojis)


def paint(svg, node, font_size):
    """``svg.set_graphical_state`` for a text filled with a plain colour, without a stroke,
    dashes or opacity (all of ours): only the fill colour is set, parsed once per colour.
    Stroke width, dashes, caps and joins only matter to strokes; the state is popped after
    the text."""
    fill = node.attrib.get("fill", "black").strip()
    if PAINTED & node.attrib.keys() or not fill.startswith("#"):
        return svg.set_graphical_state(node, font_size)
    colour = parsed(fill)
    if colour.alpha != 1:
        return svg.set_graphical_state(node, font_size)
    svg.stream.set_color(colour)
    return fill, None


def parsed(string: str):
    """WeasyPrint's ``svg.utils.color`` of the string, parsed once (read only)."""
    found = _colours.get(string)
    if found is None:
        found = _colours[string] = _weasy.color(string)
    return found


def colour(string: str):
    """``svg.utils.color`` for WeasyPrint's SVG drawing: a copy of the parsed colour, as
    WeasyPrint scales the alpha of what it gets by the element's opacity."""
    return copy(parsed(string))


def install() -> bool:
    """Use ``whole_text`` for SVG text (once; only on the tested version). True if in use."""
    global _original
    import weasyprint
    import weasyprint.svg as weasy_svg

    if _original is not None:
        return True
    if weasyprint.__version__ != TESTED:
        return False
    from weasyprint.css.properties import INITIAL_VALUES
    from weasyprint.draw import text as draw_text
    from weasyprint.draw.text import draw_emojis
    from weasyprint.matrix import Matrix
    from weasyprint.svg.bounding_box import extend_bounding_box
    from weasyprint.svg.text import Style, TextBox
    from weasyprint.svg.utils import color, size
    from weasyprint.text.ffi import FROM_UNITS, pango
    from weasyprint.text.line_break import create_layout, line_size

    _weasy.__dict__.update(
        INITIAL_VALUES=INITIAL_VALUES, draw_emojis=draw_emojis, draw_text=draw_text,
        Matrix=Matrix, extend_bounding_box=extend_bounding_box, Style=Style, TextBox=TextBox,
        color=color, size=size, create_layout=create_layout, line_size=line_size,
        pango=pango, FROM_UNITS=FROM_UNITS,
    )  # fmt: skip
    weasy_svg.color = colour  # what ``set_graphical_state`` parses fills and strokes with
    _original = weasy_svg.text
    # ``draw_node`` recognises text nodes by comparing with the module's ``text``: both change.
    weasy_svg.text = whole_text
    for tag, function in list(weasy_svg.TAGS.items()):
        if function is _original:
            weasy_svg.TAGS[tag] = whole_text
    return True
