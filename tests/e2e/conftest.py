"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Playwright's own browser download is not used: tests launch the system Chromium
(``/usr/bin/chromium``, or ``CHROMIUM_PATH``). Without it the tests are skipped, except in CI
(``CI=true``), where they fail.

Two consequences of Playwright's sync API, which keeps an asyncio loop marked as running in the
test thread from its start to the end of the session:

- Django refuses ORM calls from that thread (SynchronousOnlyOperation) unless
  DJANGO_ALLOW_ASYNC_UNSAFE is set; it is set below, for the whole process (and inherited by
  subprocesses: a test running ``manage.py check --deploy`` must drop it, see async.E001).
- Django's connection handler then keeps connections per context instead of per thread, so the
  connection pytest-django serialized the reference data on is no longer the one tests see and
  ``serialized_rollback`` silently restores nothing after a browser test's flush. The
  fixtures and hook below restore those rows (states, counties, systems of the data
  migrations) themselves, before each browser test and after its flush.
"""

import os
import threading
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from playwright.sync_api import expect

from tests.conftest import restore_reference_rows

# Playwright's sync API runs an asyncio loop in the test thread; without this, every ORM call
# made by a test (creating its data, checking the result) raises SynchronousOnlyOperation.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

E2E_DIR = Path(__file__).resolve().parent
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
IN_CI = os.environ.get("CI", "").strip().lower() == "true"
MISSING_CHROMIUM = (
    f"Chromium not found at {CHROMIUM_PATH}: install Debian's chromium "
    "(apt-get install -y chromium) or set CHROMIUM_PATH"
)


def chromium_available() -> bool:
    return os.access(CHROMIUM_PATH, os.X_OK)


def pytest_collection_modifyitems(config, items):
    """Mark the browser tests e2e; skip them (outside CI) when there is no Chromium."""
    e2e_items = [item for item in items if is_e2e(item)]
    missing = not chromium_available()
    for item in e2e_items:
        item.add_marker(pytest.mark.e2e)
        if missing and not IN_CI:
            item.add_marker(pytest.mark.skip(reason=MISSING_CHROMIUM))


@pytest.fixture(scope="session", autouse=True)
def _require_chromium():
    """In CI a missing Chromium is an error of the machine, not a reason to skip."""
    if not chromium_available():
        if IN_CI:
            pytest.fail(f"{MISSING_CHROMIUM} (CI=true requires the browser tests)", pytrace=False)
        pytest.skip(MISSING_CHROMIUM)


REFERENCE_SNAPSHOT = pytest.StashKey[str]()


def is_e2e(item) -> bool:
    return E2E_DIR in Path(item.path).resolve().parents


@pytest.fixture(scope="session", autouse=True)
def _reference_snapshot(request, django_db_setup, django_db_blocker):
    """The rows the migrations created, taken before Playwright starts (autouse goes first)."""
    from django.db import connection

    with django_db_blocker.unblock():
        snapshot = getattr(connection, "_test_serialized_contents", None)
        snapshot = snapshot or connection.creation.serialize_db_to_string()
    request.config.stash[REFERENCE_SNAPSHOT] = snapshot
    yield snapshot
    with django_db_blocker.unblock():
        close_stray_connections()


def close_stray_connections() -> None:
    """End the connection the Playwright context left open, so the test database can be dropped.

    It belongs to a context this thread can no longer reach, so PostgreSQL is asked to end it.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
    connection.close()


@pytest.fixture(autouse=True)
def _reference_data(transactional_db, _reference_snapshot) -> None:
    """Each browser test starts with the reference data, whatever flushed the database before."""
    restore_reference_rows(_reference_snapshot)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a browser test's flush, leave the reference data for the tests that follow."""
    result = yield
    snapshot = item.config.stash.get(REFERENCE_SNAPSHOT, None)
    if nextitem is not None and snapshot and is_e2e(item):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            restore_reference_rows(snapshot)
    return result


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM_PATH,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    """Relative URLs in page.goto() go to this worker's live server (its own free port)."""
    return live_server.url


@pytest.fixture
def a11y():
    """``a11y(page)``: fail on serious or critical WCAG 2.1 AA violations of the page."""
    from tests.e2e.a11y import assert_accessible

    return assert_accessible


class OneRequestAtATimeServer(ThreadedWSGIServer):
    """The live server, answering one request at a time when it shares SQLite's connection.

    On SQLite the test database lives in memory and the live server's request threads all use
    the test's one connection. With ATOMIC_REQUESTS, two requests at once (pages polling, a
    form posted meanwhile) both open a transaction on it: "cannot start a transaction within a
    transaction", a 500. The lock is held while Django handles a request, not while a browser
    keeps its connection open. PostgreSQL gives each thread its own connection: no lock.
    """

    def set_app(self, application):
        if not self.connections_override:
            return super().set_app(application)
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                return application(environ, start_response)

        return super().set_app(one_at_a_time)


@pytest.fixture(scope="session", autouse=True)
def _one_request_at_a_time():
    """Before the live server starts (autouse goes first): see OneRequestAtATimeServer."""
    from django.test.testcases import LiveServerThread

    original = LiveServerThread.server_class
    LiveServerThread.server_class = OneRequestAtATimeServer
    yield
    LiveServerThread.server_class = original


@pytest.fixture(autouse=True)
def _patient_expect():
    """Generous waits for htmx answers in every journey (an expect never sleeps longer than it
    must): CI machines and a developer's busy laptop answer slower than Playwright's 5 s."""
    expect.set_options(timeout=10_000)
    yield
    expect.set_options(timeout=5000)
