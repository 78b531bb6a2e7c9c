"""Benchmark rows for exam packages: the whole-inventory SR 26-2 package of 1,000 models, built and
verified as examiners and model risk officers run them (whole processes). Measured at inventories of
up to 1,000 models, where the targets are set (`python -m benchmarks --quick` runs that size)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.operations import Action, Context, Operation, Target

PACKAGE_SIZE = 1_000


def _package_file(ctx: Context) -> str:
    return str(Path(ctx.env["MLTRACK_VAR_DIR"]) / "exam-package.zip")


def _build(ctx: Context) -> Action:
    return ctx.process_action([ctx.mltrack, "package", "--all", "--framework", "sr26-2", "-o", _package_file(ctx)])


def _verify(ctx: Context) -> Action:
    from common.signing import public_pem, signer

    key = Path(ctx.env["MLTRACK_VAR_DIR"]) / "institution.pem"
    key.write_text(public_pem(signer().public_key))
    return ctx.process_action([ctx.mltrack, "verify-package", _package_file(ctx), "--public-key", str(key)])


PACKAGE_OPERATIONS = [
    Operation("mltrack package --all --framework sr26-2 (process)", _build, Target(max_ms=60_000), once=True,
              count_queries=False, up_to_size=PACKAGE_SIZE),
    Operation("mltrack verify-package, signature checked (process)", _verify, Target(max_ms=5_000),
              count_queries=False, up_to_size=PACKAGE_SIZE),
]
