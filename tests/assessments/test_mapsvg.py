"""The map's SVG (issue 5): valid, titled, with a legend, labels apart, escaped and stable.

Built on generated data (no database): the 13 systems, nodes with long labels and links of
every strength, with a fixed seed.
"""

import io
import random
import re
import xml.etree.ElementTree as ET
from itertools import combinations

import pytest
from django.utils import translation
from PIL import Image

from assessments import mapsvg
from assessments.maps import Link, MapData, MapSystem, Node, Only
from assessments.mapsvg import Box, layout, render_map, text_width, to_png
from assessments.models import MapLink, MapNode

SVG = "{http://www.w3.org/2000/svg}"
SYSTEMS = [
    "Mental Health", "Public Health", "Medical", "Caregivers", "Care Management", "Youth",
    "Education", "Juvenile Justice", "Community Providers", "Developmental Disabilities",
    "Substance Use", "Child Welfare", "Crisis",
]  # fmt: skip
WORDS = [
    "county", "family", "youth", "mental", "health", "services", "clinic", "center", "support",
    "peer", "network", "school", "district", "probation", "office", "department", "crisis",
    "mobile", "team", "pediatric", "hospital", "community", "church", "pantry", "coalition",
    "recovery", "housing", "respite", "parent", "advocacy", "Ñandú-Niños", "árbol",
    "Supercalifragilisticexpialidociouslylongprogramname",
]  # fmt: skip
STATUSES = list(MapNode.Status)
KINDS = list(MapNode.Kind)
STRENGTHS = list(MapLink.Strength)
NASTY = "<script>alert('x')</script> & \"Co\""


def systems() -> list[MapSystem]:
    return [
        MapSystem(i, name, highlighted=name in {"Youth", "Crisis"}, mean=2.1 if i == 6 else None)
        for i, name in enumerate(SYSTEMS, start=1)
    ]


def generated(nodes: int, links: int, seed: int = 5) -> MapData:
    """Long labels, a crowded first system, every status, kind and strength."""
    rnd = random.Random(seed)  # noqa: S311 - test data
    made = []
    for i in range(1, nodes + 1):
        label = " ".join(rnd.choice(WORDS).capitalize() for _ in range(rnd.randint(1, 9)))[:60]
        system = 1 if rnd.random() < 0.2 else rnd.randint(1, 12)  # Crisis stays empty
        made.append(Node(i, system, label, KINDS[i % 3], STATUSES[i % 4]))
    pairs: list[tuple[int, int]] = []
    while len(pairs) < links:
        pair = tuple(sorted(rnd.sample(range(1, nodes + 1), 2)))
        if pair not in pairs:
            pairs.append(pair)
    made_links = [
        Link(i, a, b, STRENGTHS[i % 5], note="a note") for i, (a, b) in enumerate(pairs, start=1)
    ]
    return MapData(systems(), made, made_links, version=3)


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert re.fullmatch(r"0 0 [\d.]+ [\d.]+", root.get("viewBox", ""))
    assert root[0].tag == f"{SVG}title" and root[0].text
    assert root[1].tag == f"{SVG}desc" and root[1].text
    assert root.find(f".//{SVG}script") is None
    assert "href" not in svg and "url(" not in svg
    assert re.search(r"\s(on[a-z]+|style|id)=", svg) is None
    return root


def texts(root: ET.Element) -> list[str]:
    return ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]


def text_boxes(root: ET.Element) -> list[tuple[str, Box]]:
    """Every <text> with the box its glyphs take, from its own and inherited attributes."""
    out = []

    def walk(element: ET.Element, size: float, bold: bool) -> None:
        size = float(element.get("font-size", size))
        bold = element.get("font-weight", "bold" if bold else "normal") == "bold"
        if element.tag == f"{SVG}text":
            content = "".join(element.itertext())
            x, y = float(element.get("x")), float(element.get("y"))
            width = text_width(content, size, bold)
            if element.get("text-anchor") == "middle":
                x -= width / 2
            out.append((content, Box(x, y - 0.8 * size, width, 1.05 * size)))
        for child in element:
            walk(child, size, bold)

    walk(root, 14, False)
    return out


@pytest.mark.parametrize(("nodes", "links"), [(40, 60), (200, 400)])
def test_it_keeps_labels_apart_and_inside_their_panels(nodes, links):
    data = generated(nodes, links)
    plan = layout(data)
    assert len(plan.panels) == 13
    assert sum(len(panel.nodes) for panel in plan.panels) == nodes
    assert len(plan.routes) == links
    for a, b in combinations(plan.panels, 2):
        assert not a.box.overlaps(b.box)
    placed = [p for panel in plan.panels for p in panel.nodes]
    for panel in plan.panels:
        assert Box(0, 0, plan.width, plan.height).contains(panel.box)
        for p in panel.nodes:
            assert panel.box.contains(p.box) and p.box.y >= panel.header.bottom
            assert p.box.contains(p.label_box)
            assert 1 <= len(p.lines) <= 2
            assert all(text_width(line) <= p.box.right - p.text_x - 10 for line in p.lines)
    for a, b in combinations(placed, 2):
        assert not a.box.overlaps(b.box)
        assert not a.label_box.overlaps(b.label_box)

    root = parse(render_map(data, title="Map"))
    boxes = text_boxes(root)
    canvas = Box(0, 0, *(float(v) for v in root.get("viewBox").split()[2:]))
    assert len({(box.x, box.y) for _text, box in boxes}) == len(boxes)
    for content, box in boxes:
        assert canvas.contains(box), content
    for (first, a), (second, b) in combinations(boxes, 2):
        assert not a.overlaps(b), (first, second)


def test_it_cuts_long_labels_to_two_lines():
    long = "Tompkins County Mental Health Services for Children and Families Everywhere"
    lines = mapsvg.fit(long, 192)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(text_width(line) <= 192 for line in lines)
    word = mapsvg.fit("Supercalifragilisticexpialidociouslylongprogramname" * 2, 192)
    assert len(word) == 2 and word[-1].endswith("…")
    assert mapsvg.fit("Youth Bureau", 192) == ("Youth Bureau",)
    assert mapsvg.fit("", 192) == ("",)


def test_it_draws_a_title_a_desc_and_a_legend():
    data = generated(40, 60)
    root = parse(render_map(data, title="System of care map", desc="Download the table."))
    assert root[0].text == "System of care map"
    desc = root[1].text
    assert desc.startswith("40 nodes (") and "60 links (" in desc
    assert "Gap: 10" in desc and "Needed but missing: 12" in desc
    assert desc.endswith("Download the table.")
    labels = texts(root)
    assert "System of care map" in labels and "Legend" in labels
    for choices in (MapNode.Status, MapLink.Strength, MapNode.Kind):
        assert {str(c.label) for c in choices} <= set(labels)
    assert "Survey: look here (mean 2.1)" in labels  # Youth, the sixth system
    assert "Survey: look here" in labels  # Crisis, highlighted without a mean
    assert "nothing mapped yet" in labels  # Crisis has no nodes
    default = parse(render_map(data, title="Map"))[1].text
    assert default.endswith("The same data is in the table below the map.")


def test_it_draws_each_link_style():
    data = MapData(
        systems(),
        [Node(i, i, f"Node {i}", "service", "unmarked") for i in range(1, 7)],
        [Link(i, i, i + 1, strength) for i, strength in enumerate(STRENGTHS, start=1)],
    )
    root = parse(render_map(data, title="Links"))
    lines = {}
    for group in root.iter(f"{SVG}g"):
        title = group.find(f"{SVG}title")
        if title is not None and title.text.startswith("Link between"):
            strength = title.text.rsplit(": ", 1)[1]
            lines[strength] = group.find(f"{SVG}path").attrib
    assert set(lines) == {str(s.label) for s in STRENGTHS}
    strong, moderate = lines["Strong"], lines["Moderate"]
    assert float(strong["stroke-width"]) > float(moderate["stroke-width"])
    assert "stroke-dasharray" not in strong and "stroke-dasharray" not in moderate
    assert (
        lines["Weak"]["stroke-dasharray"] == "0.1 6" and lines["Weak"]["stroke-linecap"] == "round"
    )
    assert lines["Needed but missing"]["stroke-dasharray"] == "9 6"
    assert lines["Needed but missing"]["stroke"] == mapsvg.RED
    assert "stroke-dasharray" not in lines["Strained or broken"]
    assert all(line["fill"] == "none" and line["d"].startswith("M") for line in lines.values())
    plan = layout(data)
    marks = [route.mark for route in plan.routes if route.mark]
    assert len(marks) == 1  # only the broken link is crossed out
    crosses = [c for c in root.iter(f"{SVG}circle") if c.get("stroke") == mapsvg.RED]
    assert len(crosses) == 1 + 1  # on the link, and in the legend


def test_it_marks_statuses_with_shapes_and_a_tooltip():
    data = MapData(
        systems(),
        [Node(i, 1, str(status.label), KINDS[i % 3], status, provider="DSS")
         for i, status in enumerate(STATUSES, start=1)],
        [],
    )  # fmt: skip
    root = parse(render_map(data, title="Statuses"))
    tips = [t.text for t in root.iter(f"{SVG}title")]
    assert "Gap — Gap — Mental Health — Agency — DSS" in tips
    assert "Strength — Strength — Mental Health — Community or informal support — DSS" in tips
    marker_paths = [p for p in root.iter(f"{SVG}path") if p.get("stroke") in {"#ffffff", "#000000"}]
    assert len(marker_paths) >= 3 * 2  # tick, "!" and cross, on the map and in the legend


def test_it_escapes_markup_in_labels_and_titles():
    data = MapData(
        [MapSystem(1, NASTY), MapSystem(2, "Youth")],
        [Node(1, 1, NASTY, "agency", "gap", provider=NASTY), Node(2, 2, "Bureau", "agency", "gap")],
        [Link(1, 1, 2, "broken", note=NASTY)],
    )
    svg = render_map(data, title=NASTY, desc=NASTY)
    assert "<script>" not in svg and "alert('x')" not in svg
    root = parse(svg)
    assert root[0].text == NASTY and root[1].text.endswith(NASTY)
    shown = " ".join(texts(root))
    assert "<script>alert" in shown and "&" in shown
    tips = [t.text for t in root.iter(f"{SVG}title")]
    assert any(tip.startswith(f"{NASTY} — Gap — {NASTY}") for tip in tips)
    assert any(tip.endswith(f". {NASTY}") for tip in tips)


def test_it_draws_an_empty_map():
    root = parse(render_map(MapData([], [], []), title="Nothing"))
    assert "Legend" in texts(root)
    root = parse(render_map(MapData(systems(), [], []), title="Empty"))
    assert texts(root).count("nothing mapped yet") == 13
    assert root[1].text.startswith("0 nodes")


@pytest.mark.parametrize(
    "filters", [{"system_id": 1}, {"only": Only.GAPS}, {"only": Only.BROKEN}, {"system_id": 13}]
)
def test_it_draws_the_filtered_map(filters):
    data = generated(40, 60)
    subset = data.filtered(**filters)
    plan = layout(subset)
    assert sum(len(panel.nodes) for panel in plan.panels) == len(subset.nodes)
    assert len(plan.routes) == len(subset.links)
    root = parse(render_map(subset, title="Filtered"))
    assert root[1].text.startswith(f"{len(subset.nodes)} nodes")


def test_it_skips_links_to_nodes_it_does_not_show():
    data = MapData(
        systems()[:2],
        [
            Node(1, 1, "A", "agency", "gap"),
            Node(2, 2, "B", "agency", "gap"),
            Node(3, 9, "C", "", ""),
        ],
        [Link(1, 1, 2, "strong"), Link(2, 1, 3, "weak"), Link(3, 2, 2, "weak")],
    )
    assert len(layout(data).routes) == 1
    parse(render_map(data, title="Partial"))


def test_it_is_stable():
    data = generated(40, 60)
    assert render_map(data, title="Map") == render_map(generated(40, 60), title="Map")
    before = layout(data)
    data.nodes.append(Node(999, 1, "A new node in Mental Health", "service", "gap"))
    after = layout(data)
    moved = after.panels[0].box.h - before.panels[0].box.h
    assert moved > 0
    for old, new in zip(before.panels, after.panels, strict=True):
        shift = 0 if old.box.y == before.panels[0].box.y else moved
        assert new.box.y == old.box.y + shift and new.box.x == old.box.x
        for a, b in zip(old.nodes, new.nodes, strict=False):
            assert (b.box.x, b.box.y) == (a.box.x, a.box.y + shift)


def test_it_draws_one_column_for_a_phone():
    data = generated(40, 60)
    plan = layout(data, columns=1)
    assert plan.width == 2 * mapsvg.MARGIN + mapsvg.PANEL_W
    assert {panel.box.x for panel in plan.panels} == {mapsvg.MARGIN}
    root = parse(render_map(data, title="A long title for a narrow map of the county", columns=1))
    boxes = text_boxes(root)
    width = float(root.get("viewBox").split()[2])
    assert all(box.right <= width for _text, box in boxes)
    for (first, a), (second, b) in combinations(boxes, 2):
        assert not a.overlaps(b), (first, second)


def test_it_speaks_spanish():
    with translation.override("es"):
        root = parse(render_map(generated(10, 10), title="Mapa"))
    assert "Agencia" in texts(root)


def test_it_makes_a_png_with_the_text_on_white():
    svg = render_map(generated(40, 60), title="System of care map")
    png = to_png(svg, scale=1.0)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert 20_000 < len(png) < 5_000_000
    image = Image.open(io.BytesIO(png)).convert("RGBA")
    width = float(ET.fromstring(svg).get("viewBox").split()[2])  # noqa: S314
    assert image.width == round(width)
    assert image.getpixel((2, 2)) == (255, 255, 255, 255)
    title = image.crop((30, 10, 300, 36)).convert("L")  # the visible title, in black
    assert title.getextrema()[0] < 80
    assert len(to_png(svg)) > len(png)  # scale 2 by default
