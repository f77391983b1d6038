from django.conf import settings
from django.db import models

from config.db.models import HistoryEntry, VersionedModel
from reporting.sitreps.choices import Section


class KeyFigure(VersionedModel):
    """A figure the 5W does not hold, for the situation report: 350,000 CPP
    pre-registrations, 105 persons granted refugee status. Entered by coordinators with its
    source; versioned like reports (history keeps every version)."""

    month = models.DateField(help_text="The report's month it belongs to (first day).")
    country = models.ForeignKey(
        "reporting.Location", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="Null: a regional figure.",
    )  # fmt: skip
    section = models.CharField(max_length=20, choices=Section.choices, default=Section.SITUATION)
    label = models.CharField(max_length=300, help_text="What it counts, in English.")
    label_es = models.CharField(max_length=300, blank=True, default="", help_text="In Spanish.")
    value = models.DecimalField(max_digits=16, decimal_places=2)
    unit = models.CharField(max_length=60, blank=True, default="", help_text="people, USD...")
    as_of = models.DateField(help_text="The day the source gives the figure for.")
    source = models.CharField(max_length=300)
    link = models.URLField(max_length=500, blank=True, default="")

    class Meta(VersionedModel.Meta):
        ordering = ["-month", "id"]
        indexes = [models.Index(fields=["month", "country"])]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.label}: {self.value}"


class KeyFigureHistoryEntry(HistoryEntry):
    key_figure = models.ForeignKey(KeyFigure, on_delete=models.PROTECT, related_name="history")

    class Meta:
        ordering = ["key_figure_id", "id"]
        verbose_name_plural = "key figure history entries"


class Narrative(models.Model):
    """A coordinator's paragraph of a situation report: one per month, scope, section and
    language, so the report is written in English and Spanish and read in either."""

    month = models.DateField()
    scope = models.CharField(max_length=10, help_text="The country's ISO3, or REGION.")
    section = models.CharField(
        max_length=20, help_text="situation, response, or a sector's code (PRT, SHE...)."
    )
    language = models.CharField(max_length=5, choices=settings.LANGUAGES)
    text = models.TextField(max_length=20000)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["month", "section", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "scope", "section", "language"],
                name="narrative_one_per_section_and_language",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.section} ({self.language})"
