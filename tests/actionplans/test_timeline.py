"""The timeline SVG: a pure function of plain rows (no database)."""

from datetime import date
from xml.etree import ElementTree

import pytest

from actionplans.models import ActionStep
from actionplans.timeline import (
    MAX_MONTHS,
    MIN_MONTHS,
    PATTERNS,
    PRINT,
    STYLES,
    WEB,
    Row,
    size,
    timeline_svg,
    window_of,
)

NS = "{http://www.w3.org/2000/svg}"
TODAY = date(2026, 3, 12)
Status = ActionStep.Status


def row(title="Train staff", start=None, due=None, status=Status.NOT_STARTED, area="1. Crisis"):
    return Row(area, "Objective", title, "Pat Lee", start, due, status)


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)  # noqa: S314 - our own output


def draw(*rows: Row, today: date = TODAY, look=WEB) -> ElementTree.Element:
    return parse(timeline_svg(rows, title="Timeline", desc="", today=today, look=look))


def of_class(root, tag: str, cls: str) -> list[ElementTree.Element]:
    return [e for e in root.iter(NS + tag) if e.get("class") == cls]


def months(root) -> list[float]:
    """The x of each month boundary, left to right."""
    return sorted({float(e.get("x1")) for e in of_class(root, "line", "timeline-month")})


def bars(root) -> list[tuple[float, float]]:
    return [(float(e.get("x")), float(e.get("x")) + float(e.get("width")))
            for e in of_class(root, "rect", "timeline-bar")]  # fmt: skip


def texts(root) -> list[str]:
    return ["".join(e.itertext()) for e in root.iter(NS + "text")]


def test_it_draws_an_accessible_self_contained_picture():
    root = draw(
        row("A", date(2026, 1, 5), date(2026, 2, 20), Status.DONE),
        row("B", date(2026, 2, 1), date(2026, 6, 30), Status.IN_PROGRESS, area="2. Workforce"),
    )
    assert root.tag == NS + "svg"
    assert root.get("role") == "img"
    assert root.get("viewBox").startswith("0 0 ")
    assert root.find(NS + "title").text == "Timeline"
    desc = root.find(NS + "desc").text
    assert "2 action steps in 2 priority areas" in desc
    assert "1 in progress, 1 done." in desc
    every = list(root.iter())
    assert not [e for e in every if e.get("id") or e.get("style") or e.get("href")]
    assert not [e for e in every if e.tag in (NS + "script", NS + "style", NS + "foreignObject")]
    # A white background for print, and a key with every status and marker.
    background = root.find(NS + "rect")
    assert background.get("fill") == "#ffffff"
    assert background.get("width") == root.get("viewBox").split()[2]
    labels = texts(root)
    assert "Key" in labels
    for status in Status:
        assert str(status.label) in labels
    assert {"due date only", "start date only", "today", "beyond the months shown"} <= set(labels)
    assert "1. Crisis" in labels
    assert "2. Workforce" in labels


def test_it_puts_each_bar_on_its_dates_within_the_month_grid():
    root = draw(
        row("Jan to Mar", date(2026, 1, 1), date(2026, 3, 31)),
        row("Mid Feb", date(2026, 2, 15), date(2026, 2, 15)),
    )
    grid = months(root)
    assert len(grid) == MIN_MONTHS + 1  # Jan to Jun: a short plan still shows half a year
    (a_left, a_right), (b_left, b_right) = bars(root)
    assert a_left == pytest.approx(grid[0])
    assert a_right == pytest.approx(grid[3])
    assert grid[1] < b_left < b_right < grid[2]
    for left, right in bars(root):
        assert grid[0] <= left < right <= grid[-1]


def test_it_marks_today():
    root = draw(row("A", date(2026, 1, 1), date(2026, 6, 30)))
    (today_line,) = of_class(root, "line", "timeline-today")
    grid = months(root)
    x = float(today_line.get("x1"))
    assert grid[2] < x < grid[3]  # in March
    assert "Today" in texts(root)
    outside = draw(row("A", date(2027, 1, 1), date(2027, 6, 30)))
    assert not of_class(outside, "line", "timeline-today")
    assert any("Today, 12 Mar 2026, is outside the months shown" in t for t in texts(outside))


def test_it_shows_milestones_start_dates_and_unscheduled_steps():
    root = draw(
        row("Report to the board", due=date(2026, 4, 30)),
        row("Start hiring", start=date(2026, 2, 1)),
        row("Someday", status=Status.BLOCKED),
    )
    assert len(of_class(root, "polygon", "timeline-due")) == 1
    assert len(of_class(root, "circle", "timeline-start")) == 1
    assert bars(root) == []
    labels = texts(root)
    assert "Not scheduled: no start or due date yet" in labels
    assert labels.index("Someday") > labels.index("Not scheduled: no start or due date yet")
    assert "1. Crisis · Blocked · Pat Lee" in labels


def test_it_lists_only_unscheduled_steps_without_a_grid():
    root = draw(row("Someday"))
    assert months(root) == []
    assert "Someday" in texts(root)


def test_it_draws_an_empty_plan():
    root = draw()
    assert "No action steps yet." in texts(root)


def test_it_caps_the_months_and_points_beyond_them():
    root = draw(
        row("Now", date(2026, 3, 1), date(2026, 5, 1)),
        row("Long", date(2026, 1, 10), date(2031, 5, 1), Status.IN_PROGRESS),
        row("Later", date(2030, 1, 1), date(2030, 3, 1)),
        row("Long ago", date(2019, 1, 1), date(2019, 6, 1), Status.DONE),
        row("Milestone later", due=date(2032, 1, 31)),
    )
    grid = months(root)
    assert len(grid) == MAX_MONTHS + 1
    window = window_of([row(start=date(2019, 1, 1), due=date(2032, 1, 31))], TODAY)
    assert window.first == 2025 * 12 + 11  # December 2025: a quarter before today
    for left, right in bars(root):
        assert grid[0] <= left < right <= grid[-1]
    assert max(right for _, right in bars(root)) == pytest.approx(grid[-1])  # "Long" is cut
    labels = texts(root)
    assert "until May 2031" in labels
    assert "from Jan 2030" in labels
    assert "until Jun 2019" in labels
    assert "due Jan 2032" in labels
    assert len(of_class(root, "polygon", "timeline-beyond")) == 4
    assert any(t.startswith("Showing 24 months, Dec 2025 to Nov 2027") for t in labels)


def test_it_escapes_every_label():
    nasty = '<script>alert("x")</script> & <b>'
    root = draw(
        Row(nasty, nasty, nasty, nasty, date(2026, 1, 1), date(2026, 2, 1), Status.DONE),
        Row(nasty, nasty, nasty, nasty, None, None, Status.DONE),
    )
    assert not list(root.iter(NS + "script"))
    assert not list(root.iter(NS + "b"))
    assert any(t.startswith("<script>") for t in texts(root))
    assert any(nasty in (e.text or "") for e in root.iter(NS + "title"))
    svg = timeline_svg([row(nasty)], title=nasty, desc=nasty, today=TODAY)
    assert parse(svg).find(NS + "title").text == nasty
    assert "<script>" not in svg


def test_it_flags_overdue_steps_in_words():
    root = draw(
        row("Late", date(2026, 1, 1), date(2026, 2, 1), Status.IN_PROGRESS),
        row("Done on time", date(2026, 1, 1), date(2026, 2, 1), Status.DONE),
        row("Dropped", date(2026, 1, 1), date(2026, 2, 1), Status.DROPPED),
        row("Not yet due", date(2026, 1, 1), date(2026, 4, 1), Status.IN_PROGRESS),
    )
    assert texts(root).count("Overdue · In progress · Pat Lee") == 1
    assert "1 overdue." in root.find(NS + "desc").text
    flag = next(e for e in root.iter(NS + "tspan") if e.text == "Overdue")
    assert flag.get("font-weight") == "bold"


def test_it_tells_each_status_apart_without_colour():
    styles = list(STYLES.values())
    assert len({(s.fill, s.lines, s.dashed) for s in styles}) == len(Status)
    assert len({(s.lines, s.dashed, s.fill == "#ffffff") for s in styles}) == len(Status)


def test_it_spans_the_plan_when_it_is_short_enough():
    rows = [row(start=date(2026, 1, 1), due=date(2027, 9, 30))]
    window = window_of(rows, TODAY)
    assert (window.count, window.capped) == (21, False)


# --- the print look (the PDF) ------------------------------------------------------------------

EVERYTHING = [
    row("Long title that goes on " * 4, date(2026, 1, 5), date(2026, 8, 20), status, area)
    for status in Status
    for area in ("1. Crisis", "2. Workforce")
] + [
    row("Late", date(2026, 1, 1), date(2026, 2, 1), Status.IN_PROGRESS),
    row("Report", due=date(2026, 4, 30)),
    row("Start hiring", start=date(2026, 2, 1)),
    row("Long", date(2026, 1, 10), date(2031, 5, 1), Status.BLOCKED),
    row("Someday"),
    row("Some other day", status=Status.DROPPED),
]


def viewbox(root) -> tuple[float, float]:
    _, _, width, height = root.get("viewBox").split()
    return float(width), float(height)


@pytest.mark.parametrize("key", [True, False])
@pytest.mark.parametrize("today", [TODAY, date(2020, 1, 1)])
@pytest.mark.parametrize("look", [WEB, PRINT])
def test_its_size_is_known_without_drawing_it(look, today, key):
    for rows in ([], EVERYTHING[:1], EVERYTHING[-2:], EVERYTHING):
        svg = timeline_svg(rows, title="Timeline", today=today, look=look, key=key)
        assert size(rows, today, look, key=key) == pytest.approx(viewbox(parse(svg)))


def test_it_leaves_out_the_key_when_asked():
    rows = EVERYTHING[:3]
    without = parse(timeline_svg(rows, title="Timeline", today=TODAY, look=PRINT, key=False))
    assert "Key" not in texts(without)
    assert "Key" in texts(draw(*rows, look=PRINT))
    assert len(bars(without)) == 3


def test_the_print_look_shows_every_step_in_far_fewer_elements():
    web, printed = draw(*EVERYTHING), draw(*EVERYTHING, look=PRINT)
    assert len(list(printed.iter())) * 3 < len(list(web.iter()))
    labels = texts(printed)
    for words in ("Key", "1. Crisis", "2. Workforce", "Report", "Start hiring", "Long", "Today"):
        assert words in labels
    assert len(bars(printed)) == len(bars(web))
    assert len(of_class(printed, "line", "timeline-today")) == 1
    # No status line under the titles: the bars' fill and pattern tell it (the key), and the
    # plan lists each step's status and lead; an overdue step says so first, in red.
    assert not [words for words in labels if words.endswith("· Pat Lee") and "Crisis" not in words]
    late = next(e for e in printed.iter(NS + "text") if e.text == "Overdue · Late")
    assert late.get("fill") == "#a4161a"
    # The steps without dates have no bar: their line of words stays.
    assert "1. Crisis · Not started · Pat Lee" in labels
    # No tooltips (a PDF shows none); the grid and the bands are a few paths.
    assert [e.text for e in printed.iter(NS + "title")] == ["Timeline"]
    assert not of_class(printed, "g", "timeline-step")
    assert not of_class(printed, "line", "timeline-month")
    assert len(list(printed.iter(NS + "path"))) <= 12


def test_the_print_look_fills_hatched_bars_with_patterns():
    root = draw(*EVERYTHING, look=PRINT)
    patterns = {e.get("id"): e for e in root.iter(NS + "pattern")}
    assert set(patterns) == set(PATTERNS.values())
    for status, pattern_id in PATTERNS.items():
        tile = patterns[pattern_id]
        assert tile.find(NS + "rect").get("fill") == STYLES[status].fill
        assert tile.find(NS + "path").get("stroke") == STYLES[status].stroke
    fills = {e.get("fill") for e in of_class(root, "rect", "timeline-bar")}
    assert {f"url(#{pattern_id})" for pattern_id in PATTERNS.values()} <= fills
    assert not [e for e in root.iter() if e.get("style") or e.get("href")]
    # The web's pictures, several on a page, have no ids to clash.
    assert not [e for e in draw(*EVERYTHING).iter() if e.get("id")]


def test_the_print_look_fits_more_steps_on_a_page():
    rows = [row(f"Step {n}", date(2026, 1, 5), date(2026, 5, 1)) for n in range(20)]
    web_w, web_h = size(rows, TODAY, WEB)
    print_w, print_h = size(rows, TODAY, PRINT)
    assert print_h / print_w < 0.75 * web_h / web_w  # on a page of the same width


def test_the_print_look_names_the_months_by_their_initial_when_they_are_narrow():
    long = [row("Long", date(2026, 1, 10), date(2031, 5, 1)), row("Now", date(2026, 3, 1))]
    web, printed = draw(*long), draw(*long, look=PRINT)
    assert {"Dec", "Jan", "Feb"} <= set(texts(web))
    assert {"D", "J", "F"} <= set(texts(printed))
    assert "Jan" not in texts(printed)
