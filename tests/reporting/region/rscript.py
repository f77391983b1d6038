"""The region's own consolidation script, run for real with R (Debian's r-base-core and
r-cran-dplyr, -tidyr, -readxl, -tibble; CI installs them): the files of ../shared/r4v, with
the two changes its README asks for to run it from a folder (the workbooks by path, and
`tidyselect::where` for Debian's dplyr), on a 5W and a lookup written as CSV."""

import csv
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
FILES = Path(os.environ.get("R4V_FILES", ROOT.parent / "shared" / "r4v"))
FIVE_W_COLUMNS = [
    "Country", "Admin1", "Admin2", "Appealing_org", "Implementation", "Implementing_partner",
    "Month", "Subsector", "Indicator", "Activity_Name", "Activity_Description", "RMRPActivity",
    "CVA", "Value", "Delivery_mechanism", "Quantity_output", "Total_monthly",
    "New_beneficiaries", "IN_DESTINATION", "IN_TRANSIT", "Host_Communities", "PENDULARS",
    "Returnees", "Girls", "Boys", "Women", "Men", "Other_under", "Other_above", "Platform",
]  # fmt: skip
LOOKUP_COLUMNS = ["Subsector", "Indicator", "IndicatorType", "CODE", "sectindic"]

# CI sets REQUIRE_R: there a missing R fails the test instead of skipping it.
needs_r = pytest.mark.skipif(
    not os.environ.get("REQUIRE_R")
    and not (shutil.which("Rscript") and (FILES / "fct_aggregate_data.R").exists()),
    reason="needs Rscript (apt-get install r-base-core r-cran-dplyr r-cran-tidyr "
    "r-cran-readxl r-cran-tibble; CI does) and the region's files in ../shared/r4v",
)

DRIVER = """
source("{script}")
df5W <- read.csv("{five_w}", check.names = FALSE, encoding = "UTF-8")
lookup <- read.csv("{lookup}", check.names = FALSE, encoding = "UTF-8")
out <- suppressMessages(fct_aggregate_data(df5W, lookup, proportions = "{proportions}",
                                           totalmodel = "{model}"))
write.csv(out, "{output}", row.names = FALSE, na = "", fileEncoding = "UTF-8")
"""


def runnable_script(folder: Path) -> Path:
    text = (FILES / "fct_aggregate_data.R").read_text(encoding="utf-8")
    text = re.sub(
        r'system\.file\(\s*"([^"]+)",\s*package\s*=\s*"ActivtityInfoQuality"\s*\)',
        lambda m: f'"{(FILES / m.group(1)).as_posix()}"',
        text,
    )
    text = text.replace("dplyr::where(", "tidyselect::where(")
    path = folder / "fct_aggregate_data.R"
    path.write_text(text, encoding="utf-8")
    return path


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def run_consolidation(
    folder: Path, five_w: list[dict], lookup: list[dict], *, proportions: str, model: str
) -> list[dict]:
    """fct_aggregate_data(df5W, lookup, proportions, totalmodel), its rows as strings."""
    script = runnable_script(folder)
    write_csv(folder / "5w.csv", FIVE_W_COLUMNS, five_w)
    write_csv(folder / "lookup.csv", LOOKUP_COLUMNS, lookup)
    output = folder / f"out-{proportions}-{model}.csv"
    driver = DRIVER.format(
        script=script.as_posix(), five_w=(folder / "5w.csv").as_posix(),
        lookup=(folder / "lookup.csv").as_posix(), proportions=proportions, model=model,
        output=output.as_posix(),
    )  # fmt: skip
    done = subprocess.run(
        ["Rscript", "--vanilla", "-e", driver], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return list(csv.DictReader(io.StringIO(output.read_text(encoding="utf-8"))))
