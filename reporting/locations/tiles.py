"""Tile-grid maps: one square per admin1 at its place in a grid that keeps each area's
neighbours around it (north at the top), drawn by hand per country in
data/reference/countries/<ISO3>/tiles.csv (pcode,row,col). No public admin1 boundary set
for the region's countries can be installed from the package registries the service
builds from, so the map is a tile grid, not a choropleth; a country without a layout has
no map."""

import csv
from functools import cache
from pathlib import Path

from django.conf import settings

COUNTRIES = Path(settings.BASE_DIR) / "data" / "reference" / "countries"


@cache
def tile_layout(country: str) -> dict[str, tuple[int, int]]:
    """{admin1 P-code: (row, col)} of a country (ISO3), {} when it has no layout."""
    path = COUNTRIES / country / "tiles.csv"
    if not path.exists():
        return {}
    with open(path, encoding="utf-8", newline="") as handle:
        return {r["pcode"]: (int(r["row"]), int(r["col"])) for r in csv.DictReader(handle)}
