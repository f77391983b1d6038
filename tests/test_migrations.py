"""Migrations never stop writes for long on tables that hold data: an index added to or
dropped from a table an earlier migration created is built concurrently on PostgreSQL
(config.db.migrations), in a migration that says `atomic = False` (CONCURRENTLY cannot run
inside a transaction). The rule for every migration to come."""

from django.db import migrations
from django.db.migrations.loader import MigrationLoader

from config.db.migrations import AddIndexConcurrently, RemoveIndexConcurrently

OURS = ("partners", "indicators", "reporting")
BLOCKING = {
    migrations.AddIndex: AddIndexConcurrently,
    migrations.RemoveIndex: RemoveIndexConcurrently,
}


def _violations() -> list[str]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    found = []
    for (app, name), migration in sorted(loader.disk_migrations.items()):
        if app not in OURS:
            continue
        created_here = {op.name.lower() for op in migration.operations
                        if isinstance(op, migrations.CreateModel)}  # fmt: skip
        concurrent = False
        for op in migration.operations:
            if type(op) in BLOCKING and op.model_name.lower() not in created_here:
                found.append(f"{app}.{name}: {type(op).__name__} on {op.model_name}: use "
                             f"{BLOCKING[type(op)].__name__} (config.db.migrations)")  # fmt: skip
            concurrent |= isinstance(op, AddIndexConcurrently | RemoveIndexConcurrently)
        if concurrent and migration.atomic:
            found.append(f"{app}.{name}: concurrent index operations need atomic = False")
    return found


def test_indexes_on_existing_tables_are_built_without_blocking_writes():
    assert _violations() == []
