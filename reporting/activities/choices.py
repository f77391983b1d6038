from django.db import models


class DeliveryMechanism(models.TextChoices):
    BANK_ACCOUNT = "bank_account", "Beneficiary bank account"
    MOBILE_MONEY = "mobile_money", "Mobile money"
    PREPAID_CARD = "prepaid_card", "Prepaid card"
    OVER_THE_COUNTER = "over_the_counter", "Cash collection over the counter"
    DIRECT_CASH = "direct_cash", "Direct cash"
    CARDLESS_ATM = "cardless_atm", "Cardless ATM withdrawal"
    VOUCHER = "voucher", "Voucher"
    OTHER_ELECTRONIC = "other_electronic", "Other electronic cash mechanisms"
    OTHER = "other", "Other"


# The mechanisms as the Spanish template lists them (uploads take either language).
DELIVERY_MECHANISM_ES = {
    DeliveryMechanism.BANK_ACCOUNT: "Cuenta bancaria del beneficiario",
    DeliveryMechanism.MOBILE_MONEY: "Dinero móvil",
    DeliveryMechanism.PREPAID_CARD: "Tarjeta prepagada",
    DeliveryMechanism.OVER_THE_COUNTER: "Retiro de efectivo en ventanilla",
    DeliveryMechanism.DIRECT_CASH: "Efectivo directo",
    DeliveryMechanism.CARDLESS_ATM: "Retiro en cajero sin tarjeta",
    DeliveryMechanism.VOUCHER: "Cupón",
    DeliveryMechanism.OTHER_ELECTRONIC: "Otros mecanismos de dinero electrónico",
    DeliveryMechanism.OTHER: "Otro",
}


def mechanism_label(value: str) -> str:
    """A delivery mechanism's name in the request's language."""
    from django.utils.translation import get_language

    mechanism = DeliveryMechanism(value)
    spanish = (get_language() or "").startswith("es")
    return DELIVERY_MECHANISM_ES[mechanism] if spanish else mechanism.label


# The region's current list (its 5W in ActivityInfo, in English and Spanish), read as ours;
# the first English name of each is what the ActivityInfo layout writes.
REGION_MECHANISMS = {
    "Physical cash": DeliveryMechanism.DIRECT_CASH,
    "Mobile money transfer": DeliveryMechanism.MOBILE_MONEY,
    "Bank transfer": DeliveryMechanism.BANK_ACCOUNT,
    "Other electronic cash mechanisms": DeliveryMechanism.OTHER_ELECTRONIC,
    "Vouchers": DeliveryMechanism.VOUCHER,
    "Others": DeliveryMechanism.OTHER,
    "Dinero en efectivo": DeliveryMechanism.DIRECT_CASH,
    "Efectivo": DeliveryMechanism.DIRECT_CASH,
    "Transferencia vía móvil": DeliveryMechanism.MOBILE_MONEY,
    "Transferencia via móvil": DeliveryMechanism.MOBILE_MONEY,
    "Transferencia bancaria": DeliveryMechanism.BANK_ACCOUNT,
    "Otros mecanismos de dinero electrónico": DeliveryMechanism.OTHER_ELECTRONIC,
    "Cupones": DeliveryMechanism.VOUCHER,
    "Otros": DeliveryMechanism.OTHER,
}
REGION_MECHANISM_NAME = {m: name for name, m in reversed(REGION_MECHANISMS.items())}
