"""Rows for pages under load: gunicorn with 4 workers and 16 concurrent clients (benchmarks.load).

Each page is requested for ``2 * --repeat`` seconds (14 s by default, 6 s in a quick run), after the
other rows, on the full chain. Targets are set for 100,000 models on PostgreSQL.
"""

from __future__ import annotations

import atexit

from benchmarks.load import LoadResult, Server, run_load
from benchmarks.operations import Context, Operation, Target, middle_model_pk

SECONDS_PER_REPEAT = 2


def _server(ctx: Context) -> Server:
    server = ctx.__dict__.get("load_server")
    if server is None:
        # The session of a signed-in administrator, saved in the database the server reads.
        server = ctx.__dict__["load_server"] = Server(ctx.env)
        atexit.register(server.stop)
    return server


def _cookie(ctx: Context) -> str:
    client = ctx.admin_client()
    return f"sessionid={client.cookies['sessionid'].value}"


def _load(path_of):
    def setup(ctx: Context):
        server, cookie, path = _server(ctx), _cookie(ctx), path_of()
        seconds = SECONDS_PER_REPEAT * ctx.repeat

        def load() -> LoadResult:
            run_load(port=server.port, path=path, cookie=cookie, seconds=1)  # warm every worker
            result = run_load(port=server.port, path=path, cookie=cookie, seconds=seconds)
            ctx.notes[ctx.current] = result.describe()
            return result

        return load

    return setup


def _stop(ctx: Context) -> None:
    server = ctx.__dict__.pop("load_server", None)
    if server is not None:
        server.stop()


def _model_path() -> str:
    from django.urls import reverse

    return reverse("inventory:detail", args=[middle_model_pk()])


def _path(name: str):
    def path() -> str:
        from django.urls import reverse

        return reverse(name)

    return path


LOAD_OPERATIONS = [
    Operation("dashboard under load (16 clients)", _load(_path("reports:dashboard")),
              Target(min_rps=60, max_p99_ms=1000, max_errors=0), load=True),
    Operation("inventory list under load (16 clients)", _load(_path("inventory:list")),
              Target(min_rps=100, max_errors=0), load=True),
    Operation("model page under load (16 clients)", _load(_model_path),
              Target(min_rps=100, max_errors=0), load=True, after=_stop),
]
