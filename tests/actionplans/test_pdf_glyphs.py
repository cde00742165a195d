"""``pdf_glyphs``: text written into the PDF exactly as WeasyPrint writes it, faster; anything
it does not handle written by WeasyPrint's own code."""

import pytest
import weasyprint
from weasyprint import HTML
from weasyprint.draw import text as draw_text
from weasyprint.pdf.stream import Stream
from weasyprint.text.line_break import Layout

from actionplans import pdf, pdf_glyphs, pdf_svgtext
from tests.actionplans.test_pdf import text_of

pytestmark = pytest.mark.skipif(
    weasyprint.__version__ != pdf_glyphs.TESTED, reason="only on the WeasyPrint it was written for"
)

PLAIN = """
<p>Families, schools and agencies agree on a shared way to refer children: “warm hand-offs”.</p>
<p style="font-weight: bold; font-size: 14pt">AVATAR Toward Wyoming — office fi fl ffi</p>
<p style="font-style: italic">Año de implementación: niñas, niños y jóvenes · oct &ndash; ene</p>
<p style="letter-spacing: 2pt; word-spacing: 4pt">Spaced out words 1234567890</p>
<p><b>Lead:</b> Alex Adams · <i>Partners:</i> School district; county clinic; DSS</p>
<p style="text-align: justify; width: 200pt">Justified: families, schools and agencies agree
on a shared way to find, refer and follow children who need help, so nobody waits alone.</p>
<p style="white-space: pre-line">First line
second line</p>
<p dir="rtl" lang="he">שלום עולם, מערכת טיפול</p>
"""
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 60">'
    '<text x="10" y="20" font-weight="bold">Crisis services</text>'
    '<text x="10 20 30" y="50">abc</text></svg>'
)


def written(html: str, figures=None) -> tuple[dict[str, list], int]:
    """What WeasyPrint's own code and ``pdf_glyphs`` write for the same HTML (the text
    operators, then each font's glyph widths and text), and how many lines ``pdf_glyphs``
    left to WeasyPrint's code."""
    pdf.watch_progress()
    pdf_svgtext.install()
    assert pdf_glyphs.install()
    ours = {
        (Layout, "deactivate"): pdf_glyphs.keep,
        (Layout, "reactivate"): pdf_glyphs.reuse,
        (draw_text, "draw_first_line"): pdf_glyphs.first_line,
    }
    theirs = {
        (Layout, "deactivate"): pdf_glyphs._deactivate,
        (Layout, "reactivate"): pdf_glyphs._reactivate,
        (draw_text, "draw_first_line"): pdf_glyphs._original,
    }
    original = pdf_glyphs._original
    fetcher = pdf.make_fetcher(figures or pdf.Figures())
    calls, fonts, handed_on = [], {}, []
    operators = {name: getattr(Stream, name) for name in ("show_text", "set_font_size")}
    add_font = Stream.add_font

    def recorder(name):
        def record(stream, *args):
            calls.append((name, args))
            return operators[name](stream, *args)

        return record

    def recording_font(stream, pango_font):
        font, size = add_font(stream, pango_font)
        fonts[id(font)] = font
        return font, size

    def counting(*args):
        handed_on.append(args[1].pango_layout.text)
        return original(*args)

    out = {}
    with pytest.MonkeyPatch.context() as patch:
        for name in operators:
            patch.setattr(Stream, name, recorder(name))
        patch.setattr(Stream, "add_font", recording_font)
        patch.setattr(pdf_glyphs, "_original", counting)
        for label, functions in (("theirs", theirs), ("ours", ours)):
            for (owner, name), function in functions.items():
                patch.setattr(owner, name, function)
            calls.clear()
            fonts.clear()
            handed_on.clear()
            HTML(string=html, base_url=pdf.BASE_URL, url_fetcher=fetcher).write_pdf()
            tables = sorted(
                (font.hash, sorted(font.widths.items()), sorted(font.to_unicode.items()))
                for font in fonts.values()
            )
            out[label] = [*calls, *tables]
    return out, handed_on


def test_ordinary_text_is_written_as_weasyprint_writes_it_without_its_code(db):
    figures = pdf.Figures()
    figure = figures.add(pdf.Figure(SVG))
    html = f'<html lang="en"><title>t</title>{PLAIN}<img src="{figure.url}" alt="t">'
    out, handed_on = written(html, figures)
    assert out["ours"] == out["theirs"]
    assert any(name == "show_text" for name, *_ in out["ours"][:-2])
    assert not handed_on, handed_on


@pytest.mark.parametrize(
    ("paragraph", "special"),
    [
        ("<p>A private-use letter \ue000 that no font has</p>", "\ue000"),  # unknown glyph
        ("<p>Zero\u200bwidth space</p>", "\u200b"),  # an empty glyph
        ('<p style="width: 60pt">Inter&shy;agency col&shy;lab&shy;or&shy;ation</p>', "\xad"),
    ],
)
def test_lines_with_glyphs_it_does_not_handle_are_left_to_weasyprint(db, paragraph, special):
    html = f'<html lang="en"><title>t</title><p>Before</p>{paragraph}<p>After</p>'
    out, handed_on = written(html)
    assert out["ours"] == out["theirs"]
    assert handed_on
    assert all(special in line for line in handed_on)  # those lines only


def test_an_emoji_is_written_as_weasyprint_writes_it(db):
    """Whichever font this machine draws it with (a colour font goes to WeasyPrint)."""
    out, _ = written('<html lang="en"><title>t</title><p>An emoji 😀 in a step</p>')
    assert out["ours"] == out["theirs"]


def test_an_ellipsis_is_left_to_weasyprint(db):
    html = (
        '<html lang="en"><title>t</title><p style="width: 40pt; overflow: hidden; '
        'white-space: nowrap; text-overflow: ellipsis">A line far too long for its box</p>'
    )
    out, handed_on = written(html)
    assert out["ours"] == out["theirs"]
    assert len(handed_on) == 1


def test_the_pdf_has_the_same_words(db, tmp_path):
    pdf.watch_progress()
    html = f'<html lang="en"><title>t</title>{PLAIN}'
    assert pdf_glyphs.install()
    ours = text_of(HTML(string=html).write_pdf(), tmp_path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(draw_text, "draw_first_line", pdf_glyphs._original)
        theirs = text_of(HTML(string=html).write_pdf(), tmp_path)
    assert ours == theirs
    assert "AVATAR Toward Wyoming" in ours
    assert "niñas, niños y jóvenes" in ours


def test_it_is_not_installed_on_another_weasyprint(monkeypatch):
    monkeypatch.setattr(pdf_glyphs, "_original", None)
    monkeypatch.setattr(draw_text, "draw_first_line", draw_text.draw_first_line)
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    before = draw_text.draw_first_line
    assert not pdf_glyphs.install()
    assert draw_text.draw_first_line is before


def test_lines_are_drawn_with_the_layout_they_were_measured_with(db, monkeypatch):
    """Only a justified line (its word spaces widened) has its layout made again to draw."""
    pdf.watch_progress()
    assert pdf_glyphs.install()
    remade = []
    reactivate = pdf_glyphs._reactivate

    def counting(layout, style):
        remade.append(layout.text)
        return reactivate(layout, style)

    monkeypatch.setattr(pdf_glyphs, "_reactivate", counting)
    plain = "<p>Youth and caregivers lead the plan with the county's agencies.</p>"
    justified = (
        '<p style="text-align: justify; width: 150pt">Families, schools and agencies agree on '
        "a shared way to refer children.</p>"
    )
    HTML(string=f'<html lang="en"><title>t</title>{plain * 3}').write_pdf()
    assert remade == []
    HTML(string=f'<html lang="en"><title>t</title>{plain}{justified}').write_pdf()
    assert remade
    assert all(line.strip() in justified for line in remade)  # not the plain paragraph's
