"""Invariants of people reached, over rows Hypothesis makes up (tests/reporting/figures/
test_figures.py has the worked examples)."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config.db.choices import ChangeChannel
from indicators.models import Indicator, Sector
from partners.models import Partner
from reporting.activities.breakdowns import POPULATION_FIELDS
from reporting.activities.models import ActivityReport, ActivityReportHistoryEntry
from reporting.activities.services import (
    activity_report_create,
    activity_report_delete,
    activity_report_update,
)
from reporting.figures.models import SHARE_FIELDS
from reporting.figures.proportions import proportions_batch
from reporting.locations.models import Location

pytestmark = pytest.mark.django_db
URL = "/api/v1/figures/people-reached/?month=2021-03"
SECTORS = ["SHE-01", "FS-02", "WASH-01", "PRT-01", "EDU-01", "MPC-01", "NUT-01", "HT-01"]
SUBSECTORS = ["GBV-01", "CP-01"]
EXAMPLES = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


# An age/sex proportions table ("pin") for both admin1s and every sector above, each
# sector with its own split, so the per-cell max differs from the per-population-type one.
SPLITS = [("0.2", "0.2", "0.3", "0.3"), ("0.5", "0.5", "0", "0"), ("0.1", "0", "0.6", "0.3"),
          ("0.25", "0.25", "0.25", "0.25"), ("0.333", "0.333", "0.167", "0.167")]  # fmt: skip


@pytest.fixture
def pin_table(coordinator):
    sectors = Sector.objects.filter(
        code__in={Indicator.objects.get(code=c).sector.code for c in SECTORS + SUBSECTORS}
    ).order_by("code")
    rows = []
    for admin1 in Location.objects.filter(pcode__in=["PE15", "PE24"]):
        for n, sector in enumerate(sectors):
            shares = dict(zip(SHARE_FIELDS, map(Decimal, SPLITS[n % len(SPLITS)]), strict=True))
            for population, _ in POPULATION_FIELDS:
                data = {"admin1": admin1, "sector": sector, "variant": "pin",
                        "population_type": population, **shares}  # fmt: skip
                rows.append((len(rows), data))
    proportions_batch(user=coordinator.user, rows=rows, errors=[])


def row_strategy(indicators):
    return st.fixed_dictionaries(
        {
            "admin1": st.sampled_from(["PE15", "PE24"]),
            "indicator": st.sampled_from(indicators),
            "month": st.integers(1, 3),
            "destination": st.integers(0, 60),
            "transit": st.integers(0, 60),
            "partner": st.sampled_from(["ACNUR", "OIM"]),
        }
    )


def data_of(spec: dict, n: int) -> dict:
    dest, transit = spec["destination"], spec["transit"]
    indicator = Indicator.objects.get(code=spec["indicator"])
    cva = indicator.sector.code == "MPC"
    return {
        "month": date(2021, spec["month"], 1),
        "partner": Partner.objects.get(code=spec["partner"]),
        "admin1": Location.objects.get(pcode=spec["admin1"]),
        "indicator": indicator,
        "activity_name": f"Activity {n}",
        "rmrp": True,
        "cva": cva,
        "cva_value_usd": 10 if cva else None,
        "delivery_mechanism": "voucher" if cva else None,
        "total_beneficiaries": dest + transit + 1,
        "new_beneficiaries": dest + transit or 1,
        "pop_in_destination": dest or (0 if transit else 1),
        "pop_in_transit": transit,
        "women": dest or (0 if transit else 1),
        "men": transit,
    }


def write(specs: list[dict], user) -> list[ActivityReport]:
    ActivityReportHistoryEntry.objects.all().delete()
    ActivityReport.all_objects.all().delete()
    return [
        activity_report_create(data=data_of(spec, n), user=user, channel=ChangeChannel.SYSTEM)
        for n, spec in enumerate(specs)
    ]


def reached(api, query: str) -> dict[str, int]:
    response = api.get(f"{URL}&{query}")
    assert response.status_code == 200, response.content
    return {r.get("admin1") or r.get("country") or "all": r["people_reached"]
            for r in response.json()["results"]}  # fmt: skip


@EXAMPLES
@given(specs=st.lists(row_strategy(SECTORS + SUBSECTORS), max_size=12))
def test_sum_does_not_depend_on_the_order(coordinator, specs):
    write(specs, coordinator.user)
    monthly = reached(coordinator, "model=sum&group_by=admin1&accumulation=monthly")
    assert monthly == reached(coordinator, "model=sum&group_by=admin1&accumulation=cumulative")


@EXAMPLES
@given(
    specs=st.lists(row_strategy(SECTORS), max_size=12),
    model=st.sampled_from(["max_sector", "southern_cone"]),
)
def test_the_monthly_order_is_never_below_the_cumulative_one(coordinator, specs, model):
    """Without Protection subsectors (which the monthly order counts apart)."""
    write(specs, coordinator.user)
    monthly = reached(coordinator, f"model={model}&group_by=admin1&accumulation=monthly")
    cumulative = reached(coordinator, f"model={model}&group_by=admin1&accumulation=cumulative")
    assert monthly.keys() == cumulative.keys()
    assert all(monthly[a] >= cumulative[a] for a in monthly)


@EXAMPLES
@given(
    specs=st.lists(row_strategy(SECTORS + SUBSECTORS), max_size=12),
    model=st.sampled_from(["sum", "max_sector", "southern_cone"]),
    order=st.sampled_from(["monthly", "cumulative"]),
    proportions=st.sampled_from(["none", "pin"]),
)
def test_a_country_is_the_sum_of_its_admin1s(
    coordinator, pin_table, specs, model, order, proportions
):
    write(specs, coordinator.user)
    query = f"model={model}&accumulation={order}&proportions={proportions}"
    by_admin1 = reached(coordinator, f"{query}&group_by=admin1")
    country = reached(coordinator, f"{query}&group_by=country")
    assert country.get("PER", 0) == sum(by_admin1.values())


@EXAMPLES
@given(
    specs=st.lists(row_strategy(SECTORS + SUBSECTORS), min_size=1, max_size=10),
    pick=st.integers(0, 9),
    model=st.sampled_from(["sum", "max_sector", "southern_cone"]),
    proportions=st.sampled_from(["none", "pin"]),
)
def test_deleting_a_report_and_adding_it_again_gives_the_same_figure(
    coordinator, pin_table, specs, pick, model, proportions
):
    reports = write(specs, coordinator.user)
    query = f"model={model}&group_by=admin1&proportions={proportions}"
    before = reached(coordinator, query)
    report = reports[pick % len(reports)]
    activity_report_delete(report=report, user=coordinator.user)
    spec = specs[pick % len(reports)]
    activity_report_create(data=data_of(spec, pick % len(reports)), user=coordinator.user)
    assert reached(coordinator, query) == before


WRITES = st.lists(
    st.tuples(st.sampled_from(["create", "update", "delete"]), row_strategy(SECTORS + SUBSECTORS)),
    max_size=6,
)


@EXAMPLES
@given(specs=st.lists(row_strategy(SECTORS + SUBSECTORS), max_size=8), writes=WRITES)
def test_the_cached_answer_equals_the_uncached_one_after_any_writes(
    coordinator, pin_table, specs, writes
):
    reports = write(specs, coordinator.user)
    queries = [
        "group_by=admin1",
        "group_by=month&month_from=2021-01",
        "model=southern_cone",
        "group_by=admin1&proportions=none",
    ]
    for query in queries:
        reached(coordinator, query)  # cached now
    for n, (action, spec) in enumerate(writes):
        live = [r for r in reports if r.deleted_at is None]
        if action == "create" or not live:
            data = data_of(spec, 100 + n)
            reports.append(activity_report_create(data=data, user=coordinator.user))
        elif action == "update":
            target = live[n % len(live)]
            changes = {k: v for k, v in data_of(spec, 0).items() if k.startswith("pop_") or k in (
                "month", "new_beneficiaries", "total_beneficiaries", "women", "men")}  # fmt: skip
            updated = activity_report_update(report=target, data=changes, user=coordinator.user)
            reports[reports.index(target)] = updated
        else:
            target = live[n % len(live)]
            activity_report_delete(report=target, user=coordinator.user)
            target.deleted_at = True
    for query in queries:
        cached = reached(coordinator, query)
        with override_settings(FIGURES_CACHE_SECONDS=0):
            assert cached == reached(coordinator, query), query
