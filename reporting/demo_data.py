"""Demo data: March 2021 5W reports and border movements for Peru that reproduce the GTRM
situation report.

Each indicator's total is split over partners and departments the report names; the
reports' sums per indicator equal the figures the report quotes (3,530 people received
protection orientation, 2,240 legal counselling, ...). Every row passes every rule.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction

from config.db.choices import ChangeChannel
from indicators.choices import IndicatorType
from indicators.models import Indicator
from partners.choices import Role
from partners.models import Partner, User
from reporting.activities.models import AGE_SEX_FIELDS, POPULATION_FIELDS, ActivityReport
from reporting.activities.services import activity_report_create, activity_report_update
from reporting.activities.validation import activity_report_violations
from reporting.border_flows.models import BorderCrossing, BorderPoint
from reporting.border_flows.services import border_crossing_create, border_crossing_update
from reporting.common.references import ReferenceIndex
from reporting.locations.models import Location

MONTH = date(2021, 3, 1)

DEMO_USERS = [
    ("demo-acnur", "ACNUR", Role.REPORTER),
    ("demo-hias", "HIAS", Role.VIEWER),
    ("demo-analyst", "OCHA", Role.ANALYST),
    ("demo-coordinator", "GTRM", Role.COORDINATOR),
]

# Shares of new beneficiaries by population type and by age/sex (they must sum to 1).
POPULATION_SHARES = (0.70, 0.15, 0.10, 0.03, 0.02)
IN_TRANSIT_SHARES = (0.05, 0.90, 0.0, 0.05, 0.0)
AGE_SEX_SHARES = (0.12, 0.12, 0.40, 0.34, 0.01, 0.01)


@dataclass
class Figure:
    """One figure of the situation report and how the partners reached it."""

    indicator: str
    activity: str
    total: int  # people (or the quantity, for types that count no people)
    # (partner, admin1, admin2 or "", share of the total)
    split: list[tuple[str, str, str, float]]
    quantity: int | None = None  # output quantity, split like the total
    cva_usd: int | None = None  # cash transferred, split like the total
    mechanism: str | None = None
    implementing: dict[str, str] = field(default_factory=dict)  # partner -> implementer
    not_rmrp: set[str] = field(default_factory=set)  # partners whose row is outside the plan
    new_share: float = 0.85
    population: tuple[float, ...] = POPULATION_SHARES


FIGURES = [
    Figure(
        "PRT-01",
        "Orientation on the CPP pre-registration and access to rights",
        3530,
        [
            ("ACNUR", "PE15", "PE1501", 0.40),
            ("HIAS", "PE24", "PE2401", 0.25),
            ("DRC", "PE08", "PE0801", 0.15),
            ("ENCUENTROS", "PE17", "PE1701", 0.20),
        ],
        implementing={"ACNUR": "HIAS"},
        not_rmrp={"ENCUENTROS"},
    ),
    Figure(
        "PRT-02",
        "Legal counselling on regularisation and asylum",
        2240,
        [
            ("ACNUR", "PE15", "PE1501", 0.45),
            ("HIAS", "PE15", "PE1501", 0.30),
            ("ENCUENTROS", "PE24", "PE2403", 0.25),
        ],
    ),
    Figure(
        "PRT-03",
        "Protection case management",
        1630,
        [
            ("ACNUR", "PE15", "PE1501", 0.50),
            ("DRC", "PE24", "PE2401", 0.30),
            ("HIAS", "PE21", "PE2101", 0.20),
        ],
    ),
    Figure(
        "PRT-04",
        "Psychosocial support sessions",
        1480,
        [
            ("CAPS", "PE15", "PE1501", 0.40),
            ("HIAS", "PE24", "PE2401", 0.35),
            ("UNICEF", "PE15", "PE1501", 0.25),
        ],
    ),
    Figure(
        "GBV-01",
        "Case management for GBV survivors",
        150,
        [("UNFPA", "PE15", "PE1501", 0.60), ("CARE", "PE24", "PE2401", 0.40)],
    ),
    Figure(
        "GBV-02",
        "Referral of GBV cases to specialised services",
        30,
        [("UNFPA", "PE15", "PE1501", 1.0)],
    ),
    Figure(
        "CP-01",
        "Online and physical child support spaces",
        850,
        [
            ("UNICEF", "PE15", "PE1501", 0.50),
            ("SCI", "PE24", "PE2401", 0.30),
            ("PLAN", "PE15", "PE1501", 0.20),
        ],
    ),
    Figure(
        "CP-02",
        "Child support and early stimulation spaces operating",
        12,
        [("UNICEF", "PE15", "PE1501", 7 / 12), ("SCI", "PE24", "PE2401", 5 / 12)],
    ),
    Figure(
        "SHE-01",
        "Alternative accommodation in hotels",
        140,
        [("OIM", "PE15", "PE1501", 0.60), ("ACNUR", "PE24", "PE2401", 0.40)],
    ),
    Figure(
        "SHE-02",
        "Assistance in collective shelters",
        150,
        [("CARITAS-PE", "PE15", "PE1501", 0.60), ("SCALABRINIANOS", "PE24", "PE2401", 0.40)],
    ),
    Figure(
        "SHE-03",
        "Collective shelters supported",
        12,
        [("CARITAS-PE", "PE15", "PE1501", 7 / 12), ("SCALABRINIANOS", "PE24", "PE2401", 5 / 12)],
    ),
    Figure(
        "SHE-04",
        "Kitchen sets for shelter arrangements",
        1100,
        [("OIM", "PE15", "PE1501", 0.50), ("ACNUR", "PE24", "PE2401", 0.50)],
        quantity=1100,
    ),
    Figure(
        "SHE-05",
        "Baby kits for highly vulnerable families",
        250,
        [("UNICEF", "PE15", "PE1501", 0.60), ("WV", "PE24", "PE2401", 0.40)],
    ),
    Figure(
        "FS-01",
        "Hot and cold meals and snacks",
        9000,
        [
            ("ACH", "PE15", "PE1501", 0.40),
            ("ADRA", "PE24", "PE2401", 0.30),
            ("CARITAS-PE", "PE21", "PE2101", 0.30),
        ],
        quantity=21000,
    ),
    Figure(
        "FS-02",
        "Family food kits",
        3860,
        [("WFP", "PE15", "PE1501", 0.60), ("ADRA", "PE24", "PE2401", 0.40)],
        quantity=1430,
    ),
    Figure(
        "FS-03",
        "Food through community soup kitchens",
        4000,
        [("CARITAS-PE", "PE15", "PE1501", 0.70), ("ACH", "PE15", "PE1501", 0.30)],
        quantity=30,
        not_rmrp={"CARITAS-PE"},
    ),
    Figure(
        "FS-04",
        "Cash-based interventions for food security",
        40640,
        [
            ("WFP", "PE15", "PE1501", 0.55),
            ("WFP", "PE24", "PE2401", 0.15),
            ("WV", "PE15", "PE1501", 0.30),
        ],
        cva_usd=1_219_200,
        mechanism="voucher",
    ),
    Figure(
        "WASH-01",
        "Hygiene, dignity and baby hygiene kits",
        7280,
        [
            ("UNICEF", "PE24", "PE2401", 0.40),
            ("OIM", "PE15", "PE1501", 0.35),
            ("CRP", "PE21", "PE2101", 0.25),
        ],
        quantity=3660,
    ),
    Figure(
        "EDU-01",
        "School kits and tablets for the school year",
        830,
        [("UNICEF", "PE15", "PE1501", 0.60), ("SCI", "PE15", "PE1501", 0.40)],
        quantity=830,
    ),
    Figure(
        "INT-01",
        "Validation of health professionals' degrees",
        13,
        [("OIM", "PE15", "PE1501", 1.0)],
        new_share=1.0,
    ),
    Figure(
        "INT-02",
        "Financial education workshops",
        280,
        [("WOCCU", "PE15", "PE1501", 0.60), ("SPARKASSEN", "PE15", "PE1501", 0.40)],
        quantity=24,
    ),
    Figure(
        "INT-03",
        "Entrepreneurship and livelihoods training",
        1400,
        [
            ("OIT", "PE15", "PE1501", 0.40),
            ("CARE", "PE15", "PE1501", 0.30),
            ("HIAS", "PE24", "PE2401", 0.30),
        ],
        quantity=70,
    ),
    Figure(
        "INT-04",
        "Seed capital and microfinance for entrepreneurs",
        430,
        [("ACNUR", "PE15", "PE1501", 0.60), ("HIAS", "PE15", "PE1501", 0.40)],
        cva_usd=129_000,
        mechanism="bank_account",
    ),
    Figure(
        "INT-05",
        "Feria Panas y Causas with the municipality of Lima",
        1,
        [("OIM", "PE15", "PE1501", 1.0)],
    ),
    Figure(
        "HEA-01",
        "Basic medical equipment for health centres",
        6,
        [("OPS-OMS", "PE24", "PE2401", 0.50), ("OPS-OMS", "PE21", "PE2101", 0.50)],
    ),
    Figure(
        "HEA-02",
        "Alcohol gel and masks",
        2400,
        [("CRP", "PE15", "PE1501", 0.50), ("FICR", "PE24", "PE2401", 0.50)],
        quantity=2400,
    ),
    Figure(
        "HEA-03",
        "Contraceptives for people in transit",
        1100,
        [("UNFPA", "PE24", "PE2401", 0.60), ("UNFPA", "PE21", "PE2104", 0.40)],
        population=IN_TRANSIT_SHARES,
    ),
    Figure(
        "HEA-04",
        "Cash to access health services and treatment",
        330,
        [("ACNUR", "PE15", "PE1501", 1.0)],
        cva_usd=49_500,
        mechanism="prepaid_card",
    ),
    Figure(
        "HEA-05",
        "Remote mental health services",
        560,
        [("CAPS", "PE15", "PE1501", 0.60), ("OPS-OMS", "PE15", "PE1501", 0.40)],
    ),
    Figure(
        "MPC-01",
        "Multipurpose cash transfers",
        19570,
        [
            ("ACNUR", "PE15", "PE1501", 0.45),
            ("OIM", "PE15", "PE1501", 0.25),
            ("WFP", "PE24", "PE2401", 0.15),
            ("CARE", "PE21", "PE2101", 0.15),
        ],
        cva_usd=2_000_000,
        mechanism="prepaid_card",
    ),
]


def split(total: int, shares: tuple[float, ...] | list[float]) -> list[int]:
    """Whole numbers proportional to `shares` that add up to `total` (largest remainder)."""
    raw = [total * s / sum(shares) for s in shares]
    out = [int(x) for x in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: raw[i] - out[i], reverse=True)
    for i in by_remainder[: total - sum(out)]:
        out[i] += 1
    return out


def _rows(figure: Figure, indicator: Indicator) -> list[dict]:
    shares = [s for *_, s in figure.split]
    totals = split(figure.total, shares)
    quantities = split(figure.quantity, shares) if figure.quantity else [None] * len(shares)
    cash = split(figure.cva_usd, shares) if figure.cva_usd else [None] * len(shares)
    counts_people = indicator.indicator_type in IndicatorType.counting_new_beneficiaries()
    rows = []
    for n, ((partner, admin1, admin2, _), total) in enumerate(
        zip(figure.split, totals, strict=True)
    ):
        row = {
            "external_id": f"sitrep-2021-03-{figure.indicator}-{n + 1}",
            "partner": partner,
            "implementing_partner": figure.implementing.get(partner),
            "admin1": admin1,
            "admin2": admin2 or None,
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
                zip([f for _, f in AGE_SEX_FIELDS], split(new, AGE_SEX_SHARES), strict=True)
            )
        else:
            row["quantity"] = total
        rows.append(row)
    return rows


def _crossing_specs() -> list[dict]:
    """Border movements of the situation report (DTM round 3; DTM site assessment; GTRM
    partners' surveys). Puno: 100 on Mondays and Thursdays, 50 on Wednesdays and weekends;
    Tuesdays and Fridays are not stated and are set to 75."""
    specs = [
        dict(
            border_point="PE-TUM-CEBAF",
            date_from=date(2021, 3, 30),
            date_to=date(2021, 3, 30),
            direction="entry",
            people=430,
            method="flow_monitoring",
            source="DTM Round 3, 2021-03-30",
        ),
        dict(
            border_point="PE-TUM-CEBAF",
            date_from=date(2021, 1, 1),
            date_to=date(2021, 1, 31),
            direction="entry",
            people=1000,
            method="key_informant",
            source="GTRM partners' survey, January 2021",
            on_foot_pct=Decimal(31),
            motor_vehicle_pct=Decimal(36),
            other_mode_pct=Decimal(33),
            notes="people = respondents of the survey, not a count of the flow",
        ),
        dict(
            border_point="PE-TUM-CEBAF",
            date_from=date(2021, 3, 1),
            date_to=date(2021, 3, 31),
            direction="entry",
            people=1000,
            method="key_informant",
            source="GTRM partners' survey, March 2021",
            on_foot_pct=Decimal(26),
            motor_vehicle_pct=Decimal(51),
            other_mode_pct=Decimal(23),
            notes="people = respondents of the survey, not a count of the flow",
        ),
    ]
    by_weekday = {0: 100, 1: 75, 2: 50, 3: 100, 4: 75, 5: 50, 6: 50}
    for day in range(1, 32):
        when = date(2021, 3, day)
        specs.append(
            dict(
                border_point="PE-PUN-DES",
                date_from=when,
                date_to=when,
                direction="exit",
                people=by_weekday[when.weekday()],
                method="key_informant",
                source="DTM Site Assessment, March 2021",
            )
        )
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
    for figure in FIGURES:
        indicator = indicators[figure.indicator]
        for row in _rows(figure, indicator):
            data = row | {
                "month": MONTH,
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
    return counts
