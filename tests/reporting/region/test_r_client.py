"""Analysts who work in R: clients/r/r4v.R (httr2) against the live service in gunicorn,
run by a real R: who am I, a figure, every page of a list, the consolidation export in the
script's layout, and an error as the API's problem code."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.factories import token_for
from tests.reporting.figures.test_figures import add
from tests.servers import api_server

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = """
source("clients/r/r4v.R")
api <- r4v_api(Sys.getenv("R4V_URL"), Sys.getenv("R4V_TOKEN"))
me <- r4v_get(api, "me")
reached <- r4v_figure(api, "people-reached", month = "2021-03", group_by = "admin1",
                      model = "sum")
reports <- r4v_list(api, "activity-reports", month = "2021-03", page_size = 2)
cons <- r4v_export(api, "region/consolidation", country = "PER", month_from = "2021-03",
                   month_to = "2021-03", model = "sum")
total <- cons[cons$Admin1 == "Country level" & cons$Subsector == "Intersector",
              "Consolidated Total"]
fig <- r4v_export(api, "figures/people-reached", month = "2021-03", group_by = "admin1",
                  model = "sum")
err <- tryCatch(r4v_figure(api, "people-reached", month = "2021-13"),
                error = function(e) conditionMessage(e))
cat(jsonlite::toJSON(list(me = me$username, admin1 = reached$admin1,
                          reached = reached$people_reached, reports = nrow(reports),
                          columns = names(cons)[1:6], total = total, error = err,
                          exported = setNames(as.list(fig$people_reached), fig$admin1),
                          about = attr(fig, "about")[c("model", "months.from")],
                          fig_columns = names(fig)),
                     auto_unbox = TRUE))
"""

needs_httr2 = pytest.mark.skipif(
    not os.environ.get("REQUIRE_R")
    and not (
        shutil.which("Rscript")
        and subprocess.run(["Rscript", "-e", "library(httr2)"], capture_output=True).returncode == 0
    ),
    reason="needs R with httr2 and jsonlite (Debian: r-cran-httr2 r-cran-jsonlite; CI has them)",
)


@needs_httr2
def test_an_analyst_reads_figures_lists_and_exports_from_r(committed_data, analyst):
    for n in range(3):
        add("ACNUR", "PE15", "PRT-01", (2021, 3), 10 + n, pop=(10 + n, 0, 0),
            age=(0, 0, 10 + n, 0))  # fmt: skip
    add("OIM", "PE24", "PRT-01", (2021, 3), 7, pop=(7, 0, 0), age=(0, 0, 7, 0))
    token = token_for(analyst.user)
    with api_server() as (port, _server):
        done = subprocess.run(
            ["Rscript", "--vanilla", "-e", SCRIPT], cwd=ROOT, capture_output=True, text=True,
            timeout=120, env={**os.environ, "R4V_URL": f"http://127.0.0.1:{port}",
                              "R4V_TOKEN": token},
        )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout)
    assert out["me"] == analyst.user.username
    assert dict(zip(out["admin1"], out["reached"], strict=True)) == {"PE15": 33, "PE24": 7}
    assert out["reports"] == 4  # two pages of two, bound together
    assert out["columns"] == ["Platform", "Country", "Admin1", "Month", "Subsector",
                              "Monthly Total Beneficiaries"]  # fmt: skip
    assert out["total"] == 33 + 7
    assert out["error"].startswith("400 (validation_error)")
    # a figure's file: its table as a data frame, what it says about itself as "about"
    assert out["exported"] == {"PE15": 33, "PE24": 7}
    assert out["about"] == {"model": "sum", "months.from": "2021-01"}
    assert "model" not in out["fig_columns"]
