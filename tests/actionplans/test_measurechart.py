"""The measure chart: a pure function of plain data (no database)."""

from datetime import date
from decimal import Decimal
from xml.etree import ElementTree

from actionplans.measurechart import (
    HEIGHT,
    LEFT,
    RIGHT,
    WIDTH,
    ChartData,
    measure_svg,
    nice_step,
    table_rows,
    value_range,
)

NS = "{http://www.w3.org/2000/svg}"
TODAY = date(2026, 6, 1)


def data(**changes) -> ChartData:
    fields = {
        "title": "Days from referral to a first appointment",
        "unit": "days",
        "start": date(2026, 1, 1),
        "baseline": Decimal(62),
        "target": Decimal(21),
        "target_on": date(2026, 12, 31),
        "benchmarks": ((date(2026, 7, 1), Decimal(40), "Half way"),),
        "readings": (
            (date(2026, 2, 1), Decimal(60)),
            (date(2026, 4, 1), Decimal("52.5")),
            (date(2026, 5, 15), Decimal(47)),
        ),
        "expected": (
            (date(2026, 1, 1), Decimal(62)),
            (date(2026, 7, 1), Decimal(40)),
            (date(2026, 12, 31), Decimal(21)),
        ),
    }
    return ChartData(**(fields | changes))


def draw(chart: ChartData, **options) -> ElementTree.Element:
    return ElementTree.fromstring(measure_svg(chart, today=TODAY, **options))  # noqa: S314


def of_class(root, tag: str, cls: str) -> list[ElementTree.Element]:
    return [e for e in root.iter(NS + tag) if e.get("class") == cls]


def texts(root) -> list[str]:
    return ["".join(e.itertext()) for e in root.iter(NS + "text")]


def test_it_draws_an_accessible_self_contained_picture():
    root = draw(data())
    assert root.tag == NS + "svg"
    assert root.get("role") == "img"
    assert root.get("viewBox") == f"0 0 {WIDTH} {HEIGHT}"
    assert root.find(NS + "title").text == (
        "Readings of the measure: Days from referral to a first appointment"
    )
    desc = root.find(NS + "desc").text
    assert "Baseline 62 days on 1 Jan 2026." in desc
    assert "Target 21 days by 31 Dec 2026." in desc
    assert "Benchmarks: 40 days by 1 Jul 2026." in desc
    assert "3 readings; the latest 47 days on 15 May 2026." in desc
    every = list(root.iter())
    assert not [e for e in every if e.get("id") or e.get("style") or e.get("href")]
    assert not [e for e in every if e.tag in (NS + "script", NS + "style", NS + "foreignObject")]
    labels = texts(root)
    for word in ("Readings", "Expected", "Baseline", "Benchmark", "Target", "Today", "days"):
        assert word in labels


def test_it_puts_each_mark_on_its_date_and_value():
    root = draw(data())
    readings = of_class(root, "circle", "measure-reading")
    assert len(readings) == 3
    xs = [float(c.get("cx")) for c in readings]
    ys = [float(c.get("cy")) for c in readings]
    assert xs == sorted(xs)  # later to the right
    assert ys == sorted(ys)  # fewer days lower down: 60, 52.5, 47
    assert min(xs) >= LEFT and max(xs) <= WIDTH - RIGHT
    [baseline] = of_class(root, "rect", "measure-baseline")
    assert float(baseline.get("y")) < min(ys)  # 62 is above every reading
    [target] = [g.find(NS + "circle") for g in of_class(root, "g", "measure-target")]
    assert float(target.get("cy")) > max(ys)  # 21 is below every reading
    today = of_class(root, "line", "measure-today")[0]
    assert min(xs) < float(today.get("x1")) < float(target.get("cx"))
    expected = of_class(root, "polyline", "measure-expected")[0]
    assert len(expected.get("points").split()) == 3
    assert expected.get("stroke-dasharray")
    # Each reading says what it is when pointed at.
    titles = [
        g.find(NS + "title").text for g in root.iter(NS + "g") if g.find(NS + "title") is not None
    ]
    assert "15 May 2026: 47 days" in titles


def test_its_value_axis_has_round_numbers_around_every_value():
    assert nice_step(41) == 10
    assert nice_step(7) == 2
    assert nice_step(0.4) == 0.1
    low, high, step = value_range([Decimal(62), Decimal(21), Decimal(47)])
    assert (low, high, step) == (20, 70, 10)
    assert value_range([Decimal(120), Decimal(130)]) == (120, 130, 2)
    assert value_range([Decimal(5)]) == (4, 6, 0.5)
    root = draw(data())
    grid = [float(e.get("y1")) for e in of_class(root, "line", "measure-grid")]
    assert len(grid) == 6  # 20, 30, ..., 70
    key = [e for e in root.iter(NS + "g") if (e.get("transform") or "").startswith("translate")]
    assert len(key) == 6
    assert max(float(e.get("transform").rstrip(")").split()[1]) for e in key) + 20 < min(grid)


def test_it_escapes_every_label():
    root = draw(data(title="<b>Wait</b> & see", unit="<days>"))
    assert root.find(NS + "title").text == "Readings of the measure: <b>Wait</b> & see"
    assert "<days>" in texts(root)
    assert not list(root.iter("b"))


def test_it_draws_without_readings_or_numbers():
    root = draw(data(readings=()))
    assert not of_class(root, "circle", "measure-reading")
    assert "No readings yet." in root.find(NS + "desc").text
    empty = draw(data(baseline=None, target=None, benchmarks=(), readings=(), expected=()))
    assert "No numbers to draw yet." in texts(empty)


def test_benchmarks_in_words_are_marked_on_the_time_axis():
    root = draw(data(benchmarks=((date(2026, 7, 1), None, "Clinic hires two clinicians"),)))
    marks = of_class(root, "polygon", "measure-benchmark")
    assert any(float(m.get("points").split()[0].split(",")[1]) < HEIGHT for m in marks)
    rows = table_rows(data(benchmarks=((date(2026, 7, 1), None, "Clinic hires two"),)))
    assert [(row.what, row.value, row.note) for row in rows if row.what == "Benchmark"] == [
        ("Benchmark", "—", "Clinic hires two")
    ]


def test_its_table_holds_the_same_points_in_date_order():
    rows = table_rows(data())
    assert [(row.on, row.what, row.value) for row in rows] == [
        (date(2026, 1, 1), "Baseline", "62 days"),
        (date(2026, 2, 1), "Reading", "60 days"),
        (date(2026, 4, 1), "Reading", "52.5 days"),
        (date(2026, 5, 15), "Reading", "47 days"),
        (date(2026, 7, 1), "Benchmark", "40 days"),
        (date(2026, 12, 31), "Target", "21 days"),
    ]
    assert rows[4].note == "Half way"


def test_readings_over_decades_still_draw_at_most_eight_month_labels():
    old = data(
        start=date(1990, 1, 1),
        readings=((date(1990, 3, 1), Decimal(60)), (date(2026, 5, 1), Decimal(47))),
    )
    root = draw(old)
    months = root.findall(f".//{NS}line[@class='measure-month']")
    assert 1 <= len(months) <= 8
