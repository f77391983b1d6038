from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import QuerySet

from reporting.border_flows.services import MODES


# --- Questions analysts ask -------------------------------------------------------------
def _period_start(day: date, interval: str) -> date:
    if interval == "month":
        return day.replace(day=1)
    if interval == "week":
        return day - timedelta(days=day.weekday())  # ISO weeks start on Monday
    return day


def _periods(start: date, end: date, interval: str) -> list[date]:
    out, current = [], _period_start(start, interval)
    while current <= end:
        out.append(current)
        if interval == "month":
            current = (current.replace(day=28) + timedelta(days=4)).replace(day=1)
        else:
            current += timedelta(days=7 if interval == "week" else 1)
    return out


def crossings_series(
    *, queryset: QuerySet, interval: str, start: date, end: date, count_type: str = "crossings"
) -> list[dict]:
    """People counted per period, per border point and direction. An observation counts in
    the period where it starts. Periods without any observation are listed with `people:
    null` (a gap), never 0. Only observations that count crossings, unless `count_type`
    asks for the respondents of surveys (or all)."""
    totals: dict[tuple, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    if count_type != "all":
        queryset = queryset.filter(count_type=count_type)
    rows = queryset.filter(date_from__gte=start, date_from__lte=end).values_list(
        "border_point__code", "direction", "date_from", "people"
    )
    for point, direction, day, people in rows:
        totals[(point, direction)][_period_start(day, interval)] += people
    periods = _periods(start, end, interval)
    return [
        {
            "border_point": point,
            "direction": direction,
            "points": [{"period": p.isoformat(), "people": counts.get(p)} for p in periods],
        }
        for (point, direction), counts in sorted(totals.items())
    ]


def crossings_travel_modes(*, queryset: QuerySet) -> list[dict]:
    """Travel-mode shares per month, weighted by the people each observation counted."""
    sums: dict[date, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    rows = queryset.exclude(on_foot_pct=None, motor_vehicle_pct=None, other_mode_pct=None)
    for day, people, *shares in rows.values_list("date_from", "people", *(f for _, f in MODES)):
        month = day.replace(day=1)
        sums[month]["people"] += people
        sums[month]["observations"] += 1
        for (key, _), share in zip(MODES, shares, strict=True):
            if share is not None:
                sums[month][key] += share * people
    out = []
    for month, s in sorted(sums.items()):
        weight = s["people"]
        out.append(
            {
                "month": f"{month:%Y-%m}",
                "people": int(weight),
                "observations": int(s["observations"]),
                **{key: round(float(s[key] / weight), 1) if weight else None for key, _ in MODES},
            }
        )
    return out
