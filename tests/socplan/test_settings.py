import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from socplan import settings as socplan_settings

ROOT = Path(__file__).resolve().parents[2]
# Set by pytest, by the suite's database choice and by the browser tests: not for a fresh process.
TEST_ONLY_VARIABLES = {"PYTEST_VERSION", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
STRONG_SECRET = "x7Gq2Lm9Vb4Nc8Rt1Yw6Zp3Hs5Kd0Jf-Ua2Ei7Oo4Pl9Mn3Bv8Cx1Zq6Wr5Ty0Ui"


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_VARIABLES}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("raw", "expected"), [("true", True), ("1", True), ("YES", True), ("off", False), ("", False)]
)
def test_it_parses_booleans(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert socplan_settings.env_bool("SOME_FLAG") is expected


def test_it_refuses_unclear_booleans(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        socplan_settings.env_bool("SOME_FLAG")


def test_it_refuses_non_numbers(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER"):
        socplan_settings.env_int("SOME_NUMBER", 1)


def test_it_passes_the_deploy_check_in_production():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_ENV="production", SECRET_KEY=STRONG_SECRET, ALLOWED_HOSTS="socplan.example.org",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_production_without_a_strong_secret():
    result = run_manage(
        "check", DJANGO_ENV="production", SECRET_KEY="short", ALLOWED_HOSTS="socplan.example.org"
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_refuses_production_without_allowed_hosts():
    result = run_manage(
        "check", DJANGO_ENV="production", SECRET_KEY=STRONG_SECRET, ALLOWED_HOSTS=""
    )
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_it_refuses_an_unknown_environment():
    result = run_manage("check", DJANGO_ENV="staging")
    assert result.returncode != 0
    assert "DJANGO_ENV must be one of" in result.stderr


def test_it_uses_postgresql_with_a_pool_when_asked():
    result = run_manage(
        "shell", "-c",
        "from django.conf import settings; db = settings.DATABASES['default'];"
        "print(db['ENGINE'], bool(db['OPTIONS']['pool']), db['ATOMIC_REQUESTS'])",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/socplan",
    )  # fmt: skip
    assert result.stdout.splitlines()[-1].split() == [
        "django.db.backends.postgresql",
        "True",
        "True",
    ]
