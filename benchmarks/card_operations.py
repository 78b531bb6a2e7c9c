"""Benchmark rows for cards: the CycloneDX 1.6 ML-BOM of the whole inventory (every model's card),
as a model risk officer makes it with ``mltrack card --all --format cyclonedx`` (a whole process).
Its target is set at 10,000 models."""

from __future__ import annotations

from pathlib import Path

from benchmarks.operations import Action, Context, Operation, Target

BOM_SIZE = 10_000


def _bom(ctx: Context) -> Action:
    out = str(Path(ctx.env["MLTRACK_VAR_DIR"]) / "inventory.cdx.json")
    return ctx.process_action([ctx.mltrack, "card", "--all", "--format", "cyclonedx", "--output", out])


CARD_OPERATIONS = [
    Operation("mltrack card --all --format cyclonedx (process)", _bom, Target(max_ms=30_000), count_queries=False,
              up_to_size=BOM_SIZE),
]
