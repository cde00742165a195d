"""The benchmark: how fast socplan makes and serves what people wait for. Run: `make bench`.

It builds its own throwaway SQLite database in a temporary folder (never the development
database, whatever DATABASE_URL says), loads the demo county and a large workshop, then runs
each measurement of ``MEASUREMENTS``: a name, how many runs, a target for the median, and a
function timed once per run. It prints a table and exits 1 when a measurement misses its target.
The targets are on wall-clock time (what people wait); the table also shows the process's own
CPU time, which tells a slow render from a busy machine.

Add a measurement: write a function of the ``Bench`` it runs in and append a ``Measurement``.
"""

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_django(folder: Path) -> None:
    """Django on a new SQLite file in ``folder``, migrated."""
    os.environ.pop("DATABASE_URL", None)
    os.environ["SQLITE_PATH"] = str(folder / "bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socplan.settings")
    os.environ["DJANGO_ENV"] = "development"
    os.environ["DEBUG"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


@dataclass
class Bench:
    """What the measurements work on, built once."""

    demo_plan: object
    large_plan: object
    client: object  # Django's test client, signed in to the demo workshop
    download_url: str
    download_size: int


def build() -> Bench:
    from io import StringIO

    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from actionplans import documents, plans
    from actionplans.benchdata import large_plan_workshop
    from actionplans.models import PlanDocument
    from actionplans.pdf import render_plan_pdf
    from workshops.models import Membership, Workshop

    call_command("seed_demo", stdout=StringIO())
    demo = Workshop.objects.get(county__name="Tompkins", cycle=2026)
    demo_plan = plans.current_plan(demo)
    large_plan = plans.current_plan(large_plan_workshop())

    # A stored PDF to download, as the task would have left it.
    rendered = render_plan_pdf(demo_plan)
    document = PlanDocument.objects.create(
        plan=demo_plan,
        content_at=demo_plan.changed_at,
        status=PlanDocument.Status.READY,
        pdf=rendered.pdf,
        pages=rendered.pages,
        size=len(rendered.pdf),
    )
    client = Client()
    client.force_login(demo.memberships.filter(role=Membership.Role.FACILITATOR).first().user)
    url = reverse(
        "actionplans:pdf_download",
        args=[demo.code, document.pk, documents.filename(document)],
    )
    return Bench(demo_plan, large_plan, client, url, len(rendered.pdf))


# --- the measurements -------------------------------------------------------------------------


def render(plan_of: Callable[[Bench], object]) -> Callable[[Bench], None]:
    def run(bench: Bench) -> None:
        from django.conf import settings

        from actionplans.pdf import render_plan_pdf

        render_plan_pdf(plan_of(bench), time_limit=settings.PDF_RENDER_TIME_LIMIT)

    return run


def download(bench: Bench) -> None:
    response = bench.client.get(bench.download_url)
    if response.status_code != 200 or len(response.content) != bench.download_size:
        raise RuntimeError(f"the download answered {response.status_code}")


@dataclass(frozen=True)
class Measurement:
    name: str
    run: Callable[[Bench], None]
    runs: int
    target: float | None  # seconds, for the median; None: reported only
    warmup: int = 1  # runs before the timed ones (the first render loads fonts)


MEASUREMENTS = [
    Measurement("PDF render: demo plan (Tompkins)", render(lambda b: b.demo_plan), 5, 1.5),
    Measurement("PDF render: large plan (8x3x5, 40 nodes, 30 people)",
                render(lambda b: b.large_plan), 5, 1.5),
    Measurement("cached PDF download (signed in)", download, 20, 0.050),
]  # fmt: skip


# --- running and reporting ----------------------------------------------------------------------


@dataclass
class Result:
    measurement: Measurement
    times: list[float] = field(default_factory=list)  # wall-clock seconds, what the target is on
    cpu: list[float] = field(default_factory=list)  # this process's CPU seconds in the same runs
    first: float = 0.0  # the first (cold) run, not counted

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)

    @property
    def passed(self) -> bool | None:
        target = self.measurement.target
        return None if target is None else self.median < target


def measure(bench: Bench, measurement: Measurement) -> Result:
    result = Result(measurement)
    for n in range(measurement.warmup + measurement.runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        measurement.run(bench)
        took = time.perf_counter() - started
        if n == 0:
            result.first = took
        if n >= measurement.warmup:
            result.times.append(took)
            result.cpu.append(time.process_time() - cpu_started)
    return result


def shown(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def report(results: list[Result]) -> str:
    rows = [("measurement", "runs", "min", "median", "cpu", "first", "target", "result")]
    for r in results:
        target = r.measurement.target
        verdict = {True: "PASS", False: "FAIL", None: "-"}[r.passed]
        rows.append(
            (
                r.measurement.name,
                str(len(r.times)),
                shown(min(r.times)),
                shown(r.median),
                shown(r.cpu_median),
                shown(r.first),
                f"< {shown(target)}" if target is not None else "-",
                verdict,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="socplan-bench-") as folder:
        started = time.perf_counter()
        start_django(Path(folder))
        bench = build()
        print(f"Built the demo and the large plan in {time.perf_counter() - started:.1f} s.")
        load = os.getloadavg()[0]
        results = [measure(bench, m) for m in MEASUREMENTS]
        print("Medians against the targets; the first run of each is a warm-up, shown apart.")
        print(report(results))
        load = max(load, os.getloadavg()[0])
        if load > (os.cpu_count() or 1):
            print(
                f"Note: the machine was busy (load average {load:.1f} on {os.cpu_count()} CPUs): "
                "the wall-clock times wait for other work; the cpu column is this process's own."
            )
        from django.db import connections

        connections.close_all()
    failed = [r.measurement.name for r in results if r.passed is False]
    if failed:
        print(f"FAIL: {', '.join(failed)}")
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
