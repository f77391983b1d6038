"""The region's consolidation on small cases worked out by hand, one per rule of the script
that decides a figure to the person (the same rules are checked against R itself in
test_consolidation_vs_r.py)."""

from reporting.region.consolidation import consolidate, r_round

SHARES_HALF = {  # every population type: half girls, half boys
    f"{p}_{a}": (0.5 if a in ("GIrls", "Girls", "Boys") else 0.0)
    for p in ("Dest", "Transit", "HC", "Pendular", "Returnees")
    for a in (("GIrls" if p in ("Dest", "Transit") else "Girls"), "Boys", "Women", "Men")
}
ZERO = dict.fromkeys(SHARES_HALF, 0.0)


def row(subsector="Shelter", month="2024-01", admin1="Lima", *, new=0, total=None, dest=0,
        transit=0, girls=0, boys=0, kind="Direct Assistance", cva="No", rmrp="Yes") -> dict:  # fmt: skip
    return {
        "Country": "Peru", "Admin1": admin1, "Month": month, "Subsector": subsector,
        "IndicatorType": kind, "CVA": cva, "RMRPActivity": rmrp,
        "Total_monthly": new if total is None else total, "New_beneficiaries": new,
        "IN_DESTINATION": dest, "IN_TRANSIT": transit, "Host_Communities": 0, "PENDULARS": 0,
        "Returnees": 0, "Girls": girls, "Boys": boys, "Women": 0, "Men": 0,
        "Other_under": 0, "Other_above": 0,
    }  # fmt: skip


def pick(rows, admin1="Lima", month="2024-01", subsector="Intersector") -> dict:
    return next(
        r for r in rows
        if (r["Admin1"], r["Month"], r["Subsector"]) == (admin1, month, subsector)
    )  # fmt: skip


def test_r_rounds_half_to_even():
    assert [r_round(x) for x in (0.5, 1.5, 2.5, 3.5, 2.4999, -0.5)] == [0, 2, 2, 4, 2, -0.0]
    assert r_round(None) is None


def test_only_direct_assistance_counts_rmrp_or_not():
    rows = [row(new=10, dest=10, girls=10), row(new=5, dest=5, girls=5, rmrp="No"),
            row(new=99, dest=99, girls=99, kind="Capacity Building")]  # fmt: skip
    out = consolidate(rows, {}, [], "sum")
    lima = pick(out)
    assert lima["Consolidated Total"] == 15  # 10 + 5, the Capacity Building row left out
    assert lima["Monthly Total Beneficiaries"] == 15


def test_rows_with_only_totals_count_in_the_totals():
    rows = [row(new=30, total=40), row(new=10, dest=10, girls=10)]
    lima = pick(consolidate(rows, {}, [], "sum"))
    assert (lima["Monthly Total Beneficiaries"], lima["Consolidated Total"]) == (50, 40)
    assert lima["Consolidated In Destination"] == 10 and lima["Consolidated Girls"] == 10
    assert lima["Check PopType Breakdown"] == "Check Population Type breakdown"  # 40 != 10


def test_maxsector_splits_by_the_shares_and_rounds_half_to_even():
    # Shelter: 5 in destination -> 2.5 girls, 2.5 boys -> 2 and 2 (half up would say 3 and 3)
    # Health:  7 in transit     -> 3.5 and 3.5        -> 4 and 4
    rows = [row("Shelter", new=5, dest=5, girls=5), row("Health", new=7, transit=7, boys=7)]
    shares = {("Peru", "Lima", "Shelter"): SHARES_HALF, ("Peru", "Lima", "Health"): SHARES_HALF}
    lima = pick(consolidate(rows, shares, [], "maxsector"))
    assert lima["Consolidated In Destination"] == 4  # max(2, 0) girls + max(2, 0) boys
    assert lima["Consolidated In Transit"] == 8  # 4 + 4
    assert lima["Consolidated Total"] == 12
    assert (lima["Consolidated Girls"], lima["Consolidated Boys"]) == (6, 6)
    assert (
        pick(consolidate(rows, shares, [], "maxsector"), subsector="Shelter")["Consolidated Girls"]
        == 5
    )  # a sector's own row keeps what was reported


def test_a_subsector_missing_from_the_table_makes_its_group_count_zero():
    # Health has no row in the table: its split is NA, and so is the highest of every
    # (population, age) group it is part of: the intersector counts 0 there, though
    # Shelter alone would give 2 + 2.
    rows = [row("Shelter", new=5, dest=5, girls=5), row("Health", new=7, dest=7, boys=7)]
    shares = {("Peru", "Lima", "Shelter"): SHARES_HALF}
    lima = pick(consolidate(rows, shares, [], "maxsector"))
    assert lima["Consolidated Total"] == 0
    # Without Health the same Shelter row gives 4.
    alone = pick(consolidate(rows[:1], shares, [], "maxsector"))
    assert alone["Consolidated Total"] == 4


def test_a_row_of_zero_shares_means_nobody_of_that_group():
    rows = [row("Shelter", new=5, dest=5, girls=5), row("Health", new=7, dest=7, boys=7)]
    shares = {("Peru", "Lima", "Shelter"): SHARES_HALF, ("Peru", "Lima", "Health"): ZERO}
    lima = pick(consolidate(rows, shares, [], "maxsector"))
    assert lima["Consolidated Total"] == 4  # max(2, 0) + max(2, 0): Health's zeros count


def test_southern_cone_adds_protection_and_the_summed_sectors_and_leaves_others_out():
    rows = [
        row("Shelter", new=5, dest=5, girls=5),  # max group: 2 + 2 = 4
        row("Food Security", new=7, dest=7, girls=7),  # max group: 4 + 4 = 8 (the highest)
        row("Protection (General)", new=10, dest=10, girls=10),  # added as reported: 10
        row("Health", new=3, dest=3, boys=3),  # summed: 3
        row("Education", new=2, dest=2, boys=2),  # summed: 2
        row("Nutrition", new=100, dest=100, girls=100),  # left out of the intersector
    ]
    shares = {("Peru", "Lima", s): SHARES_HALF for s in ("Shelter", "Food Security")}
    lima = pick(consolidate(rows, shares, [], "southernconemodel"))
    assert lima["Consolidated Total"] == 8 + 10 + 3 + 2
    assert (lima["Consolidated Girls"], lima["Consolidated Boys"]) == (4 + 10, 4 + 5)


def test_consolidated_columns_run_from_the_first_month_and_monthly_ones_do_not():
    rows = [row(month="2024-01", new=10, dest=10, girls=10),
            row(month="2024-03", new=5, dest=5, girls=5)]  # fmt: skip
    template = [("Peru", "Peru", a, m, "Intersector")
                for a in ("Lima", "Tumbes") for m in ("2024-01", "2024-02", "2024-03")]  # fmt: skip
    out = consolidate(rows, {}, template, "sum")
    months = [(r["Month"], r["Monthly Total Beneficiaries"], r["Consolidated Total"])
              for r in out if r["Admin1"] == "Lima" and r["Subsector"] == "Intersector"]  # fmt: skip
    # February is in no row of the 5W, so the template's February is left out too
    assert months == [("2024-01", 10, 10), ("2024-03", 5, 15)]
    tumbes = pick(out, admin1="Tumbes", month="2024-03")  # a template row: zeros
    assert (tumbes["Platform"], tumbes["Consolidated Total"]) == ("Peru", 0)
    assert pick(out)["Platform"] == "Peru" and pick(out, subsector="Shelter")["Platform"] is None


def test_country_level_adds_the_admin1_rows_and_cash_is_its_own_column():
    rows = [row(admin1="Lima", new=10, dest=10, girls=10, cva="Yes"),
            row(admin1="Tumbes", new=4, total=6, dest=4, boys=4)]  # fmt: skip
    out = consolidate(rows, {}, [], "sum")
    country = pick(out, admin1="Country level")
    assert (country["Consolidated Total"], country["Monthly Total Beneficiaries"]) == (14, 16)
    assert (country["Consolidated CVA Beneficiaries"], country["Monthly CVA Beneficiaries"]) == (
        10, 10,
    )  # fmt: skip
    assert pick(out, admin1="Country level", subsector="Shelter")["Consolidated Total"] == 14
