"""Lines of text drawn into the PDF with the Pango layout they were measured with, and their
glyphs read in one go, not one field at a time.

- WeasyPrint 70 drops each line's Pango layout once it has measured the line
  (``Layout.deactivate``) and, to draw the line, makes it again from nothing
  (``Layout.reactivate``: a new Pango context and layout, the text shaped again): a fifth of
  the time of the large plan's PDF. ``install`` keeps the layout instead (``keep``) and draws
  with it (``reuse``) whenever drawing would make the same one, that is when the line has no
  justification space to add. The layouts live as long as the document's pages.
- Its ``draw_first_line`` turns each glyph into the PDF's text operators in a Python loop that
  reads the glyph's id, width and offsets through cffi one field at a time: a tenth of the
  time. ``first_line`` reads each run's glyphs in one go (``struct`` over the C array), keeps
  what it wrote for each glyph of a font at a size (the same glyph, advance and offset always
  give the same string), and writes the same operators, byte for byte, for the glyphs our
  documents have: a font's own glyphs, set on the baseline.

A line with anything else in it (a glyph no installed font has, an empty glyph, a raised or
lowered glyph, an emoji or colour font) or an ellipsis to draw goes to WeasyPrint's function,
with a layout made afresh as WeasyPrint makes it. On any other WeasyPrint version (``TESTED``)
nothing is changed.
"""

import re
import struct

TESTED = "70.0"
# PangoGlyphInfo: the glyph (guint32), its geometry (width, x_offset, y_offset: gint32) and
# its visual attributes (a guint of bit fields, not needed here).
GLYPH = struct.Struct("=Iiii4x")

# Pango's paragraph separators: a line without one is laid out the same in single-paragraph
# mode (which WeasyPrint sets to draw a line), so the mode need not be set, which would make
# Pango lay the kept line out again.
PARAGRAPHS = re.compile("[\n\r\u2029]")

_original = None
_reactivate = None
_deactivate = None
_w = None  # WeasyPrint's pango, ffi and FROM_UNITS, set by ``install``


def keep(layout) -> None:
    """``Layout.deactivate``: the measured line's Pango layout is kept for drawing."""


def reuse(layout, style) -> None:
    """``Layout.reactivate``: the kept layout when it is there and has no justification space
    to add, otherwise WeasyPrint's (a new layout with the text, justified)."""
    if "layout" not in layout.__dict__ or layout.justification_spacing:
        _reactivate(layout, style)


def runs_of(first_line) -> list[tuple[object, bytes, object]]:
    """Each run of the line: its Pango glyph item, its glyphs' bytes and its Pango font."""
    runs = []
    run = first_line.runs[0]
    ffi = _w.ffi
    while run != ffi.NULL:
        item = run.data
        run = run.next
        glyphs = item.glyphs
        data = ffi.buffer(glyphs.glyphs, glyphs.num_glyphs * GLYPH.size)[:]
        runs.append((item, data, item.item.analysis.font))
    return runs


def fragment(glyph, i, item, count, layout, font, font_size, stream) -> str | None:
    """What WeasyPrint writes for the ``i``-th glyph of the run ``item``, ``glyph`` as
    unpacked by ``GLYPH``; None for a glyph its own code has to write."""
    w = _w
    glyph_id, width, x_offset, y_offset = glyph
    if y_offset or glyph_id & w.pango.PANGO_GLYPH_UNKNOWN_FLAG or glyph_id == w.EMPTY:
        return None
    if glyph_id not in font.to_unicode:  # where the glyph's text is, as WeasyPrint finds it
        clusters, at, length = item.glyphs.log_clusters, item.item.offset, item.item.length
        start = clusters[i]
        if item.item.analysis.level % 2:  # right to left
            end = length if i == 0 else clusters[i - 1]
        else:
            end = length if i == count - 1 else clusters[i + 1]
        text = layout.text.encode()[at + start : at + end]
        font.to_unicode[glyph_id] = text.decode()
    scale = 1000 * w.FROM_UNITS
    logical_width = font.widths.get(glyph_id)
    if logical_width is None:
        w.pango.pango_font_get_glyph_extents(
            item.item.analysis.font, glyph_id, stream.ink_rect, stream.logical_rect
        )
        logical_width = font.widths[glyph_id] = round(stream.logical_rect.width * scale / font_size)
    offset = x_offset / font_size
    written = f">{-offset}<" if offset else ""
    written += f"{glyph_id:04x}"
    kerning = logical_width + offset - width * scale / font_size
    if kerning:
        written += f">{int(kerning)}<"
    return written


def run_text(item, data, layout, font, font_size, stream, known) -> str | None:
    """The glyphs of the run ``item`` (``data``, its glyphs' bytes) as WeasyPrint writes them,
    with what was written for each glyph before (``known``, kept on the font); None if one of
    them is for WeasyPrint's own code."""
    glyphs = list(GLYPH.iter_unpack(data))
    parts = [known.get(glyph) for glyph in glyphs]
    if None in parts:
        for i, glyph in enumerate(glyphs):
            if parts[i] is None:
                part = fragment(glyph, i, item, len(glyphs), layout, font, font_size, stream)
                if part is None:
                    return None
                parts[i] = known[glyph] = part
    text = "<" + "".join(parts)
    return text[:-1] if text[-1] == "<" else text + ">"


def first_line(stream, textbox, text_overflow, block_ellipsis, matrix):
    """WeasyPrint's ``draw_text.draw_first_line`` (see the module's docstring)."""
    if text_overflow == "ellipsis" or block_ellipsis != "none":  # it changes the layout
        return theirs(stream, textbox, text_overflow, block_ellipsis, matrix)
    if not textbox.text.strip() or textbox.style["font_size"] < 1e-6:
        return []
    w = _w
    layout = textbox.pango_layout
    if PARAGRAPHS.search(layout.text):
        w.pango.pango_layout_set_single_paragraph_mode(layout.layout, True)
    line, _ = layout.get_first_line()
    # What to write, worked out before anything is written: the font and size whenever they
    # change from one run to the next, and the glyphs' strings.
    writes = []
    previous_font = None
    string = ""
    for item, data, pango_font in runs_of(line):
        if pango_font != previous_font:
            previous_font = pango_font
            font, font_size = stream.add_font(pango_font)
            if font.svg or font.png or font.colr or font.bitmap:
                return theirs(stream, textbox, text_overflow, block_ellipsis, matrix)
            if w.old_pango:
                font_size = textbox.style["font_size"]
            if string:
                writes.append(string)
            string = ""
            writes.append((font.hash, font_size))
            known = font.__dict__.setdefault("socplan_glyphs", {}).setdefault(font_size, {})
        text = run_text(item, data, layout, font, font_size, stream, known)
        if text is None:
            return theirs(stream, textbox, text_overflow, block_ellipsis, matrix)
        string += text
    writes.append(string)

    stream.set_text_matrix(*matrix.values)
    for write in writes:
        if isinstance(write, tuple):
            stream.set_font_size(*write)
        else:
            stream.show_text(write)
    return []


def theirs(stream, textbox, text_overflow, block_ellipsis, matrix):
    """WeasyPrint's own ``draw_first_line``, on a layout made afresh as it would make it."""
    _reactivate(textbox.pango_layout, textbox.style)
    return _original(stream, textbox, text_overflow, block_ellipsis, matrix)


def install() -> bool:
    """Use ``first_line`` for WeasyPrint's text (once; only on the tested version and where
    Pango's glyph record is the size it reads). True if in use."""
    global _original, _reactivate, _deactivate, _w
    import weasyprint
    import weasyprint.draw.text as draw_text
    from weasyprint.text.line_break import Layout

    if _original is not None:
        return True
    if weasyprint.__version__ != TESTED:
        return False
    from types import SimpleNamespace

    from weasyprint.text.ffi import FROM_UNITS, ffi, pango

    if ffi.sizeof("PangoGlyphInfo") != GLYPH.size:
        return False
    _w = SimpleNamespace(
        pango=pango, ffi=ffi, FROM_UNITS=FROM_UNITS, EMPTY=pango.PANGO_GLYPH_EMPTY,
        old_pango=pango.pango_version() < 14802,
    )  # fmt: skip
    _original = draw_text.draw_first_line
    _reactivate, _deactivate = Layout.reactivate, Layout.deactivate
    draw_text.draw_first_line = first_line  # draw_text and the SVG text find it here
    Layout.deactivate = keep
    Layout.reactivate = reuse
    return True
