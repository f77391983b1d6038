from django.db import models


class PartnerType(models.TextChoices):
    UN_AGENCY = "un_agency", "UN agency"
    INTERNATIONAL_NGO = "international_ngo", "International NGO"
    NATIONAL_NGO = "national_ngo", "National NGO"
    RED_CROSS = "red_cross", "Red Cross/Red Crescent"
    FAITH_BASED = "faith_based", "Faith-based organisation"
    GOVERNMENT = "government", "Government"
    DONOR = "donor", "Donor"
    ACADEMIC = "academic", "Academic"
    OTHER = "other", "Other"


class Role(models.TextChoices):
    REPORTER = "reporter", "Reporter: writes its organisation's reports"
    VIEWER = "viewer", "Viewer: reads its organisation's reports"
    ANALYST = "analyst", "Analyst: reads everything, writes nothing"
    COORDINATOR = "coordinator", "Coordinator: reference data, months, all reports"
