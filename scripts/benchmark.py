"""The benchmark (`make bench`): socplan on PostgreSQL and gunicorn with a whole state's data.

    python scripts/benchmark.py [--seconds 8] [--clients 30] [--web-workers 4] [--counties 62]

1. A fresh PostgreSQL database (``socplan_bench``): the demo county, then every other New York
   county with three earlier cycles (``workshops.benchdata.state_bench``) and every county with a
   full current workshop (``actionplans.benchdata.large_plan_workshop``: 30 participants who
   answered the survey, a 40-node map, 8 priority areas x 3 objectives x 5 steps).
2. Queries per request of each key page, in a small workshop of the same shape (6 people, 10
   nodes, 2 x 1 x 2 steps) and in a full one: a page whose count grows with the data fails.
3. gunicorn with several workers on 127.0.0.1; each key page under ``--clients`` concurrent
   clients (wrk) for ``--seconds``: median and p95 latency and throughput, next to a bare view
   of ours measured in the same run (the ratio is our own cost).
4. The large plan's PDF render and a cached PDF download; 30 participants autosaving at once,
   every acknowledged answer checked against the database.

It prints a table with each target and exits 1 when one is missed; the figures also go to
``bench-results.json``. The PDF render targets are the ones of ``scripts/bench.py``.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_http import Phone, autosave, load_page, lost_answers
from harness import ROOT, django_env, fresh_database, serve, sign_in, start_django

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/socplan_bench"
PORT = 8767
P95_TARGET_MS = 150
SURVEY_SHARE_TARGET = 0.15  # of the bare view's throughput
PDF_TARGET_S = 1.5
DOWNLOAD_TARGET_S = 0.050


@dataclass
class Page:
    name: str
    path: str
    who: str  # "participant", "facilitator" or "reviewer"


@dataclass
class Row:
    name: str
    queries_small: int | None = None
    queries_large: int | None = None
    median_ms: float | None = None
    p95_ms: float | None = None
    throughput: float | None = None
    errors: int = 0
    share_of_bare: float | None = None
    alone_ms: float | None = None  # median with one client at a time
    render_ms: float | None = None  # rendered without the page cache (in this process)
    queries_cached: int | None = None  # served from the page cache
    verdict: str = ""


def pages_of(small, large, state: str) -> list[tuple[Page, Page]]:
    """Each key page in the small (demo) and in a full workshop."""

    def both(name: str, path: str, who: str) -> tuple[Page, Page]:
        return (
            Page(name, path.format(code=small.code, state=state), who),
            Page(name, path.format(code=large.code, state=state), who),
        )

    return [
        both("survey section", "/w/{code}/survey/2/", "participant"),
        both("results", "/w/{code}/results/", "facilitator"),
        both("map", "/w/{code}/map/", "facilitator"),
        both("voting tally", "/w/{code}/voting/", "participant"),
        both("plan outline", "/w/{code}/plan/", "facilitator"),
        both("workshop dashboard", "/w/{code}/", "facilitator"),
        both("state dashboard", "/state/{state}/", "reviewer"),
    ]


def people_of(workshop, reviewer) -> dict[str, dict[str, str]]:
    from workshops.models import Membership

    members = workshop.memberships.select_related("user")
    participant = members.filter(role=Membership.Role.PARTICIPANT).order_by("pk").first()
    facilitator = members.filter(role=Membership.Role.FACILITATOR).first()
    return {
        "participant": sign_in(participant.user, workshop),
        "facilitator": sign_in(facilitator.user, workshop),
        "reviewer": sign_in(reviewer, workshop),
    }


def bench_client(signed_in: dict[str, str]):
    from django.test import Client

    client = Client(SERVER_NAME="127.0.0.1")
    client.cookies["sessionid"] = signed_in["session"]
    client.cookies["csrftoken"] = signed_in["csrf"]
    return client


def counted(client, path: str) -> int:
    """Queries of one request (the ATOMIC_REQUESTS savepoints left out)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code} to the query count")
    return sum(1 for q in captured.captured_queries if "SAVEPOINT" not in q["sql"])


@contextmanager
def page_cache_off():
    from django.conf import settings

    keep = settings.PAGE_CACHE_SECONDS
    settings.PAGE_CACHE_SECONDS = 0
    try:
        yield
    finally:
        settings.PAGE_CACHE_SECONDS = keep


def queries_of(path: str, signed_in: dict[str, str]) -> int:
    """Queries of one request rendered afresh (page cache off), after a warm-up."""
    client = bench_client(signed_in)
    with page_cache_off():
        client.get(path)
        return counted(client, path)


def page_costs(path: str, signed_in: dict[str, str]) -> tuple[int, int, float]:
    """The page rendered without the page cache: its queries and median time of 5 (in this
    process, after a warm-up); then its queries when the page cache serves it."""
    from django.core.cache import caches

    client = bench_client(signed_in)
    with page_cache_off():
        client.get(path)
        rendered = counted(client, path)
        times = []
        for _ in range(5):
            started = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - started) * 1000)
    caches["pages"].clear()
    client.get(path)  # kept
    return rendered, counted(client, path), statistics.median(times)


def cookie(signed_in: dict[str, str]) -> str:
    return f"sessionid={signed_in['session']}; csrftoken={signed_in['csrf']}"


def seed(counties: int) -> tuple:
    from io import StringIO

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from actionplans.benchdata import SMALL, large_plan_workshop
    from workshops.benchdata import state_bench
    from workshops.models import County, Workshop

    started = time.monotonic()
    call_command("seed_demo", stdout=StringIO())
    state_bench("NY", cycles=3, counties=counties)
    year = timezone.localdate().year + 1
    chosen = County.objects.filter(state__code="NY").order_by("name")[:counties]
    full = [large_plan_workshop(c.name, "Full bench workshop", year) for c in chosen]
    # The same shape, smaller: a page whose queries differ between the two grows with the data.
    small = large_plan_workshop(chosen[0].name, "Small bench workshop", year, SMALL)
    seconds = time.monotonic() - started
    reviewer = get_user_model().objects.get(username="reviewer")
    print(
        f"Seeded in {seconds:.0f} s: {Workshop.objects.count()} workshops in "
        f"{len(chosen)} counties (the demo, 3 earlier cycles, a full current one each)."
    )
    return small, full[0], reviewer


def pdf_figures(large) -> tuple[list[float], object]:
    """Median of 5 renders of the full workshop's plan, and a cached download's median."""
    from django.conf import settings

    from actionplans import plans
    from actionplans.pdf import render_plan_pdf

    plan = plans.current_plan(large)
    render_plan_pdf(plan)  # the first render loads fonts
    times = []
    for _ in range(5):
        started = time.perf_counter()
        render_plan_pdf(plan, time_limit=settings.PDF_RENDER_TIME_LIMIT)
        times.append(time.perf_counter() - started)
    return times, plan


def stored_download(plan) -> str:
    from actionplans import documents
    from actionplans.models import PlanDocument
    from actionplans.pdf import render_plan_pdf

    rendered = render_plan_pdf(plan)
    document = PlanDocument.objects.create(
        plan=plan, content_at=plan.changed_at, status=PlanDocument.Status.READY,
        pdf=rendered.pdf, pages=rendered.pages, size=len(rendered.pdf),
    )  # fmt: skip
    from django.urls import reverse

    return reverse(
        "actionplans:pdf_download",
        args=[plan.workshop.code, document.pk, documents.filename(document)],
    )


def settle(seconds: float = 180) -> None:
    """Waits until gunicorn has worked off what the last run left queued (a slow page's
    clients leave requests behind when wrk stops)."""
    import http.client

    until = time.monotonic() + seconds
    while time.monotonic() < until:
        started = time.perf_counter()
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=seconds)
            connection.request("GET", "/bench/bare/")
            connection.getresponse().read()
            connection.close()
        except OSError:
            pass
        if time.perf_counter() - started < 0.1:
            return
        time.sleep(0.5)


def download_times(path: str, signed_in: dict[str, str], runs: int = 20) -> list[float]:
    import http.client

    times = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        connection.request("GET", path, headers={"Cookie": cookie(signed_in)})
        response = connection.getresponse()
        body = response.read()
        if response.status != 200 or not body.startswith(b"%PDF"):
            raise SystemExit(f"The PDF download answered {response.status}")
        times.append(time.perf_counter() - started)
        connection.close()
    return times[1:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--counties", type=int, default=62)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()
    began = time.monotonic()
    env = django_env(args.database_url, BENCH_VIEW="true")
    fresh_database(args.database_url)
    start_django(env)
    from django.db import connection, connections

    small, large, reviewer = seed(args.counties)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    small_people, large_people = people_of(small, reviewer), people_of(large, reviewer)
    rows: list[Row] = []
    pairs = pages_of(small, large, "NY")
    for small_page, large_page in pairs:
        rendered, cached, render_ms = page_costs(large_page.path, large_people[large_page.who])
        rows.append(
            Row(
                small_page.name,
                queries_of(small_page.path, small_people[small_page.who]),
                rendered,
                render_ms=render_ms,
                queries_cached=cached,
            )
        )
    times, plan = pdf_figures(large)
    download_path = stored_download(plan)
    phones = autosave_phones(large)
    connections.close_all()

    log = Path(tempfile.mkdtemp(prefix="socplan-bench-")) / "gunicorn.log"
    server = serve(env, PORT, args.web_workers, log)
    base = f"http://127.0.0.1:{PORT}"
    try:
        measure = {"clients": args.clients, "seconds": args.seconds}
        load_page(base, "/bench/bare/", "", clients=args.clients, seconds=2)  # warm-up
        bare = load_page(base, "/bench/bare/", "", **measure)
        bare_row = Row("bare view (yardstick)", None, None, bare.median_ms, bare.p95_ms,
                       bare.throughput, bare.errors)  # fmt: skip
        for row, (_small_page, page) in zip(rows, pairs, strict=True):
            settle()
            who = cookie(large_people[page.who])
            load_page(base, page.path, who, clients=args.clients, seconds=2)  # warm-up
            found = load_page(base, page.path, who, **measure)
            row.median_ms, row.p95_ms = found.median_ms, found.p95_ms
            row.throughput, row.errors = found.throughput, found.errors
            row.share_of_bare = found.throughput / bare.throughput
            settle()
            alone = load_page(base, page.path, who, clients=1, seconds=3, threads=1)
            row.alone_ms = alone.median_ms
        settle()
        downloads = download_times(download_path, large_people["facilitator"])
        settle()
        elapsed = autosave("127.0.0.1", PORT, phones, 10)
    finally:
        server.terminate()
        server.wait(timeout=30)
    lost = lost_answers(phones)
    return report(rows, bare_row, times, downloads, phones, elapsed, lost, began)


def autosave_phones(workshop) -> list[Phone]:
    from assessments.models import Question
    from workshops.models import Membership, System

    sys.path.insert(0, str(Path(__file__).resolve().parent / "load"))
    import world

    systems = list(System.objects.order_by("order", "name"))
    instrument = workshop.survey.instrument_id
    fields = [f["name"] for f in world.answer_fields(Question, instrument, systems)
              if f["kind"] == "scale"]  # fmt: skip
    workshop.survey.closed_at = None  # the survey may have been closed for the workshop
    workshop.survey.save()
    members = workshop.memberships.filter(role=Membership.Role.PARTICIPANT).select_related("user")
    return [
        Phone(member.user_id, str(workshop.code), **sign_in(member.user, workshop), fields=fields)
        for member in members[:30]
    ]


def report(rows, bare_row, times, downloads, phones, elapsed, lost, began) -> int:
    failed = []
    print(f"\n{'page':<22}{'queries':>12}{'render ms':>10}{'cached q':>9}{'alone ms':>10}"
          f"{'median ms':>11}{'p95 ms':>9}{'req/s':>8}{'of bare':>9}  verdict")  # fmt: skip
    print(f"{bare_row.name:<22}{'':>12}{'':>10}{'':>9}{'':>10}{bare_row.median_ms:>11.1f}"
          f"{bare_row.p95_ms:>9.1f}{bare_row.throughput:>8.0f}{'100%':>9}")  # fmt: skip
    for row in rows:
        problems = []
        if row.queries_small != row.queries_large:
            problems.append("queries grow with the data")
        if row.p95_ms > P95_TARGET_MS:
            problems.append(f"p95 over {P95_TARGET_MS} ms")
        if row.errors:
            problems.append(f"{row.errors} errors")
        if not row.throughput:
            problems.append("no request completed")
        if row.name == "survey section" and row.share_of_bare < SURVEY_SHARE_TARGET:
            problems.append(f"under {SURVEY_SHARE_TARGET:.0%} of the bare view")
        row.verdict = "; ".join(problems) or "ok"
        failed += [f"{row.name}: {p}" for p in problems]
        queries = f"{row.queries_small} / {row.queries_large}"
        print(f"{row.name:<22}{queries:>12}{row.render_ms:>10.1f}{row.queries_cached:>9}"
              f"{row.alone_ms:>10.1f}{row.median_ms:>11.1f}"
              f"{row.p95_ms:>9.1f}{row.throughput:>8.0f}{row.share_of_bare:>9.0%}"
              f"  {row.verdict}")  # fmt: skip
    print("(queries: rendered afresh, in a small workshop / in a full one; render ms: the full")
    print(" one rendered afresh, in this process; cached q: its queries when the page cache")
    print(" serves it; alone: one client at a time; the other figures: 30 clients at once on")
    print(" each page, served by gunicorn with the page cache on)")

    render = statistics.median(times)
    download = statistics.median(downloads)
    answers = sum(len(phone.latencies) for phone in phones)
    latencies = sorted(t for phone in phones for t in phone.latencies)
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0
    failures = sum(phone.failures for phone in phones)
    print(f"\nPDF of the full plan (8x3x5, 40 nodes, 30 people): median {render:.2f} s of 5 "
          f"(min {min(times):.2f}); target < {PDF_TARGET_S} s")  # fmt: skip
    print(f"Cached PDF download: median {download * 1000:.1f} ms of {len(downloads)}; "
          f"target < {DOWNLOAD_TARGET_S * 1000:.0f} ms")  # fmt: skip
    print(f"Autosave, {len(phones)} participants at once for {elapsed:.0f} s: {answers} answers "
          f"({answers / elapsed:.0f}/s), p95 {p95 * 1000:.0f} ms, {failures} refused, "
          f"{lost} lost (target 0)")  # fmt: skip
    if render >= PDF_TARGET_S:
        failed.append(f"PDF render {render:.2f} s")
    if download >= DOWNLOAD_TARGET_S:
        failed.append(f"PDF download {download * 1000:.0f} ms")
    if lost or failures:
        failed.append(f"autosave: {lost} lost, {failures} refused")
    results = {
        "pages": [asdict(row) for row in [bare_row, *rows]],
        "pdf_render_s": times,
        "pdf_download_s": downloads,
        "autosave": {
            "answers": answers,
            "seconds": elapsed,
            "p95_s": p95,
            "lost": lost,
            "refused": failures,
        },
        "failed": failed,
        "minutes": (time.monotonic() - began) / 60,
    }
    (ROOT / "bench-results.json").write_text(json.dumps(results, indent=2))
    print(f"\nThe whole run took {(time.monotonic() - began) / 60:.1f} minutes.")
    if failed:
        print("Missed: " + "; ".join(failed))
        return 1
    print("Every target met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
