"""The Local Infrastructure Self-Assessment Survey and the Administrative Data Table.

Surveys are data: an ``Instrument`` (one version of a questionnaire) has sections and
questions. A workshop's ``Survey`` uses one instrument version; once any workshop uses it,
the instrument is frozen and edits go to a new version, so answers always match their questions.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from workshops.models import Membership, System, Workshop


class Translated:
    """``text`` in the reader's language: the ``<field>_es`` twin when Spanish is active."""

    def tr(self, field: str) -> str:
        if (get_language() or "").startswith("es"):
            return getattr(self, f"{field}_es", "") or getattr(self, field)
        return getattr(self, field)


class Instrument(models.Model):
    name = models.CharField(max_length=200)
    key = models.SlugField(max_length=60, help_text="The same for every version of a survey.")
    version = models.PositiveSmallIntegerField(default=1)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "version"], name="assessments_instrument_unique_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"

    @property
    def is_frozen(self) -> bool:
        """In use by a workshop: its questions may no longer change."""
        return self.surveys.exists()

    @classmethod
    def latest(cls, key: str = "local-infrastructure") -> "Instrument":
        return cls.objects.filter(key=key).order_by("-version").first()


class Section(Translated, models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    title_es = models.CharField("title (Spanish)", max_length=200, blank=True)
    intro = models.TextField(blank=True)
    intro_es = models.TextField("introduction (Spanish)", blank=True)

    class Meta:
        ordering = ["instrument", "order", "id"]

    def __str__(self) -> str:
        return self.title


class Question(Translated, models.Model):
    class Kind(models.TextChoices):
        SCALE = "scale", "1 to 5 scale with don't know"
        SHORT_TEXT = "short_text", "Short text"
        LONG_TEXT = "long_text", "Long text"
        NUMBER = "number", "Number"
        CHOICE = "choice", "Single choice"
        SYSTEM_MATRIX = "system_matrix", "Per-system matrix"

    class Purpose(models.TextChoices):
        """What the results do with the answers."""

        RESPONDENT_SYSTEM = "respondent_system", "Respondent's system"
        RESPONDENT_ROLE = "respondent_role", "Respondent's role"
        PRINCIPLE = "principle", "SOC value or principle"
        DOMAIN = "domain", "Infrastructure domain"
        SYSTEMS = "systems", "Systems rating"
        STRENGTHS = "strengths", "What's working well"
        CHALLENGES = "challenges", "What are we worried about"
        NEXT_STEPS = "next_steps", "What needs to happen next"
        OTHER = "other", "Other"

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(default=0)
    key = models.SlugField(max_length=60)
    kind = models.CharField(max_length=20, choices=Kind)
    purpose = models.CharField(max_length=20, choices=Purpose, default=Purpose.OTHER)
    text = models.CharField(max_length=500)
    text_es = models.CharField("text (Spanish)", max_length=500, blank=True)
    help = models.CharField(max_length=500, blank=True)
    help_es = models.CharField("help (Spanish)", max_length=500, blank=True)
    required = models.BooleanField(default=False)
    # CHOICE: [{"value": "...", "label": "...", "label_es": "..."}]; SCALE: five labels the same
    # way with values "1".."5"; SYSTEM_MATRIX: the dimensions rated for each system.
    options = models.JSONField(default=list, blank=True)
    min_value = models.IntegerField(null=True, blank=True)
    max_value = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["section", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["section", "key"], name="assessments_question_unique_key"
            ),
        ]

    def __str__(self) -> str:
        return self.text

    def option_labels(self) -> list[tuple[str, str]]:
        es = (get_language() or "").startswith("es")
        return [
            (o["value"], (o.get("label_es") if es else None) or o["label"]) for o in self.options
        ]


DONT_KNOW = 0  # the value stored for "don't know" on a 1 to 5 scale


class Survey(models.Model):
    """A workshop's pre-workshop survey: which instrument version, and whether it is open."""

    workshop = models.OneToOneField(Workshop, on_delete=models.CASCADE, related_name="survey")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="surveys")
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Survey of {self.workshop}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Response(models.Model):
    """One participant's answers to their workshop's survey."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="survey_responses"
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    language = models.CharField(max_length=8, default="en")
    last_section = models.PositiveSmallIntegerField(default=1)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "instrument"], name="assessments_response_one_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"Response of {self.membership}"


class Answer(models.Model):
    """One answer; per-system questions have one per system and dimension."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    system = models.ForeignKey(System, on_delete=models.PROTECT, null=True, blank=True)
    dimension = models.CharField(max_length=30, blank=True)
    value_int = models.IntegerField(null=True, blank=True)
    value_text = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question", "dimension"],
                condition=Q(system__isnull=True),
                name="assessments_answer_one_per_question",
            ),
            models.UniqueConstraint(
                fields=["response", "question", "system", "dimension"],
                condition=Q(system__isnull=False),
                name="assessments_answer_one_per_system",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.key}: {self.value_int if self.value_int is not None else ''}"


class Metric(Translated, models.Model):
    """A row definition of the Administrative Data Table (configurable by the state team)."""

    class Unit(models.TextChoices):
        COUNT = "count", "Number of children/youth"
        DAYS = "days", "Days"
        PERCENT = "percent", "Percent"

    key = models.SlugField(max_length=60, unique=True)
    label = models.CharField(max_length=200)
    label_es = models.CharField("label (Spanish)", max_length=200, blank=True)
    help = models.CharField(max_length=300, blank=True)
    help_es = models.CharField("help (Spanish)", max_length=300, blank=True)
    unit = models.CharField(max_length=10, choices=Unit, default=Unit.COUNT)
    part_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parts",
        help_text="An age band: together with its siblings it may not exceed this total.",
    )
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.label


class DataRow(models.Model):
    """One agency's figures in a workshop's Administrative Data Table."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="data_rows")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="data_rows")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "membership"], name="assessments_datarow_one_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"Data of {self.membership}"


class DataValue(models.Model):
    row = models.ForeignKey(DataRow, on_delete=models.CASCADE, related_name="values")
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(max_digits=12, decimal_places=1)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["row", "metric"], name="assessments_datavalue_unique"),
            models.CheckConstraint(
                condition=Q(value__gte=0), name="assessments_datavalue_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric.key} = {self.value}"


class Reminder(models.Model):
    """A reminder to finish the survey and data table, as sent."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="reminders")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"Reminder to {self.membership} at {self.sent_at:%Y-%m-%d %H:%M}"


# --- The system of care map -----------------------------------------------------------------


class SystemMap(models.Model):
    """A workshop's system of care map: a version that live screens poll, bumped on every edit."""

    workshop = models.OneToOneField(Workshop, on_delete=models.CASCADE, related_name="system_map")
    version = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was started from the participants' agencies."
    )

    def __str__(self) -> str:
        return f"Map of {self.workshop}"


class Proposal(models.TextChoices):
    """Whether a node or link is on the map, suggested by a participant, or dismissed."""

    ACCEPTED = "accepted", _("On the map")
    PENDING = "pending", _("Suggested")
    DISMISSED = "dismissed", _("Dismissed")


class MapNode(models.Model):
    """A service, agency or community support on the map, in one of the 13 systems."""

    class Kind(models.TextChoices):
        SERVICE = "service", _("Service or program")
        AGENCY = "agency", _("Agency")
        COMMUNITY = "community", _("Community or informal support")

    class Status(models.TextChoices):
        UNMARKED = "unmarked", _("Not marked yet")
        STRENGTH = "strength", _("Strength")
        CONCERN = "concern", _("Concern")
        GAP = "gap", _("Gap")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="map_nodes")
    system = models.ForeignKey(System, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.SERVICE)
    label = models.CharField(_("name"), max_length=60)
    description = models.CharField(_("short description"), max_length=300, blank=True)
    provider = models.CharField(_("provided by"), max_length=120, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.UNMARKED)
    proposal = models.CharField(max_length=10, choices=Proposal, default=Proposal.ACCEPTED)
    suggested_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    membership = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="map_nodes",
        help_text="The participant whose agency this node stands for, if any.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                Lower("label"),
                "workshop",
                "system",
                condition=~Q(proposal="dismissed"),
                name="assessments_mapnode_unique_label",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class MapLink(models.Model):
    """A relationship between two nodes of one map, stored with ``source_id < target_id``."""

    class Strength(models.TextChoices):
        STRONG = "strong", _("Strong")
        MODERATE = "moderate", _("Moderate")
        WEAK = "weak", _("Weak")
        BROKEN = "broken", _("Strained or broken")
        MISSING = "missing", _("Needed but missing")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="map_links")
    source = models.ForeignKey(MapNode, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(MapNode, on_delete=models.CASCADE, related_name="+")
    strength = models.CharField(max_length=10, choices=Strength, default=Strength.MODERATE)
    note = models.CharField(_("note"), max_length=300, blank=True)
    proposal = models.CharField(max_length=10, choices=Proposal, default=Proposal.ACCEPTED)
    suggested_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            # Links have no direction: one order, so A-B and B-A are the same link.
            models.CheckConstraint(
                condition=Q(source__lt=models.F("target")), name="assessments_maplink_ordered"
            ),
            models.UniqueConstraint(
                fields=["source", "target"],
                condition=~Q(proposal="dismissed"),
                name="assessments_maplink_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id}-{self.target_id} ({self.strength})"
