"""Model instances from hand-written SQL, for the few queries every request makes.

A page served from the page cache (``workshops.pagecache``) reads three rows: the session, the
user and the caller's membership of the workshop. Through the ORM, building and compiling
those three queries took longer than the database took to answer them (about 3 ms of a
cached page's 8 ms on the benchmark's machine); written out once here, they are sent as they
are. ``Columns`` makes the SELECT list of a model's columns and turns a row back into an
instance exactly as the ORM would: the same database converters, then ``Model.from_db``.
"""

from functools import cached_property

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper


class Columns:
    """The concrete columns of ``model`` under the table alias ``alias``."""

    def __init__(self, model: type[models.Model], alias: str):
        self.model = model
        self.alias = alias
        self.fields = model._meta.concrete_fields
        self._converters: dict[str, list[tuple]] = {}  # by database vendor

    @property
    def width(self) -> int:
        return len(self.fields)

    @cached_property
    def attnames(self) -> list[str]:
        return [field.attname for field in self.fields]

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

    def build(self, row, start: int, connection: BaseDatabaseWrapper) -> models.Model:
        """The instance made of ``row[start:start + width]``."""
        values = list(row[start : start + self.width])
        for index, (column, functions) in enumerate(self.converters(connection)):
            value = values[index]
            for convert in functions:
                value = convert(value, column, connection)
            values[index] = value
        return self.model.from_db(connection.alias, self.attnames, values)
