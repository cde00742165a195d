"""Importing participants from pasted or uploaded CSV: all lines or nothing."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import sign_in
from tests.factories import ParticipantFactory
from workshops.models import Membership

HEADER = "first_name,last_name,email,agency,title,system,leadership"
GOOD = [
    "Ana,Lopez,ana@example.org,County Mental Health,Director,Mental Health,yes",
    "Sam,Reed,sam@example.org,Family Advocates,Parent partner,caregivers,no",
    "Jo,Kim,jo@example.org,,,Youth,",
]


def import_url(workshop) -> str:
    return reverse("workshops:roster_import", args=[workshop.code])


def csv_text(*lines: str, header: str = HEADER) -> str:
    return "\n".join([header, *lines]) + "\n"


def participants(workshop):
    return Membership.objects.filter(workshop=workshop, role=Membership.Role.PARTICIPANT)


def errors_of(response) -> list[str]:
    return [str(error) for error in response.context["form"].line_errors]


def test_it_shows_the_import_form(client, cast):
    sign_in(client, cast.committee.user)
    response = client.get(import_url(cast.workshop))
    assert response.status_code == 200
    assert HEADER in response.text
    assert 'enctype="multipart/form-data"' in response.text


def test_it_imports_pasted_rows(client, cast):
    sign_in(client, cast.facilitator.user)
    response = client.post(import_url(cast.workshop), {"csv_text": csv_text(*GOOD)}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("workshops:roster", args=[cast.workshop.code])
    assert "Added 3 participants" in response.text
    added = {m.user.email: m for m in participants(cast.workshop).select_related("system", "user")}
    assert set(added) == {cast.participant.user.email, "ana@example.org", "sam@example.org",
                          "jo@example.org"}  # fmt: skip
    assert added["sam@example.org"].system.slug == "caregivers"
    assert added["sam@example.org"].leadership is False
    assert added["jo@example.org"].leadership is True
    assert added["ana@example.org"].title == "Director"
    assert not added["ana@example.org"].user.has_usable_password()


def test_it_imports_an_uploaded_file_with_a_bom_and_semicolons(client, cast):
    sign_in(client, cast.facilitator.user)
    text = csv_text(*(line.replace(",", ";") for line in GOOD), header=HEADER.replace(",", ";"))
    upload = SimpleUploadedFile("roster.csv", "\ufeff".encode() + text.encode(), "text/csv")
    response = client.post(import_url(cast.workshop), {"csv_file": upload})
    assert response.status_code == 302
    assert participants(cast.workshop).count() == 4


def test_it_accepts_spaced_headers_and_quoted_values(client, cast):
    sign_in(client, cast.facilitator.user)
    text = 'First name, Last name ,Email,System,Job title\n  Lee , Park , LEE@example.org ,' \
           '"Child Welfare","Director, Child Welfare"\n'  # fmt: skip
    response = client.post(import_url(cast.workshop), {"csv_text": text})
    assert response.status_code == 302
    lee = participants(cast.workshop).get(user__email="lee@example.org")
    assert (lee.user.first_name, lee.title) == ("Lee", "Director, Child Welfare")


def test_it_reports_every_bad_line_and_imports_nothing(client, cast):
    sign_in(client, cast.facilitator.user)
    text = csv_text(
        GOOD[0],
        "Bo,Ng,not-an-email,Agency,Title,Crisis,yes",
        ",Wu,wu@example.org,Agency,Title,Planets,maybe",
        "Ann,Again,ANA@example.org,Agency,Title,Crisis,yes",
        f"Pat,Member,{cast.participant.user.email},Agency,Title,Crisis,yes",
        "Too,Many,many@example.org,A,T,Crisis,yes,extra",
    )
    response = client.post(import_url(cast.workshop), {"csv_text": text})
    assert response.status_code == 200
    assert errors_of(response) == [
        "Line 3: email 'not-an-email': This is not a valid email address.",
        "Line 4: first_name '': Enter the person's first name.",
        "Line 4: system 'Planets': This is not one of the 13 systems; "
        "use a name such as Mental Health or Youth.",
        "Line 4: leadership 'maybe': Write yes or no (blank means yes).",
        "Line 5: email 'ana@example.org': This address is also on line 2.",
        f"Line 6: email '{cast.participant.user.email}': This person is already on the roster.",
        "Line 7: This line has 8 values but the header has 7.",
    ]
    assert "7 problems found, so nothing was imported" in response.text
    assert "Line 4" in response.text
    assert participants(cast.workshop).count() == 1


def test_it_requires_the_header_row(client, cast):
    sign_in(client, cast.facilitator.user)
    response = client.post(import_url(cast.workshop), {"csv_text": "\n".join(GOOD)})
    assert response.status_code == 200
    assert errors_of(response)[0].startswith("Line 1: The first line must be the header row")
    response = client.post(import_url(cast.workshop), {"csv_text": "first_name,last_name,mail"})
    assert "the header lacks email, system; unknown columns mail" in errors_of(response)[0]
    assert participants(cast.workshop).count() == 1


def test_it_requires_some_rows(client, cast):
    sign_in(client, cast.facilitator.user)
    for data in [{}, {"csv_text": "   "}, {"csv_text": HEADER}]:
        response = client.post(import_url(cast.workshop), data)
        assert response.status_code == 200
        assert response.context["form"].non_field_errors()


def test_it_refuses_pasting_and_uploading_at_once(client, cast):
    sign_in(client, cast.facilitator.user)
    upload = SimpleUploadedFile("roster.csv", csv_text(GOOD[0]).encode(), "text/csv")
    response = client.post(
        import_url(cast.workshop), {"csv_text": csv_text(GOOD[1]), "csv_file": upload}
    )
    assert "not both" in response.text
    assert participants(cast.workshop).count() == 1


def test_it_refuses_files_that_are_not_csv(client, cast):
    sign_in(client, cast.facilitator.user)
    cases = [
        (SimpleUploadedFile("roster.xlsx", b"PK\x03\x04", "application/vnd.ms-excel"), ".csv"),
        (SimpleUploadedFile("roster.csv", b"%PDF-1.7", "application/pdf"), "not CSV text"),
        (SimpleUploadedFile("roster.csv", b"\xff\xfe\x00a", "text/csv"), "not UTF-8"),
        (SimpleUploadedFile("roster.csv", b"a\x00b", "text/csv"), "not CSV text"),
        (SimpleUploadedFile("roster.csv", b"a" * (200 * 1024 + 1), "text/csv"), "the most is 200"),
    ]
    for upload, message in cases:
        response = client.post(import_url(cast.workshop), {"csv_file": upload})
        assert response.status_code == 200
        assert message in response.context["form"].errors["csv_file"][0]
    assert participants(cast.workshop).count() == 1


def test_it_refuses_an_import_past_the_cap_as_a_whole(client, cast):
    for _ in range(27):
        ParticipantFactory(workshop=cast.workshop)
    sign_in(client, cast.facilitator.user)
    extra = "Max,Over,max@example.org,,,Crisis,"
    response = client.post(import_url(cast.workshop), {"csv_text": csv_text(*GOOD, extra)})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "This workshop has 28 participants and can have at most 30: adding 4 would make 32. "
        "Remove someone or ask the state team to raise the limit."
    ]
    assert participants(cast.workshop).count() == 28
    response = client.post(import_url(cast.workshop), {"csv_text": csv_text(*GOOD[:2])})
    assert response.status_code == 302
    assert participants(cast.workshop).count() == 30
    response = client.post(import_url(cast.workshop), {"csv_text": csv_text(GOOD[2])})
    assert "This workshop already has 30 participants, the most it can have." in response.text
    assert participants(cast.workshop).count() == 30
