"""The participant-facing pages in Spanish: every string of the catalogue translated and used."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from assessments.models import Instrument, Question
from tests.conftest import sign_in
from workshops.links import magic_link_url

PO = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.po"


def catalogue() -> list[dict]:
    """The .po file's entries: msgid, msgstr (all forms joined) and flags."""
    entries = []
    for block in PO.read_text(encoding="utf-8").strip().split("\n\n"):
        entry = {"flags": "", "msgctxt": [], "msgid": [], "msgstr": [], "current": None}
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] += line
            elif line.startswith("#"):
                continue
            else:
                match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) (".*")$', line)
                if match:
                    key = next(k for k in ("msgctxt", "msgid", "msgstr") if match[1].startswith(k))
                    entry["current"] = key
                    if key == "msgstr":
                        entry["msgstr"].append("")
                    value = ast.literal_eval(match[2])
                else:
                    value = ast.literal_eval(line)
                if entry["current"] == "msgstr":
                    entry["msgstr"][-1] += value
                else:
                    entry[entry["current"]].append(value)
        entry["msgid"] = "".join(entry["msgid"])
        entries.append(entry)
    return [e for e in entries if e["msgid"]]


def test_it_translates_every_string_of_the_catalogue():
    entries = catalogue()
    assert len(entries) > 100
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"])]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []


def test_it_compiles_the_catalogue():
    mo = PO.with_suffix(".mo")
    assert mo.exists()
    assert mo.stat().st_mtime >= PO.stat().st_mtime - 1, "run manage.py compilemessages"
    with translation.override("es"):
        assert translation.gettext("Save and continue") == "Guardar y continuar"


@pytest.fixture
def spanish(client, cast):
    sign_in(client, cast.participant.user, cast.workshop)
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    return client


def page_text(page) -> str:
    """The visible text of the page's <main> (attributes and markup left out)."""
    main = page.text.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


ENGLISH = [
    "Section ",
    "Save and",
    "Your answers",
    "required)",
    "Don't know",
    "Not rated",
    "Review",
    "Submit",
    "Back to",
    "Comment on",
    "Previous",
    "Start the survey",
    "Continue",
]


@pytest.mark.parametrize(
    ("name", "kwargs", "spanish_text"),
    [
        ("survey", {}, "Encuesta de autoevaluación de la infraestructura local"),
        ("survey_section", {"number": 1}, "Sección 1 de 5"),
        ("survey_section", {"number": 2}, "Totalmente de acuerdo"),
        ("survey_section", {"number": 3}, "Nada desarrollado"),
        ("survey_section", {"number": 4}, "Sin calificar"),
        ("survey_section", {"number": 5}, "Guardar y revisar"),
        ("survey_review", {}, "Revise sus respuestas"),
        ("data_row", {}, "Tabla de datos administrativos"),
    ],
)
def test_it_shows_the_survey_pages_in_spanish(spanish, cast, name, kwargs, spanish_text):
    page = spanish.get(
        reverse(f"assessments:{name}", kwargs={"code": cast.workshop.code, **kwargs})
    )
    assert page.status_code == 200
    assert '<html lang="es">' in page.text
    assert "Saltar al contenido principal" in page.text
    assert "Cerrar sesión" in page.text
    assert spanish_text in page.text
    text = page_text(page)
    left = [english for english in ENGLISH if english in text]
    assert left == [], f"untranslated on {name}: {left}"


def test_it_shows_every_question_and_option_in_spanish(spanish, cast):
    instrument = Instrument.latest()
    pages = "".join(
        spanish.get(
            reverse("assessments:survey_section", kwargs={"code": cast.workshop.code, "number": n})
        ).text
        for n in range(1, 6)
    )
    for question in Question.objects.filter(section__instrument=instrument):
        assert question.text not in pages
        assert question.text_es in pages
    assert "Justicia juvenil" in pages  # the systems' names come from the catalogue
    assert "Juvenile Justice" not in pages


def test_it_shows_the_magic_link_page_with_the_language_picker(client, cast):
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    url = magic_link_url(cast.participant).removeprefix(settings.SITE_URL)
    page = client.get(url)
    assert page.status_code == 200
    assert '<html lang="es">' in page.text
    assert '<option value="es" lang="es" selected>Español</option>' in page.text
    assert "Cambiar idioma" in page.text
