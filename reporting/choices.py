from django.db import models


class LocationLevel(models.TextChoices):
    COUNTRY = "country", "Country"
    ADMIN1 = "admin1", "Admin level 1"
    ADMIN2 = "admin2", "Admin level 2"


class DeliveryMechanism(models.TextChoices):
    BANK_ACCOUNT = "bank_account", "Beneficiary bank account"
    MOBILE_MONEY = "mobile_money", "Mobile money"
    PREPAID_CARD = "prepaid_card", "Prepaid card"
    OVER_THE_COUNTER = "over_the_counter", "Cash collection over the counter"
    DIRECT_CASH = "direct_cash", "Direct cash"
    CARDLESS_ATM = "cardless_atm", "Cardless ATM withdrawal"
    VOUCHER = "voucher", "Voucher"
    OTHER = "other", "Other"


class PeriodStatus(models.TextChoices):
    OPEN = "open", "Open"
    LOCKED = "locked", "Locked"


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


class BorderPointKind(models.TextChoices):
    OFFICIAL = "official", "Official crossing"
    INFORMAL = "informal", "Informal crossing"


class Direction(models.TextChoices):
    ENTRY = "entry", "Entry into the country"
    EXIT = "exit", "Exit from the country"


class ObservationMethod(models.TextChoices):
    FLOW_MONITORING = "flow_monitoring", "Flow monitoring"
    KEY_INFORMANT = "key_informant", "Key informant"
    OFFICIAL_RECORDS = "official_records", "Official records"
    OTHER = "other", "Other"


class ConsolidationModel(models.TextChoices):
    """How people reached in several sectors are combined without double counting."""

    SUM = "sum", "Sum of the sectors"
    MAX_SECTOR = "max_sector", "Per admin1 and population type, the highest sector"
    SOUTHERN_CONE = (
        "southern_cone",
        (
            "Per admin1: highest of Shelter, Food Security, Humanitarian Transportation, WASH; "
            "plus Protection; plus Integration, MPC, Health and Education"
        ),
    )
