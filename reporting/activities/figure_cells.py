"""Monthly cells: the report table summed by (month, admin1, indicator, rmrp, cva), kept up
to date by PostgreSQL itself, so that figures read a few thousand cells instead of millions
of reports.

- Every statement that inserts, updates, deletes (or truncates) reports appends its net
  change, summed per cell, to `reporting_figurecelldelta` (statement-level triggers with
  transition tables: a COPY of 5,000 rows is one INSERT … SELECT … GROUP BY). Writers only
  append: they never wait on each other for a cell.
- `fold_cell_deltas()` (housekeeping, and after an import) moves the committed deltas into
  `reporting_figurecell` in one transaction.
- Figures read the view `reporting_figurecellview` (cells UNION ALL deltas): the same sums as
  the live reports, in the reader's snapshot, folded or not.

Reports are counted while live (deleted_at IS NULL). Figures by partner or delivery
mechanism, and counts of partners, read the reports (the cells have no partner). SQLite has
no triggers of this kind: there figures always read the reports.

This module belongs to the report table's owner (activities): the triggers and the fold
are about its rows; the cells' models and the figures that read them live in `figures`.
"""

from django.conf import settings
from django.db import connections, transaction

from config.db import locks

KEY = ("month", "admin1_id", "indicator_id", "rmrp", "cva")
# Summed columns: report field (NULL counts as 0) -> cell column.
SUMS = (
    "total_beneficiaries", "new_beneficiaries", "quantity",
    "pop_in_destination", "pop_in_transit", "pop_host_community", "pop_pendular",
    "pop_returnees", "girls", "boys", "women", "men", "other_under_18", "other_over_18",
)  # fmt: skip
COLUMNS = (*KEY, "reports", *SUMS)


def _delta_select(source: str, sign: int) -> str:
    sums = ", ".join(f"{sign} * COALESCE({c}, 0)" for c in SUMS)
    where = "WHERE deleted_at IS NULL"
    return f"SELECT {', '.join(KEY)}, {sign}, {sums} FROM {source} {where}"  # noqa: S608 (names)


def _insert_deltas(*sources: tuple[str, int]) -> str:
    union = " UNION ALL ".join(_delta_select(s, sign) for s, sign in sources)
    names = ", ".join(KEY) + ", n, " + ", ".join(SUMS)
    sums = ", ".join(f"SUM({c})" for c in ("n", *SUMS))
    nonzero = " OR ".join(f"SUM({c}) <> 0" for c in ("n", *SUMS))
    return (
        f"INSERT INTO reporting_figurecelldelta ({', '.join(COLUMNS)}) "  # noqa: S608 (constant names)
        f"SELECT {', '.join(KEY)}, {sums} FROM ({union}) AS d ({names}) "
        f"GROUP BY {', '.join(KEY)} HAVING {nonzero}"
    )


def install_sql() -> list[str]:
    """The trigger function, its triggers, the view and the first fill (PostgreSQL)."""
    cell_columns = ", ".join(COLUMNS)
    view_columns = ", ".join(("id", *COLUMNS))
    first_sums = ", ".join(f"SUM(COALESCE({c}, 0))" for c in SUMS)
    return [
        f"""
        CREATE FUNCTION reporting_figurecell_delta() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            {_insert_deltas(("new_rows", 1))};
          ELSIF TG_OP = 'DELETE' THEN
            {_insert_deltas(("old_rows", -1))};
          ELSE
            {_insert_deltas(("new_rows", 1), ("old_rows", -1))};
          END IF;
          RETURN NULL;
        END $$""",
        """
        CREATE FUNCTION reporting_figurecell_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN  -- DELETE: a TRUNCATE of several tables may hold these in the same statement
          DELETE FROM reporting_figurecell;
          DELETE FROM reporting_figurecelldelta;
          RETURN NULL;
        END $$""",
        "CREATE TRIGGER figurecell_insert AFTER INSERT ON reporting_activityreport "
        "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION reporting_figurecell_delta()",
        "CREATE TRIGGER figurecell_update AFTER UPDATE ON reporting_activityreport "
        "REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION reporting_figurecell_delta()",
        "CREATE TRIGGER figurecell_delete AFTER DELETE ON reporting_activityreport "
        "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION reporting_figurecell_delta()",
        "CREATE TRIGGER figurecell_truncate AFTER TRUNCATE ON reporting_activityreport "
        "FOR EACH STATEMENT EXECUTE FUNCTION reporting_figurecell_truncate()",
        f"CREATE VIEW reporting_figurecellview AS SELECT {view_columns} "  # noqa: S608
        f"FROM reporting_figurecell UNION ALL "
        f"SELECT {view_columns} FROM reporting_figurecelldelta",
        f"INSERT INTO reporting_figurecell ({cell_columns}) "  # noqa: S608
        f"SELECT {', '.join(KEY)}, COUNT(*), {first_sums} "
        f"FROM reporting_activityreport WHERE deleted_at IS NULL GROUP BY {', '.join(KEY)}",
    ]


UNINSTALL_SQL = [
    "DROP VIEW IF EXISTS reporting_figurecellview",
    "DROP TRIGGER IF EXISTS figurecell_insert ON reporting_activityreport",
    "DROP TRIGGER IF EXISTS figurecell_update ON reporting_activityreport",
    "DROP TRIGGER IF EXISTS figurecell_delete ON reporting_activityreport",
    "DROP TRIGGER IF EXISTS figurecell_truncate ON reporting_activityreport",
    "DROP FUNCTION IF EXISTS reporting_figurecell_delta()",
    "DROP FUNCTION IF EXISTS reporting_figurecell_truncate()",
]


def _fold_sql() -> str:
    sums = ", ".join(f"SUM({c})" for c in ("reports", *SUMS))
    update = ", ".join(f"{c} = reporting_figurecell.{c} + EXCLUDED.{c}" for c in ("reports", *SUMS))
    return (
        "WITH moved AS (DELETE FROM reporting_figurecelldelta RETURNING *) "  # noqa: S608
        f"INSERT INTO reporting_figurecell ({', '.join(COLUMNS)}) "
        f"SELECT {', '.join(KEY)}, {sums} FROM moved GROUP BY {', '.join(KEY)} "
        f"ORDER BY {', '.join(KEY)} "
        f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET {update}"
    )


def rollup_enabled(alias: str) -> bool:
    return settings.FIGURES_ROLLUP and connections[alias].vendor == "postgresql"


def fold_cell_deltas(alias: str = "default") -> int:
    """Move the committed deltas into the cells; returns how many cells were written (0 when
    another fold is running: it takes them). Cells that come to zero reports are removed."""
    if connections[alias].vendor != "postgresql":
        return 0
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, 0)", [locks.FIGURE_CELLS])
        if not cursor.fetchone()[0]:
            return 0
        cursor.execute(_fold_sql())
        written = cursor.rowcount
        cursor.execute("DELETE FROM reporting_figurecell WHERE reports = 0")
    return written
