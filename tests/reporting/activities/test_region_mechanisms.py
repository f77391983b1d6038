"""The delivery mechanisms of the region's current list (its ActivityInfo 5W, in English
and Spanish) are read as ours, and the ActivityInfo layout writes them back by the
region's names."""

import pytest

from reporting.activities.models import ActivityReport
from tests.reporting.activities.test_activity_reports import URL, payload

pytestmark = pytest.mark.django_db

CASH = {"cva": True, "cva_value_usd": "120.00", "indicator": "MPC-01", "quantity": None}
REGION_LIST = [
    ("Physical cash ", "direct_cash"),  # with the trailing space of the region's own list
    ("Mobile money transfer", "mobile_money"),
    ("Bank transfer", "bank_account"),
    ("Other electronic cash mechanisms", "other_electronic"),
    ("Vouchers", "voucher"),
    ("Others", "other"),
    ("Dinero en efectivo", "direct_cash"),
    ("Transferencia via móvil", "mobile_money"),
    ("Transferencia Bancaria", "bank_account"),
    ("Otros mecanismos de dinero electrónico", "other_electronic"),
    ("Cupones", "voucher"),
]


@pytest.mark.parametrize(("name", "stored"), REGION_LIST)
def test_the_regions_mechanism_names_are_read(reporter, name, stored):
    response = reporter.post(URL, payload(**CASH, delivery_mechanism=name))
    assert response.status_code == 201, response.content
    assert response.json()["delivery_mechanism"] == stored


def test_the_activityinfo_layout_writes_the_regions_names(reporter, analyst):
    reporter.post(URL, payload(**CASH, delivery_mechanism="other_electronic"))
    reporter.post(
        URL, payload(**CASH, delivery_mechanism="direct_cash", external_id="crm-2")
    )  # fmt: skip
    exported = analyst.get(f"{URL}?format=csv&layout=activityinfo")
    assert exported.status_code == 200, exported.content
    text = b"".join(exported.streaming_content).decode("utf-8-sig")
    assert "Other electronic cash mechanisms" in text and "Physical cash" in text
    assert ActivityReport.objects.filter(delivery_mechanism="other_electronic").count() == 1
