"""Django's ``ModelBackend``, loading the signed-in user with one hand-written query.

Every signed-in request loads its user; through the ORM, making that query cost more than
running it (see ``socplan.rows``). Passwords, permissions and ``is_active`` work as in
Django's backend, which this is.
"""

from functools import cache

from django.contrib.auth import backends, get_user_model
from django.core.exceptions import ValidationError
from django.db import connections, router

from socplan.rows import Columns


@cache
def user_columns() -> Columns:
    return Columns(get_user_model(), "u")


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        columns = user_columns()
        model = columns.model
        try:
            pk = model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        connection = connections[router.db_for_read(model)]
        table, key = connection.ops.quote_name(model._meta.db_table), model._meta.pk.column
        sql = f"SELECT {columns.sql(connection)} FROM {table} u WHERE u.{key} = %s"  # noqa: S608  # nosec B608
        with connection.cursor() as cursor:
            cursor.execute(sql, [model._meta.pk.get_db_prep_value(pk, connection)])
            row = cursor.fetchone()
        if row is None:
            return None
        user = columns.build(row, 0, connection)
        return user if self.user_can_authenticate(user) else None
