from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from config.db.models import HistoryEntry, VersionedModel
from reporting.activities.breakdowns import POPULATION_FIELDS
from reporting.figures.choices import (
    Accumulation,
    ConsolidationModel,
    Proportions,
    ProportionsVariant,
)
from reporting.locations.models import Location


class CountryFigureSettings(models.Model):
    """What a country's coordinators declared for its consolidated figures."""

    country = models.OneToOneField(
        Location, on_delete=models.PROTECT, related_name="figure_settings"
    )
    consolidation_model = models.CharField(
        max_length=20, choices=ConsolidationModel.choices, default=ConsolidationModel.MAX_SECTOR
    )
    accumulation = models.CharField(
        max_length=20,
        choices=Accumulation.choices,
        default=Accumulation.MONTHLY,
        help_text="The order of the two steps of people reached: monthly (the regional "
        "consolidation) or cumulative.",
    )
    proportions = models.CharField(
        max_length=10,
        choices=Proportions.choices,
        default=Proportions.PIN,
        help_text="The age/sex proportions the max models apply (where a table exists).",
    )
    rmrp_only = models.BooleanField(
        default=False,
        help_text="People reached counts only RMRP activities (the region's script counts "
        "every activity).",
    )
    changed_at = models.DateTimeField(auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["country__pcode"]
        verbose_name_plural = "country figure settings"

    def __str__(self) -> str:
        return f"{self.country_id}: {self.consolidation_model}"


POPULATION_TYPES = [("", "All population types")] + [
    (key, key.replace("_", " ")) for key, _ in POPULATION_FIELDS
]


AGE_SEX = [("", "All ages and sexes"), ("girls", "girls"), ("boys", "boys"),
           ("women", "women"), ("men", "men")]  # fmt: skip


class PlanTarget(models.Model):
    """A plan year's target and people in need as the response plan sets them: what
    progress is measured against. One cell is a place (an admin1, or a country as a whole:
    the region's "Country level"), a sector or subsector (none: all sectors together, the
    region's "Intersector"), optionally one population type and one age/sex group."""

    plan_year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(2018), MaxValueValidator(2100)]
    )
    admin1 = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+",
        help_text="An admin1 area, or a country for the country as a whole.",
    )  # fmt: skip
    sector = models.ForeignKey(
        "indicators.Sector", on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        help_text="A sector or subsector; empty: all sectors together (Intersector).",
    )  # fmt: skip
    population_type = models.CharField(
        max_length=20, choices=POPULATION_TYPES, blank=True, default="",
        help_text="Empty: all population types together.",
    )  # fmt: skip
    age_sex = models.CharField(
        max_length=5, choices=AGE_SEX, blank=True, default="",
        help_text="Empty: all ages and sexes together.",
    )  # fmt: skip
    target = models.PositiveIntegerField(
        null=True, blank=True, help_text="People the plan aims to reach."
    )
    people_in_need = models.PositiveIntegerField(null=True, blank=True)
    changed_at = models.DateTimeField(auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    KEY = ("plan_year", "admin1_id", "sector_id", "population_type", "age_sex")

    class Meta:
        ordering = ["plan_year", "admin1__pcode", "sector__code", "population_type", "age_sex"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan_year", "admin1", "sector", "population_type", "age_sex"],
                name="plantarget_unique_cell",
            ),
            models.UniqueConstraint(  # NULLs are distinct in the one above
                fields=["plan_year", "admin1", "population_type", "age_sex"],
                condition=Q(sector__isnull=True),
                name="plantarget_unique_all_sectors_cell",
            ),
            models.CheckConstraint(
                condition=Q(target__isnull=False) | Q(people_in_need__isnull=False),
                name="plantarget_has_a_figure",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_year} {self.admin1_id} {self.sector_id}: {self.target}"

    @property
    def key(self) -> tuple:
        return tuple(getattr(self, f) for f in self.KEY)


SHARE_FIELDS = ("girls", "boys", "women", "men")
POPULATION_TYPE_CHOICES = [(key, key.replace("_", " ")) for key, _ in POPULATION_FIELDS]


# Shares are doubles, as the region's workbook holds them and its script multiplies them:
# 0.20999999999999996 is not 0.21 there (2,950 people x it is 619.4999..., not 619.5).
def _share_field() -> models.FloatField:
    return models.FloatField(validators=[MinValueValidator(0), MaxValueValidator(1)])


class AgeSexProportions(VersionedModel):
    """How one population type's people split into girls, boys, women and men in one sector
    (at subsector level) of one admin1: the regional table the max models apply. Reference
    data, set by coordinators, versioned with its history like a report."""

    admin1 = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    sector = models.ForeignKey("indicators.Sector", on_delete=models.PROTECT, related_name="+")
    variant = models.CharField(max_length=10, choices=ProportionsVariant.choices)
    population_type = models.CharField(max_length=20, choices=POPULATION_TYPE_CHOICES)
    girls = _share_field()
    boys = _share_field()
    women = _share_field()
    men = _share_field()

    # What makes two rows the same share (409 on create; uploads upsert on it).
    KEY = ("admin1_id", "sector_id", "variant", "population_type")

    class Meta(VersionedModel.Meta):
        ordering = ["admin1__pcode", "sector__code", "variant", "population_type"]
        verbose_name_plural = "age/sex proportions"
        constraints = [
            models.UniqueConstraint(
                fields=["admin1", "sector", "variant", "population_type"],
                condition=Q(deleted_at__isnull=True),
                name="agesexproportions_unique_cell",
            )
        ]

    def __str__(self) -> str:
        return f"{self.admin1_id} {self.sector_id} {self.variant} {self.population_type}"

    @property
    def key(self) -> tuple:
        return tuple(getattr(self, name) for name in self.KEY)


class AgeSexProportionsHistoryEntry(HistoryEntry):
    """One create, change or delete of an age/sex proportions row."""

    proportions = models.ForeignKey(
        AgeSexProportions, on_delete=models.PROTECT, related_name="history"
    )

    class Meta:
        ordering = ["proportions_id", "id"]
        verbose_name_plural = "age/sex proportions history entries"

    def __str__(self) -> str:
        return f"proportions {self.proportions_id} v{self.version} {self.action}"


class _CellColumns(models.Model):
    """A cell of the report table summed by month, admin1, indicator, RMRP and CVA
    (reporting.activities.figure_cells). Column names are the reports' own, so a figure's
    query reads cells or reports alike."""

    month = models.DateField()
    admin1 = models.ForeignKey(
        Location, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
        related_name="+",
    )  # fmt: skip
    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.DO_NOTHING, db_constraint=False,
        db_index=False, related_name="+",
    )  # fmt: skip
    rmrp = models.BooleanField()
    cva = models.BooleanField()
    reports = models.BigIntegerField()
    total_beneficiaries = models.BigIntegerField()
    new_beneficiaries = models.BigIntegerField()
    quantity = models.BigIntegerField()
    pop_in_destination = models.BigIntegerField()
    pop_in_transit = models.BigIntegerField()
    pop_host_community = models.BigIntegerField()
    pop_pendular = models.BigIntegerField()
    pop_returnees = models.BigIntegerField()
    girls = models.BigIntegerField()
    boys = models.BigIntegerField()
    women = models.BigIntegerField()
    men = models.BigIntegerField()
    other_under_18 = models.BigIntegerField()
    other_over_18 = models.BigIntegerField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} admin1 {self.admin1_id} indicator {self.indicator_id}"


class FigureCell(_CellColumns):
    """Folded sums (one row per cell)."""

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "admin1", "indicator", "rmrp", "cva"], name="figurecell_key"
            )
        ]


class FigureCellDelta(_CellColumns):
    """Changes not folded yet: appended by the report table's triggers."""


class FigureCellView(_CellColumns):
    """Cells and pending deltas together (a view): what figures read."""

    class Meta:
        managed = False
        db_table = "reporting_figurecellview"
