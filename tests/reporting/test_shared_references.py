"""Reference data (partners, indicators, sectors, locations) is read from the database once
per process and reference generation on PostgreSQL (reporting.common.references): a figure
or a batch then costs one small query for it instead of seven, and a change is seen by the
next request, even one the counter's value alone could not tell apart."""

import pytest
from django.db import transaction

from reporting.common.references import ReferenceIndex
from tests.factories import PartnerFactory
from tests.holds import postgresql_only

pytestmark = [pytest.mark.django_db, postgresql_only]

ANALYST_FIGURE = "/api/v1/figures/cash/?month=2021-03&group_by=sector"


def _reference_queries(captured) -> list[str]:
    tables = ("partners_partner", "indicators_indicator", "indicators_sector",
              "reporting_location")  # fmt: skip
    return [q["sql"] for q in captured if any(f'FROM "{t}"' in q["sql"] for t in tables)]


def test_a_figure_reads_reference_data_once_then_only_its_generation(
    analyst, django_assert_max_num_queries
):
    analyst.get(ANALYST_FIGURE)  # this process loads the reference data
    with django_assert_max_num_queries(20) as captured:
        assert analyst.get(ANALYST_FIGURE).status_code == 200
    assert _reference_queries(captured.captured_queries) == []
    assert any("reporting_datageneration" in q["sql"] for q in captured.captured_queries)


def test_a_partner_added_is_known_to_the_next_request():
    assert ReferenceIndex().get("partner", "NEWCOMER") is None
    PartnerFactory(code="NEWCOMER")
    assert ReferenceIndex().get("partner", "NEWCOMER") is not None
    assert "NEWCOMER" in ReferenceIndex().names()["partner"]


def test_a_change_rolled_back_is_never_served_afterwards():
    """The rolled-back change and the next one take the same counter value: what was
    loaded in between must not be taken for the next one's data."""
    with pytest.raises(RuntimeError), transaction.atomic():
        PartnerFactory(code="GHOST")
        assert ReferenceIndex().get("partner", "GHOST") is not None  # loaded, shared
        raise RuntimeError("rolled back")
    PartnerFactory(code="REAL")
    references = ReferenceIndex()
    assert references.get("partner", "REAL") is not None
    assert references.get("partner", "GHOST") is None
