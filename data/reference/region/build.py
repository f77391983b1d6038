"""Build each country's locations.csv of the regional platform from the region's own admin1
list (admin1.csv, as `Consolidated_Template.xlsx` names them, MIT licence, (c) UNHCR) and
ISO 3166 as the maintained pycountry package holds it.

    .venv/bin/python data/reference/region/build.py     # then review the diff and commit

- Countries: ISO3 code, the region's English name, the Spanish name from pycountry's
  iso3166-1 gettext catalogue (a few common forms kept as the region writes them), and
  the sub-regional platform.
- Admin1: P-codes kept where the service had them (Peru, Ecuador), else the ISO 3166-2 code
  of the subdivision whose name matches the region's (accents and case aside, with the
  few spellings in RENAMED). Countries the region reports at "Country level" get their
  ISO 3166-2 top-level subdivisions (Aruba and Curaçao: NL-AW, NL-CW, themselves).
- Argentina, Bolivia, Paraguay and Uruguay also get an admin1 "Other" (`ARG-OTH`...), which
  the region's proportions workbook has for them.
- `region_name` is the region's exact spelling ("Ancash", "Bogotá D.C."), what its 5W
  exports and its consolidation use; `name` is the display name.

tests/reporting/locations/test_region.py checks the committed files against both sources.
"""

import csv
import gettext
import re
import sys
import unicodedata
from pathlib import Path

import pycountry

HERE = Path(__file__).resolve().parent
COUNTRIES = HERE.parent / "countries"

ISO3 = {
    "Argentina": "ARG", "Aruba": "ABW", "Bolivia": "BOL", "Brazil": "BRA", "Chile": "CHL",
    "Colombia": "COL", "Costa Rica": "CRI", "Curaçao": "CUW", "Dominican Republic": "DOM",
    "Ecuador": "ECU", "Guyana": "GUY", "Mexico": "MEX", "Panama": "PAN", "Paraguay": "PRY",
    "Peru": "PER", "Trinidad and Tobago": "TTO", "Uruguay": "URY",
}  # fmt: skip
# Spanish names as the region writes them where ISO's formal one differs.
SPANISH = {"BOL": "Bolivia"}
# The region's spelling -> ISO 3166-2's, where they differ by more than accents and case.
RENAMED = {
    "Aysén del General Carlos Ibáñez del Campo": "Aisén del General Carlos Ibañez del Campo",
    "Magallanes y de la Antártica Chilena": "Magallanes",
    "Metropolitana de Santiago": "Región Metropolitana de Santiago",
    "Bogotá D.C.": "Distrito Capital de Bogotá",
    "San Andrés y Providencia": "San Andrés, Providencia y Santa Catalina",
}
# Countries the region reports as a whole, whose only "admin1" is the country itself.
WHOLE = {"ABW": ("NL-AW", "Aruba"), "CUW": ("NL-CW", "Curaçao")}
# Subdivision types that are not admin1 (the Dominican Republic's regions group provinces).
NOT_ADMIN1 = {"DOM": {"Region"}}
KEPT_PCODES = {"PER", "ECU"}
# The proportions workbook has an admin1 "Other" for these (5W rows placed nowhere closer).
OTHER = {"ARG", "BOL", "PRY", "URY"}  # their locations.csv came first, with P-codes and admin2
FIELDS = ["pcode", "name", "level", "parent", "name_es", "region_name", "platform"]


def plain(text: str) -> str:
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def read_region() -> dict[str, dict]:
    region: dict[str, dict] = {}
    with open(HERE / "admin1.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            entry = region.setdefault(row["country"], {"platform": row["platform"], "admin1": []})
            if row["admin1"] != "Country level":
                entry["admin1"].append(row["admin1"])
    return region


def platform_code(name: str) -> str:
    with open(HERE.parent / "platforms.csv", encoding="utf-8", newline="") as handle:
        return next(r["code"] for r in csv.DictReader(handle) if r["name"] == name)


def iso_admin1(iso3: str) -> list:
    alpha2 = pycountry.countries.get(alpha_3=iso3).alpha_2
    skip = NOT_ADMIN1.get(iso3, set())
    subdivisions = pycountry.subdivisions.get(country_code=alpha2) or []
    top = [s for s in subdivisions if s.type not in skip]
    codes = {s.code for s in top}
    return [s for s in top if s.parent_code is None or s.parent_code not in codes]


def country_rows(country: str, entry: dict, spanish) -> list[dict]:
    iso3 = ISO3[country]
    record = pycountry.countries.get(alpha_3=iso3)
    rows = [{
        "pcode": iso3, "name": country, "level": "country", "parent": "",
        "name_es": SPANISH.get(iso3) or spanish.gettext(record.name), "region_name": country,
        "platform": platform_code(entry["platform"]),
    }]  # fmt: skip
    if iso3 in WHOLE:
        code, name = WHOLE[iso3]
        return rows + [_admin1(code, name, iso3, name)]
    by_name = {plain(s.name): s for s in iso_admin1(iso3)}
    if not entry["admin1"]:  # reported as a whole: ISO's admin1, under ISO's names
        ordered = sorted(by_name.values(), key=lambda s: s.code)  # pycountry's order varies
        return rows + [_admin1(s.code, s.name, iso3, s.name) for s in ordered]
    for name in entry["admin1"]:
        subdivision = by_name.get(plain(RENAMED.get(name, name)))
        if subdivision is None:
            sys.exit(f"{country}: no ISO 3166-2 subdivision named {name!r}; add it to RENAMED")
        rows.append(_admin1(subdivision.code, name, iso3, name))
    if iso3 in OTHER:
        rows.append({**_admin1(f"{iso3}-OTH", "Other", iso3, "Other"), "name_es": "Otro"})
    return rows


def _admin1(code: str, name: str, parent: str, region_name: str) -> dict:
    return {"pcode": code, "name": name, "level": "admin1", "parent": parent,
            "name_es": name, "region_name": region_name, "platform": ""}  # fmt: skip


def keep_pcodes(path: Path, country: str, entry: dict, spanish) -> list[dict]:
    """Peru's and Ecuador's own rows, given their Spanish and region names and platform."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    region_names = {plain(name): name for name in entry["admin1"]}
    head = country_rows(country, {**entry, "admin1": []}, spanish)[0]
    for row in rows:
        if row["level"] == "country":
            row.update({k: head[k] for k in ("name_es", "region_name", "platform")})
            continue
        row.setdefault("platform", "")
        row["name_es"] = row["name"]
        if row["level"] == "admin1":
            found = region_names.get(plain(row["name"]))
            if found is None:
                sys.exit(f"{country}: {row['name']} is not in the region's admin1 list")
            row["region_name"] = found
        else:
            row["region_name"] = ""
    return rows


def main() -> None:
    spanish = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["es"])
    for country, entry in read_region().items():
        iso3 = ISO3[country]
        path = COUNTRIES / iso3 / "locations.csv"
        if iso3 in KEPT_PCODES:
            rows = keep_pcodes(path, country, entry, spanish)
        else:
            rows = country_rows(country, entry, spanish)
        path.parent.mkdir(exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, FIELDS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        border_points = path.parent / "border_points.csv"
        if not border_points.exists():
            border_points.write_text(
                "code,name,admin1,admin2,neighbour_country,kind,latitude,longitude\n"
            )
        print(f"{iso3}: {sum(r['level'] == 'admin1' for r in rows)} admin1")


if __name__ == "__main__":
    main()
