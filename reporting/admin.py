"""Admin for coordinators. Report writes go through the same services as the API, so the
admin gives the same verdict, respects locked months and leaves the same history."""

from django import forms
from django.contrib import admin, messages

from config.api.exceptions import Conflict
from config.db.choices import ChangeChannel
from reporting.activities.models import ActivityReport, ActivityReportHistoryEntry, Import
from reporting.activities.services import (
    activity_report_create,
    activity_report_delete,
    activity_report_update,
)
from reporting.border_flows.models import BorderCrossing, BorderPoint
from reporting.figures.models import CountryFigureSettings
from reporting.locations.models import Location
from reporting.periods.models import ReportingPeriod
from reporting.periods.services import periods_assert_open


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown for reference; changes go through the API, whose services keep the history."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["pcode", "name", "level", "parent"]
    list_filter = ["level"]
    list_select_related = ["parent"]
    search_fields = ["pcode", "name"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(ReadOnlyAdmin):
    """Read-only here: lock and unlock through the API, which requires a reason."""

    list_display = ["month", "status", "changed_at", "changed_by", "reason"]
    list_filter = ["status"]


class ActivityReportForm(forms.ModelForm):
    class Meta:
        model = ActivityReport
        fields = [
            "external_id", "month", "partner", "implementing_partner", "admin1", "admin2",
            "indicator", "activity_name", "activity_description", "rmrp", "covid19", "cva",
            "cva_value_usd", "delivery_mechanism", "quantity", "total_beneficiaries",
            "new_beneficiaries", "pop_in_destination", "pop_in_transit", "pop_host_community",
            "pop_pendular", "pop_returnees", "girls", "boys", "women", "men", "other_under_18",
            "other_over_18",
        ]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        months = {
            m
            for m in (cleaned.get("month"), self.instance.month if self.instance.pk else None)
            if m
        }
        try:
            periods_assert_open(months=months)
        except Conflict as exc:
            raise forms.ValidationError(str(exc.detail), code="period_locked") from None
        return cleaned


@admin.register(ActivityReport)
class ActivityReportAdmin(admin.ModelAdmin):
    form = ActivityReportForm
    list_display = ["id", "month", "partner", "indicator", "admin1", "activity_name",
                    "total_beneficiaries", "new_beneficiaries", "version"]  # fmt: skip
    list_filter = ["month", "rmrp", "cva", "indicator__sector"]
    list_select_related = ["partner", "indicator", "admin1"]
    search_fields = ["activity_name", "external_id", "partner__code"]
    readonly_fields = ["version", "created_at", "updated_at", "created_by", "updated_by"]

    def save_model(self, request, obj, form, change):
        if change:
            data = {name: getattr(obj, name) for name in form.changed_data}
            activity_report_update(
                report=obj, data=data, user=request.user, channel=ChangeChannel.ADMIN
            )
        else:
            data = {name: getattr(obj, name) for name in form.cleaned_data}
            created = activity_report_create(
                data=data, user=request.user, channel=ChangeChannel.ADMIN
            )
            obj.pk = created.pk

    actions = ["soft_delete"]

    def has_delete_permission(self, request, obj=None):
        # No hard delete from here: a correction must leave a trace. Reports leave lists
        # and figures through the action below, which keeps their history.
        return False

    @admin.action(
        description="Withdraw selected reports (they leave lists and figures; history kept)",
        permissions=["change"],
    )
    def soft_delete(self, request, queryset):
        withdrawn = 0
        for report in queryset:
            try:
                activity_report_delete(
                    report=report, user=request.user, channel=ChangeChannel.ADMIN
                )
            except Conflict as refused:  # a locked month
                messages.error(request, f"Report {report.pk}: {refused.detail}")
            else:
                withdrawn += 1
        messages.info(
            request,
            f"{withdrawn} report(s) withdrawn; each keeps its history. Reports are never "
            "erased: the history of every figure must stay checkable.",
        )


@admin.register(ActivityReportHistoryEntry)
class ActivityReportHistoryEntryAdmin(ReadOnlyAdmin):
    list_display = ["report", "version", "action", "channel", "changed_at", "changed_by"]
    list_filter = ["action", "channel"]
    list_select_related = ["changed_by"]


@admin.register(BorderPoint)
class BorderPointAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "admin1", "neighbour_country", "kind"]
    list_filter = ["kind", "neighbour_country"]
    list_select_related = ["admin1"]
    search_fields = ["code", "name"]


@admin.register(BorderCrossing)
class BorderCrossingAdmin(ReadOnlyAdmin):
    list_display = [
        "border_point",
        "date_from",
        "date_to",
        "direction",
        "people",
        "source",
        "partner",
    ]
    list_filter = ["direction", "method", "border_point"]
    list_select_related = ["border_point", "partner"]


@admin.register(Import)
class ImportAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "file_name",
        "uploaded_by",
        "partner",
        "uploaded_at",
        "status",
        "rows",
        "created",
    ]
    list_filter = ["status", "file_format", "dry_run"]
    list_select_related = ["uploaded_by", "partner"]
    exclude = ["content"]


@admin.register(CountryFigureSettings)
class CountryFigureSettingsAdmin(admin.ModelAdmin):
    list_display = ["country", "consolidation_model", "accumulation", "rmrp_only", "changed_at"]
    readonly_fields = ["changed_at", "changed_by"]

    def save_model(self, request, obj, form, change):
        obj.changed_by = request.user
        super().save_model(request, obj, form, change)
