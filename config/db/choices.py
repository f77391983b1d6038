from django.db import models


class HistoryAction(models.TextChoices):
    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    DELETE = "delete", "Deleted"


class ChangeChannel(models.TextChoices):
    """Through which path a change came in."""

    API = "api", "JSON API"
    BULK = "bulk", "JSON batch"
    IMPORT = "import", "Spreadsheet import"
    ADMIN = "admin", "Admin"
    SYSTEM = "system", "Management command"
