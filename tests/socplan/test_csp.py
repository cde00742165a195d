"""The Content-Security-Policy every page sends, and templates that keep to it."""

import re
from pathlib import Path

from django.conf import settings

from tests.conftest import sign_in

TEMPLATES = Path(settings.BASE_DIR) / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=|\son[a-z]+=", re.IGNORECASE)


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def test_it_sends_a_strict_policy_on_every_page(client, cast):
    sign_in(client, cast.facilitator.user)
    for url in ["/", f"/w/{cast.workshop.code}/", f"/w/{cast.workshop.code}/plan/", "/login/"]:
        found = policy(client.get(url))
        assert found["script-src"] == "'self'", url
        assert found["style-src"] == "'self'", url
        assert found["frame-ancestors"] == "'none'", url
        assert found["object-src"] == "'none'", url
        assert "unsafe" not in " ".join(found.values()), url


def test_it_keeps_inline_script_style_and_handlers_out_of_every_template():
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        for pattern in (INLINE_SCRIPT, INLINE_STYLE):
            offenders += [f"{template.relative_to(TEMPLATES)}: {m.group(0)}"
                          for m in pattern.finditer(text)]  # fmt: skip
    assert offenders == []
