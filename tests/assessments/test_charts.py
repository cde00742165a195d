import re
import xml.etree.ElementTree as ET

from assessments.charts import STOPS, bar_chart, color, heat_map, ink_on, luminance, wrap
from assessments.results import Stat

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox", "").startswith("0 0 ")
    assert root.get("font-family") == "sans-serif"
    assert root[0].tag == f"{SVG}title" and root[0].text
    assert root[1].tag == f"{SVG}desc" and root[1].text
    assert root.find(f".//{SVG}script") is None
    assert "href" not in svg and "url(" not in svg
    assert re.search(r"\son[a-z]+=", svg) is None
    return root


def texts(root: ET.Element) -> list[str]:
    return ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]


def test_it_draws_a_heat_map_with_values_and_a_legend():
    cells = [[Stat(4.25, 5), Stat(None, 2, suppressed=True)], [Stat(), Stat(1.0, 3)]]
    root = parse(heat_map(["Mental Health", "Youth"], ["Availability", "Accessibility"], cells,
                          title="Systems", desc="Means by system"))  # fmt: skip
    labels = texts(root)
    assert "4.2" in labels or "4.3" in labels
    assert "n=5" in labels and "n=3" in labels
    assert "n=2" not in labels  # a suppressed cell shows no number
    assert "fewer than 3 people: hidden" in labels
    assert [str(n) for n in range(1, 6)] == [t for t in labels if t in {"1", "2", "3", "4", "5"}]
    assert root[0].text == "Systems"


def test_it_escapes_labels():
    nasty = "<script>alert('x')</script> & Co"
    svg = heat_map([nasty], [nasty], [[Stat(3.0, 3)]], title=nasty, desc=nasty)
    root = parse(svg)
    assert "<script>" not in svg
    assert root[0].text == nasty
    assert any("&" in t for t in texts(root))
    root = parse(bar_chart([(nasty, Stat(2.0, 4))], title=nasty, desc=nasty))
    assert root[1].text == nasty
    assert nasty[:60] in "".join(texts(root))


def test_it_draws_bars_with_means_and_counts():
    items = [("Planning", Stat(3.5, 12, dont_know=2)), ("Policy", Stat(None, 1, suppressed=True)),
             ("Financing", Stat())]  # fmt: skip
    root = parse(bar_chart(items, title="Domains", desc="Means"))
    labels = texts(root)
    assert "3.5 (n=12)" in labels
    assert "fewer than 3 answers: hidden" in labels
    assert "no answers yet" in labels
    assert not any("(n=1)" in label for label in labels)
    assert {"1", "2", "3", "4", "5"} <= set(labels)  # the axis


def test_it_reads_in_grayscale_with_legible_values():
    lightness = [luminance(color(v)) for v in (1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5)]
    assert lightness == sorted(lightness, reverse=True)  # darker is higher
    for step in [*STOPS, *((200, 100, 50),)]:
        fill = "#{:02x}{:02x}{:02x}".format(*step)
        ink = ink_on(fill)
        light, dark = sorted([luminance(fill), luminance(ink)])
        assert (dark + 0.05) / (light + 0.05) >= 4.5
    assert color(0) == color(1) and color(9) == color(5)


def test_it_wraps_long_labels():
    assert wrap("Coordination with other systems", 17) == ["Coordination with", "other systems"]
    assert wrap("a " * 40, 10, lines=1)[0].endswith("…")


def test_figures_are_rounded_and_written_as_the_tables_write_them():
    """2.25 is 2.3 in the chart as in the table beside it ({{ mean|floatformat:1 }}), not 2.2
    (Python's own rounding of the float), and 2,3 in Spanish."""
    from django.template import Context, Template
    from django.utils import translation

    from assessments.charts import fmt

    table = Template("{{ mean|floatformat:1 }}")
    for mean in (2.25, 3.25, 1.75, 4.05, 2.0, 3.333):
        assert fmt(mean) == table.render(Context({"mean": mean}))
    assert fmt(2.25) == "2.3"
    with translation.override("es"):
        assert fmt(2.25) == "2,3"
