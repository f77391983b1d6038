"""The figures analysts publish, computed from live 5W reports (selectors: reads only).

Every aggregate is one GROUP BY over the report table alone; codes, sectors and countries
come from the ReferenceIndex, and the cross-sector consolidation runs in Python over the
few thousand (month, admin1, sector) cells that query returns.

- `common`: the query, its months, the report filter, the people-reached settings, names;
- `people_reached`: the consolidation without double counting (monthly or cumulative);
- `tables`: monthly beneficiaries, indicator totals, cash;
- `progress`: people reached against plan targets.
"""

from reporting.figures.selectors.common import (
    CASH_DIMENSIONS,
    GROUP_DIMENSIONS,
    FigureQuery,
    PeopleReachedSettings,
    covered_months,
    flagged_rows,
    provisional,
    query_key,
    settings_of,
    with_names,
)
from reporting.figures.selectors.people_reached import people_reached
from reporting.figures.selectors.progress import progress
from reporting.figures.selectors.tables import cash_figures, indicator_totals, monthly_beneficiaries

__all__ = [
    "CASH_DIMENSIONS",
    "GROUP_DIMENSIONS",
    "FigureQuery",
    "PeopleReachedSettings",
    "cash_figures",
    "covered_months",
    "indicator_totals",
    "monthly_beneficiaries",
    "people_reached",
    "settings_of",
    "progress",
    "flagged_rows",
    "provisional",
    "query_key",
    "with_names",
]
