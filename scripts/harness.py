"""What the load test and the fault tests share: a throwaway PostgreSQL database, Django set
up on it, gunicorn serving it on 127.0.0.1, and people signed in as their link would."""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SECRET_KEY = "throwaway-test-key-" + "x" * 40  # the same in this process and in gunicorn


def django_env(database_url: str, **extra: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "socplan.settings",
        "DATABASE_URL": database_url,
        "DJANGO_ENV": "development",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECRET_KEY": SECRET_KEY,
        "LOG_LEVEL": "WARNING",
        "DB_POOL_MAX": "8",
        **extra,
    }


def fresh_database(url: str) -> None:
    """Drops and makes again the database of ``url`` (never one of the usual names)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if name in {"socplan", "postgres", "test", ""}:
        raise SystemExit(f"Refusing to recreate the database {name!r}: use a throwaway one.")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def start_django(env: dict[str, str]) -> None:
    """Django in this process on the env's database, migrated."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def serve(env: dict[str, str], port: int, workers: int, log_file: Path) -> subprocess.Popen:
    """gunicorn on 127.0.0.1:``port``, once its health check answers."""
    log = log_file.open("w")
    server = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn, fixed arguments
        [
            str(BIN / "gunicorn"), "socplan.wsgi:application", "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--timeout", "60",
        ],
        env={**os.environ, **env},
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    for _ in range(60):
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped; see {log_file}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=5) as answer:
                if answer.status == 200:
                    return server
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    server.kill()
    raise SystemExit(f"gunicorn did not answer; see {log_file}")


def sign_in(user, workshop) -> dict[str, str]:
    """A session for ``user`` with the workshop's link remembered, and a CSRF secret."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils.crypto import get_random_string

    from workshops.access import SESSION_WORKSHOPS_KEY

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "socplan.auth.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[SESSION_WORKSHOPS_KEY] = [str(workshop.code)]
    store.create()
    return {"session": store.session_key, "csrf": get_random_string(32)}


def headers(signed_in: dict[str, str], htmx: bool = True) -> dict[str, str]:
    found = {
        "Cookie": f"sessionid={signed_in['session']}; csrftoken={signed_in['csrf']}",
        "X-CSRFToken": signed_in["csrf"],
    }
    if htmx:
        found["HX-Request"] = "true"
    return found


def lost_answers(acknowledged: dict[int, dict[str, str]]) -> int:
    """Answers the server acknowledged (user -> input name -> value) that the database does not
    hold, or holds with another value."""
    from assessments.models import Answer
    from assessments.survey import Field

    stored = {
        (row["response__membership__user_id"], row["question_id"], row["system_id"],
         row["dimension"]): row["value_text"] or row["value_int"]
        for row in Answer.objects.filter(
            response__membership__user_id__in=list(acknowledged)
        ).values("response__membership__user_id", "question_id", "system_id", "dimension",
                 "value_int", "value_text")
    }  # fmt: skip
    lost = 0
    for user, answers in acknowledged.items():
        for name, value in answers.items():
            field = Field.parse(name)
            key = (user, field.question_id, field.system_id, field.dimension)
            if str(stored.get(key)) != value:
                lost += 1
    return lost
