"""Update or insert many rows, each with its own values, in a few statements.

Django's bulk_update() writes one CASE WHEN per row and field and compiles it in Python, which at
100,000 models costs far more than the database's own work. Here each batch is one
``UPDATE ... FROM (VALUES ...)`` on SQLite (3.33 or newer); on PostgreSQL the values are COPYed
into a temporary table and one UPDATE joins it. The history rows are written with one bulk insert
per batch.

bulk_create() likewise builds each row's SQL in Python; an import of 100,000 models inserts them,
their history entries and their review records through ``insert_rows`` instead, ids taken
beforehand (``next_ids``): on SQLite one prepared INSERT run for many rows (executemany), about two
and a half times faster; on PostgreSQL one COPY per call, where psycopg's executemany would still
send, and quote on the client, one INSERT per row.

The objects themselves are built by ``build_instance``: what ``Model(**values)`` makes, without
Django's generic walk over every field of the model for every object (an import builds 200,000).
"""

from __future__ import annotations

import datetime as dt
import operator
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, models
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init

M = TypeVar("M", bound=models.Model)

# Values per statement stay well under SQLite's 32,766 parameters and PostgreSQL's 65,535.
MAX_PARAMS = 30_000


def update_rows(objs: Sequence[models.Model], fields: Sequence[str]) -> int:
    """UPDATE the given fields of each object to its in-memory values. Returns the rows updated."""
    if not objs:
        return 0
    meta = objs[0]._meta
    columns = [meta.get_field(name) for name in fields]
    database = connections[DEFAULT_DB_ALIAS]
    if database.vendor == "postgresql":
        return _update_through_copy(database, objs, meta, columns)
    quote = database.ops.quote_name
    per_row = len(columns) + 1
    batch = max(1, MAX_PARAMS // per_row)
    names = ["pk", *(f.column for f in columns)]
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in columns)
    table = quote(meta.db_table)
    row_sql = "(" + ", ".join(["%s"] * per_row) + ")"
    updated = 0
    with database.cursor() as cursor:
        for start in range(0, len(objs), batch):
            chunk = objs[start : start + batch]
            params = []
            for obj in chunk:
                params.append(obj.pk)
                params.extend(f.get_db_prep_save(getattr(obj, f.attname), database) for f in columns)
            values = ", ".join([row_sql] * len(chunk))
            # SQLite names VALUES columns column1, column2...; a sub-select gives them our names.
            source = (f"(SELECT {', '.join(f'column{i + 1} AS {quote(n)}' for i, n in enumerate(names))} "
                      f"FROM (VALUES {values})) AS v")
            cursor.execute(f"UPDATE {table} SET {assignments} FROM {source} WHERE {table}.{quote(meta.pk.column)} = v.{quote('pk')}", params)
            updated += cursor.rowcount
    return updated


def _update_through_copy(database, objs: Sequence[models.Model], meta, columns: list[models.Field]) -> int:
    """PostgreSQL: the new values COPYed into a temporary table shaped as the columns (their types
    included, so an all-NULL column is still a date), then one UPDATE joined to it on the key. A
    statement of many VALUES would be parsed for its tens of thousands of parameters on the client
    and on the server."""
    quote = database.ops.quote_name
    table, key = quote(meta.db_table), quote(meta.pk.column)
    staged = "pg_temp." + quote(f"staged_{meta.db_table}")  # the session's own, never a table of the schema
    fields = [meta.pk, *columns]
    names = ", ".join(quote(f.column) for f in fields)
    assignments = ", ".join(f"{quote(f.column)} = s.{quote(f.column)}" for f in columns)
    values_of = _values_getter([f.attname for f in fields])
    with database.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {staged}")  # left by a call that failed outside a transaction
        cursor.execute(f"CREATE TEMPORARY TABLE {staged} AS SELECT {names} FROM {table} WITH NO DATA")
        _copy_rows(database, cursor, staged, names, fields, [values_of(obj) for obj in objs])
        cursor.execute(f"UPDATE {table} SET {assignments} FROM {staged} AS s WHERE {table}.{key} = s.{key}")
        updated = cursor.rowcount
        cursor.execute(f"DROP TABLE {staged}")
    return updated


ROWS_PER_STATEMENT = 2000


def next_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` new primary keys for ``model``'s table. Call it in the transaction that inserts
    them: on SQLite that transaction holds the database's write lock; on PostgreSQL the table's
    sequence hands each value out once."""
    meta = model._meta
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [meta.db_table, meta.pk.column, count])
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT MAX({quote(meta.pk.column)}) FROM {quote(meta.db_table)}")
        highest = cursor.fetchone()[0] or 0
        try:
            # AUTOINCREMENT never hands out an id used before, even one since deleted.
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [meta.db_table])
            row = cursor.fetchone()
        except DatabaseError:
            row = None
    start = max(highest, row[0] if row else 0) + 1
    return list(range(start, start + count))


# Fields whose database value is the Python value itself when it has the plain type named here (a
# str for text, an int for integers and keys): Django's preparation would hand it back unchanged.
_AS_IS = {models.CharField: str, models.TextField: str, models.IntegerField: int,
          models.PositiveIntegerField: int, models.BigIntegerField: int, models.AutoField: int,
          models.BigAutoField: int, models.ForeignKey: int}


def _preparer(field: models.Field, database) -> Callable[[Any], Any]:
    """How one field's value becomes a database parameter: as Django prepares it to be saved,
    skipped for a value that would come back as it is (a million calls at 100,000 models)."""
    prepare = field.get_db_prep_save
    if type(field) is models.DateField:
        adapt = database.ops.adapt_datefield_value  # what DateField does with a date, without its checks
        return lambda value: adapt(value) if type(value) is dt.date else prepare(value, database)
    if type(field) is models.DateTimeField:
        return _datetime_preparer(field, database)
    if type(field) is models.UUIDField:
        native = database.features.has_native_uuid_field
        # What UUIDField does with a UUID: the UUID itself, or its hex digits where the database has no UUID type.
        return lambda value: (value if native else value.hex) if type(value) is uuid.UUID else prepare(value, database)
    plain = _AS_IS.get(type(field))
    if plain is None:
        return lambda value: prepare(value, database)
    return lambda value: value if type(value) is plain or value is None else prepare(value, database)


def _datetime_preparer(field: models.Field, database) -> Callable[[Any], Any]:
    """An aware datetime adapted as DateTimeField adapts it (its own preparation hands an aware
    datetime back unchanged; a naive one is warned about and made aware, so it takes Django's way).
    The last one is remembered: a batch stamps every row with the same moment."""
    prepare = field.get_db_prep_save
    adapt = database.ops.adapt_datetimefield_value
    last: list[Any] = [None, None]

    def prepared(value: Any) -> Any:
        if value is None:
            return prepare(value, database)
        if value is last[0]:
            return last[1]
        if type(value) is dt.datetime and value.utcoffset() is not None:
            last[0], last[1] = value, adapt(value)
            return last[1]
        return prepare(value, database)

    return prepared


def _rows_preparer(fields: Sequence[models.Field], database) -> Callable[[Sequence[Sequence[Any]]], list[tuple]]:
    """How rows of Python values (in the order of ``fields``) become database parameters, each
    value as Django prepares it to be saved. Column by column: a text or whole-number column whose
    values all have their plain type (see _AS_IS), as most of a model's columns do, is its own
    parameters, seen at once by their types."""
    steps = [(_preparer(field, database), {_AS_IS[type(field)], type(None)} if type(field) in _AS_IS else None)
             for field in fields]

    def prepared(chunk: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
        values_by_column = list(zip(*chunk))
        for index, (prepare, plain) in enumerate(steps):
            if plain is None or not plain.issuperset(map(type, values_by_column[index])):
                values_by_column[index] = map(prepare, values_by_column[index])
        return list(zip(*values_by_column))

    return prepared


def _copy_rows(database, cursor, table: str, names: str, fields: Sequence[models.Field],
               rows: Sequence[Sequence[Any]]) -> None:
    """PostgreSQL: the rows streamed into ``table`` (quoted) through one COPY, each value adapted by
    psycopg, instead of one INSERT per row, each quoted into its text on the client. Its errors are
    Django's, as an INSERT's would be (an IntegrityError for a taken name)."""
    prepared = _rows_preparer(fields, database)
    with database.wrap_database_errors, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            for row in prepared(rows[start : start + ROWS_PER_STATEMENT]):
                copy.write_row(row)


def insert_rows(model: type[models.Model], rows: Sequence[Sequence[Any]], fields: Sequence[models.Field]) -> None:
    """INSERT rows of Python values (in the order of ``fields``) into ``model``'s table: one COPY on
    PostgreSQL, 2,000 rows a statement on SQLite; each value prepared as Django prepares it to be saved."""
    if not rows:
        return
    database = connections[DEFAULT_DB_ALIAS]  # the connection itself, not the thread-local proxy, per value
    quote = database.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(field.column) for field in fields)
    with database.cursor() as cursor:
        if database.vendor == "postgresql":
            _copy_rows(database, cursor, table, names, fields, rows)
            return
        prepared = _rows_preparer(fields, database)
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(fields))})"
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            cursor.executemany(sql, prepared(rows[start : start + ROWS_PER_STATEMENT]))


class _Blueprint:
    """What ``build_instance`` needs to know of a model class, worked out once: each field's
    default as Django's constructor would take it, and which names are set through a descriptor."""

    def __init__(self, model: type[models.Model]) -> None:
        self.constant: dict[str, Any] = {}
        self.computed: list[tuple[str, str, models.Field]] = []  # (name, attname, field): a default made per object
        self.plain: set[str] = set()  # names whose value goes straight into the object's __dict__
        self.related: dict[str, str] = {}  # related objects by field name (to attname): set through the descriptor
        # A plain foreign key's descriptor, given None for a new object, sets the id to None and
        # caches None as the related object: done here directly (cache name by field name).
        self.cleared: dict[str, str] = {}
        for field in model._meta.concrete_fields:
            if field.generated:
                continue
            if field.is_relation:
                self.related[field.name] = field.attname
                if type(field) is models.ForeignKey:
                    self.cleared[field.name] = field.cache_name
            else:
                self.plain.add(field.name)
            self.plain.add(field.attname)
            if (field.has_default() and callable(field.default)) or field.db_default is not models.NOT_PROVIDED:
                self.computed.append((field.name, field.attname, field))
            else:
                self.constant[field.attname] = field.get_default()
        self.known = self.plain | self.related.keys()
        # Fields that are not concrete (a generic relation) or a model with init signals: Django's own way.
        self.simple = len(model._meta.fields) == len(model._meta.concrete_fields) and not model._meta.abstract


_BLUEPRINTS: dict[type[models.Model], _Blueprint] = {}


def build_instance(model: type[M], values: Mapping[str, Any]) -> M:
    """The object ``model(**values)`` builds, field for field: ``values`` by field name or
    attribute name, every other field its default. Django's constructor walks every field of the
    model for each object; here the defaults are worked out once per class, values go straight to
    the object, and only related objects pass through their descriptors, as Django passes them.
    Anything this cannot do as Django would (unknown names, property setters, a model whose
    pre_init or post_init signal has receivers) goes to Django's constructor itself."""
    blueprint = _BLUEPRINTS.get(model)
    if blueprint is None:
        blueprint = _BLUEPRINTS[model] = _Blueprint(model)
    if (not blueprint.simple or not blueprint.known.issuperset(values)
            or pre_init.has_listeners(model) or post_init.has_listeners(model)):
        return model(**values)
    obj = model.__new__(model)
    obj._state = ModelState()
    attributes = obj.__dict__
    attributes.update(blueprint.constant)
    for name, attname, field in blueprint.computed:
        if name not in values and attname not in values:
            attributes[attname] = field.get_default()
    related = []
    for name, value in values.items():
        if name in blueprint.related:
            if blueprint.related[name] in values:
                return model(**values)  # both the object and its id: Django's constructor says why not
            related.append((name, value))
        else:
            attributes[name] = value
    for name, value in related:
        if value is None and name in blueprint.cleared:
            attributes[blueprint.related[name]] = None
            obj._state.fields_cache[blueprint.cleared[name]] = None
        else:
            setattr(obj, name, value)
    return obj


def _values_getter(names: Sequence[str]) -> Callable[[Any], tuple[Any, ...]]:
    """The named attributes of an object as a tuple, read in one call (operator.attrgetter)."""
    get = operator.attrgetter(*names)
    return get if len(names) > 1 else lambda obj: (get(obj),)


def insert_objects(objs: Sequence[models.Model]) -> None:
    """INSERT unsaved objects whose primary keys are set, every concrete field as it is in memory;
    they are marked saved."""
    if not objs:
        return
    fields = objs[0]._meta.concrete_fields
    values_of = _values_getter([field.attname for field in fields])
    insert_rows(type(objs[0]), [values_of(obj) for obj in objs], fields)
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias


def insert_history(objs: Sequence[models.Model], *, user, actor_name: str, reason: str, when: dt.datetime,
                   kind: str = "+") -> None:
    """One change-history entry per object (django-simple-history's table), as its bulk
    history does it: the object's fields, when, who (account and name), why and what kind."""
    history = type(objs[0]).history.model if objs else None
    if history is None:
        return
    fields = [field for field in history._meta.concrete_fields if field.attname != "history_id"]
    extra = {"history_date": when, "history_change_reason": reason, "history_type": kind,
             "history_user_id": getattr(user, "pk", None), "history_actor": actor_name}
    # The object's own fields first, read in one call per object, then the entry's own values (the
    # INSERT names its columns, so their order is free).
    own = [field for field in fields if field.attname not in extra]
    added = [field for field in fields if field.attname in extra]
    values_of = _values_getter([field.attname for field in own])
    tail = tuple(extra[field.attname] for field in added)
    insert_rows(history, [values_of(obj) + tail for obj in objs], own + added)
