"""Django's database sessions, read with one hand-written query (``SESSION_ENGINE``).

Every signed-in request reads its session; through the ORM, making that query cost more than
running it (see ``socplan.rows``). Everything else (saving, expiry, cycling the key) is
Django's own ``db`` backend, on the same ``django_session`` table.
"""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        model = self.model
        connection = connections[router.db_for_read(model)]
        table = connection.ops.quote_name(model._meta.db_table)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        sql = f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s"  # noqa: S608  # nosec B608
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # as Django's: a new key is made if this one is saved
            return None
        return model(session_key=self.session_key, session_data=row[0])
