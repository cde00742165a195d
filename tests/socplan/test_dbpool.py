"""The pool's check (socplan.dbpool): no round trip for a healthy connection, a dead one found."""

import os
import time
from urllib.parse import urlsplit, urlunsplit

import pytest
from psycopg_pool import ConnectionPool

from socplan.dbpool import check_connection

URL = os.environ.get("DATABASE_URL", "")
pytestmark = pytest.mark.skipif(
    not URL.startswith("postgres"), reason="the pool is only used on PostgreSQL"
)
SERVER = urlunsplit(urlsplit(URL)._replace(path="/postgres"))  # any database of the server


@pytest.fixture
def connection():
    import psycopg

    with psycopg.connect(SERVER, autocommit=True) as conn:
        yield conn


@pytest.fixture
def round_trips(monkeypatch):
    """psycopg's own check, which sends an empty statement: each call is one round trip."""
    calls = []
    real = ConnectionPool.check_connection

    def tried(conn):
        calls.append(conn)
        return real(conn)

    monkeypatch.setattr(ConnectionPool, "check_connection", tried)
    return calls


def test_a_healthy_connection_passes_without_a_round_trip(connection, round_trips):
    connection.execute("SELECT 1")
    check_connection(connection)
    check_connection(connection)
    assert round_trips == []
    assert connection.execute("SELECT 1").fetchone() == (1,)


def test_a_connection_the_server_ended_is_refused(connection, round_trips):
    import psycopg

    pid = connection.info.backend_pid
    with psycopg.connect(SERVER, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    time.sleep(0.2)  # the server's goodbye reaches the socket
    with pytest.raises(psycopg.OperationalError):
        check_connection(connection)
    assert round_trips == [connection]  # tried with a round trip, which failed


def test_a_closed_connection_is_refused(connection):
    connection.close()
    with pytest.raises(ConnectionError):
        check_connection(connection)
