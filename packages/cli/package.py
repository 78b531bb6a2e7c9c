"""mltrack package and mltrack verify-package."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from common.cli import EXIT_FAILED, EXIT_OK, CLIError, add_verb, resolve_actor, usage_error

FRAMEWORKS = ("sr26-2", "sr11-7", "occ2011-12", "nist-ai-rmf", "iso42001")
ZIP_MESSAGE = "--output names the package's zip file (for example -o {name})"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_verb(
        subparsers, "package", handle_package,
        help="an examiner's bundle for a framework and scope (signed, verifiable offline)",
        description="Build an exam package: the framework's PDF, OSCAL results, plan and POA&M, the inventory and "
        "compliance data, the review records with their chain segment, a README and a signed manifest.",
    )
    scope = parser.add_mutually_exclusive_group(required=True)
    scope.add_argument("--model", metavar="NAME", help="one model (any case)")
    scope.add_argument("--risk", metavar="TIER", help="every model of a risk tier")
    scope.add_argument("--business-line", metavar="NAME", help="every model of a business line")
    scope.add_argument("--all", action="store_true", help="the whole inventory")
    parser.add_argument("--framework", required=True, choices=FRAMEWORKS, metavar="FRAMEWORK",
                        help=f"one of {', '.join(FRAMEWORKS)}")
    parser.add_argument("-o", "--output", required=True, metavar="FILE.zip", help="where to write the package")

    verify = add_verb(
        subparsers, "verify-package", handle_verify_package,
        help="check an exam package offline: signature, digests, chain segment, counts",
        description="Verify an exam package as an examiner would, with the same checks as the verify_package.py "
        "inside it. Exit 0 when everything holds, 1 naming the first thing that does not.",
    )
    verify.add_argument("package", metavar="FILE.zip", help="the package")
    verify.add_argument("--public-key", action="append", default=[], metavar="KEY.pem",
                        help="the institution's Ed25519 public key, obtained separately (repeatable)")


def _scope(args: argparse.Namespace):
    from packages.services import BadScope, scope_of

    kind, value = ("model", args.model) if args.model else ("risk_tier", args.risk) if args.risk else (
        ("business_line", args.business_line) if args.business_line else ("all", ""))
    try:
        return scope_of(kind, value)
    except BadScope as exc:
        usage_error(args, str(exc))


def handle_package(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from packages.services import make_package
    from reports.cli.report import write_atomically
    from reports.oscal import OscalInvalid

    output = Path(args.output)
    if output.suffix.lower() != ".zip":
        usage_error(args, ZIP_MESSAGE.format(name=f"{args.framework}-package.zip"))
    who = resolve_actor(args)
    scope = _scope(args)

    def progress(percent: int, stage: str) -> None:
        sys.stderr.write(f"  {percent:3d}%  {stage}\n")

    try:
        built = make_package(who.actor, args.framework, scope, today=timezone.localdate(), now=timezone.now(),
                             progress=progress if sys.stderr.isatty() else None)
    except OscalInvalid as exc:
        raise CLIError(f"Nothing was written: an OSCAL document failed validation: {exc}") from None
    write_atomically(output, lambda out: out.write(built.content))
    counts = built.manifest["counts"]
    print(f"Wrote {output} ({len(built.content):,} bytes, SHA-256 {built.sha256}): {args.framework} package of "
          f"{scope.describe()}, {counts['models']:,} model(s), {counts['review_records']:,} review record(s). "
          f"Signing key fingerprint {built.manifest['signing']['fingerprint']}.")
    return EXIT_OK


def handle_verify_package(args: argparse.Namespace) -> int:
    from packages.verifier import Mismatch, public_key_from_pem, verify

    try:
        keys = [public_key_from_pem(Path(name).read_bytes()) for name in args.public_key]
    except OSError as exc:
        usage_error(args, f"Cannot read the public key: {exc.strerror}: {exc.filename}")
    except Mismatch as exc:
        usage_error(args, f"Cannot use the public key: {exc}")
    outcome = verify(args.package, public_keys=keys)
    for note in outcome.notes:
        print(f"  {note}")
    if not outcome.ok:
        raise CLIError(f"FAILED: {outcome.problems[0]}", EXIT_FAILED)
    print(f"OK: {args.package} is complete and unaltered" + ("" if keys else " (signature not checked)"))
    return EXIT_OK
