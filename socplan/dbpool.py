"""The check the PostgreSQL pool runs on a connection before handing it out (``settings``).

After a database restart every pooled connection is dead; a request that met one would fail.
psycopg's own check (``ConnectionPool.check_connection``) sends an empty statement each time, a
round trip on every request. Here a connection is only tried that way when its socket has
something to read while it sits idle in the pool: the server's goodbye ("terminating
connection") or the end of the stream, which is how a restart or a killed server shows. A
healthy idle connection has nothing to read, and costs a poll of its socket, no round trip.
"""

import select

from psycopg_pool import ConnectionPool


def check_connection(conn) -> None:
    """Raise if ``conn`` is dead (the pool then throws it away and takes another)."""
    if conn.closed or conn.broken:
        raise ConnectionError("The connection is closed.")
    readable, _, _ = select.select([conn.pgconn.socket], [], [], 0)
    if readable:
        ConnectionPool.check_connection(conn)
