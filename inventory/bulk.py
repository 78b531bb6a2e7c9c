"""Update many rows, each with its own values, in a few statements.

Django's bulk_update() writes one CASE WHEN per row and field and compiles it in Python, which at
100,000 models costs far more than the database's own work. Here each batch is one
``UPDATE ... FROM (VALUES ...)`` (PostgreSQL, and SQLite 3.33 or newer), and the history rows
are written with one bulk insert per batch.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models

# Values per statement stay well under SQLite's 32,766 parameters and PostgreSQL's 65,535.
MAX_PARAMS = 30_000


def update_rows(objs: Sequence[models.Model], fields: Sequence[str]) -> int:
    """UPDATE the given fields of each object to its in-memory values. Returns the rows updated."""
    if not objs:
        return 0
    meta = objs[0]._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    per_row = len(columns) + 1
    batch = max(1, MAX_PARAMS // per_row)
    postgres = connection.vendor == "postgresql"
    names = ", ".join(quote(name) for name in ["pk", *(f.column for f in columns)])
    # PostgreSQL types a VALUES column from its parameters and reads an all-NULL column as text;
    # say each column's type. SQLite's CAST would turn a date into a number, so no casts there.
    assignments = ", ".join(
        f"{quote(f.column)} = v.{quote(f.column)}" + (f"::{f.db_type(connection)}" if postgres else "")
        for f in columns
    )
    table = quote(meta.db_table)
    updated = 0
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch):
            chunk = objs[start : start + batch]
            row_sql = "(" + ", ".join(["%s"] * per_row) + ")"
            params = []
            for obj in chunk:
                params.append(obj.pk)
                params.extend(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns)
            values = ", ".join([row_sql] * len(chunk))
            # SQLite names VALUES columns column1, column2...; a sub-select gives them our names.
            source = f"(VALUES {values}) AS v({names})" if postgres else (
                f"(SELECT {', '.join(f'column{i + 1} AS {quote(n)}' for i, n in enumerate(['pk', *(f.column for f in columns)]))} "
                f"FROM (VALUES {values})) AS v"
            )
            cursor.execute(f"UPDATE {table} SET {assignments} FROM {source} WHERE {table}.{quote(meta.pk.column)} = v.{quote('pk')}", params)
            updated += cursor.rowcount
    return updated
