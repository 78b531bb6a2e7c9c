"""Database triggers that refuse to change or delete a published card version (installed by
migration cards.0002 on SQLite and PostgreSQL), as reviews/db_guards.py does for the audit trail."""

from __future__ import annotations

TABLE = "cards_cardversion"
REFUSAL = "published card versions are immutable: UPDATE and DELETE are refused"


def install_sql(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_{action.lower()} BEFORE {action} ON {TABLE} "
                f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END" for action in ("UPDATE", "DELETE")]
    if vendor == "postgresql":
        return [
            ("CREATE OR REPLACE FUNCTION mltrack_refuse_card_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
             f"BEGIN RAISE EXCEPTION '{REFUSAL} (% on %)', TG_OP, TG_TABLE_NAME "
             "USING ERRCODE = 'insufficient_privilege'; END $$"),
            (f"CREATE OR REPLACE TRIGGER {TABLE}_no_change BEFORE UPDATE OR DELETE ON {TABLE} "
             "FOR EACH ROW EXECUTE FUNCTION mltrack_refuse_card_change()"),
        ]
    return []


def remove_sql(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {TABLE}_no_{action}" for action in ("update", "delete")]
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {TABLE}_no_change ON {TABLE}"]
    return []


def install(connection) -> None:
    with connection.cursor() as cursor:
        for statement in install_sql(connection.vendor):
            cursor.execute(statement)


def drop(connection) -> None:
    with connection.cursor() as cursor:
        for statement in remove_sql(connection.vendor):
            cursor.execute(statement)
