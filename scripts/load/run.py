"""The load test: workshops in live sessions at once, against gunicorn and PostgreSQL.

    python scripts/load/run.py [--workshops 10] [--participants 30] [--seconds 180]

It makes a fresh PostgreSQL database (``socplan_load`` on the local server unless
``--database-url`` says otherwise; never the development one), builds the world of
``world.py``, serves the app with gunicorn on 127.0.0.1 only, lets locust's simulated phones
poll the live screen and the voting board, autosave survey answers and place and take back dots
for ``--seconds``, then compares every acknowledged answer and dot with the database. It prints
a table (requests, failures, median, p95, requests per second) and the answers and votes lost,
and exits 1 on any failed request or anything lost.
"""

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import BIN, ROOT, django_env, fresh_database, lost_answers, serve, start_django

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/socplan_load"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workshops", type=int, default=10)
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--seconds", type=int, default=180)
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--database-url", default=os.environ.get("LOAD_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="socplan-load-"))
    env = django_env(args.database_url)
    fresh_database(args.database_url)
    start_django(env)
    import world

    started = time.monotonic()
    people = world.build(args.workshops, args.participants)
    (folder / "people.json").write_text(json.dumps(people))
    print(
        f"Built {args.workshops} live workshops with {len(people['people'])} signed-in "
        f"participants in {time.monotonic() - started:.1f} s."
    )
    from django.db import connections

    connections.close_all()

    server = serve(env, args.port, args.web_workers, folder / "gunicorn.log")
    try:
        users = len(people["people"])
        print(f"{users} phones for {args.seconds} s against gunicorn ({args.web_workers} workers)…")
        locust = subprocess.run(  # noqa: S603 - our own venv's locust, fixed arguments
            [
                str(BIN / "locust"), "-f", str(Path(__file__).parent / "locustfile.py"),
                "--headless", "--users", str(users), "--spawn-rate", str(max(10, users // 10)),
                "--run-time", f"{args.seconds}s", "--stop-timeout", "10",
                "--host", f"http://127.0.0.1:{args.port}", "--csv", str(folder / "load"),
                "--only-summary", "--loglevel", "WARNING",
            ],
            env={
                **os.environ,
                "LOAD_PEOPLE": str(folder / "people.json"),
                "LOAD_EXPECTED": str(folder / "expected.json"),
            },
            cwd=ROOT,
            capture_output=True,
            text=True,
        )  # fmt: skip
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    if not (folder / "expected.json").exists():
        print(locust.stdout[-3000:], locust.stderr[-3000:], sep="\n")
        print("locust did not finish: no expectations were written.")
        return 1
    failures = report(folder / "load_stats.csv")
    lost_answers, lost_votes = compare(json.loads((folder / "expected.json").read_text()))
    print(f"Answers lost: {lost_answers}. Votes lost or extra: {lost_votes}.")
    if failures or lost_answers or lost_votes:
        print((folder / "load_failures.csv").read_text()[:3000])
        return 1
    return 0


def report(stats_file: Path) -> int:
    """Prints locust's figures per kind of request; returns the number of failed requests."""
    rows = list(csv.DictReader(stats_file.open()))
    print(f"\n{'request':<22}{'count':>8}{'failed':>8}{'median ms':>11}{'p95 ms':>8}{'req/s':>8}")
    failures = 0
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "all requests"
        print(
            f"{name:<22}{row['Request Count']:>8}{row['Failure Count']:>8}"
            f"{row['Median Response Time']:>11}{row['95%']:>8}{float(row['Requests/s']):>8.1f}"
        )
        if row["Name"] == "Aggregated":
            failures = int(row["Failure Count"])
    return failures


def compare(expected: list[dict]) -> tuple[int, int]:
    """What the phones were told was saved, against the database: (answers lost, votes off)."""
    from collections import Counter

    from actionplans.models import Dot

    users = [person["user"] for person in expected]
    lost = lost_answers({person["user"]: person["answers"] for person in expected})
    dots = Counter(
        Dot.objects.filter(membership__user_id__in=users).values_list(
            "membership__user_id", "gap_id"
        )
    )
    lost_votes = 0
    for person in expected:
        wanted = {int(gap): n for gap, n in person["dots"].items()}
        held = {gap: n for (user, gap), n in dots.items() if user == person["user"]}
        lost_votes += sum(abs(wanted.get(g, 0) - held.get(g, 0)) for g in set(wanted) | set(held))
    return lost, lost_votes


if __name__ == "__main__":
    sys.exit(main())
