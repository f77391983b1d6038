from django.contrib import admin

from indicators.models import Indicator, Sector


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent"]
    search_fields = ["code", "name"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "sector", "indicator_type", "unit", "active"]
    list_filter = ["indicator_type", "active", "sector"]
    list_select_related = ["sector"]
    search_fields = ["code", "name"]
