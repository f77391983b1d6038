"""What a figure is asked: its months, grouping, filters and method."""

from datetime import date

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, ValidationError

from config.api.fields import BooleanField, MonthField
from config.api.serializers import StrictFieldsMixin
from reporting.common.references import ReferenceIndex, unknown_code_message
from reporting.figures.choices import (
    Accumulation,
    ConsolidationModel,
    IndicatorTypes,
    MissingShares,
    Proportions,
    Rounding,
)
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


class PeopleReachedQuerySerializer(FigureQuerySerializer):
    """People reached is also asked how to combine sectors and months (its method)."""

    model = serializers.ChoiceField(
        choices=ConsolidationModel.choices,
        required=False,
        help_text="How sectors combine; default: the country's setting.",
    )
    accumulation = serializers.ChoiceField(
        choices=Accumulation.choices,
        required=False,
        help_text="The order of the two steps; default: the country's "
        "setting, else monthly (the regional consolidation).",
    )
    proportions = serializers.ChoiceField(
        choices=Proportions.choices,
        required=False,
        help_text="Max models: the age/sex proportions table that splits "
        "each population type before the max (pin or target), or none; default: the "
        "country's setting, else pin. Admin1s whose table lacks a share are listed in "
        "`proportions_uncovered` (see missing_shares).",
    )
    rounding = serializers.ChoiceField(
        choices=Rounding.choices,
        required=False,
        help_text="Max step with proportions: half_even (default, the "
        "region's script: R's round() of people x share on the double) or half_up (the exact "
        "decimal product, half up).",
    )
    missing_shares = serializers.ChoiceField(
        choices=MissingShares.choices,
        required=False,
        help_text="Max step with proportions, where the table has no "
        "share for a subsector's population type: zero (default, the region's script: that "
        "population type's highest is unknown and counts 0) or plain_max (the admin1 takes "
        "the highest sector per population type as reported).",
    )


class MonthlyBeneficiariesQuerySerializer(FigureQuerySerializer):
    indicator_type = serializers.ChoiceField(
        choices=IndicatorTypes.choices,
        required=False,
        help_text="direct_assistance (default, the region's script) or all indicator types.",
    )
