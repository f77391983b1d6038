"""What a figure answers: its rows and what it says about itself (months, method, approval)."""

from rest_framework import serializers

from reporting.approvals.api.serializers import FigureApprovalSerializer
from reporting.figures.choices import (
    Accumulation,
    ConsolidationModel,
    IndicatorTypes,
    MissingShares,
    Proportions,
    Rounding,
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


class ProgressRowSerializer(GroupColumnsSerializer):
    people_reached = serializers.IntegerField(help_text="New beneficiaries from January on.")
    target = serializers.IntegerField(allow_null=True)
    people_in_need = serializers.IntegerField(allow_null=True)
    reached_pct_of_target = serializers.FloatField(allow_null=True)
    reached_pct_of_pin = serializers.FloatField(allow_null=True)


class ProgressSerializer(FigureMetaSerializer):
    rmrp_only = serializers.BooleanField()
    results = ProgressRowSerializer(many=True)
