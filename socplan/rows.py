"""Model instances from hand-written SQL, for the few queries every request makes.

A page served from the page cache (``workshops.pagecache``) reads three rows: the session, the
user and the caller's membership of the workshop. Through the ORM, building and compiling
those three queries took longer than the database took to answer them (about 3 ms of a
cached page's 8 ms on the benchmark's machine); written out once here, they are sent as they
are. ``Columns`` makes the SELECT list of a model's columns and turns a row back into an
instance exactly as the ORM would: the same database converters, then ``Model.from_db``.
"""

from collections.abc import Callable
from functools import cached_property

from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper

Connection = BaseDatabaseWrapper
_made: dict[tuple[Callable, str], str] = {}  # each query's SQL, by its maker and database vendor


def fetch_one(
    model: type[models.Model],
    make_sql: Callable[[Connection], str],
    make_params: Callable[[Connection], list],
) -> tuple[Connection, tuple | None]:
    """The first row of a hand-written query on ``model``'s database, and that database.

    ``make_sql`` (a module-level function: it is the key) writes the query once per database
    vendor; ``make_params`` gives its values, ready for that database."""
    connection, rows = fetch(model, make_sql, make_params, one=True)
    return connection, rows[0] if rows else None


def fetch_all(
    model: type[models.Model],
    make_sql: Callable[[Connection], str],
    make_params: Callable[[Connection], list],
) -> tuple[Connection, list[tuple]]:
    """Every row of a hand-written query (as ``fetch_one``), and the database."""
    return fetch(model, make_sql, make_params, one=False)


def fetch(model, make_sql, make_params, *, one: bool) -> tuple[Connection, list[tuple]]:
    connection = connections[router.db_for_read(model)]
    key = (make_sql, connection.vendor)
    sql = _made.get(key)
    if sql is None:
        sql = _made[key] = make_sql(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, make_params(connection))
        if one:
            row = cursor.fetchone()
            return connection, [] if row is None else [row]
        return connection, cursor.fetchall()


def build_all(parts: list["Columns"], row, connection: Connection) -> list[models.Model | None]:
    """The instances of ``parts``, whose columns follow one another from the row's start."""
    made, start = [], 0
    for part in parts:
        made.append(part.build(row, start, connection))
        start += part.width
    return made


class Columns:
    """The concrete columns of ``model`` under the table alias ``alias`` (or only ``fields``:
    values to read, such as an annotation of that field's type, rather than an instance)."""

    def __init__(self, model: type[models.Model], alias: str, fields: tuple | None = None):
        self.model = model
        self.alias = alias
        self.fields = fields or model._meta.concrete_fields
        self._converters: dict[str, list[tuple]] = {}  # by database vendor

    @property
    def width(self) -> int:
        return len(self.fields)

    @cached_property
    def attnames(self) -> list[str]:
        return [field.attname for field in self.fields]

    @cached_property
    def pk_index(self) -> int:
        return self.attnames.index(self.model._meta.pk.attname)

    def sql(self, connection: BaseDatabaseWrapper) -> str:
        quote = connection.ops.quote_name
        return ", ".join(f"{self.alias}.{quote(field.column)}" for field in self.fields)

    def converters(self, connection: BaseDatabaseWrapper) -> list[tuple]:
        """What the ORM applies to each column's raw value on this database (SQLite keeps dates
        as text, UUIDs as hex; PostgreSQL hands most back ready)."""
        found = self._converters.get(connection.vendor)
        if found is None:
            found = []
            for field in self.fields:
                column = field.get_col(self.alias)
                functions = connection.ops.get_db_converters(column)
                found.append((column, functions + field.get_db_converters(connection)))
            self._converters[connection.vendor] = found
        return found

    def values(self, row, start: int, connection: BaseDatabaseWrapper) -> list:
        """``row[start:start + width]`` converted as the ORM converts them."""
        values = list(row[start : start + self.width])
        for index, (column, functions) in enumerate(self.converters(connection)):
            value = values[index]
            for convert in functions:
                value = convert(value, column, connection)
            values[index] = value
        return values

    def build(self, row, start: int, connection: BaseDatabaseWrapper) -> models.Model | None:
        """The instance made of ``row[start:start + width]``; None when its primary key is
        NULL (a LEFT JOIN that found nothing), as the ORM gives for a missing relation."""
        if row[start + self.pk_index] is None:
            return None
        values = self.values(row, start, connection)
        return self.model.from_db(connection.alias, self.attnames, values)
