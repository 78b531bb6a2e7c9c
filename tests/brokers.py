"""The broker the tests' Celery workers use: Redis when CELERY_BROKER_URL names it (CI's PostgreSQL
run), else the embedded default's file-based broker, in a folder of the test's own."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FILESYSTEM = "filesystem://"


def broker_url() -> str:
    return os.environ.get("CELERY_BROKER_URL", FILESYSTEM)


def filesystem_options(folder: Path) -> dict[str, str]:
    """The file-based broker's folders under ``folder``, as settings.py lays them out under var/broker/."""
    folders = {name: folder / name for name in ("queue", "processed", "control")}
    for path in folders.values():
        path.mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(folders["queue"]), "data_folder_out": str(folders["queue"]),
        "processed_folder": str(folders["processed"]), "control_folder": str(folders["control"]),
    }


@contextmanager
def sending_to(app, folder: Path) -> Iterator[str]:
    """Point this process's Celery app at the tests' broker (the file-based one in ``folder``) for
    as long as the block runs; yields the broker's URL."""
    saved = {key: app.conf[key] for key in ("broker_url", "broker_transport_options")}
    url = broker_url()
    options = filesystem_options(folder) if url.startswith(FILESYSTEM) else {}
    app.conf.update(broker_url=url, broker_transport_options=options)
    _reset_connections(app)
    try:
        yield url
    finally:
        app.conf.update(**saved)
        _reset_connections(app)


def _reset_connections(app) -> None:
    """Drop the app's broker connections, so the next task is sent with the current settings.

    The pools live in kombu's registry, keyed by broker URL: closing one but leaving it there
    would hand the next test that uses the same broker (Redis) a closed pool."""
    from kombu import pools

    if app._pool is not None:
        app._pool.force_close_all()
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
