from django.db import models

from indicators.choices import IndicatorType
from partners.models import code_validator

MPC_SECTOR_CODE = "MPC"


class Sector(models.Model):
    """An RMRP sector, or a subsector when it has a parent (e.g. GBV under Protection)."""

    code = models.CharField(max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(max_length=200)
    name_es = models.CharField(max_length=200, blank=True, default="", help_text="In Spanish.")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="subsectors"
    )
    region_name = models.CharField(
        max_length=200,
        blank=True,
        default="",
        help_text="The subsector as the region's files name it: 'Protection (General)' for "
        "protection outside its subsectors, 'Protection (Child Protection)', 'WASH'.",
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def root_code(self) -> str:
        """The top-level sector's code (a subsector's parent)."""
        return self.parent.code if self.parent_id else self.code

    # A sector includes its subsectors: the one statement of that rule, in Python and in SQL.
    def covers(self, sector: "Sector") -> bool:
        return sector.pk == self.pk or sector.parent_id == self.pk

    def covering(self, sector_field: str = "sector") -> models.Q:
        """Rows whose `sector_field` (e.g. "indicator__sector") is this sector or under it."""
        return models.Q(**{sector_field: self}) | models.Q(**{f"{sector_field}__parent": self})


class Indicator(models.Model):
    code = models.CharField(max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(max_length=300)
    name_es = models.CharField(max_length=300, blank=True, default="", help_text="In Spanish.")
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="indicators")
    indicator_type = models.CharField(max_length=30, choices=IndicatorType.choices)
    unit = models.CharField(
        max_length=60, blank=True, help_text="Unit of the output quantity (kits, sessions...)."
    )
    active = models.BooleanField(default=True, help_text="Inactive indicators accept no reports.")
    # The plan's catalogue changes between years: a report's month picks its year's.
    first_plan_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The first plan year whose catalogue has it (empty: any)."
    )
    last_plan_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The last plan year whose catalogue has it (empty: any)."
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_plan_year__isnull=True)
                | models.Q(last_plan_year__isnull=True)
                | models.Q(first_plan_year__lte=models.F("last_plan_year")),
                name="indicator_plan_years_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def in_plan_year(self, year: int) -> bool:
        return (self.first_plan_year or year) <= year <= (self.last_plan_year or year)

    @property
    def plan_years(self) -> str:
        """2023-2024, 2023-, -2022 or "" (every year): for messages."""
        if self.first_plan_year is None and self.last_plan_year is None:
            return ""
        if self.first_plan_year == self.last_plan_year:
            return str(self.first_plan_year)
        return f"{self.first_plan_year or ''}-{self.last_plan_year or ''}"

    @staticmethod
    def of_plan_year(year: int) -> models.Q:
        """Indicators in the catalogue of `year`."""
        return (models.Q(first_plan_year__isnull=True) | models.Q(first_plan_year__lte=year)) & (
            models.Q(last_plan_year__isnull=True) | models.Q(last_plan_year__gte=year)
        )


def name_for_reader(obj) -> str:
    """A reference object's name in the language of the request (its `name_es` in Spanish,
    when it has one)."""
    from django.utils.translation import get_language

    if (get_language() or "").startswith("es") and getattr(obj, "name_es", ""):
        return obj.name_es
    return obj.name
