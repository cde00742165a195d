"""Forms of the roster: one participant at a time, or many from a CSV file."""

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from django import forms

from workshops.models import Membership, System, Workshop
from workshops.roster import Person, cap_message, participant_count, roster_emails

MAX_CSV_BYTES = 200 * 1024
CSV_EXTENSIONS = {".csv", ".txt"}
# Browsers name CSV files differently; Windows with Excel installed says vnd.ms-excel.
CSV_CONTENT_TYPES = {"text/csv", "text/plain", "application/csv", "application/vnd.ms-excel"}
CSV_COLUMNS = ["first_name", "last_name", "email", "agency", "title", "system", "leadership"]
REQUIRED_COLUMNS = {"first_name", "last_name", "email", "system"}
COLUMN_ALIASES = {"job_title": "title", "firstname": "first_name", "lastname": "last_name"}
YES = {"", "yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}
ALREADY_ON_ROSTER = "This person is already on the roster."


class PersonFields(forms.Form):
    """Who a participant is; shared by the single form and each line of an import."""

    first_name = forms.CharField(
        max_length=150, error_messages={"required": "Enter the person's first name."}
    )
    last_name = forms.CharField(
        max_length=150, error_messages={"required": "Enter the person's last name."}
    )
    email = forms.EmailField(
        max_length=150,
        help_text="Their invitation and sign-in links go to this address.",
        error_messages={
            "required": "Enter the person's email address.",
            "invalid": "This is not a valid email address.",
        },
    )
    agency = forms.CharField(max_length=200, required=False)
    title = forms.CharField(label="Job title", max_length=200, required=False)

    def __init__(self, *args, taken_emails: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.taken_emails = taken_emails

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        if email in self.taken_emails:
            raise forms.ValidationError(ALREADY_ON_ROSTER)
        return email

    def person(self) -> Person:
        """The cleaned person; subclasses add the ``system`` and ``leadership`` fields."""
        data = self.cleaned_data
        return Person(
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            agency=data["agency"],
            title=data["title"],
            system=data["system"],
            leadership=data["leadership"],
        )


class ParticipantForm(PersonFields):
    system = forms.ModelChoiceField(
        queryset=System.objects.all(),
        label="System represented",
        empty_label="Choose a system",
        error_messages={"required": "Choose the system this person represents."},
    )
    leadership = forms.BooleanField(
        label="Leadership role",
        required=False,
        initial=True,
        help_text="Can make commitments on behalf of their agency or system.",
    )

    def __init__(self, *args, workshop: Workshop, membership: Membership | None = None, **kw):
        if membership is not None:
            user = membership.user
            kw.setdefault(
                "initial",
                {
                    "first_name": user.first_name,
                    "last_name": user.last_name,
                    "email": user.email,
                    "agency": membership.agency,
                    "title": membership.title,
                    "system": membership.system_id,
                    "leadership": membership.leadership,
                },
            )
        super().__init__(*args, taken_emails=roster_emails(workshop, exclude=membership), **kw)


class CsvRowForm(PersonFields):
    """One line of an import: the system by name or slug, leadership as yes/no."""

    system = forms.CharField(error_messages={"required": "Name the system this person represents."})
    leadership = forms.CharField(required=False)

    def __init__(self, *args, systems: dict[str, System], **kwargs):
        super().__init__(*args, **kwargs)
        self.systems = systems

    def clean_system(self) -> System:
        system = self.systems.get(self.cleaned_data["system"].lower())
        if system is None:
            raise forms.ValidationError(
                "This is not one of the 13 systems; use a name such as Mental Health or Youth."
            )
        return system

    def clean_leadership(self) -> bool:
        value = self.cleaned_data["leadership"].lower()
        if value in YES:
            return True
        if value in NO:
            return False
        raise forms.ValidationError("Write yes or no (blank means yes).")


@dataclass(frozen=True)
class LineError:
    line: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        where = f"{self.column} '{self.value}': " if self.column else ""
        return f"Line {self.line}: {where}{self.message}"


def column_name(header: str) -> str:
    name = header.strip().lower().replace(" ", "_").replace("-", "_")
    return COLUMN_ALIASES.get(name, name)


def delimiter_of(text: str) -> str:
    """Comma, semicolon (Excel in many locales) or tab: whichever the header line uses most."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    return max(",;\t", key=header.count)


def parse_roster_csv(
    text: str, taken_emails: set[str], systems: dict[str, System]
) -> tuple[list[Person], list[LineError]]:
    """Every valid line as a Person, and every problem by line number."""
    people: list[Person] = []
    errors: list[LineError] = []
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=delimiter_of(text))
    seen: dict[str, int] = {}
    columns: list[str] | None = None
    try:
        for row in reader:
            line = reader.line_num
            values = [value.strip() for value in row]
            if not any(values):
                continue
            if columns is None:
                columns = [column_name(value) for value in values]
                unknown = [name for name in columns if name not in CSV_COLUMNS]
                missing = sorted(REQUIRED_COLUMNS - set(columns))
                if unknown or missing:
                    errors.append(LineError(line, "", "", header_problem(unknown, missing)))
                    return people, errors
                continue
            if len(values) > len(columns):
                message = f"This line has {len(values)} values but the header has {len(columns)}."
                errors.append(LineError(line, "", "", message))
                continue
            data = dict(zip(columns, values, strict=False))
            form = CsvRowForm(data, taken_emails=taken_emails, systems=systems)
            if not form.is_valid():
                errors.extend(
                    LineError(line, field, data.get(field, ""), message)
                    for field, messages in form.errors.items()
                    for message in messages
                )
                continue
            person = form.person()
            if person.email in seen:
                message = f"This address is also on line {seen[person.email]}."
                errors.append(LineError(line, "email", person.email, message))
                continue
            seen[person.email] = line
            people.append(person)
    except csv.Error as error:
        errors.append(LineError(reader.line_num, "", "", f"This line cannot be read: {error}."))
    if columns is None:
        errors.append(LineError(1, "", "", header_problem([], sorted(REQUIRED_COLUMNS))))
    return people, errors


def header_problem(unknown: list[str], missing: list[str]) -> str:
    parts = []
    if missing:
        parts.append(f"the header lacks {', '.join(missing)}")
    if unknown:
        parts.append(f"unknown columns {', '.join(unknown)}")
    return f"The first line must be the header row ({','.join(CSV_COLUMNS)}): {'; '.join(parts)}."


def systems_by_name() -> dict[str, System]:
    systems = {}
    for system in System.objects.all():
        systems[system.name.lower()] = system
        systems[system.slug] = system
    return systems


class RosterImportForm(forms.Form):
    csv_text = forms.CharField(
        label="Paste CSV",
        required=False,
        strip=False,
        max_length=MAX_CSV_BYTES,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text="Copy the rows from a spreadsheet, header row first.",
    )
    csv_file = forms.FileField(
        label="Or upload a CSV file",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,text/plain"}),
        help_text="A .csv file saved as UTF-8, at most 200 KB.",
    )

    def __init__(self, *args, workshop: Workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.workshop = workshop
        self.people: list[Person] = []
        self.line_errors: list[LineError] = []

    def clean_csv_file(self) -> str:
        upload = self.cleaned_data["csv_file"]
        if not upload:
            return ""
        if Path(upload.name).suffix.lower() not in CSV_EXTENSIONS:
            raise forms.ValidationError("Upload a .csv file (in Excel: Save As, CSV UTF-8).")
        content_type = (upload.content_type or "").split(";")[0].strip().lower()
        if content_type not in CSV_CONTENT_TYPES:
            raise forms.ValidationError(
                f"This file is {content_type or 'of an unknown type'}, not CSV text."
            )
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(
                f"This file is {upload.size // 1024} KB; the most is {MAX_CSV_BYTES // 1024} KB."
            )
        raw = upload.read(MAX_CSV_BYTES + 1)
        if len(raw) > MAX_CSV_BYTES:
            raise forms.ValidationError(f"The most is {MAX_CSV_BYTES // 1024} KB.")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(
                "This file is not UTF-8 text. In Excel choose Save As, CSV UTF-8."
            ) from error
        if "\x00" in text:
            raise forms.ValidationError("This file is not CSV text.")
        return text

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        pasted, uploaded = data.get("csv_text", "").strip(), data.get("csv_file", "")
        if pasted and uploaded:
            raise forms.ValidationError("Paste the rows or upload a file, not both.")
        if not (pasted or uploaded):
            raise forms.ValidationError("Paste the rows or choose a file to upload.")
        self.people, self.line_errors = parse_roster_csv(
            pasted or uploaded, roster_emails(self.workshop), systems_by_name()
        )
        if self.line_errors:
            count = len(self.line_errors)
            raise forms.ValidationError(
                f"{count} problem{'s' if count != 1 else ''} found, so nothing was imported. "
                "Fix the lines listed below and import the whole file again."
            )
        if not self.people:
            raise forms.ValidationError("There are no participants below the header row.")
        current = participant_count(self.workshop)
        if current + len(self.people) > self.workshop.max_participants:
            raise forms.ValidationError(cap_message(self.workshop, current, len(self.people)))
        return data
