"""Figures analysts publish: /api/v1/figures/... and the per-country settings behind them."""

from datetime import date

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, ValidationError

from config.api.fields import BooleanField, MonthField
from config.api.serializers import StrictFieldsMixin
from reporting.approvals.api.serializers import FigureApprovalSerializer
from reporting.common.references import ReferenceField, ReferenceIndex, unknown_code_message
from reporting.figures.choices import (
    Accumulation,
    ConsolidationModel,
    IndicatorTypes,
    MissingShares,
    Proportions,
    Rounding,
)
from reporting.figures.models import CountryFigureSettings, PlanTarget
from reporting.figures.selectors import GROUP_DIMENSIONS, FigureQuery
from reporting.locations.choices import LocationLevel

# What one figure request may cover.
FIGURES_MAX_MONTHS = 120


def _check_span(month_from: date | None, month_to: date) -> None:
    if month_from is None:
        return
    if month_from > month_to:
        raise ValidationError(
            {"month_from": [ErrorDetail("month_from is after month_to.", "invalid")]}
        )
    span = FIGURES_MAX_MONTHS
    if (month_to.year - month_from.year) * 12 + month_to.month - month_from.month >= span:
        message = (
            f"A figure covers at most {span} months ({span // 12} years); ask for a shorter range."
        )
        raise ValidationError({"month_from": [ErrorDetail(message, "range_too_long")]})


class FigureQuerySerializer(StrictFieldsMixin, serializers.Serializer):
    month = MonthField(required=False, help_text="The month asked (same as month_to).")
    month_from = MonthField(
        required=False,
        help_text="First month. People reached: January of month_to's year unless given; "
        "other figures: month_to unless given.",
    )
    month_to = MonthField(required=False, help_text="Last month (inclusive).")
    country = serializers.CharField(required=False, help_text="Country ISO3, e.g. PER.")
    admin1 = serializers.CharField(required=False, help_text="Admin1 P-code.")
    sector = serializers.CharField(required=False, help_text="Sector code (with subsectors).")
    partner = serializers.CharField(required=False, help_text="Appealing organisation code.")
    rmrp = BooleanField(required=False, help_text="RMRP activities only (true) or none (false).")
    cva = BooleanField(required=False, help_text="CVA rows only (true) or none (false).")
    group_by = serializers.CharField(
        required=False,
        help_text="Comma-separated: " + ", ".join(GROUP_DIMENSIONS) + " (cash figures also "
        "delivery_mechanism).",
    )
    model = serializers.ChoiceField(
        choices=ConsolidationModel.choices,
        required=False,
        help_text="People reached only: how sectors combine; default: the country's setting.",
    )
    accumulation = serializers.ChoiceField(
        choices=Accumulation.choices,
        required=False,
        help_text="People reached only: the order of the two steps; default: the country's "
        "setting, else monthly (the regional consolidation).",
    )
    proportions = serializers.ChoiceField(
        choices=Proportions.choices,
        required=False,
        help_text="People reached only, max models: the age/sex proportions table that splits "
        "each population type before the max (pin or target), or none; default: the "
        "country's setting, else pin. Admin1s whose table lacks a share are listed in "
        "`proportions_uncovered` (see missing_shares).",
    )
    rounding = serializers.ChoiceField(
        choices=Rounding.choices,
        required=False,
        help_text="People reached only, max step with proportions: half_even (default, the "
        "region's script: R's round() of people x share on the double) or half_up (the exact "
        "decimal product, half up).",
    )
    missing_shares = serializers.ChoiceField(
        choices=MissingShares.choices,
        required=False,
        help_text="People reached only, max step with proportions, where the table has no "
        "share for a subsector's population type: zero (default, the region's script: that "
        "population type's highest is unknown and counts 0) or plain_max (the admin1 takes "
        "the highest sector per population type as reported).",
    )
    indicator_type = serializers.ChoiceField(
        choices=IndicatorTypes.choices,
        required=False,
        help_text="Monthly beneficiaries only: direct_assistance (default, the region's "
        "script) or all indicator types.",
    )
    format = serializers.CharField(required=False, help_text="json, csv, xlsx or hxl.")
    sep = serializers.CharField(required=False, help_text="CSV: comma, semicolon or tab.")
    headers = serializers.CharField(required=False, help_text="Exports: names or labels.")

    def validate(self, attrs):
        errors: dict[str, list] = {}
        month_to = attrs.get("month_to") or attrs.get("month")
        if month_to is None:
            errors["month"] = [ErrorDetail(_("Give month (or month_to), as YYYY-MM."), "required")]
        group_by = [g.strip() for g in attrs.get("group_by", "").split(",") if g.strip()]
        dimensions = self.context.get("dimensions", GROUP_DIMENSIONS)
        unknown = [g for g in group_by if g not in dimensions]
        if (
            unknown
            or len(set(group_by)) != len(group_by)
            or {"sector", "subsector"} <= set(group_by)
        ):
            message = _("Group by distinct values among %(dimensions)s.") % {
                "dimensions": ", ".join(dimensions)
            }  # fmt: skip
            errors["group_by"] = [ErrorDetail(message, "invalid")]
        attrs["group_by"] = group_by
        self._resolve_codes(attrs, errors)
        if errors:
            raise ValidationError(errors)
        attrs["month_to"] = month_to
        _check_span(attrs.get("month_from"), month_to)
        return attrs

    def _resolve_codes(self, attrs: dict, errors: dict) -> None:
        """Codes to objects (the country and admin1 at their level), or an error each."""
        references: ReferenceIndex = self.context["references"]
        levels = {"country": LocationLevel.COUNTRY, "admin1": LocationLevel.ADMIN1}
        for name, kind in (("country", "location"), ("admin1", "location"), ("partner", "partner")):
            if name in attrs:
                found = references.get(kind, attrs[name].strip().upper())
                if found is None or (name in levels and found.level != levels[name]):
                    errors[name] = [
                        ErrorDetail(unknown_code_message(name, attrs[name], []), "does_not_exist")
                    ]
                else:
                    attrs[name] = found
        if "sector" in attrs:
            found = references.sector(attrs["sector"].strip().upper())
            if found is None:
                errors["sector"] = [
                    ErrorDetail(
                        unknown_code_message("sector", attrs["sector"], []), "does_not_exist"
                    )
                ]
            else:
                attrs["sector"] = found

    def figure_query(self, *, cumulative: bool, rmrp_default: bool | None = None) -> FigureQuery:
        data = self.validated_data
        references: ReferenceIndex = self.context["references"]
        month_to: date = data["month_to"]
        month_from = data.get("month_from") or (
            month_to.replace(month=1) if cumulative else month_to
        )
        admin1_ids = None
        if "country" in data:
            admin1_ids = references.admin1_ids_of(data["country"].pk)
        if "admin1" in data:
            admin1_ids = (admin1_ids if admin1_ids is not None else {data["admin1"].pk}) & {
                data["admin1"].pk
            }
        return FigureQuery(
            month_from=month_from,
            month_to=month_to,
            group_by=data["group_by"],
            admin1_ids=admin1_ids,
            indicator_ids=references.indicator_ids_of_sector(data["sector"])
            if "sector" in data
            else None,
            partner_id=data["partner"].pk if "partner" in data else None,
            rmrp=data.get("rmrp", rmrp_default),
            cva=data.get("cva"),
        )


class MonthsSerializer(serializers.Serializer):
    to = serializers.CharField(help_text="YYYY-MM")

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.CharField(help_text="YYYY-MM")
        return fields


class PopulationFigureSerializer(serializers.Serializer):
    in_destination = serializers.IntegerField()
    in_transit = serializers.IntegerField()
    host_community = serializers.IntegerField()
    pendular = serializers.IntegerField()
    returnees = serializers.IntegerField()


class AgeSexFigureSerializer(serializers.Serializer):
    girls = serializers.IntegerField()
    boys = serializers.IntegerField()
    women = serializers.IntegerField()
    men = serializers.IntegerField()
    other_under_18 = serializers.IntegerField()
    other_over_18 = serializers.IntegerField()


class GroupColumnsSerializer(serializers.Serializer):
    """The group_by columns asked for appear on each row, each code with its name."""

    month = serializers.CharField(required=False)
    country = serializers.CharField(required=False)
    country_name = serializers.CharField(required=False)
    admin1 = serializers.CharField(required=False)
    admin1_name = serializers.CharField(required=False)
    sector = serializers.CharField(required=False)
    sector_name = serializers.CharField(required=False)
    subsector_name = serializers.CharField(required=False)
    partner_name = serializers.CharField(required=False)
    subsector = serializers.CharField(
        required=False, help_text="A sector, or a Protection subsector (PRT-CP, PRT-GBV, PRT-HTS)."
    )
    partner = serializers.CharField(required=False)


class PeopleReachedRowSerializer(GroupColumnsSerializer):
    people_reached = serializers.IntegerField()
    population = PopulationFigureSerializer()
    age_sex = AgeSexFigureSerializer()
    cva_people = serializers.IntegerField(help_text="New beneficiaries of CVA rows.")
    flags = serializers.ListField(
        child=serializers.CharField(),
        help_text="population_differs_from_total, age_sex_differs_from_total, "
        "cva_people_exceed_total",
    )


class CoveredCountrySerializer(serializers.Serializer):
    country = serializers.CharField(help_text="ISO3, e.g. PER.")
    country_name = serializers.CharField(allow_null=True)


class FigureMetaSerializer(serializers.Serializer):
    months = MonthsSerializer()
    provisional = serializers.BooleanField(help_text="Some month covered is still open.")
    flagged_rows = serializers.IntegerField(
        help_text="Rows of imported history it counts that break some of the region's "
        "quality checks (`quality_flags`), counted as the region's script counts them."
    )
    approval = FigureApprovalSerializer(
        help_text="Which organisations' months the figure covers are approved (submission "
        "and approval: month-submissions/)."
    )
    countries = CoveredCountrySerializer(
        many=True,
        help_text="The countries this figure covers (those of the country/admin1 filter, else "
        "every country of the platform): a regional figure is the sum of theirs.",
    )
    group_by = serializers.ListField(child=serializers.CharField())


SETTING_SOURCES = ["query", "country_setting", "platform_default"]
METHOD_SOURCES = ["query", "platform_default"]


class CountrySettingsUsedSerializer(CoveredCountrySerializer):
    model = serializers.ChoiceField(choices=ConsolidationModel.choices)
    model_source = serializers.ChoiceField(choices=SETTING_SOURCES)
    accumulation = serializers.ChoiceField(choices=Accumulation.choices)
    accumulation_source = serializers.ChoiceField(choices=SETTING_SOURCES)
    proportions = serializers.ChoiceField(choices=Proportions.choices)
    proportions_source = serializers.ChoiceField(choices=SETTING_SOURCES)
    rmrp_only = serializers.BooleanField()


_MIXED = " Null when the countries covered differ: see `countries`."


class PeopleReachedSerializer(FigureMetaSerializer):
    countries = CountrySettingsUsedSerializer(
        many=True,
        help_text="The countries this figure covers, each consolidated by its own settings; "
        "the figure is the sum of theirs.",
    )
    model = serializers.ChoiceField(
        choices=ConsolidationModel.choices, allow_null=True, help_text="The model used." + _MIXED
    )
    model_source = serializers.ChoiceField(choices=SETTING_SOURCES, allow_null=True)
    accumulation = serializers.ChoiceField(
        choices=Accumulation.choices, allow_null=True, help_text=_MIXED.strip()
    )
    accumulation_source = serializers.ChoiceField(choices=SETTING_SOURCES, allow_null=True)
    proportions = serializers.ChoiceField(
        choices=Proportions.choices,
        allow_null=True,
        help_text="The age/sex proportions variant the max step applies (none: each "
        "population type's and age/sex group's highest sector as reported; unused by sum)."
        + _MIXED,
    )
    proportions_source = serializers.ChoiceField(choices=SETTING_SOURCES, allow_null=True)
    proportions_uncovered = serializers.ListField(
        child=serializers.CharField(),
        help_text="Admin1 P-codes whose proportions table lacked a share their max step "
        "needed for people reported: by `missing_shares`, those population types counted 0 "
        "(zero) or the admin1 took the per-population-type max (plain_max).",
    )
    rounding = serializers.ChoiceField(choices=Rounding.choices)
    rounding_source = serializers.ChoiceField(choices=METHOD_SOURCES)
    missing_shares = serializers.ChoiceField(choices=MissingShares.choices)
    missing_shares_source = serializers.ChoiceField(choices=METHOD_SOURCES)
    rmrp_only = serializers.BooleanField(
        help_text="Only RMRP reports were counted (in every country covered)."
    )
    region_script = serializers.BooleanField(
        help_text="The figure follows the region's fct_aggregate_data.R step by step: every "
        "Direct Assistance row counted (not RMRP only), months combined one by one "
        "(monthly), one of its three models, proportions applied (max models), R's "
        "rounding and unknown shares counting 0. False when a setting or the query asked "
        "otherwise."
    )
    results = PeopleReachedRowSerializer(many=True)


class MonthlyRowSerializer(GroupColumnsSerializer):
    rmrp = serializers.IntegerField(help_text="Total monthly beneficiaries of RMRP activities.")
    no_rmrp = serializers.IntegerField()
    total = serializers.IntegerField()


class MonthlyBeneficiariesSerializer(FigureMetaSerializer):
    indicator_type = serializers.ChoiceField(
        choices=IndicatorTypes.choices,
        help_text="The indicators added: Direct Assistance only (the region's script's "
        "'Monthly Total Beneficiaries') or all.",
    )
    indicator_type_source = serializers.ChoiceField(choices=METHOD_SOURCES)
    results = MonthlyRowSerializer(many=True)


class IndicatorRowSerializer(GroupColumnsSerializer):
    indicator = serializers.CharField()
    indicator_name = serializers.CharField()
    unit = serializers.CharField()
    indicator_type = serializers.CharField()
    quantity = serializers.IntegerField()
    total_beneficiaries = serializers.IntegerField()
    new_beneficiaries = serializers.IntegerField()
    partners = serializers.IntegerField(
        help_text="How many organisations reported it: distinct `partner` of its reports."
    )


class CashRowSerializer(GroupColumnsSerializer):
    delivery_mechanism = serializers.CharField(required=False)
    cva_value_usd = serializers.DecimalField(
        max_digits=16, decimal_places=2, coerce_to_string=False, help_text="Cash transferred."
    )
    people = serializers.IntegerField(help_text="Total beneficiaries of CVA rows.")
    new_people = serializers.IntegerField(help_text="New beneficiaries of CVA rows.")
    reports = serializers.IntegerField(help_text="CVA rows counted.")


class CashFiguresSerializer(FigureMetaSerializer):
    results = CashRowSerializer(many=True)


class IndicatorFiguresSerializer(FigureMetaSerializer):
    results = IndicatorRowSerializer(many=True)


# What one figure request may cost: its months, and the rows it answers.


class CountryFigureSettingsSerializer(serializers.ModelSerializer):
    country = serializers.SlugRelatedField(slug_field="pcode", read_only=True)
    changed_by = serializers.CharField(
        source="changed_by.username", read_only=True, allow_null=True
    )
    changed_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="null until a coordinator sets them."
    )

    class Meta:
        model = CountryFigureSettings
        fields = [
            "country",
            "consolidation_model",
            "accumulation",
            "proportions",
            "rmrp_only",
            "changed_at",
            "changed_by",
        ]
        read_only_fields = ["country", "changed_at", "changed_by"]


class PlanTargetSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A plan year's target and people in need in one place (an admin1, or a country as a
    whole), for one sector or subsector (none: all sectors together, the region's
    Intersector), optionally one population type and one age/sex group."""

    admin1 = ReferenceField(
        "location", help_text="Admin1 P-code, or a country's ISO3 for the country as a whole."
    )
    sector = ReferenceField(
        "sector", required=False, allow_null=True,
        help_text="Sector or subsector code; null: all sectors together (Intersector).",
    )  # fmt: skip
    changed_by = serializers.CharField(
        source="changed_by.username", read_only=True, allow_null=True
    )

    class Meta:
        model = PlanTarget
        fields = [
            "id", "plan_year", "admin1", "sector", "population_type", "age_sex", "target",
            "people_in_need", "changed_at", "changed_by",
        ]  # fmt: skip
        read_only_fields = ["id", "changed_at", "changed_by"]
        validators = []  # one target per cell: plan_targets_upsert replaces it

    def validate(self, attrs):
        admin1 = attrs.get("admin1")
        if admin1 is not None and admin1.level == LocationLevel.ADMIN2:
            message = _("%(pcode)s is not an admin1 area (or a country, for the whole of it).")
            raise ValidationError(
                {"admin1": [ErrorDetail(message % {"pcode": admin1.pcode}, "wrong_level")]}
            )
        if attrs.get("target") is None and attrs.get("people_in_need") is None:
            message = _("Give a target, people in need or both.")
            raise ValidationError({"target": [ErrorDetail(message, "required")]})
        return attrs

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["admin1"] = instance.admin1.pcode
        data["sector"] = instance.sector.code if instance.sector_id else None
        return data


class PlanTargetUploadSerializer(StrictFieldsMixin, serializers.Serializer):
    file = serializers.FileField(
        help_text="CSV or XLSX with the columns plan_year, admin1, sector (empty: all "
        "sectors), population_type and age_sex (may be empty), target and people_in_need "
        "(either may be empty)."
    )


class PlanTargetUploadResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    deleted = serializers.IntegerField(help_text="Always 0 here: an upload adds and changes.")


class ProgressRowSerializer(GroupColumnsSerializer):
    people_reached = serializers.IntegerField(help_text="New beneficiaries from January on.")
    target = serializers.IntegerField(allow_null=True)
    people_in_need = serializers.IntegerField(allow_null=True)
    reached_pct_of_target = serializers.FloatField(allow_null=True)
    reached_pct_of_pin = serializers.FloatField(allow_null=True)


class ProgressSerializer(FigureMetaSerializer):
    rmrp_only = serializers.BooleanField()
    results = ProgressRowSerializer(many=True)
