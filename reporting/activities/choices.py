from django.db import models


class DeliveryMechanism(models.TextChoices):
    BANK_ACCOUNT = "bank_account", "Beneficiary bank account"
    MOBILE_MONEY = "mobile_money", "Mobile money"
    PREPAID_CARD = "prepaid_card", "Prepaid card"
    OVER_THE_COUNTER = "over_the_counter", "Cash collection over the counter"
    DIRECT_CASH = "direct_cash", "Direct cash"
    CARDLESS_ATM = "cardless_atm", "Cardless ATM withdrawal"
    VOUCHER = "voucher", "Voucher"
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
    DeliveryMechanism.OTHER: "Otro",
}
