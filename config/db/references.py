"""Foreign keys checked once per statement instead of once per row, for the tables written
in batches of thousands (the 5W reports and their history).

PostgreSQL checks a foreign key with one look-up and one row lock per inserted row: a
5,000-row COPY into the report table, with its seven keys, spent twice as long on those
35,000 checks as on the rows themselves (bench/ingest.py). The rows of a batch name a
handful of partners, locations, indicators and users, so here a statement checks each
distinct value once:

- on the referencing table, an AFTER INSERT and an AFTER UPDATE trigger FOR EACH STATEMENT
  read the statement's new rows (a transition table), lock the distinct rows they name
  `FOR KEY SHARE` (as a foreign key does: a concurrent delete of one waits, then fails) and
  raise `foreign_key_violation` (SQLSTATE 23503, Django's IntegrityError) naming the first
  value missing;
- on each referenced table, an AFTER DELETE trigger per row and a BEFORE UPDATE OF id
  refuse to remove a row still referenced (as ON DELETE NO ACTION / PROTECT).

Checks are immediate (a native key is deferred to the commit in Django's schema): a row must
be written after what it names, which every writer here does.

SQLite (the newcomer's default) gets row triggers on the referencing table only: its tests'
flush deletes tables in any order, which delete triggers would refuse; there, Django's
PROTECT refuses the deletes.

The fields keep their ForeignKey (`db_constraint=False`): joins, the admin and the ORM are
unchanged. `tests/config/test_references.py` holds both databases to this.
"""

# ruff: noqa: S608 (SQL built from the models' table and column names, never from input)

import hashlib
from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class _Key:
    table: str  # the referencing table
    column: str
    target: str  # the referenced table
    target_column: str


def _keys(model: type[models.Model], field_names: tuple[str, ...]) -> list[_Key]:
    keys = []
    for name in field_names:
        field = model._meta.get_field(name)
        assert isinstance(field, models.ForeignKey) and not field.db_constraint, name
        target = field.related_model._meta
        keys.append(
            _Key(model._meta.db_table, field.column, target.db_table,
                 target.get_field(field.target_field.name).column)
        )  # fmt: skip
    return keys


def _by_target(keys: list[_Key]) -> dict[str, list[_Key]]:
    grouped: dict[str, list[_Key]] = {}
    for key in keys:
        grouped.setdefault(key.target, []).append(key)
    return grouped


def _pg_check(target: str, keys: list[_Key]) -> str:
    """One referenced table: its distinct values in the new rows, locked, the first missing."""
    wanted = " UNION ".join(
        f"SELECT {k.column} AS id FROM new_rows WHERE {k.column} IS NOT NULL" for k in keys
    )
    column = keys[0].target_column
    names = " or ".join(k.column for k in keys)
    return f"""
      WITH wanted AS ({wanted}),
           found AS (SELECT t.{column} AS id FROM {target} t
                     WHERE t.{column} IN (SELECT id FROM wanted) FOR KEY SHARE OF t)
      SELECT id INTO missing FROM wanted WHERE id NOT IN (SELECT id FROM found) LIMIT 1;
      IF missing IS NOT NULL THEN
        RAISE foreign_key_violation USING
          MESSAGE = format('insert or update on table "%s" violates its reference to "%s"',
                           TG_TABLE_NAME, '{target}'),
          DETAIL = format('Key ({names})=(%s) is not present in table "{target}".', missing);
      END IF;"""


def _name(*parts: str) -> str:
    """An identifier within PostgreSQL's 63 characters, leaving room for a suffix."""
    name = "_".join(parts)
    if len(name) <= 50:
        return name
    return f"{name[:41]}_{hashlib.md5(name.encode(), usedforsecurity=False).hexdigest()[:8]}"


def _pg_referenced(table: str, target: str, keys: list[_Key]) -> list[str]:
    function = _name(target, "kept_for", table)
    column = keys[0].target_column
    used = " OR ".join(f"{k.column} = OLD.{column}" for k in keys)
    return [
        f"""
        CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'UPDATE' AND NEW.{column} IS NOT DISTINCT FROM OLD.{column} THEN
            RETURN NEW;
          END IF;
          IF EXISTS (SELECT 1 FROM {table} WHERE {used}) THEN
            RAISE foreign_key_violation USING
              MESSAGE = format('update or delete on table "%s" violates its reference from "%s"',
                               TG_TABLE_NAME, '{table}'),
              DETAIL = format('Key ({column})=(%s) is still referenced from table "{table}".',
                              OLD.{column});
          END IF;
          IF TG_OP = 'UPDATE' THEN
            RETURN NEW;
          END IF;
          RETURN NULL;
        END $$""",
        f"CREATE TRIGGER {function}_delete AFTER DELETE ON {target} "
        f"FOR EACH ROW EXECUTE FUNCTION {function}()",
        f"CREATE TRIGGER {function}_update BEFORE UPDATE OF {column} ON {target} "
        f"FOR EACH ROW EXECUTE FUNCTION {function}()",
    ]


def _pg_install(table: str, keys: list[_Key]) -> list[str]:
    checks = "".join(_pg_check(target, group) for target, group in _by_target(keys).items())
    statements = [
        f"""
        CREATE FUNCTION {table}_references() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE missing bigint;
        BEGIN{checks}
          RETURN NULL;
        END $$""",
        f"CREATE TRIGGER {table}_references_insert AFTER INSERT ON {table} "
        f"REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
        f"EXECUTE FUNCTION {table}_references()",
        f"CREATE TRIGGER {table}_references_update AFTER UPDATE ON {table} "
        f"REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
        f"EXECUTE FUNCTION {table}_references()",
    ]
    for target, group in _by_target(keys).items():
        statements += _pg_referenced(table, target, group)
    return statements


def _pg_uninstall(table: str, keys: list[_Key]) -> list[str]:
    statements = [
        f"DROP TRIGGER IF EXISTS {table}_references_insert ON {table}",
        f"DROP TRIGGER IF EXISTS {table}_references_update ON {table}",
        f"DROP FUNCTION IF EXISTS {table}_references()",
    ]
    for target in _by_target(keys):
        function = _name(target, "kept_for", table)
        statements += [
            f"DROP TRIGGER IF EXISTS {function}_delete ON {target}",
            f"DROP TRIGGER IF EXISTS {function}_update ON {target}",
            f"DROP FUNCTION IF EXISTS {function}()",
        ]
    return statements


def _sqlite_install(table: str, keys: list[_Key]) -> list[str]:
    raises = "".join(
        f"\n  SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: {k.table}.{k.column}') "
        f"WHERE NEW.{k.column} IS NOT NULL AND NOT EXISTS "
        f"(SELECT 1 FROM {k.target} WHERE {k.target_column} = NEW.{k.column});"
        for k in keys
    )
    columns = ", ".join(k.column for k in keys)
    return [
        f"CREATE TRIGGER {table}_references_insert BEFORE INSERT ON {table} BEGIN{raises}\nEND",
        f"CREATE TRIGGER {table}_references_update BEFORE UPDATE OF {columns} ON {table} "
        f"BEGIN{raises}\nEND",
    ]


def _sqlite_uninstall(table: str, keys: list[_Key]) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_references_insert",
        f"DROP TRIGGER IF EXISTS {table}_references_update",
    ]


def statement_checked_keys(model_label: str, field_names: tuple[str, ...], *, install: bool):
    """A migration's RunPython function that installs (or removes) the checks of `field_names`
    of the model (as the migration's state has it) on the database migrated."""

    def run(apps, schema_editor) -> None:
        keys = _keys(apps.get_model(model_label), field_names)
        table = keys[0].table
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            statements = (_pg_install if install else _pg_uninstall)(table, keys)
        elif vendor == "sqlite":
            statements = (_sqlite_install if install else _sqlite_uninstall)(table, keys)
        else:
            raise NotImplementedError(vendor)
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run
