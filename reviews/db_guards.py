"""Database triggers that make the review tables append-only (the last line of defence).

Installed by migration reviews.0002 on SQLite and PostgreSQL. Anyone able to drop triggers can
still change rows, which is why the hash chain exists: verification detects what slipped past.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

GUARDED_TABLES = ("reviews_modelreview", "reviews_chaincheckpoint")
REFUSAL = "review records are append-only: UPDATE, DELETE and TRUNCATE are refused"


def install_sql(vendor: str) -> list[str]:
    if vendor == "sqlite":
        statements = []
        for table in GUARDED_TABLES:
            for action in ("UPDATE", "DELETE"):
                statements.append(
                    f"CREATE TRIGGER IF NOT EXISTS {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
                )
        return statements
    if vendor == "postgresql":
        statements = [
            "CREATE OR REPLACE FUNCTION mltrack_refuse_review_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{REFUSAL} (% on %)', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege'; END $$"
        ]
        for table in GUARDED_TABLES:
            statements += [
                f"CREATE OR REPLACE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION mltrack_refuse_review_change()",
                f"CREATE OR REPLACE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION mltrack_refuse_review_change()",
            ]
        return statements
    raise ImproperlyConfigured(f"MLTrack guards review records on SQLite and PostgreSQL, not on {vendor}")


def drop_sql(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {table}_no_{action}" for table in GUARDED_TABLES for action in ("update", "delete")
        ]
    if vendor == "postgresql":
        statements = []
        for table in GUARDED_TABLES:
            statements += [
                f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}",
                f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
            ]
        return statements
    raise ImproperlyConfigured(f"MLTrack guards review records on SQLite and PostgreSQL, not on {vendor}")


def install(connection) -> None:
    with connection.cursor() as cursor:
        for statement in install_sql(connection.vendor):
            cursor.execute(statement)


def drop(connection) -> None:
    with connection.cursor() as cursor:
        for statement in drop_sql(connection.vendor):
            cursor.execute(statement)
