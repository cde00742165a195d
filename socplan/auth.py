"""Django's ``ModelBackend``, loading the signed-in user with one hand-written query.

Every signed-in request loads its user; through the ORM, making that query cost more than
running it (see ``socplan.rows``). Passwords, permissions and ``is_active`` work as in
Django's backend, which this is.
"""

from functools import cache

from django.contrib.auth import backends, get_user_model
from django.core.exceptions import ValidationError

from socplan.rows import Columns, fetch_one


@cache
def user_columns() -> Columns:
    return Columns(get_user_model(), "u")


def user_sql(connection) -> str:
    model = get_user_model()
    table, key = connection.ops.quote_name(model._meta.db_table), model._meta.pk.column
    return f"SELECT {user_columns().sql(connection)} FROM {table} u WHERE u.{key} = %s"  # noqa: S608  # nosec B608


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        columns = user_columns()
        key = columns.model._meta.pk
        try:
            pk = key.to_python(user_id)
        except ValidationError:
            return None
        connection, row = fetch_one(
            columns.model, user_sql, lambda connection: [key.get_db_prep_value(pk, connection)]
        )
        if row is None:
            return None
        user = columns.build(row, 0, connection)
        return user if self.user_can_authenticate(user) else None
