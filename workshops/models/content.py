"""Content the state team writes once for all workshops."""

from django.db import models


class FrameworkSection(models.Model):
    """A part of the SOC framework review presented in the first session (seed 002)."""

    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    body = models.TextField(
        help_text="Plain text; blank lines separate paragraphs, '- ' starts a bullet."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title
