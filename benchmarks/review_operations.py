"""Benchmark rows for the review audit trail: recording, batch history, verification.

At each inventory size the chain grows to ``REVIEWS_PER_MODEL`` reviews per model, so 100,000
models carry 1,000,000 review records, the scale the targets are set for.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
import sys
from pathlib import Path

from benchmarks.operations import PAGE_TARGET, Action, BenchmarkError, Context, Operation, Target, middle_model_pk

ROOT = Path(__file__).resolve().parent.parent
REVIEWS_PER_MODEL = 10
HISTORY_BATCH = 100_000
OUTCOMES = ["passed", "passed", "passed", "warning", "failed"]


def _history_rows(ctx: Context, count: int, *, salt: int):
    """``count`` past reviews spread over the inventory, the same for the same seed."""
    from inventory.models import AIModel
    from reviews.services import BatchRow, ReviewInput

    models = list(AIModel.objects.order_by("pk").values_list("model_name", "deployment_date"))
    rng = random.Random(ctx.seed * 1000 + salt)
    rows = []
    for index in range(count):
        name, deployed = models[index % len(models)]
        span = max((ctx.today - deployed).days, 0)
        rows.append(
            BatchRow(
                model_name=name,
                entry=ReviewInput(
                    review_date=deployed + dt.timedelta(days=rng.randint(0, span)),
                    outcome=rng.choice(OUTCOMES),
                    reviewer=f"Historic reviewer {rng.randint(1, 40)}",
                    notes="Imported from the model risk spreadsheet.",
                ),
            )
        )
    return rows


def _append(ctx: Context, rows) -> None:
    from django.utils import timezone

    from common.actors import Actor
    from reviews.services import append_reviews

    append_reviews(rows=rows, actor=Actor.system("benchmark"), today=ctx.today, now=timezone.now())


def _append_batch(ctx: Context) -> Action:
    rows = _history_rows(ctx, min(HISTORY_BATCH, ctx.size * REVIEWS_PER_MODEL), salt=0)
    return lambda: _append(ctx, rows)


def _record_one(ctx: Context) -> Action:
    from django.urls import reverse

    client = ctx.admin_client()
    url = reverse("reviews:record", args=[middle_model_pk()])
    form = {"review_date": ctx.today.isoformat(), "outcome": "passed", "reviewer": "Jane Smith (Model Risk)",
            "performed_by_me": "on", "notes": "Periodic review.", "corrects": ""}

    def record() -> None:
        response = client.post(url, form)
        if response.status_code != 302:
            raise BenchmarkError(f"POST {url} answered {response.status_code}, not a redirect to the record")

    return record


def _grow_chain(ctx: Context) -> None:
    """Append past reviews (untimed) until the chain holds REVIEWS_PER_MODEL per model."""
    from django.db import connection

    from reviews.models import ModelReview

    wanted = ctx.size * REVIEWS_PER_MODEL
    salt = 1
    while (have := ModelReview.objects.count()) < wanted:
        _append(ctx, _history_rows(ctx, min(HISTORY_BATCH, wanted - have), salt=salt))
        salt += 1
        if connection.vendor == "postgresql":
            # Each batch rewrote every model row. A live server's autovacuum runs once a fifth of a
            # table's rows are dead, so it would have cleaned up after every batch (and the next
            # batch reuses the space); without it the model table would grow to ten times its size.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")


def _verify_process(ctx: Context) -> Action:
    _grow_chain(ctx)

    def verify() -> None:
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.peak", ctx.mltrack, "verify"],
            env=ctx.env, stdin=subprocess.DEVNULL, capture_output=True, text=True, cwd=ROOT,
        )
        try:
            report = json.loads(done.stdout.strip().splitlines()[-1])
        except (IndexError, ValueError):
            raise BenchmarkError(f"could not run mltrack verify: {(done.stdout + done.stderr)[-300:]}") from None
        text = report["output"]
        verdict = next((line for line in text.splitlines() if line.startswith("OK:")), None)
        if report["returncode"] != 0 or verdict is None:
            raise BenchmarkError(f"mltrack verify exited with {report['returncode']}: {text[-300:]}")
        records = verdict.split(" review records")[0].removeprefix("OK: ")
        # The verifier's own peak: records stream in chunks, so it must not grow with the chain.
        ctx.notes["mltrack verify (process)"] = (
            f"{records} records verified; peak memory {report['max_rss_kib'] / 1024:,.0f} MiB"
        )

    return verify


def _trail_page(ctx: Context) -> Action:
    from django.urls import reverse

    return ctx.page_action(reverse("reviews:trail"))


def _trail_page_for_model(ctx: Context) -> Action:
    from django.urls import reverse

    return ctx.page_action(f"{reverse('reviews:trail')}?model_id={middle_model_pk()}&outcome=passed")


def _reviewed_model_page(ctx: Context) -> Action:
    from django.urls import reverse

    return ctx.page_action(reverse("inventory:detail", args=[middle_model_pk()]))


REVIEW_OPERATIONS = [
    Operation(
        "append historical reviews (batch)",
        _append_batch,
        Target(max_ms=60_000),
        once=True,
        count_queries=False,
    ),
    Operation("record one review (POST)", _record_one, Target(max_ms=50, max_queries=20)),
    Operation("mltrack verify (process)", _verify_process, Target(max_ms=20_000), once=True, count_queries=False),
    # The pages below run on the full chain (REVIEWS_PER_MODEL per model) that verify built.
    Operation("audit trail page", _trail_page, PAGE_TARGET),
    Operation("audit trail page (one model, passed)", _trail_page_for_model, PAGE_TARGET),
    Operation("model detail page (with reviews)", _reviewed_model_page, PAGE_TARGET),
]
