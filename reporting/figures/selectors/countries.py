"""A regional figure is the sum of its countries: which countries a query covers, and the
query split into parts that share their consolidation settings."""

from dataclasses import asdict, dataclass, replace

from reporting.common.references import ReferenceIndex
from reporting.figures.choices import Accumulation, ConsolidationModel, Proportions
from reporting.figures.models import CountryFigureSettings
from reporting.figures.selectors.common import FigureQuery, PeopleReachedSettings, settings_of
from reporting.figures.selectors.people_reached import Method

# The settings of people reached, each with its `_source`.
SETTING_FIELDS = (
    "model", "model_source", "accumulation", "accumulation_source", "proportions",
    "proportions_source",
)  # fmt: skip


def country_admin1s(references: ReferenceIndex) -> dict[str, set[int]]:
    """{country ISO3: its admin1 ids}, for every country with admin1s."""
    out: dict[str, set[int]] = {}
    locations = references.codes()["location"]
    countries = {pcode for pcode, parent in locations.values() if parent is None}
    for pk, (_, parent) in locations.items():
        if parent in countries:
            out.setdefault(parent, set()).add(pk)
    return out


def covered_countries(query: FigureQuery, references: ReferenceIndex) -> list[str]:
    """The countries (ISO3, sorted) the query covers: those of its admin1s, or all."""
    by_country = country_admin1s(references)
    if query.admin1_ids is None:
        return sorted(by_country)
    return sorted(c for c, admin1s in by_country.items() if admin1s & query.admin1_ids)


@dataclass(frozen=True)
class CountryPart:
    """Countries consolidated alike, and the query restricted to their admin1s (under their
    RMRP-only rule unless the request said `rmrp`)."""

    countries: tuple[str, ...]
    query: FigureQuery
    settings: PeopleReachedSettings


def country_settings(
    countries: list[str], asked: dict[str, str | None]
) -> dict[str, PeopleReachedSettings]:
    """Each country's people-reached settings (the request's choices first): one query."""
    declared = {
        s.country.pcode: s
        for s in CountryFigureSettings.objects.filter(country__pcode__in=countries).select_related(
            "country"
        )
    }
    return {c: settings_of(declared.get(c), **asked) for c in countries}


def country_parts(
    query: FigureQuery,
    references: ReferenceIndex,
    settings: dict[str, PeopleReachedSettings],
    *,
    rmrp_asked: bool,
) -> list[CountryPart]:
    """The query split by country, countries with equal settings kept together (one part,
    one pass over their reports, in the common case of one set of settings)."""
    by_country = country_admin1s(references)
    groups: dict[tuple, list[str]] = {}
    for country, setting in settings.items():
        key = (setting.model, setting.accumulation, setting.proportions, setting.rmrp_only)
        groups.setdefault(key, []).append(country)
    parts = []
    for countries in groups.values():
        if len(groups) == 1:  # one part: the query's own places (no filter added)
            admin1s = query.admin1_ids
        else:
            admin1s = set().union(*(by_country.get(c, set()) for c in countries))
            if query.admin1_ids is not None:
                admin1s &= query.admin1_ids
        setting = settings[countries[0]]
        rmrp = query.rmrp if rmrp_asked else (True if setting.rmrp_only else None)
        parts.append(
            CountryPart(
                countries=tuple(countries),
                query=replace(query, admin1_ids=admin1s, rmrp=rmrp),
                settings=setting,
            )
        )
    return parts


def shared(values: list):
    """The value every country has, or None where they differ."""
    return values[0] if values and all(v == values[0] for v in values) else None


def settings_used(settings: dict, parts: list, names: dict, asked: dict) -> tuple[list, dict]:
    """Each country covered with the settings it was figured by, and the answer's head: a
    setting all of them share, else null (`rmrp_only`: true only if every one counted RMRP
    reports only)."""
    rmrp = {c: p.query.rmrp is True for p in parts for c in p.countries}
    countries = [
        {"country": c, "country_name": names.get(c), **asdict(s), "rmrp_only": rmrp[c]}
        for c, s in settings.items()
    ]
    head = {
        field: shared([country[field] for country in countries])
        for field in (*SETTING_FIELDS, "rmrp_only")
    }
    if not countries:  # a place without admin1s: nothing to count, the defaults said
        head = {**asdict(settings_of(None, **asked)), "rmrp_only": False}
    if head["rmrp_only"] is None:
        head["rmrp_only"] = False  # some countries count every report
    return countries, head


def follows_region_script(countries: list[dict], method: Method, data: dict) -> bool:
    """Whether people reached was computed as fct_aggregate_data.R computes it, in every
    country covered (the script has no filter on RMRP or CVA)."""
    return (
        method == Method()
        and "rmrp" not in data
        and "cva" not in data
        and all(
            not c["rmrp_only"]
            and c["accumulation"] == Accumulation.MONTHLY
            and (c["model"] == ConsolidationModel.SUM or c["proportions"] != Proportions.NONE)
            for c in countries
        )
    )
