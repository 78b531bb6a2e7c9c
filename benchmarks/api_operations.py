"""Benchmark rows for the REST API: a page of the model list and the check verdict, in process (server
time, signed in with a token), and the whole remote ``mltrack check`` process against gunicorn.

They run after the report rows (the inventory carries its reviews) and before the rows under load.
"""

from __future__ import annotations

from benchmarks.load import WORKERS, Server
from benchmarks.operations import Action, BenchmarkError, Context, Operation, Target, middle_model_pk

# Signing in with the token, the role check's two queries, the count, the page; one more when the
# token's last use (written at most once a minute) falls in the counted run.
LIST_TARGET = Target(max_ms=150, max_queries=6)
# ... the model by name, the evaluated count, the failing row, its messages' facts, the passing list.
CHECK_TARGET = Target(max_ms=50, max_queries=9)
REMOTE_CHECK_TARGET = Target(max_ms=800)


def _token(ctx: Context) -> str:
    """An administrator's API token (made once, untimed)."""
    token = ctx.__dict__.get("api_token")
    if token is None:
        from django.utils import timezone

        from api import services
        from common.actors import Actor

        token = ctx.__dict__["api_token"] = services.create_token(
            actor=Actor.for_user(ctx.admin), name="benchmark", read_only=True, expires_in_days=None, now=timezone.now()
        ).secret
    return token


def _api_action(ctx: Context, url: str) -> Action:
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {_token(ctx)}")

    def get() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise BenchmarkError(f"GET {url} answered {response.status_code}, not 200")

    return get


def _middle_name() -> str:
    from inventory.models import AIModel

    return AIModel.objects.get(pk=middle_model_pk()).model_name


def _model_list(ctx: Context) -> Action:
    return _api_action(ctx, "/api/v1/models/")


def _check_verdict(ctx: Context) -> Action:
    return _api_action(ctx, f"/api/v1/compliance/check/?model={_middle_name()}")


def _remote_check(ctx: Context) -> Action:
    server = ctx.__dict__["api_server"] = Server(ctx.env)
    url, name, token = f"http://127.0.0.1:{server.port}", _middle_name(), _token(ctx)
    _warm(server.port, f"/api/v1/compliance/check/?model={name}", token)
    # The token in the environment, as a CI job passes it; exit 1 ("not compliant") counts as ran.
    ctx.env = {**ctx.env, "MLTRACK_TOKEN": token}
    return ctx.process_action([ctx.mltrack, "check", name, "--url", url], ok_codes=(0, 1))


def _warm(port: int, path: str, token: str) -> None:
    """Ask every gunicorn worker once before timing: a worker's first request loads the whole site."""
    import http.client

    for _ in range(4 * WORKERS):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("GET", path, headers={"Authorization": f"Bearer {token}", "Host": "127.0.0.1"})
        status = connection.getresponse().status
        connection.close()
        if status != 200:
            raise BenchmarkError(f"GET {path} answered {status}, not 200")


def _stop_server(ctx: Context) -> None:
    ctx.env.pop("MLTRACK_TOKEN", None)
    server = ctx.__dict__.pop("api_server", None)
    if server is not None:
        server.stop()


API_OPERATIONS = [
    Operation("API: model list, one page (in process)", _model_list, LIST_TARGET),
    Operation("API: check verdict, one model (in process)", _check_verdict, CHECK_TARGET),
    Operation("mltrack check NAME --url (process, remote)", _remote_check, REMOTE_CHECK_TARGET, count_queries=False,
              after=_stop_server),
]
