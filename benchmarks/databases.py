"""Fresh, throw-away databases for one benchmark run each."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DATABASES = ("sqlite", "postgres")


@contextlib.contextmanager
def sqlite_database(size: int) -> Iterator[tuple[str, Path]]:
    """A SQLite file in a new temporary directory: (DATABASE_URL, directory for MLTRACK_VAR_DIR)."""
    directory = Path(tempfile.mkdtemp(prefix=f"mltrack-bench-{size}-"))
    try:
        yield f"sqlite:///{directory / 'mltrack.sqlite3'}", directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def postgres_database_name(size: int) -> str:
    return f"mltrack_bench_{size}"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _admin_connection(server_url: str):
    import psycopg

    # psycopg understands postgresql:// URLs; dj-database-url also accepts postgres:// and pgsql://.
    parts = urlsplit(server_url)
    conninfo = urlunsplit(("postgresql", parts.netloc, parts.path, parts.query, ""))
    return psycopg.connect(conninfo, autocommit=True)


@contextlib.contextmanager
def postgres_database(size: int, server_url: str) -> Iterator[tuple[str, Path]]:
    """Database ``mltrack_bench_<size>`` on the server of ``server_url``, created empty and dropped after."""
    from psycopg import sql

    name = postgres_database_name(size)
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with _admin_connection(server_url) as conn:
        conn.execute(drop)
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    directory = Path(tempfile.mkdtemp(prefix=f"mltrack-bench-{size}-"))
    try:
        yield _with_database(server_url, name), directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)
        with _admin_connection(server_url) as conn:
            conn.execute(drop)


def fresh_database(kind: str, size: int, *, postgres_url: str):
    if kind == "sqlite":
        return sqlite_database(size)
    if kind == "postgres":
        return postgres_database(size, postgres_url)
    raise ValueError(f"unknown database {kind!r}; choose from {', '.join(DATABASES)}")
