"""SVG text in WeasyPrint a whole line at a time, not a letter at a time.

WeasyPrint 70 lays out and draws each letter of an SVG ``<text>`` separately (so that it can
honour per-letter ``x``/``y``/``dx``/``dy``/``rotate`` lists): about 0.1 ms a letter, which was a
quarter of the time of a large plan's PDF (a 120-step timeline, the map, the charts). Our SVGs
(``assessments.charts``, ``assessments.mapsvg``, ``actionplans.timeline``) only ever give one
``x`` and one ``y`` per ``<text>``; for those, ``whole_text`` lays the line out once and draws
it once, with the same position, font, fill and text-anchor box as WeasyPrint's own code.
Anything else goes to WeasyPrint's function.

``install`` only replaces the function on the WeasyPrint version it was written and tested
against (``TESTED``); on any other version the PDF is made the ordinary, slower way.
"""

from math import inf

TESTED = "70.0"
PER_LETTER = frozenset({"dx", "dy", "rotate", "textLength", "letter-spacing", "direction"})
BASELINES = frozenset({"display-anchor", "dominant-baseline", "alignment-baseline"})
WEIGHTS = {"normal": 400, "bold": 700}

_original = None


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
    from weasyprint.css.properties import INITIAL_VALUES
    from weasyprint.draw.text import draw_emojis, draw_first_line
    from weasyprint.matrix import Matrix
    from weasyprint.svg.bounding_box import extend_bounding_box
    from weasyprint.svg.text import Style, TextBox
    from weasyprint.svg.utils import size
    from weasyprint.text.line_break import split_first_line

    style = Style()
    style.update(INITIAL_VALUES)
    style.font_config = svg.font_config
    style["font_family"] = [
        font.strip("\"'") for font in node.get("font-family", "sans-serif").split(",")
    ]
    style["font_style"] = node.get("font-style", "normal")
    weight = str(node.get("font-weight", 400))
    style["font_weight"] = WEIGHTS.get(weight) or (int(weight) if weight.isdigit() else 400)
    style["font_size"] = font_size
    layout, _, _, width, height, baseline = split_first_line(node.text, style, svg.context, inf, 0)

    attrib = node.attrib
    x = size(attrib["x"].strip(), font_size, svg.inner_width) if "x" in attrib else None
    y = size(attrib["y"].strip(), font_size, svg.inner_height) if "y" in attrib else None
    if x is not None:
        svg.cursor_d_position[0] = 0
    if y is not None:
        svg.cursor_d_position[1] = 0
    x = svg.cursor_position[0] if x is None else x
    y = svg.cursor_position[1] if y is None else y
    svg.cursor_position = x + width, y
    left, top = x + svg.cursor_d_position[0], y + svg.cursor_d_position[1]
    node.text_bounding_box = extend_bounding_box(
        node.text_bounding_box,
        ((left, top - baseline), (left + width, top - baseline + height)),
    )

    svg.stream.push_state()
    fill, stroke = svg.set_graphical_state(node, font_size)
    svg.stream.begin_text()
    layout.reactivate(style)
    svg.fill_stroke(fill, stroke, text=True)
    box = TextBox(layout, style)
    box.baseline = baseline
    emojis = draw_first_line(svg.stream, box, "none", "none", Matrix(a=1, d=-1, e=left, f=top))
    svg.stream.end_text()
    svg.stream.pop_state()
    draw_emojis(svg.stream, style, x, y, emojis)


def install() -> bool:
    """Use ``whole_text`` for SVG text (once; only on the tested version). True if in use."""
    global _original
    import weasyprint
    import weasyprint.svg as weasy_svg

    if _original is not None:
        return True
    if weasyprint.__version__ != TESTED:
        return False
    _original = weasy_svg.text
    # ``draw_node`` recognises text nodes by comparing with the module's ``text``: both change.
    weasy_svg.text = whole_text
    for tag, function in list(weasy_svg.TAGS.items()):
        if function is _original:
            weasy_svg.TAGS[tag] = whole_text
    return True
