"""WeasyPrint set up for the plan's PDF: less work for the same pages (``actionplans.pdf``).

- ``collector_paused``: Python's cyclic garbage collector off during the render. WeasyPrint
  makes hundreds of thousands of objects (boxes, styles, PDF objects), which set off full
  collections over everything the process holds again and again: a tenth of the time of the
  large plan. What the render leaves is collected once the collector is back on (the large
  plan peaks about 20 MB higher).
- ``font_config``: one font configuration per thread, kept from one render to the next. A new
  one loads fontconfig's configuration again and starts Pango with an empty font map (every
  font opened and every glyph measured anew). It holds nothing of a document: our print
  stylesheet has no ``@font-face``.
- ``page_references``: pydyf's list of the pages' references, made once per page count
  rather than at every call: WeasyPrint's PDF/UA tagging asks for it for each element it
  tags, which made tagging grow with the square of the number of pages. Only on the pydyf
  version it was written against (``PYDYF_TESTED``).
- ``Deflate``: pydyf compresses the PDF's streams at zlib's level 9; at its default level (6)
  that takes a third of the time for files 2% larger (40 ms of the large plan). Also only on
  ``PYDYF_TESTED``.
- ``ua_stylesheet``: WeasyPrint's own user-agent stylesheet without the rules our documents
  never use but every element pays for. WeasyPrint computes a style for each pseudo-element a
  rule names (``::marker``, the footnote and note calls and markers) on every element that
  rule matches, and the first ones match every element; it also tests each ``[dir]`` rule on
  every element. That was 0.15 s of the large plan's render. Markers stay for list items; our
  documents have no footnotes, no notes and no ``dir`` attribute (user text is escaped).
  Only on the WeasyPrint version it was written against (``TESTED``); elsewhere WeasyPrint's
  own stylesheet is used unchanged.
"""

import gc
import re
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

TESTED = "70.0"
PYDYF_TESTED = "0.13.0"
UNUSED = [
    re.compile(r"^::(?:footnote|note)-[a-z]+ \{[^}]*\}\n", re.M),  # footnotes and notes
    re.compile(r"^.*\[dir\b.*\n", re.M),  # rules for the dir attribute
]
MARKER = "\n::marker {"
LIST_MARKER = "\nli::marker {"

_local = threading.local()


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside (see the module's docstring)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def font_config():
    """This thread's WeasyPrint font configuration."""
    from weasyprint.text.fonts import FontConfiguration

    if getattr(_local, "fonts", None) is None:
        _local.fonts = FontConfiguration()
    return _local.fonts


def trimmed(ua: str) -> str | None:
    """WeasyPrint's user-agent stylesheet ``ua`` without the rules of ``UNUSED`` and with
    markers on list items only; None if it is not the stylesheet this was written against."""
    if ua.count(MARKER) != 1:
        return None
    text = ua.replace(MARKER, LIST_MARKER)
    for pattern in UNUSED:
        text, count = pattern.subn("", text)
        if not count:
            return None
    return text


@cache
def ua_stylesheet():
    """The trimmed user-agent stylesheet (parsed once), or None to keep WeasyPrint's."""
    import weasyprint
    from weasyprint import CSS
    from weasyprint.css.counters import CounterStyle
    from weasyprint.html import UA

    text = trimmed(UA) if weasyprint.__version__ == TESTED else None
    if text is None:
        return None
    # Its @counter-style rules are WeasyPrint's own, already known to every document: a
    # throwaway registry keeps them from being declared twice.
    return CSS(string=text, counter_style=CounterStyle())


def use_ua_stylesheet(html) -> None:
    """Have this ``weasyprint.HTML`` document use the trimmed user-agent stylesheet."""
    sheet = ua_stylesheet()
    if sheet is None:
        return
    ours = html._ua_stylesheets

    def stylesheets(forms=False):
        return [sheet, *ours(forms)[1:]]  # WeasyPrint's: [UA, and the forms' when asked]

    html._ua_stylesheets = stylesheets


def page_references(pdf) -> tuple[bytes, ...]:
    """``pydyf.PDF.page_references``, kept until a page is added."""
    kids = pdf.pages["Kids"]  # three items a page: number, 0, "R"
    cached = getattr(pdf, "_page_references", ())
    if len(cached) * 3 != len(kids):
        cached = pdf._page_references = tuple(
            f"{number} 0 R".encode("ascii") for number in kids[::3]
        )
    return cached


class CachedPages(property):
    """The property ``install`` puts on ``pydyf.PDF`` (to tell it is in place)."""


class Deflate:
    """The ``zlib`` that pydyf sees: zlib itself, with its default compression level."""

    def __getattr__(self, name: str):
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level: int = zlib.Z_DEFAULT_COMPRESSION, *args, **kwargs):
        return zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, *args, **kwargs)


def install() -> None:
    """Use ``page_references`` and ``Deflate`` (once; only on the tested pydyf)."""
    import pydyf

    if pydyf.__version__ != PYDYF_TESTED:
        return
    if not isinstance(pydyf.PDF.__dict__.get("page_references"), CachedPages):
        pydyf.PDF.page_references = CachedPages(page_references)
    if not isinstance(pydyf.zlib, Deflate):
        pydyf.zlib = Deflate()
