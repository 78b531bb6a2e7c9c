"""What the benchmark measures: one :class:`Operation` per row of the results table.

Operations run in the order of ``OPERATIONS``, in a worker process whose Django settings point at
a fresh database of the size being measured (see :mod:`benchmarks.worker`). The first one fills
the inventory; the others find it filled.

To add an operation, write a setup function that prepares whatever the operation needs (untimed)
and returns the action to time, then append an ``Operation`` to ``OPERATIONS``::

    def _policy_page(ctx: Context) -> Action:
        from django.urls import reverse

        return ctx.page_action(reverse("inventory:policy"))

    Operation("review policy page", _policy_page, PAGE_TARGET)

Unless told otherwise, the harness runs the action once to warm up, then ``--repeat`` times timed,
then once more untimed inside ``CaptureQueriesContext`` to count its SQL queries.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

Action = Callable[[], object]


class BenchmarkError(Exception):
    """An operation could not be measured (wrong status code, failing command, ...)."""


@dataclass(frozen=True)
class Target:
    """The limits an operation must stay within; ``None`` means no limit of that kind."""

    max_ms: float | None = None
    max_queries: int | None = None
    # Under load (benchmarks.load): requests per second, 99th percentile latency, failed requests.
    min_rps: float | None = None
    max_p99_ms: float | None = None
    max_errors: int | None = None

    def describe(self) -> str:
        parts = []
        if self.max_queries is not None:
            parts.append(f"<= {self.max_queries} queries")
        if self.max_ms is not None:
            parts.append(f"< {self.max_ms:,.0f} ms")
        if self.min_rps is not None:
            parts.append(f">= {self.min_rps:,.0f} req/s")
        if self.max_p99_ms is not None:
            parts.append(f"p99 < {self.max_p99_ms:,.0f} ms")
        if self.max_errors is not None:
            parts.append(f"<= {self.max_errors} errors")
        return ", ".join(parts) or "-"

    def load_misses(self, load) -> list[str]:
        """Why a load run (benchmarks.load.LoadResult) misses this target."""
        reasons = []
        if self.min_rps is not None and load.rps < self.min_rps:
            reasons.append(f"{load.rps:,.1f} requests/s is under {self.min_rps:,.0f}")
        if self.max_p99_ms is not None and not load.p99_ms < self.max_p99_ms:
            reasons.append(f"p99 {load.p99_ms:,.0f} ms is not under {self.max_p99_ms:,.0f} ms")
        if self.max_errors is not None and load.errors > self.max_errors:
            reasons.append(f"{load.errors} failed requests")
        return reasons

    def misses(self, *, median_ms: float, queries: int | None) -> list[str]:
        """Why a measurement misses this target (empty when it meets it)."""
        reasons = []
        if self.max_ms is not None and not median_ms < self.max_ms:
            reasons.append(f"{median_ms:,.1f} ms is not under {self.max_ms:,.0f} ms")
        if self.max_queries is not None and (queries is None or queries > self.max_queries):
            reasons.append(f"{queries if queries is not None else 'unknown'} queries exceed {self.max_queries}")
        return reasons


@dataclass
class Context:
    """What operations share within one worker: the inventory size and the environment it runs in."""

    size: int
    seed: int
    database: str
    today: dt.date
    repeat: int = 7
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    # Remarks an operation wants printed under the table, by operation name (e.g. peak memory).
    notes: dict[str, str] = field(default_factory=dict)
    # The operation being measured (set by the worker).
    current: str = ""

    @cached_property
    def admin(self):
        """A user with the administrator role (created on first use, untimed)."""
        from django.contrib.auth import get_user_model

        from common.roles import assign_role

        user, _ = get_user_model().objects.get_or_create(username="benchmark-admin")
        assign_role(user, "administrator")
        return get_user_model().objects.get(pk=user.pk)

    def admin_client(self):
        from django.test import Client

        client = Client()
        client.force_login(self.admin)
        return client

    def page_action(self, url: str) -> Action:
        """GET ``url`` as a signed-in administrator with the in-process test client."""
        client = self.admin_client()

        def get_page() -> None:
            response = client.get(url)
            if response.status_code != 200:
                raise BenchmarkError(f"GET {url} answered {response.status_code}, not 200")

        return get_page

    @cached_property
    def mltrack(self) -> str:
        """The ``mltrack`` command installed next to this Python."""
        beside = Path(sys.executable).with_name("mltrack")
        if beside.exists():
            return str(beside)
        found = shutil.which("mltrack")
        if found is None:
            raise BenchmarkError("the mltrack command is not installed (pip install -e . in the project root)")
        return found

    def process_action(self, argv: list[str], ok_codes: tuple[int, ...] = (0,)) -> Action:
        """Run a whole command with this worker's environment (and so its database), output discarded.

        ``ok_codes``: exit codes that mean it ran (a compliance gate exits 1 for "not compliant")."""

        def run_process() -> None:
            with tempfile.TemporaryFile() as errors:
                done = subprocess.run(
                    argv, env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors
                )
                if done.returncode not in ok_codes:
                    errors.seek(0)
                    tail = errors.read().decode(errors="replace").strip().splitlines()[-3:]
                    raise BenchmarkError(f"{' '.join(argv)} exited with {done.returncode}: {' | '.join(tail)}")

        return run_process


@dataclass(frozen=True)
class Operation:
    """One measured operation.

    setup:        prepares (untimed) and returns the action to time.
    target:       the limits reported as pass or fail.
    once:         time a single run without warm-up (for operations that change the data, e.g. a bulk build).
    count_queries: count SQL queries of an in-process action on one extra, untimed run.
    query_probe:  for an action outside this process: returns its query count, measured separately.
    after:        runs once after the measurement, untimed (checks, housekeeping).
    up_to_size:   measured only for inventories of at most this many models (its target is set there).
    load:         the action is a load run returning a benchmarks.load.LoadResult (its median is the p50).
    """

    name: str
    setup: Callable[[Context], Action]
    target: Target = Target()
    once: bool = False
    count_queries: bool = True
    query_probe: Callable[[Context], int | None] | None = None
    after: Callable[[Context], None] | None = None
    up_to_size: int | None = None
    load: bool = False


PAGE_TARGET = Target(max_ms=150, max_queries=10)
FILTERED_LIST_QUERY = "?risk_tier=critical&review=overdue&sort=-next_review"
CLI_LIST_ARGS = ["list"]
CLI_START_TARGET = Target(max_ms=150)


# --- sample-data generation ---------------------------------------------------------------------


def _generate(ctx: Context) -> Action:
    from django.utils import timezone

    from common.actors import Actor
    from reviews import sample

    actor = Actor.system("benchmark")

    def generate() -> None:
        sample.generate(count=ctx.size, seed=ctx.seed, actor=actor, today=ctx.today, now=timezone.now())

    return generate


def _after_generate(ctx: Context) -> None:
    from django.db import connection

    from inventory.models import AIModel

    count = AIModel.objects.count()
    if count != ctx.size:
        raise BenchmarkError(f"sample data made {count:,} models, not {ctx.size:,}")
    if connection.vendor == "postgresql":
        # A live server's autovacuum would have analysed a table this size; measure that steady state.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# --- console pages --------------------------------------------------------------------------------


def _list_page(ctx: Context) -> Action:
    from django.urls import reverse

    return ctx.page_action(reverse("inventory:list"))


def _filtered_list_page(ctx: Context) -> Action:
    from django.urls import reverse

    return ctx.page_action(reverse("inventory:list") + FILTERED_LIST_QUERY)


def middle_model_pk() -> int:
    from inventory.models import AIModel

    pks = AIModel.objects.order_by("pk").values_list("pk", flat=True)
    return pks[AIModel.objects.count() // 2]


def _detail_page(ctx: Context) -> Action:
    from django.urls import reverse

    return ctx.page_action(reverse("inventory:detail", args=[middle_model_pk()]))


# --- command line ---------------------------------------------------------------------------------


def _cli_version(ctx: Context) -> Action:
    return ctx.process_action([ctx.mltrack, "--version"])


def _cli_help(ctx: Context) -> Action:
    return ctx.process_action([ctx.mltrack, "--help"])


def _cli_list(ctx: Context) -> Action:
    return ctx.process_action([ctx.mltrack, *CLI_LIST_ARGS])


def _cli_list_queries(ctx: Context) -> int | None:
    from benchmarks.cli_queries import count_cli_queries

    return count_cli_queries(CLI_LIST_ARGS, env=ctx.env)


OPERATIONS: list[Operation] = [
    Operation(
        "sample-data generation",
        _generate,
        Target(max_ms=60_000),
        once=True,
        count_queries=False,
        after=_after_generate,
    ),
    Operation("inventory list page", _list_page, PAGE_TARGET),
    Operation("inventory list page (filtered)", _filtered_list_page, PAGE_TARGET),
    Operation("model detail page", _detail_page, PAGE_TARGET),
    # Start-up alone: building the parser, which loads neither Django nor rich.
    Operation("mltrack --version (process)", _cli_version, CLI_START_TARGET, count_queries=False),
    Operation("mltrack --help (process)", _cli_help, CLI_START_TARGET, count_queries=False),
    Operation(
        "mltrack list (process)",
        _cli_list,
        Target(max_ms=1000),
        count_queries=False,
        query_probe=_cli_list_queries,
    ),
]

# Rows of later issues live beside their app's concerns; they run after the inventory rows.
from benchmarks.api_operations import API_OPERATIONS  # noqa: E402  (needs the names above)
from benchmarks.card_operations import CARD_OPERATIONS  # noqa: E402
from benchmarks.compliance_operations import COMPLIANCE_OPERATIONS  # noqa: E402
from benchmarks.load_operations import LOAD_OPERATIONS  # noqa: E402
from benchmarks.notification_operations import NOTIFICATION_OPERATIONS  # noqa: E402
from benchmarks.package_operations import PACKAGE_OPERATIONS  # noqa: E402
from benchmarks.registry_operations import REGISTRY_OPERATIONS  # noqa: E402
from benchmarks.report_operations import REPORT_OPERATIONS  # noqa: E402
from benchmarks.review_operations import REVIEW_OPERATIONS  # noqa: E402
from benchmarks.transfer_operations import TRANSFER_OPERATIONS  # noqa: E402

OPERATIONS += (REVIEW_OPERATIONS + COMPLIANCE_OPERATIONS + REPORT_OPERATIONS + PACKAGE_OPERATIONS + API_OPERATIONS
               + CARD_OPERATIONS + NOTIFICATION_OPERATIONS + LOAD_OPERATIONS + REGISTRY_OPERATIONS)

# The import doubles the inventory: it runs last.
OPERATIONS += TRANSFER_OPERATIONS


def selected(only: list[str] | None) -> list[Operation]:
    """The operations to measure: every one, or those whose name contains one of ``only`` (any case),
    after the first, which fills the inventory the others read."""
    if not only:
        return list(OPERATIONS)
    words = [word.lower() for word in only]
    return [OPERATIONS[0], *(op for op in OPERATIONS[1:] if any(word in op.name.lower() for word in words))]
