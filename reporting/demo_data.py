"""Demo data: March 2021 5W reports and border movements for Peru that reproduce the GTRM
situation report, from the files in data/demo/.

Each indicator's total is split over partners and departments the report names; the
reports' sums per indicator equal the figures the report quotes (3,530 people received
protection orientation, 2,240 legal counselling, ...). Every row passes every rule.
"""

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from config.db.choices import ChangeChannel
from indicators.choices import IndicatorType
from indicators.models import Indicator, Sector
from partners.choices import Role
from partners.models import Partner, User
from reporting.activities.breakdowns import AGE_SEX_FIELDS, POPULATION_FIELDS
from reporting.activities.models import ActivityReport
from reporting.activities.services import activity_report_create, activity_report_update
from reporting.activities.validation import activity_report_violations
from reporting.border_flows.models import BorderCrossing, BorderPoint
from reporting.border_flows.services import border_crossing_create, border_crossing_update
from reporting.common.references import ReferenceIndex
from reporting.figures.models import SHARE_FIELDS as PROPORTION_SHARES
from reporting.figures.proportions import proportions_batch
from reporting.figures.services import plan_targets_upsert
from reporting.locations.choices import LocationLevel
from reporting.locations.models import Location
from reporting.sitreps.models import KeyFigure
from reporting.sitreps.services import key_figure_create

DEMO_DIRECTORY = Path(settings.BASE_DIR) / "data" / "demo"

DEMO_USERS = [
    ("demo-acnur", "ACNUR", Role.REPORTER),
    ("demo-hias", "HIAS", Role.VIEWER),
    ("demo-analyst", "OCHA", Role.ANALYST),
    ("demo-coordinator", "GTRM", Role.COORDINATOR),
]
SHARE_FIELDS = ("on_foot_pct", "motor_vehicle_pct", "other_mode_pct")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass
class Figure:
    """One figure of the situation report and how the partners reached it."""

    indicator: str
    activity: str
    total: int  # people (or the quantity, for types that count no people)
    split: list[dict]  # {partner, admin1, admin2 or null, share of the total}
    population: list[float]  # shares of new beneficiaries by population type
    age_sex: list[float]
    new_share: float
    quantity: int | None = None  # output quantity, split like the total
    cva_usd: int | None = None  # cash transferred, split like the total
    mechanism: str | None = None
    implementing: dict[str, str] = field(default_factory=dict)  # partner -> implementer
    not_rmrp: list[str] = field(default_factory=list)  # partners whose row is outside the plan


def demo_figures(directory: Path = DEMO_DIRECTORY) -> tuple[date, list[Figure]]:
    """The month and figures of data/demo/sitrep-2021-03.json."""
    doc = json.loads((directory / "sitrep-2021-03.json").read_text(encoding="utf-8"))
    shares = doc["population_shares"]
    figures = [
        Figure(
            **{k: v for k, v in spec.items() if k not in ("population", "new_share")},
            population=shares[spec.get("population", "default")],
            age_sex=doc["age_sex_shares"],
            new_share=spec.get("new_share", doc["new_share"]),
        )
        for spec in doc["figures"]
    ]
    return date.fromisoformat(doc["month"] + "-01"), figures


def split(total: int, shares: tuple[float, ...] | list[float]) -> list[int]:
    """Whole numbers proportional to `shares` that add up to `total` (largest remainder)."""
    raw = [total * s / sum(shares) for s in shares]
    out = [int(x) for x in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: raw[i] - out[i], reverse=True)
    for i in by_remainder[: total - sum(out)]:
        out[i] += 1
    return out


def _rows(figure: Figure, indicator: Indicator) -> list[dict]:
    shares = [part["share"] for part in figure.split]
    totals = split(figure.total, shares)
    quantities = split(figure.quantity, shares) if figure.quantity else [None] * len(shares)
    cash = split(figure.cva_usd, shares) if figure.cva_usd else [None] * len(shares)
    counts_people = indicator.indicator_type in IndicatorType.counting_new_beneficiaries()
    rows = []
    for n, (part, total) in enumerate(zip(figure.split, totals, strict=True)):
        partner = part["partner"]
        row = {
            "external_id": f"sitrep-2021-03-{figure.indicator}-{n + 1}",
            "partner": partner,
            "implementing_partner": figure.implementing.get(partner),
            "admin1": part["admin1"],
            "admin2": part["admin2"],
            "activity_name": figure.activity,
            "rmrp": partner not in figure.not_rmrp,
            "cva": figure.cva_usd is not None,
            "cva_value_usd": Decimal(cash[n]) if cash[n] else None,
            "delivery_mechanism": figure.mechanism,
        }
        if counts_people:
            new = max(1, round(total * figure.new_share))
            row |= {
                "total_beneficiaries": total,
                "new_beneficiaries": new,
                "quantity": quantities[n],
            }
            row |= dict(
                zip([f for _, f in POPULATION_FIELDS], split(new, figure.population), strict=True)
            )
            row |= dict(
                zip([f for _, f in AGE_SEX_FIELDS], split(new, figure.age_sex), strict=True)
            )
        else:
            row["quantity"] = total
        rows.append(row)
    return rows


def _crossing_specs(directory: Path = DEMO_DIRECTORY) -> list[dict]:
    """The observations of data/demo/border-crossings-2021.json, daily series expanded."""
    doc = json.loads((directory / "border-crossings-2021.json").read_text(encoding="utf-8"))
    specs = []
    for spec in doc["observations"]:
        specs.append(
            spec
            | {key: date.fromisoformat(spec[key]) for key in ("date_from", "date_to")}
            | {
                key: Decimal(spec[key])
                for key in ("on_foot_pct", "motor_vehicle_pct", "other_mode_pct")
                if key in spec
            }
        )
    for series in doc["daily"]:
        first, last = date.fromisoformat(series["from"]), date.fromisoformat(series["to"])
        common = {k: series[k] for k in ("border_point", "direction", "method", "source")}
        for offset in range((last - first).days + 1):
            day = first + timedelta(days=offset)
            people = series["people_by_weekday"][WEEKDAYS[day.weekday()]]
            specs.append(common | {"date_from": day, "date_to": day, "people": people})
    return specs


def _load_crossings(actor: User, partner: Partner) -> int:
    points = {p.code: p for p in BorderPoint.objects.all()}
    created = 0
    for spec in _crossing_specs():
        data = spec | {"border_point": points[spec["border_point"]], "partner": partner}
        key = {
            k: v
            for k, v in data.items()
            if k in ("border_point", "date_from", "date_to", "direction", "source")
        }
        existing = BorderCrossing.objects.filter(**key, nationality="VEN").first()
        if existing is None:
            border_crossing_create(data=data, user=actor, channel=ChangeChannel.SYSTEM)
            created += 1
        else:
            border_crossing_update(
                crossing=existing, data=data, user=actor, channel=ChangeChannel.SYSTEM
            )
    return created


def _load_targets(actor: User, locations: dict, directory: Path = DEMO_DIRECTORY) -> int:
    """The illustrative plan targets of data/demo/targets-2021-illustrative.json."""
    doc = json.loads((directory / "targets-2021-illustrative.json").read_text(encoding="utf-8"))
    sectors = {s.code: s for s in Sector.objects.all()}
    rows = [
        (n, {"plan_year": doc["plan_year"], "admin1": locations[t["admin1"]],
             "sector": sectors[t["sector"]], "population_type": "", "target": t["target"],
             "people_in_need": t["people_in_need"]})
        for n, t in enumerate(doc["targets"])
    ]  # fmt: skip
    plan_targets_upsert(rows=rows, user=actor)
    return len(rows)


def _load_proportions(actor: User, directory: Path = DEMO_DIRECTORY) -> int:
    """The illustrative age/sex proportions of data/demo/proportions-pin-illustrative.json,
    for every admin1 of its country and every sector (one batch: history, unchanged rows)."""
    doc = json.loads((directory / "proportions-pin-illustrative.json").read_text(encoding="utf-8"))
    admin1s = Location.objects.filter(parent__pcode=doc["country"], level=LocationLevel.ADMIN1)
    rows = []
    for admin1 in admin1s.order_by("pcode"):
        for sector in Sector.objects.order_by("code"):
            for population, default in doc["default"].items():
                shares = doc["sectors"].get(sector.code, default)
                fields = dict(zip(PROPORTION_SHARES, (float(x) for x in shares), strict=True))
                rows.append(
                    (len(rows), {"admin1": admin1, "sector": sector, "variant": doc["variant"],
                                 "population_type": population, **fields})
                )  # fmt: skip
    proportions_batch(user=actor, rows=rows, errors=[])
    return len(rows)


@transaction.atomic
def demo_data_load() -> dict[str, int]:
    """Create the demo users and the March 2021 reports; a second run changes nothing."""
    partners = {p.code: p for p in Partner.objects.all()}
    users = {}
    for username, partner, role in DEMO_USERS:
        user, _ = User.objects.update_or_create(
            username=username, defaults={"partner": partners[partner], "role": role}
        )
        users[username] = user
    actor = users["demo-coordinator"]
    references = ReferenceIndex()
    indicators = {i.code: i for i in Indicator.objects.select_related("sector__parent")}
    locations = {loc.pcode: loc for loc in Location.objects.select_related("parent")}
    existing = {
        (r.partner_id, r.external_id): r
        for r in ActivityReport.objects.filter(external_id__startswith="sitrep-")
    }
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    month, figures = demo_figures()
    for figure in figures:
        indicator = indicators[figure.indicator]
        for row in _rows(figure, indicator):
            data = row | {
                "month": month,
                "indicator": indicator,
                "partner": partners[row["partner"]],
                "implementing_partner": partners.get(row["implementing_partner"]),
                "admin1": locations[row["admin1"]],
                "admin2": locations.get(row["admin2"]),
            }
            violations = activity_report_violations(ActivityReport(**data))
            if violations:
                raise ValueError(f"demo row {row['external_id']} is invalid: {violations}")
            report = existing.get((data["partner"].pk, row["external_id"]))
            if report is None:
                activity_report_create(
                    data=data, user=actor, channel=ChangeChannel.SYSTEM, references=references
                )
                counts["created"] += 1
            else:
                version = report.version
                updated = activity_report_update(
                    report=report,
                    data=data,
                    user=actor,
                    channel=ChangeChannel.SYSTEM,
                    references=references,
                )
                counts["updated" if updated.version != version else "unchanged"] += 1
    counts["crossings_created"] = _load_crossings(actor, partners["OIM"])
    counts["targets"] = _load_targets(actor, locations)
    counts["proportions"] = _load_proportions(actor)
    counts["key_figures"] = _load_key_figures(actor, locations)
    return counts


def _load_key_figures(actor: User, locations: dict, directory: Path = DEMO_DIRECTORY) -> int:
    """The situation report's figures the 5W does not hold (key-figure entries), once."""
    spec = json.loads((directory / "key-figures-2021-03.json").read_text(encoding="utf-8"))
    month = date.fromisoformat(spec["month"] + "-01")
    country = locations[spec["country"]]
    created = 0
    for figure in spec["figures"]:
        if KeyFigure.objects.filter(month=month, country=country, label=figure["label"]).exists():
            continue
        key_figure_create(
            data={**figure, "month": month, "country": country, "value": Decimal(figure["value"]),
                  "as_of": date.fromisoformat(figure["as_of"])},
            user=actor,
        )  # fmt: skip
        created += 1
    return created
