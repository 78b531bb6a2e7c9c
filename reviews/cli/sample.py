"""mltrack sample-data: a realistic demo inventory, the same for the same seed, count and day, with
its reviewed models' last reviews in the audit trail (reviews.sample)."""

from __future__ import annotations

import argparse
import time

from common.cli import EXIT_OK, CLIError, add_verb, make_console, resolve_actor, usage_error

DEFAULT_SAMPLE_COUNT = 20


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the sample-data verb."""
    sample = add_verb(
        subparsers, "sample-data", handle_sample_data, help="generate a realistic demo inventory",
        description="Add realistic financial-services sample models (deterministic for a seed).",
    )
    sample.add_argument(
        "-n", "--count", type=int, default=DEFAULT_SAMPLE_COUNT, metavar="N",
        help=f"how many models to add (default {DEFAULT_SAMPLE_COUNT})",
    )
    sample.add_argument("--clear", action="store_true", help="delete every model first (refused once reviews exist)")
    sample.add_argument("--seed", type=int, metavar="S", help="random seed, to get the same models again")


def handle_sample_data(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from inventory import permissions, sample_data
    from reviews import sample

    if not 1 <= args.count <= sample_data.MAX_COUNT:
        usage_error(args, f"argument -n/--count: give a whole number from 1 to {sample_data.MAX_COUNT:,}")
    who = resolve_actor(args)
    who.require(permissions.can_generate_sample_data, "generate sample data")
    started = time.perf_counter()
    try:
        result, reviews = sample.generate(
            count=args.count, seed=args.seed, actor=who.actor, today=timezone.localdate(), now=timezone.now(),
            clear_first=args.clear,
        )
    except sample_data.ClearRefused as exc:
        raise CLIError(str(exc)) from None
    elapsed = time.perf_counter() - started
    out = make_console()
    if args.clear:
        out.print(f"Cleared {result.cleared:,} model{'s' if result.cleared != 1 else ''}.")
    out.print(
        f"Created {result.created:,} sample model{'s' if result.created != 1 else ''} "
        f"(seed {result.seed}) and {reviews:,} review record{'s' if reviews != 1 else ''} in {elapsed:.1f} s."
    )
    out.print(f"The same seed, count and day give the same models: --seed {result.seed}", markup=False)
    return EXIT_OK
