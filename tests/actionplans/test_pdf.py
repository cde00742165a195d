"""The plan as a PDF: what it says (pdftotext), that it is tagged with a title and language
(pdfinfo), that user text stays text and nothing is fetched, the time limit, the preview."""

import gc
import os
import re
import shutil
import subprocess
import threading
import zlib
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from actionplans import pdf, pdf_engine
from actionplans.benchdata import large_plan_workshop
from actionplans.models import ActionStep, Gap
from actionplans.pdf import BASE_URL, RenderError, plan_html, render_plan_pdf
from actionplans.plans import current_plan
from actionplans.timeline import Row
from assessments import mapsvg
from tests.assessments.test_mapsvg import generated
from tests.conftest import sign_in
from tests.factories import WorkshopFactory, plan_tree
from workshops.models import Workshop

HEADINGS = {
    "en": [
        "Contents",
        "The workshop",
        "The assessment",
        "The system of care map",
        "Gaps and priorities",
        "The action plan",
        "Values and principles",
        "Timeline",
        "Next steps",
    ],
    "es": [
        "Contenido",
        "El taller",
        "La evaluación",
        "El mapa del sistema de atención",
        "Brechas y prioridades",
        "El plan de acción",
        "Valores y principios",
        "Cronograma",
        "Próximos pasos",
    ],
}
MARKUP = '<script>alert("x")</script><img src="http://example.com/x.png">'


def poppler(tool: str, content: bytes, tmp_path, *args: str) -> str:
    """The output of one of poppler's tools (pdftotext, pdfinfo, pdffonts) on the PDF."""
    path = tmp_path / f"{tool}.pdf"
    path.write_bytes(content)
    command = [shutil.which(tool) or tool, *args, str(path)]
    if tool == "pdftotext":
        command.append("-")  # to stdout
    return subprocess.run(command, capture_output=True, check=True).stdout.decode()  # noqa: S603


def view_box(svg: str) -> tuple[float, float]:
    found = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg)
    return float(found[1]), float(found[2])


def text_of(content: bytes, tmp_path) -> str:
    """The PDF's words (pdftotext), whatever the line breaks."""
    return " ".join(poppler("pdftotext", content, tmp_path).split())


def info_of(content: bytes, tmp_path, *args: str) -> str:
    return poppler("pdfinfo", content, tmp_path, *args)


def catalog_language(content: bytes) -> str | None:
    """The /Lang of the document catalog (WeasyPrint keeps it in a compressed object stream)."""
    chunks = [content]
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            chunks.append(zlib.decompress(stream[1]))
        except zlib.error:
            continue
    for chunk in chunks:
        found = re.search(rb"/Type /Catalog.*?/Lang \((.*?)\)", chunk, re.S)
        if found:
            return found[1].decode()
    return None


class Spy:
    """Records every URL WeasyPrint asks our fetcher for."""

    def __init__(self, monkeypatch):
        self.urls: list[str] = []
        real = pdf.make_fetcher

        def make(figures=None):
            fetcher = real(figures)
            fetch = fetcher.fetch

            def recording(url, headers=None):
                self.urls.append(url)
                return fetch(url, headers)

            fetcher.fetch = recording
            return fetcher

        monkeypatch.setattr(pdf, "make_fetcher", make)

    @property
    def outside(self) -> list[str]:
        ours = (f"{BASE_URL}static/", f"{BASE_URL}figures/")
        return [url for url in self.urls if not url.startswith(ours)]


@pytest.fixture
def demo(db) -> Workshop:
    call_command("seed_demo", stdout=StringIO())
    return Workshop.objects.get(county__name="Tompkins", cycle=2026)


def test_it_renders_the_demo_county_plan_with_every_section(demo, tmp_path, monkeypatch):
    spy = Spy(monkeypatch)
    plan = current_plan(demo)
    rendered = render_plan_pdf(plan, language="en")
    text = text_of(rendered.pdf, tmp_path)

    for heading in HEADINGS["en"]:
        assert heading in text
    step = ActionStep.objects.filter(objective__goal__plan=plan).exclude(lead="").first()
    gap = Gap.objects.filter(workshop=demo, merged_into=None).first()
    for content in [
        "Tompkins County",
        "System of Care Action Plan",
        "Hybrid: three 2-hour online sessions",  # the format
        "Frank Ortiz",  # the facilitator
        "Linda Park",  # a participant
        "Systems not represented",
        "Medical",  # not on the roster
        step.objective.goal.title,
        step.title,
        step.lead,
        gap.title,
        "After-hours youth crisis response",  # a gap on the map
        "Youth mobile crisis team",  # a map node
        "Substance Use",  # a heat-map system
        "Administrative Data Table",
        "Personal calls to the pediatric practice",  # the debrief's "what needs to happen next"
        "Page 1 of",
        f"Page {rendered.pages} of {rendered.pages}",
        "1. Where are we?",  # a list's markers (the user-agent stylesheet keeps them)
    ]:
        assert content in text, content
    assert re.search(r"Contents The workshop \d+ The assessment \d+", text)  # page numbers
    assert spy.urls, "the stylesheet and the pictures come through our fetcher"
    assert spy.outside == []

    info = info_of(rendered.pdf, tmp_path)
    assert "Title:           Tompkins County System of Care Action Plan — version 1" in info
    assert re.search(r"Tagged:\s+yes", info)
    assert re.search(rf"Pages:\s+{rendered.pages}\b", info)
    assert 'pdfuaid:part="1"' in info_of(rendered.pdf, tmp_path, "-meta")
    assert catalog_language(rendered.pdf) == "en"
    fonts = poppler("pdffonts", rendered.pdf, tmp_path).splitlines()[2:]
    assert fonts
    assert all("DejaVu" in font and " yes yes " in font for font in fonts)  # embedded, subset


def test_it_renders_in_spanish(demo, tmp_path):
    rendered = render_plan_pdf(current_plan(demo), language="es")
    text = text_of(rendered.pdf, tmp_path)
    for heading in HEADINGS["es"]:
        assert heading in text, heading
    assert "Página 1 de" in text
    assert catalog_language(rendered.pdf) == "es"
    assert "versión 1" in info_of(rendered.pdf, tmp_path)


def test_the_demos_pdfs_as_sent_show_the_plan_as_it_was_sent(db, tmp_path, settings):
    """seed_demo makes each submission's PDF when it is sent: the first one has no lead for the
    step the state team asked about, the second has; both say "Submitted"."""
    from actionplans.demo_review import LEAD

    settings.DEMO_RENDERS_PDFS = True
    call_command("seed_demo", stdout=StringIO())
    plan = current_plan(Workshop.objects.get(county__name="Tompkins", cycle=2026))
    first, second = plan.submissions.order_by("number").select_related("document")
    texts = [text_of(bytes(sent.document.pdf), tmp_path) for sent in (first, second)]
    assert all("Plan status Submitted" in " ".join(text.split()) for text in texts)
    assert LEAD not in texts[0] and LEAD in texts[1]
    assert first.document.plan_status == second.document.plan_status == "submitted"
    for sent in (first, second):  # made when it was sent, days ago
        assert sent.document.finished_at == sent.document.requested_at == sent.submitted_at
    # The state team's waiting case, Monroe, has its PDF as sent too.
    monroe = current_plan(Workshop.objects.get(county__name="Monroe"))
    (waiting,) = monroe.submissions.select_related("document")
    assert waiting.decision == "pending" and waiting.document.status == "ready"
    assert "Plan status Submitted" in " ".join(
        text_of(bytes(waiting.document.pdf), tmp_path).split()
    )
    assert waiting.document.content_at == monroe.changed_at  # as it is: not out of date


def test_an_empty_plan_says_so_in_each_section(db, tmp_path):
    workshop = WorkshopFactory()
    rendered = render_plan_pdf(current_plan(workshop))
    text = text_of(rendered.pdf, tmp_path)
    for sentence in [
        "No sessions have been scheduled yet.",
        "No one has submitted the survey yet",
        "No agency has entered figures yet.",
        "The map has not been drawn yet",
        "No gaps or opportunities have been named yet.",
        "No priority areas have been set yet, so the plan has no goals.",
        "The plan has no action steps yet",
        "No debrief has said what needs to happen next yet.",
    ]:
        assert sentence in text, sentence
    assert "Every system is represented." not in text  # nobody is on the roster


def test_user_text_is_text_and_nothing_is_fetched(db, tmp_path, monkeypatch):
    spy = Spy(monkeypatch)
    tree = plan_tree(WorkshopFactory())
    long_note = ("Plenty to say about this step. " * 170)[:5000]
    ActionStep.objects.filter(pk=tree.step.pk).update(
        title=f"Call the families {MARKUP}", lead=MARKUP, note=long_note
    )
    Gap.objects.filter(pk=tree.priority.gap_id).update(title=f"Gap {MARKUP}"[:120])
    tree.goal.where_we_are = "x" * 600  # one long word wraps
    tree.goal.save()

    html = plan_html(tree.plan)
    assert "<script>" not in html
    assert '<img src="http://example.com' not in html
    assert "&lt;script&gt;" in html

    rendered = render_plan_pdf(tree.plan)
    text = text_of(rendered.pdf, tmp_path)
    assert f"Call the families {MARKUP}" in text
    assert long_note[:200].strip() in text
    assert spy.urls
    assert spy.outside == []


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/x.png",
        "https://example.com/static/css/print.css",
        "file:///etc/passwd",
        "data:image/svg+xml;base64,PHN2Zy8+",
        f"{BASE_URL}static/../../socplan/settings.py",
        f"{BASE_URL}static/%2e%2e/socplan/settings.py",
        f"{BASE_URL}static/css/print.css?x=1",
        f"{BASE_URL}static/css/missing.css",
        f"{BASE_URL}media/anything.png",
        f"{BASE_URL}figures/1.svg",  # no such picture in this document
    ],
)
def test_the_fetcher_refuses_anything_but_our_own_files(url):
    fetcher = pdf.make_fetcher(pdf.Figures())
    with pytest.raises(ValueError):
        fetcher.fetch(url)


def test_the_fetcher_serves_our_stylesheet_and_the_document_pictures():
    figures = pdf.Figures()
    figure = figures.add(pdf.Figure('<svg xmlns="http://www.w3.org/2000/svg"/>'))
    fetcher = pdf.make_fetcher(figures)
    css = fetcher.fetch(f"{BASE_URL}static/css/print.css")
    assert css.content_type == "text/css"
    assert b"@page" in css.read()
    picture = fetcher.fetch(figure.url)
    assert picture.content_type == "image/svg+xml"


def test_in_production_the_fetcher_serves_collected_files_only(tmp_path, settings):
    collected = tmp_path / "staticfiles"
    (collected / "css").mkdir(parents=True)
    (collected / "css" / "print.css").write_text("@page { size: letter }")
    (tmp_path / "secret.txt").write_text("not for the PDF")
    settings.STATIC_ROOT = collected
    fetcher = pdf.make_fetcher()
    assert fetcher.fetch(f"{BASE_URL}static/css/print.css").read() == b"@page { size: letter }"
    for url in [f"{BASE_URL}static/../secret.txt", f"{BASE_URL}static/%2E%2E/secret.txt"]:
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_a_render_past_its_time_limit_fails_cleanly(db):
    plan = plan_tree(WorkshopFactory()).plan
    with pytest.raises(RenderError, match="took longer than"):
        render_plan_pdf(plan, time_limit=0.001)
    render_plan_pdf(plan)  # no timer left behind


def test_the_time_limit_holds_outside_the_main_thread_too():
    """No SIGALRM there: WeasyPrint's progress log (each page laid out) is the checkpoint."""
    pdf.watch_progress()
    from weasyprint import HTML

    html = "<html lang=en><title>Long</title>" + "<p>A paragraph of the plan.</p>" * 4000
    stopped = []

    def render():
        try:
            with pdf.deadline(0.05):
                HTML(string=html).render()
        except pdf.Overtime:
            stopped.append(True)

    thread = threading.Thread(target=render)
    thread.start()
    thread.join()
    assert stopped == [True]


def test_the_timeline_comes_in_pictures_that_fit_a_page(db):
    workshop = WorkshopFactory()
    today = date(2026, 1, 15)
    title = "Step {} with a title long enough to wrap onto a second line in the timeline"
    rows = [
        Row(f"{area}. Area", "Objective", title.format(n), "Lead", today + timedelta(days=20 * n),
            today + timedelta(days=20 * n + 60), ActionStep.Status.IN_PROGRESS)
        for area in range(1, 4)
        for n in range(25)
    ]  # fmt: skip
    parts = pdf.timeline_parts(workshop, rows, today)
    assert len(parts) > 1
    assert pdf.fits(*view_box(parts[0].svg), first=True)
    assert all(pdf.fits(*view_box(part.svg)) for part in parts)
    assert sum(part.svg.count('class="timeline-bar"') for part in parts) == len(rows)
    assert "(part 1 of" in parts[0].alt
    assert ">Key</text>" in parts[0].svg  # the key once, on the first page of the timeline
    assert not [part for part in parts[1:] if ">Key</text>" in part.svg]
    assert "<title>" not in parts[0].svg.split("</title>", 1)[1]  # no tooltips in print


def test_timeline_rows_are_packed_by_priority_area():
    def rows(area: str, count: int) -> list[Row]:
        return [Row(area, "", f"{area}{n}", "", None, None, "not_started") for n in range(count)]

    def titles(groups):
        return [[row.title for row in group] for group in groups]

    def at_most_ten(group, number):
        return len(group) <= 10

    # Whole areas together; an area of which fewer than MIN_ROWS fit after the others starts a
    # new picture.
    assert titles(pdf.pack(rows("a", 4) + rows("b", 5) + rows("c", 3), at_most_ten)) == [
        ["a0", "a1", "a2", "a3", "b0", "b1", "b2", "b3", "b4"],
        ["c0", "c1", "c2"],
    ]
    # Otherwise it fills the picture and goes on in the next one: no half-empty pages.
    assert titles(pdf.pack(rows("a", 4) + rows("b", 9), at_most_ten)) == [
        ["a0", "a1", "a2", "a3", "b0", "b1", "b2", "b3", "b4", "b5"],
        ["b6", "b7", "b8"],
    ]
    # A long area fills the page it starts on, then goes on.
    groups = pdf.pack(rows("a", 3) + rows("b", 25), at_most_ten)
    assert [len(group) for group in groups] == [10, 10, 8]
    assert titles(groups)[0][:4] == ["a0", "a1", "a2", "b0"]
    # Fewer than MIN_ROWS would fit after the others: the area starts on the next picture.
    assert [len(g) for g in pdf.pack(rows("a", 8) + rows("b", 25), at_most_ten)] == [8, 10, 10, 5]


def test_the_large_plan_has_every_step_and_node(db):
    workshop = large_plan_workshop()
    html = plan_html(current_plan(workshop), preview=True)
    assert html.count('class="step-title"') == 8 * 3 * 5
    assert workshop.map_nodes.count() == 40
    assert workshop.memberships.filter(role="participant").count() == 30


def test_the_preview_shows_the_pdf_html_to_facilitators(cast, client):
    tree = plan_tree(cast.workshop)
    ActionStep.objects.filter(pk=tree.step.pk).update(title=MARKUP)
    sign_in(client, cast.facilitator.user)
    response = client.get(reverse("actionplans:pdf_preview", args=[cast.workshop.code]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'href="/static/css/print.css"' in body
    assert f'href="{reverse("actionplans:pdf", args=[cast.workshop.code])}"' in body
    assert "Preview of the PDF" in body
    plan_page = reverse("actionplans:plan", args=[cast.workshop.code])
    assert f'<a href="{plan_page}">Back to the plan</a>' in body
    assert ">Make or download the PDF</a>" in body
    assert "<svg" in body or "No one has submitted" in body  # pictures inline, no fetching
    assert "<script" not in body  # the markup in the step is text
    assert "style=" not in body  # the page obeys the CSP
    assert "no-store" in response["Cache-Control"]


def test_the_preview_is_not_for_participants(cast, client):
    sign_in(client, cast.participant.user, cast.workshop)
    response = client.get(reverse("actionplans:pdf_preview", args=[cast.workshop.code]))
    assert response.status_code == 403


def test_the_plan_html_costs_a_fixed_number_of_queries(db, django_assert_max_num_queries):
    small = current_plan(plan_tree(WorkshopFactory()).plan.workshop)
    large = current_plan(large_plan_workshop())
    with django_assert_max_num_queries(45):
        plan_html(small)
    with django_assert_max_num_queries(45):
        plan_html(large)


def test_svg_text_is_drawn_a_line_at_a_time(tmp_path, monkeypatch):
    """``pdf_svgtext``: one layout per simple ``<text>``; anything else WeasyPrint's way."""
    from actionplans import pdf_svgtext

    pdf.watch_progress()
    from weasyprint import HTML

    assert pdf_svgtext.install()
    original = pdf_svgtext._original
    theirs = []

    def recording(svg, node, font_size):
        theirs.append(node.text)
        return original(svg, node, font_size)

    monkeypatch.setattr(pdf_svgtext, "_original", recording)
    figures = pdf.Figures()
    figure = figures.add(
        pdf.Figure(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 60">'
            '<text x="290" y="20" text-anchor="end" font-weight="bold">Crisis services</text>'
            '<text x="10 20 30" y="50">abc</text></svg>'
        )
    )
    html = f'<html lang="en"><title>t</title><img src="{figure.url}" alt="t">'
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=pdf.make_fetcher(figures))
    text = text_of(document.write_pdf(), tmp_path)
    assert "Crisis services" in text  # anchored at its end, inside the picture
    assert "abc" in text.replace(" ", "")
    assert theirs == ["abc"]  # per-letter x positions: WeasyPrint's own code


def test_the_pdf_draws_the_map_with_fewer_elements_and_the_same_words():
    data = generated(40, 60)
    web = mapsvg.render_map(data, title="Map", columns=5)
    printed = mapsvg.render_map(data, title="Map", columns=5, for_print=True)
    assert mapsvg.size(data, title="Map", columns=5) == view_box(printed) == view_box(web)
    words = re.compile(r"<text[^>]*>([^<]*)</text>")
    assert words.findall(printed) == words.findall(web)
    assert printed.count("<title>") == 1  # no tooltips in a PDF
    assert printed.count("<") * 2 < web.count("<")
    assert "<g>" not in printed


def test_the_ua_stylesheet_keeps_all_but_what_our_documents_never_use():
    from weasyprint.html import UA

    text = pdf_engine.trimmed(UA)
    assert "::footnote" not in text
    assert "::note" not in text
    assert "[dir" not in text
    assert "\nli::marker {" in text
    removed = set(UA.splitlines()) - set(text.splitlines())
    assert removed
    assert all(line.startswith(("::footnote", "::note", "::marker")) or "[dir" in line
               for line in removed)  # fmt: skip
    assert pdf_engine.trimmed(UA.replace("\n::marker {", "\nli::marker {")) is None


def test_the_collector_is_back_on_after_a_render(db):
    plan = plan_tree(WorkshopFactory()).plan
    render_plan_pdf(plan)
    assert gc.isenabled()
    with pytest.raises(RenderError):
        render_plan_pdf(plan, time_limit=0.001)
    assert gc.isenabled()
    gc.disable()
    try:
        render_plan_pdf(plan)
        assert not gc.isenabled()  # left as it was
    finally:
        gc.enable()


def test_pydyf_keeps_the_page_references_and_compresses_at_the_default_level():
    import pydyf

    pdf_engine.install()
    document = pydyf.PDF()
    for count in range(1, 4):
        document.add_page(pydyf.Dictionary({"Type": "/Page"}))
        numbers = document.pages["Kids"][::3]
        assert document.page_references == tuple(f"{n} 0 R".encode() for n in numbers)
        assert len(document.page_references) == count
    stream = pydyf.Stream([b"0 0 m 10 10 l S"] * 100, compress=True)
    deflated = stream.data.split(b"\nstream\n", 1)[1].rsplit(b"\nendstream", 1)[0]
    assert zlib.decompress(deflated).startswith(b"0 0 m 10 10 l S")
    assert isinstance(pydyf.zlib, pdf_engine.Deflate)


def test_the_print_stylesheet_is_parsed_once_per_version(tmp_path, settings):
    collected = tmp_path / "staticfiles"
    (collected / "css").mkdir(parents=True)
    stylesheet = collected / "css" / "print.css"
    stylesheet.write_text("@page { size: letter }")
    settings.STATIC_ROOT = collected
    first = pdf.print_stylesheet()
    assert pdf.print_stylesheet() is first
    stylesheet.write_text("@page { size: a4 }")
    os.utime(stylesheet, ns=(1, 1))
    assert pdf.print_stylesheet() is not first


def test_a_charts_summary_in_words_has_no_doubled_stop():
    from actionplans.pdf import bar_summary
    from assessments.results import Bars, Item, Stat

    bars = Bars(
        title="SOC values and principles",
        desc="",
        items=[
            Item(
                "family", "Families participate fully at all levels of the system.", Stat(1.75, 4)
            ),
            Item("youth", "Services are youth-guided.", Stat(2.25, 4)),
        ],
    )
    assert bar_summary(bars) == (
        "Rated lowest: Families participate fully at all levels of the system (1.8). "
        "Rated highest: Services are youth-guided (2.3)."
    )
