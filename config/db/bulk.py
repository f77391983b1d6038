"""Writing thousands of rows in one statement per table.

Django's bulk_create splits inserts into chunks on SQLite (parameter limits) and builds a
statement per chunk; here PostgreSQL gets COPY and SQLite one executemany, and primary keys
are allocated up front, so a batch of 5,000 reports costs the same statements as one of 10.
"""

import operator
import time
import uuid

from django.db import OperationalError, connection, models


def _log(sql: str, started: float) -> None:
    # COPY does not pass through Django's cursor wrapper; count it like any statement.
    if connection.queries_logged:
        connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})


def _allocate_ids(model: type[models.Model], count: int) -> list[int]:
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [model._meta.db_table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: transactions take the write lock when they begin (settings: IMMEDIATE),
        # so no other writer can take these ids before we insert them.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + count))


def _converters(fields):
    """How each value goes to the database. psycopg adapts Python values itself (only JSON
    needs wrapping), which is much faster than Django's per-field preparation."""
    if connection.vendor != "postgresql":
        return [lambda value, f=f: f.get_db_prep_save(value, connection) for f in fields]
    import orjson
    from psycopg.types.json import Jsonb

    def dumps(value) -> str:
        return orjson.dumps(value).decode()

    return [
        (lambda value: None if value is None else Jsonb(value, dumps=dumps))
        if isinstance(f, models.JSONField)
        else None
        for f in fields
    ]


def bulk_insert(model: type[models.Model], rows: list[dict], *, with_ids: bool = True) -> list[int]:
    """Insert `rows` (attname -> Python value; missing columns take their default) and
    return the primary keys given to them, in order (none unless `with_ids`)."""
    if not rows:
        return []
    ids = _allocate_ids(model, len(rows)) if with_ids else [None] * len(rows)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns_defaults = [(f.attname, f.get_default() if f.has_default() else None) for f in fields]
    converted = [(n, conv) for n, conv in enumerate(_converters(fields)) if conv is not None]
    every_column = operator.itemgetter(*(attname for attname, _ in columns_defaults))
    values = []
    for pk, row in zip(ids, rows, strict=True):
        try:  # model instances carry every column: one C call instead of one per column
            line = list(every_column(row))
        except KeyError:
            line = [row.get(attname, default) for attname, default in columns_defaults]
        for n, conv in converted:
            line[n] = conv(line[n])
        values.append([pk, *line] if with_ids else line)
    table = connection.ops.quote_name(model._meta.db_table)
    names = (["id"] if with_ids else []) + [f.column for f in fields]
    columns = ", ".join(connection.ops.quote_name(c) for c in names)
    started = time.monotonic()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {table} ({columns}) FROM STDIN"
            # The raw cursor's errors become Django's (IntegrityError...), as for execute().
            with connection.wrap_database_errors, _copy_ended(cursor.cursor.copy(sql)) as copy:
                for line in values:
                    copy.write_row(line)
            _log(sql, started)
        else:
            marks = ", ".join(["%s"] * len(names))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)  # noqa: S608
    return ids if with_ids else []


class _copy_ended:  # noqa: N801 (used as a context manager, like the one it wraps)
    """psycopg's COPY, where an error raised while ending it that is not a database error
    becomes one. Behind PgBouncer a server connection lost during the COPY shows there as
    psycopg's own ValueError, which callers would take for a bug instead of a lost
    connection (a job would fail instead of being retried)."""

    def __init__(self, manager):
        self.manager = manager

    def __enter__(self):
        return self.manager.__enter__()

    def __exit__(self, kind, error, traceback):
        try:
            return self.manager.__exit__(kind, error, traceback)
        except (ValueError, TypeError, AssertionError) as ending:
            if error is not None:  # the COPY failed already: that is the error to report
                raise error from ending
            raise OperationalError(f"the COPY could not be ended: {ending!r}") from ending


def bulk_insert_per_value(
    model: type[models.Model], column: str, values: list, common: dict[str, object]
) -> None:
    """Insert a row per value of `column`, every other column from `common` (or its
    default). On PostgreSQL that is one `INSERT … SELECT unnest(array)`: the rows are built
    by the server from one array parameter, not sent one by one."""
    if not values:
        return
    if connection.vendor != "postgresql":
        bulk_insert(model, [{**common, column: value} for value in values], with_ids=False)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    expressions, params = [], []
    for field, convert in zip(fields, _converters(fields), strict=True):
        db_type = field.db_type(connection)
        if field.attname == column:
            expressions.append(f"unnest(%s::{db_type}[])")
            params.append(list(values))
            continue
        value = common.get(field.attname, field.get_default() if field.has_default() else None)
        expressions.append(f"%s::{db_type}")
        params.append(convert(value) if convert is not None else value)
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {', '.join(expressions)}", params)  # noqa: S608


def bulk_insert_objects(objs: list[models.Model]) -> None:
    """bulk_insert for model instances; sets their primary keys."""
    if not objs:
        return
    model = type(objs[0])
    pk_attname, alias = model._meta.pk.attname, connection.alias
    rows = [obj.__dict__ for obj in objs]  # attname -> value, as Django stores them
    for obj, pk in zip(objs, bulk_insert(model, rows), strict=True):
        obj.__dict__[pk_attname] = pk
        obj._state.adding = False
        obj._state.db = alias


def bulk_update(objs: list[models.Model], field_names: list[str]) -> None:
    """Write `field_names` of `objs` back. PostgreSQL: the new values go by COPY into a
    temporary table and one `UPDATE … FROM` applies them (three statements, however many
    rows); SQLite, in-process, takes one executemany."""
    if not objs:
        return
    meta = objs[0]._meta
    fields = [meta.get_field(name) for name in field_names]
    table = connection.ops.quote_name(meta.db_table)
    if connection.vendor != "postgresql":
        assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
        rows = [
            [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk]
            for obj in objs
        ]
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", rows)  # noqa: S608
        return
    converters = _converters(fields)
    values = operator.attrgetter(*(f.attname for f in fields))
    quoted = [connection.ops.quote_name(f.column) for f in fields]
    incoming = connection.ops.quote_name(f"bulk_update_{uuid.uuid4().hex}")
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {incoming} ON COMMIT DROP AS "  # noqa: S608
            f"SELECT id, {', '.join(quoted)} FROM {table} WITH NO DATA"
        )
        sql = f"COPY {incoming} (id, {', '.join(quoted)}) FROM STDIN"
        with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
            for obj in objs:
                line = values(obj) if len(fields) > 1 else (values(obj),)
                line = [v if c is None else c(v) for v, c in zip(line, converters, strict=True)]
                copy.write_row([obj.pk, *line])
        _log(sql, started)
        assignments = ", ".join(f"{c} = incoming.{c}" for c in quoted)
        cursor.execute(
            f"UPDATE {table} SET {assignments} FROM {incoming} AS incoming "  # noqa: S608
            f"WHERE {table}.id = incoming.id"
        )
