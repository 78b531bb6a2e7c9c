"""One consistent view of the database for everything an export reads.

A report, its OSCAL document and (next) an exam package read the inventory, the compliance
results and the audit trail in several queries. Read outside a transaction, an edit committed
between two of them gives a file whose parts disagree: findings for a model the stated count
leaves out, a digest over data the document does not hold. ``read_snapshot()`` makes every query
inside it see the database as it was at the first one, without blocking writers:

- PostgreSQL: a REPEATABLE READ, READ ONLY transaction (a snapshot taken at the first query;
  writers go on, and the snapshot cannot write).
- SQLite: a deferred read transaction. In WAL mode (settings.py) a reader keeps the snapshot of
  its first read while writers append to the log; ``query_only`` refuses writes inside it. It is
  begun by hand because the connection's transactions start IMMEDIATE (the write lock), which a
  read must not take for the seconds an export lasts.

Inside a transaction already open (a caller's own, a test's, or an enclosing snapshot: an exam
package reads several reports in one), that transaction's view holds and nothing is changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction

# Set on a SQLite connection while it holds a snapshot's read transaction.
_OPEN = "mltrack_read_snapshot_open"


@contextmanager
def read_snapshot(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Run the block's queries against one snapshot of the database; writes inside it fail."""
    connection = connections[using]
    if connection.in_atomic_block or getattr(connection, _OPEN, False):
        yield
        return
    if connection.vendor == "sqlite":
        with _sqlite_read_transaction(connection):
            yield
        return
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


@contextmanager
def _sqlite_read_transaction(connection) -> Iterator[None]:
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN DEFERRED")
        cursor.execute("PRAGMA query_only = ON")
    # Django does not see a transaction begun by hand: mark it, so a snapshot within holds to it.
    setattr(connection, _OPEN, True)
    try:
        yield
    finally:
        setattr(connection, _OPEN, False)
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA query_only = OFF")
            # Nothing was written: ending the read is all a rollback does here.
            cursor.execute("ROLLBACK")
