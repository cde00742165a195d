from socplan.templatetags.socplan_text import paragraphs


def test_it_makes_paragraphs_and_lists():
    html = paragraphs("First line\nsecond line\n\n- one\n- two")
    assert html == "<p>First line<br>second line</p><ul><li>one</li><li>two</li></ul>"


def test_it_escapes_markup():
    html = paragraphs("<script>alert(1)</script>\n\n- <b>x</b>")
    assert "<script>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html


def test_it_accepts_nothing():
    assert paragraphs("") == ""
