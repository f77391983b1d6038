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
