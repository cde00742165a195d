"""Fault tests: the app under gunicorn and PostgreSQL when things break.

    python scripts/faults/run.py [--only restart|worker|web|restore]

1. ``restart``: PostgreSQL stops during a live session. Requests get "503, try again" (with
   Retry-After) and the health check says unavailable; once it is back, the same gunicorn
   answers again without a restart, and only what was acknowledged is stored.
2. ``worker``: the PDF worker is killed (SIGKILL) in the middle of a render. The document is
   shown as failed once its deadline passes, asking again queues a new attempt, and a new
   worker makes it.
3. ``web``: a web worker is killed (SIGKILL) in the middle of a request that writes in several
   steps (merging two gaps, held half-way by a row lock). Nothing of it is stored; the same
   request afterwards does all of it.
4. ``restore``: a dump of the database (pg_dump) restored into a fresh database (pg_restore)
   serves the same workshop to the same signed-in participant.

It uses its own database (``socplan_faults``), stops and starts the local PostgreSQL cluster
(``pg_ctlcluster``), so run it when nothing else needs the server; exits 1 on any failed check.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "load"))

from harness import BIN, ROOT, django_env, fresh_database, headers, serve, sign_in, start_django

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/socplan_faults"
PORT = 8766
DEADLINE_SECONDS = 20  # the PDF deadline for this run (a killed render shows failed after it)


@dataclass
class Check:
    scenario: str
    what: str
    passed: bool
    detail: str = ""


CHECKS: list[Check] = []


def check(scenario: str, what: str, passed: bool, detail: str = "") -> None:
    CHECKS.append(Check(scenario, what, bool(passed), detail))
    print(f"  [{'ok' if passed else 'FAILED'}] {what}{f' ({detail})' if detail else ''}")


def request(method: str, url: str, signed_in=None, data=None, htmx=True):
    """(status, headers, body) of one request; never raises for an HTTP status."""
    body = urlencode(data).encode() if data is not None else None
    sent = urllib.request.Request(
        f"http://127.0.0.1:{PORT}{url}",
        data=body,
        method=method,
        headers=headers(signed_in, htmx) if signed_in else {},
    )
    if body is not None:
        sent.add_header("Content-Type", "application/x-www-form-urlencoded")
    opener = urllib.request.build_opener(NoRedirects)
    try:
        with opener.open(sent, timeout=30) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# --- 1. PostgreSQL restarted ------------------------------------------------------------------


def cluster(action: str) -> None:
    version, name = subprocess.run(
        ["/usr/bin/pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True
    ).stdout.split()[:2]
    subprocess.run(  # noqa: S603 - fixed arguments
        ["/usr/bin/pg_ctlcluster", "--skip-systemctl-redirect", version, name, action]
        + (["-m", "fast"] if action == "stop" else []),
        check=True,
        capture_output=True,
    )


def database_restart(env, folder: Path) -> None:
    """PostgreSQL stops during a live session and comes back."""
    import world
    from django.db import connection, connections

    from assessments.models import Answer, Question
    from workshops.models import Membership, Workshop

    if not Path("/usr/bin/pg_ctlcluster").exists():
        check("restart", "a local PostgreSQL cluster to restart (pg_ctlcluster)",
              os.environ.get("CI") != "true", "none here: skipped")  # fmt: skip
        return
    world.build(1, 3)
    workshop = Workshop.objects.get(title=world.WORKSHOP_TITLE)
    membership = workshop.memberships.filter(role=Membership.Role.PARTICIPANT).first()
    person = sign_in(membership.user, workshop)
    fields = world.answer_fields(Question, workshop.survey.instrument_id, [])
    field = next(f["name"] for f in fields if f["kind"] == "scale")
    answer_url = f"/w/{workshop.code}/survey/answer/"
    connections.close_all()

    server = serve(env, PORT, 2, folder / "gunicorn-restart.log")
    workers_before = children(server.pid)
    try:
        status, _, _ = request("POST", answer_url, person, {field: "2"})
        check("restart", "an answer is saved before the restart", status == 200, f"{status}")
        cluster("stop")
        try:
            status, answer_headers, body = request("POST", answer_url, person, {field: "3"})
            check(
                "restart",
                "while the database is down, an answer gets 503 with Retry-After",
                status == 503 and "Retry-After" in answer_headers,
                f"{status}, Retry-After {answer_headers.get('Retry-After')}",
            )
            check("restart", "the 503 page says to try again", b"Try again" in body)
            status, _, _ = request("GET", "/health/")
            check("restart", "the health check answers 503", status == 503, f"{status}")
        finally:
            cluster("start")
        started = time.monotonic()
        status = None
        attempts = 0
        while time.monotonic() - started < 30:
            attempts += 1
            status, _, _ = request("POST", answer_url, person, {field: "4"})
            if status == 200:
                break
            time.sleep(0.5)
        check(
            "restart",
            "after the restart the same gunicorn saves again",
            status == 200 and server.poll() is None,
            f"{attempts} attempt(s), {time.monotonic() - started:.1f} s after the start",
        )
        check(
            "restart",
            "its workers were not restarted",
            children(server.pid) == workers_before,
            f"workers {sorted(workers_before)}",
        )
        # Every worker's pooled connections died with the server: none may fail a request.
        statuses = [request("GET", "/health/")[0] for _ in range(12)]
        check(
            "restart",
            "the health check answers 200 again, every time",
            set(statuses) == {200},
            f"{statuses}",
        )
        # This process's own pooled connections died with the server: start a fresh pool.
        connection.close_pool()
        stored = Answer.objects.filter(response__membership=membership).values_list(
            "value_int", flat=True
        )
        check("restart", "the stored answer is the last acknowledged one", list(stored) == [4],
              f"stored {list(stored)}")  # fmt: skip
    finally:
        stop(server)


# --- 2. the PDF worker killed mid-render ------------------------------------------------------


def worker_killed(env, folder: Path) -> None:
    """The PDF worker is killed in the middle of a render."""
    from actionplans import documents, plans
    from actionplans.benchdata import large_plan_workshop
    from actionplans.models import PlanDocument

    plan = plans.current_plan(large_plan_workshop(county="Erie", title="Fault test plan"))
    document = documents.request(plan, None)
    worker = start_worker(env, folder / "worker-1.log")
    try:
        rendering = wait_for(
            lambda: (
                PlanDocument.objects.get(pk=document.pk).status == PlanDocument.Status.RENDERING
            ),
            60,
        )
        check("worker", "the worker starts rendering", rendering)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        time.sleep(1)
        document.refresh_from_db()
        check(
            "worker",
            "killed mid-render, the document is left 'being made'",
            document.status == PlanDocument.Status.RENDERING,
            document.status,
        )
        state = documents.pdf_state(plan, "en")
        check("worker", "before its deadline the page shows it in progress", state.in_progress)
        time.sleep(DEADLINE_SECONDS + 1)
        state = documents.pdf_state(plan, "en")
        check("worker", "past its deadline the page shows it failed", state.failed, state.state)
    finally:
        stop(worker)
    again = documents.request(plan, None)
    check(
        "worker",
        "asking again queues the document anew",
        again.status == PlanDocument.Status.QUEUED,
        f"document {again.pk} ({'the same' if again.pk == document.pk else 'a new'} one), "
        f"{again.status}",
    )
    worker = start_worker(env, folder / "worker-2.log")
    try:
        ready = wait_for(
            lambda: PlanDocument.objects.get(pk=again.pk).status == PlanDocument.Status.READY,
            120,
        )
        again.refresh_from_db()
        check(
            "worker",
            "a new worker makes it",
            ready and bytes(again.pdf or b"").startswith(b"%PDF"),
            f"{again.status}, attempt {again.attempts}, {again.pages} pages",
        )
    finally:
        stop(worker)


def start_worker(env, log_file: Path) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own manage.py, fixed arguments
        [str(BIN / "python"), "manage.py", "db_worker", "--no-reload", "--interval", "0.2"],
        env={**os.environ, **env},
        cwd=ROOT,
        stdout=log_file.open("w"),
        stderr=subprocess.STDOUT,
    )


# --- 3. a web worker killed mid-request -------------------------------------------------------


def web_worker_killed(env, folder: Path) -> None:
    """A web worker is killed in the middle of a request that writes in several steps."""
    import psycopg
    import world
    from django.contrib.auth import get_user_model
    from django.db import connection, connections

    from actionplans import voting
    from actionplans.models import Dot, Gap
    from workshops.models import Membership, System, Workshop

    if not Workshop.objects.filter(title=world.WORKSHOP_TITLE).exists():
        world.build(1, 3)
    workshop = Workshop.objects.get(title=world.WORKSHOP_TITLE)
    boss = get_user_model().objects.create_user("fault-facilitator", password=None)
    Membership.objects.create(workshop=workshop, user=boss, role=Membership.Role.FACILITATOR)
    duplicate = Gap.objects.create(workshop=workshop, title="Kids wait for crisis help")
    kept = Gap.objects.create(workshop=workshop, title="Crisis services for youth")
    duplicate.systems.set(System.objects.order_by("order")[:2])
    for membership in workshop.memberships.filter(role=Membership.Role.PARTICIPANT)[:2]:
        voting.place_dot(workshop, membership, duplicate)
    facilitator = sign_in(boss, workshop)
    dot = Dot.objects.filter(gap=duplicate).first()
    database = connection.settings_dict["NAME"]
    connections.close_all()

    server = serve(env, PORT, 1, folder / "gunicorn-web.log")
    holder = psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{database}")
    observer = psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{database}", autocommit=True)
    try:
        holder.execute("SELECT id FROM actionplans_dot WHERE id = %s FOR UPDATE", [dot.pk])
        merge_url = f"/w/{workshop.code}/gaps/{duplicate.pk}/merge/"
        outcome = {}

        def merge() -> None:
            try:
                outcome["answer"] = request(
                    "POST", merge_url, facilitator, {"kept": kept.pk}, htmx=False
                )
            except OSError as error:  # the worker died: the connection closed unanswered
                outcome["answer"] = (type(error).__name__, {}, b"")

        thread = threading.Thread(target=merge, daemon=True)
        thread.start()
        blocked = wait_for(lambda: waiting_on_lock(observer), 30)
        check("web", "the merge request is held half-way (moved systems, waiting on the dots)",
              blocked)  # fmt: skip
        worker_pids = children(server.pid)
        for pid in worker_pids:
            os.kill(pid, signal.SIGKILL)
        holder.rollback()  # lets the orphaned transaction go on, to find its client gone
        thread.join(timeout=30)
        answered = outcome.get("answer", ("no answer",))[0]
        check("web", "the client got no success", isinstance(answered, str) or answered >= 500,
              str(answered))  # fmt: skip
        gone = wait_for(lambda: not waiting_on_lock(observer) and not in_transaction(observer), 30)
        check("web", "the killed request's transaction ended", gone)
        duplicate.refresh_from_db()
        systems = set(kept.systems.values_list("pk", flat=True))
        dots_on_duplicate = Dot.objects.filter(gap=duplicate).count()
        check(
            "web",
            "nothing of the half-done merge was stored",
            duplicate.merged_into_id is None and not systems and dots_on_duplicate == 2,
            f"merged_into {duplicate.merged_into_id}, kept systems {len(systems)}, "
            f"dots still on the duplicate {dots_on_duplicate}",
        )
        respawned = wait_for(lambda: len(children(server.pid)) == 1, 30)
        status, _, _ = request("POST", merge_url, facilitator, {"kept": kept.pk}, htmx=False)
        duplicate.refresh_from_db()
        check(
            "web",
            "the same request on the respawned worker does all of it",
            respawned and status == 302 and duplicate.merged_into_id == kept.pk
            and Dot.objects.filter(gap=kept).count() == 2 and kept.systems.count() == 2,
            f"{status}",
        )  # fmt: skip
    finally:
        holder.close()
        observer.close()
        stop(server)


def waiting_on_lock(observer) -> bool:
    """A backend of this database waits for a row lock (the request held half-way)."""
    row = observer.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
        "AND datname = current_database()"
    ).fetchone()
    return row[0] > 0


def in_transaction(observer) -> bool:
    """A backend of this database is still inside a transaction (the orphaned request's)."""
    row = observer.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%%' "
        "AND pid <> pg_backend_pid() AND datname = current_database()"
    ).fetchone()
    return row[0] > 0


# --- 4. backup and restore ---------------------------------------------------------------------


def backup_restore(env, folder: Path) -> None:
    """A nightly dump restored into a fresh database serves the same workshops (docs/deploy.md)."""
    import world
    from django.db import connection, connections

    from workshops.models import Membership, Workshop

    if not Workshop.objects.filter(title=world.WORKSHOP_TITLE).exists():
        world.build(1, 3)
    workshop = Workshop.objects.get(title=world.WORKSHOP_TITLE)
    membership = workshop.memberships.filter(role=Membership.Role.PARTICIPANT).first()
    person = sign_in(membership.user, workshop)
    source = env["DATABASE_URL"]
    restored = source.rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"] + "_restored"
    connections.close_all()

    dump = folder / "socplan.dump"
    started = time.monotonic()
    subprocess.run(  # noqa: S603 - fixed arguments
        ["/usr/bin/pg_dump", "--format=custom", "--no-owner", f"--file={dump}", source],
        check=True,
    )
    fresh_database(restored)
    subprocess.run(  # noqa: S603 - fixed arguments
        ["/usr/bin/pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored}", str(dump)],
        check=True,
    )
    size = dump.stat().st_size
    took = time.monotonic() - started
    check("restore", "pg_dump, then pg_restore into a fresh database", size > 0,
          f"{size // 1024} KB in {took:.1f} s")  # fmt: skip
    server = serve({**env, "DATABASE_URL": restored}, PORT, 1, folder / "gunicorn-restore.log")
    try:
        status, _, body = request("GET", f"/w/{workshop.code}/live/", person, htmx=False)
        check(
            "restore",
            "the restored database serves the workshop to the same signed-in participant",
            status == 200 and workshop.county.name.encode() in body,
            f"{status}",
        )
    finally:
        stop(server)


# --- running ------------------------------------------------------------------------------------


def children(pid: int) -> set[int]:
    found = subprocess.run(  # noqa: S603 - fixed arguments
        ["/usr/bin/pgrep", "-P", str(pid)], capture_output=True, text=True
    ).stdout.split()
    return {int(p) for p in found}


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if condition():
            return True
        time.sleep(0.1)
    return False


SCENARIOS = {
    "restart": database_restart,
    "worker": worker_killed,
    "web": web_worker_killed,
    "restore": backup_restore,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=sorted(SCENARIOS), action="append")
    parser.add_argument(
        "--database-url", default=os.environ.get("FAULTS_DATABASE_URL", DEFAULT_URL)
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="socplan-faults-"))
    env = django_env(args.database_url, PDF_RENDER_DEADLINE_SECONDS=str(DEADLINE_SECONDS))
    fresh_database(args.database_url)
    start_django(env)
    for name in args.only or list(SCENARIOS):
        print(f"== {name}: {SCENARIOS[name].__doc__}")
        SCENARIOS[name](env, folder)
    failed = [c for c in CHECKS if not c.passed]
    print(json.dumps({"checks": len(CHECKS), "failed": len(failed)}))
    print(f"Logs in {folder}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
