"""The pages a participant meets outside the survey, in Spanish: sign-in link, live screen,
dashboard, sessions and error pages."""

import re

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.conftest import sign_in
from workshops.links import magic_link_url
from workshops.models import AgendaItem
from workshops.runner import move as runner_move


def spanish_client(client):
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    return client


@pytest.fixture
def spanish(client, cast):
    sign_in(client, cast.participant.user, cast.workshop)
    return spanish_client(client)


def main_text(page) -> str:
    """The visible text of the page's <main> (attributes and markup left out)."""
    main = page.content.decode().split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def assert_spanish(page, spanish_texts, english_texts):
    assert '<html lang="es">' in page.text
    text = main_text(page)
    missing = [words for words in spanish_texts if words not in text]
    assert missing == [], f"Spanish text missing: {missing}"
    left = [words for words in english_texts if words in text]
    assert left == [], f"English text left: {left}"


def link_path(membership) -> str:
    return magic_link_url(membership).removeprefix(settings.SITE_URL)


def test_it_shows_the_magic_link_confirm_page_in_spanish(client, cast):
    page = spanish_client(client).get(link_path(cast.participant))
    assert page.status_code == 200
    assert_spanish(
        page,
        ["Continuar al taller", "Continúe para iniciar sesión", "funciona una sola vez"],
        ["Hello", "Continue", "This link", "come back later", "workshop"],
    )
    assert "<title>Unirse a " in page.text


def test_it_welcomes_in_spanish_after_the_magic_link(client, cast):
    path = link_path(cast.participant)
    page = spanish_client(client).post(path, {"token": path.split("token=")[1]})
    assert page.status_code == 302
    assert [str(m) for m in get_messages(page.wsgi_request)] == [
        f"Le damos la bienvenida, {cast.participant.user.get_full_name()}."
    ]


def test_it_shows_the_invalid_link_page_in_spanish(client, cast):
    url = reverse("magic_link", args=[cast.workshop.code]) + "?token=nonsense"
    page = spanish_client(client).get(url)
    assert page.status_code == 400
    assert_spanish(
        page,
        [
            "Este enlace no le permite iniciar sesión",
            "venció, ya se usó o pertenece a otro taller",
            "Su correo electrónico",
            "La dirección a la que se envió su invitación.",
            "Enviarme un enlace nuevo",
        ],
        ["This link", "has expired", "Get a new link", "Your email", "invitation", "Email me"],
    )


def test_it_shows_the_new_link_errors_and_confirmation_in_spanish(client, cast):
    spanish_client(client)
    url = reverse("new_magic_link", args=[cast.workshop.code])
    page = client.post(url, {"email": "nonsense"})
    assert page.status_code == 400
    assert "Su correo electrónico" in page.text
    assert "Enter a valid email address." not in page.text  # Django's own catalogue
    page = client.post(url, {"email": cast.participant.user.email})
    assert_spanish(
        page,
        ["Revise su correo electrónico", "le enviamos un nuevo enlace", "correo no deseado"],
        ["Check your", "sign-in link", "spam folder"],
    )


LIVE_ENGLISH = [
    "No session is live",
    "The next session",
    "This page will show",
    "need to reload",
    " is live",
    "Your facilitator",
    "minutes",
    "Take a break",
    "We start again",
    "Follow along",
    "Reload to see",
]


def test_it_shows_the_live_page_in_spanish_when_no_session_is_live(spanish, cast):
    page = spanish.get(reverse("workshops:live", args=[cast.workshop.code]))
    assert page.status_code == 200
    assert_spanish(
        page,
        [
            "No hay ninguna sesión en vivo en este momento",
            f"La próxima es la sesión {cast.session.number} , el ",  # markup leaves a space
            "no hace falta volver a cargarla",
        ],
        LIVE_ENGLISH,
    )
    when = main_text(page).split(" , el ", 1)[1]
    assert re.match(r"\w+ \d+ de \w+ de \d{4} a las \d\d:\d\d\.", when), when


def test_it_shows_the_live_activity_in_spanish(spanish, cast):
    url = reverse("workshops:live", args=[cast.workshop.code])
    runner_move(cast.session, "start")  # no agenda yet: the session is live, no activity
    page = spanish.get(url)
    assert_spanish(
        page,
        [f"La sesión {cast.session.number} está en vivo", "comenzará la primera"],
        LIVE_ENGLISH,
    )

    AgendaItem.objects.create(
        session=cast.session, order=0, activity="break", title="Descanso", minutes=10
    )
    AgendaItem.objects.create(
        session=cast.session, order=1, activity="other", title="Mesa redonda", minutes=1
    )
    runner_move(cast.session, "next")
    page = spanish.get(url)
    assert_spanish(
        page,
        ["Descanso", "10 minutos", "Tómese un descanso. Retomamos en 10 minutos."],
        LIVE_ENGLISH,
    )
    assert 'data-left-label="restantes"' in page.text
    assert 'data-over-label="de tiempo excedido"' in page.text

    runner_move(cast.session, "next")
    page = spanish.get(url)
    assert_spanish(page, ["Mesa redonda", "1 minuto", "Sígala aquí"], LIVE_ENGLISH)


def test_it_labels_the_timer_in_english_by_default(client, cast):
    AgendaItem.objects.create(session=cast.session, order=0, activity="break", minutes=10)
    runner_move(cast.session, "start")
    sign_in(client, cast.participant.user, cast.workshop)
    page = client.get(reverse("workshops:live", args=[cast.workshop.code]))
    assert 'data-left-label="left"' in page.text
    assert 'data-over-label="over time"' in page.text
    assert "10 minutes" in page.text


def test_it_shows_the_participants_dashboard_in_spanish(spanish, cast):
    page = spanish.get(cast.workshop.get_absolute_url())
    assert page.status_code == 200
    assert_spanish(
        page,
        [
            "En qué etapa está el taller",
            "Ahora: ",
            "Hecho",
            "Pendiente antes de",
            "El taller todavía no ha cambiado de etapa.",
            "Próxima sesión",
            f"Sesión {cast.session.number}",
            "Unirse en línea",
            "Todas las sesiones",
            "1 de un máximo de",
            "sistemas aún sin representación",
            "1 facilitador",
            "1 integrante del comité",
            "ciclo",
            "su función:",
        ],
        [
            "Where the workshop",
            "Now:",
            "To do",
            "Nothing recorded",
            "Recent stage changes",
            "has not changed stage",
            "Next session",
            "Join online",
            "All sessions",
            "People",
            "of at most",
            "not yet represented",
            "committee member",
            "cycle",
            "your role",
        ],
    )


def test_it_shows_the_sessions_in_spanish(spanish, cast):
    page = spanish.get(reverse("workshops:sessions", args=[cast.workshop.code]))
    assert_spanish(
        page,
        ["Sesiones", "Fecha y hora", "Modalidad", "Próxima", "Agregar todas las sesiones"],
        ["Date and time", "Join or go to", "Upcoming", "Add all sessions", "calendar file"],
    )
    AgendaItem.objects.create(
        session=cast.session, order=0, activity="welcome", title="Bienvenida", minutes=20
    )
    page = spanish.get(reverse("workshops:session", args=[cast.workshop.code, cast.session.number]))
    assert_spanish(
        page,
        [f"Sesión {cast.session.number}", "Enlace de la reunión", "Agenda", "Hora", "20 de 120"],
        ["Meeting link", "Join the live", "Add to calendar", "Time", "Minutes", "of 120"],
    )


def test_it_shows_the_404_page_in_spanish(client, db):
    page = spanish_client(client).get("/no/such/page/")
    assert page.status_code == 404
    assert_spanish(
        page,
        ["Página no encontrada", "Volver a mis talleres", "no forma parte"],
        ["Page not found", "Back to", "There is no such page", "workshops"],
    )


def test_it_shows_the_403_page_in_spanish(spanish, cast):
    page = spanish.get(reverse("workshops:roster", args=[cast.workshop.code]))
    assert page.status_code == 403
    assert_spanish(
        page,
        ["No puede hacer esto", "Volver a mis talleres"],
        ["You cannot", "Your role", "Back to"],
    )


@pytest.mark.urls("tests.socplan.test_errors")
def test_it_shows_the_500_page_in_spanish(db):
    client = spanish_client(Client(raise_request_exception=False))
    page = client.get("/broken/")
    assert page.status_code == 500
    assert "Algo salió mal de nuestro lado" in page.content.decode()
    assert "Something went wrong" not in page.content.decode()


def test_it_leaves_english_active_for_the_next_test():
    assert translation.get_language() == "en"


def test_the_workshop_menu_reads_in_spanish_for_the_committee_too(client, cast):
    sign_in(client, cast.committee.user)
    spanish_client(client)
    page = client.get(cast.workshop.get_absolute_url()).text
    menu = page.split('<ul class="navbar-nav', 1)[1].split("</ul>", 1)[0]
    labels = re.findall(r'href="[^"]*">([^<]+)</a>', menu)
    for label in ("Reuniones", "Participantes", "Evaluación", "Resultados", "Plan", "Revisión"):
        assert label in labels, labels
    for english in ("Meetings", "Roster", "Assessment", "Results", "Planificar"):
        assert english not in labels


@pytest.mark.parametrize(
    "language, short, long, short_time",
    [
        ("en", "5 Dec 2026", "5 December 2026", "5 Dec 2026, 3:30 p.m."),
        ("es", "5 dic 2026", "5 de diciembre de 2026", "5 dic 2026, 15:30"),
    ],
)
def test_dates_have_one_style_in_each_language(language, short, long, short_time):
    """Pages name the style (socplan/formats/): lists and tables short, sentences long; in
    Spanish months in lower case and "de" between the parts."""
    from datetime import date, datetime

    from django.utils.formats import date_format

    with translation.override(language):
        assert date_format(date(2026, 12, 5), "SHORT_DATE_FORMAT") == short
        assert date_format(date(2026, 12, 5), "DATE_FORMAT") == long
        assert date_format(datetime(2026, 12, 5, 15, 30), "SHORT_DATETIME_FORMAT") == short_time


def test_the_language_chosen_is_kept_for_a_year(client, db):
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    cookie = client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "es"
    assert int(cookie["max-age"]) == 365 * 24 * 3600  # not a cookie that ends with the browser


def test_the_front_door_reads_in_spanish(client, db):
    spanish_client(client)
    landing = client.get("/")
    assert_spanish(
        landing,
        ["Participantes del taller", "No necesita contraseña.", "Acceso del personal"],
        ["Workshop participants", "You do not need a password", "Staff sign in"],
    )
    login = client.get("/login/")
    assert_spanish(
        login,
        ["Acceso del personal", "¿Olvidó su contraseña?", "Entrar"],
        ["Staff sign in", "Forgot your password?", "Sign in<"],
    )
