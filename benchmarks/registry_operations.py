"""Benchmark row for registry discovery: reconciling a registry of 10,000 model versions (5,000
registered models, two versions each) with the inventory, from a feed in memory (the benchmark needs
no MLflow; the adapter is proven against a real server in tests/registries/test_mlflow_live.py).

Before the row (untimed), 3,000 inventory models are linked to the registry: 2,500 to registered
models of the feed (half of them at an older version, so the run moves them, with history) and 500
to registered models the feed no longer has (orphaned); the other 2,500 registered models are
untracked. Target: under 60 s at 100,000 models, in a number of queries that does not grow with them.
"""

from __future__ import annotations

from benchmarks.operations import Action, BenchmarkError, Context, Operation, Target

REGISTERED, VERSIONS_EACH, LINKED, ORPHANED = 5_000, 2, 2_500, 500
# Time only: a run of "once" is not repeated for a query count; tests/registries/test_reconcile.py pins
# the queries (the same for 3 linked models as for 30).
RECONCILE_TARGET = Target(max_ms=60_000)


def _reconcile(ctx: Context) -> Action:
    from django.db import transaction
    from django.utils import timezone

    from common.actors import Actor
    from inventory.bulk import update_rows
    from inventory.models import AIModel
    from registries import services
    from registries.adapters import RegisteredVersion
    from registries.models import Registry

    registry, _ = Registry.objects.get_or_create(name="benchmark-mlflow", defaults={"url": "http://mlflow.invalid/"})
    feed = [RegisteredVersion(name=f"registered-{n:05d}", version=str(v), stage="Production" if v == 2 else "",
                              run_id=f"run-{n}-{v}", source=f"s3://models/{n}/{v}", digest=f"sha256:{n:05d}{v}")
            for n in range(REGISTERED) for v in range(1, VERSIONS_EACH + 1)]
    # At 10,000 models and more, the numbers above; a smaller inventory (--quick) links a share of it.
    linked, orphaned = min(LINKED, ctx.size // 4), min(ORPHANED, ctx.size // 20)
    models = list(AIModel.objects.filter(registered_name="").order_by("pk")[:linked + orphaned])
    if len(models) < linked + orphaned:
        raise BenchmarkError(f"the inventory has fewer than {linked + orphaned:,} models to link")
    for index, model in enumerate(models):
        model.registry_name = registry.name
        model.registered_name = f"registered-{index:05d}" if index < linked else f"retired-{index:05d}"
        # Half the linked ones at version 1: the run finds version 2 in Production and moves them.
        model.registered_version = str(1 + index % 2) if index < linked else "1"
        model.state_hash = model.compute_state_hash()
    with transaction.atomic():
        update_rows(models, ["registry_name", "registered_name", "registered_version", "state_hash"])

    class Feed:
        def versions(self):
            return feed

    actor = Actor.system("benchmark")

    def run() -> None:
        result = services.reconcile_registry(registry=registry, actor=actor, now=timezone.now(), adapter=Feed())
        if result.outcome != "ok" or result.orphaned != orphaned or result.versions_read != len(feed):
            raise BenchmarkError(f"the reconciliation found {result.orphaned} orphaned of {orphaned}: {result.error}")
        ctx.notes["registry reconciliation"] = (
            f"{len(feed):,} versions against {ctx.size:,} models: {result.untracked:,} untracked, "
            f"{result.orphaned:,} orphaned, {result.updated_models:,} linked models moved")

    return run


# once: the run moves the linked models it finds at an older version (a second run would find none).
REGISTRY_OPERATIONS = [Operation("registry reconciliation (10,000 versions)", _reconcile, RECONCILE_TARGET, once=True)]
