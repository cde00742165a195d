"""Django's database sessions, read with one hand-written query (``SESSION_ENGINE``).

Every signed-in request reads its session; through the ORM, making that query cost more than
running it (see ``socplan.rows``). Everything else (saving, expiry, cycling the key) is
Django's own ``db`` backend, on the same ``django_session`` table.
"""

from django.contrib.sessions.backends import db
from django.utils import timezone

from socplan.rows import fetch_one


def session_sql(connection) -> str:
    table = connection.ops.quote_name(SessionStore.get_model_class()._meta.db_table)
    return f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s"  # noqa: S608  # nosec B608


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        now = timezone.now()
        _connection, row = fetch_one(
            self.model,
            session_sql,
            lambda connection: [
                self.session_key,
                connection.ops.adapt_datetimefield_value(now),
            ],
        )
        if row is None:
            self._session_key = None  # as Django's: a new key is made if this one is saved
            return None
        return self.model(session_key=self.session_key, session_data=row[0])
