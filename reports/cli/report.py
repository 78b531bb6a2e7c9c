"""mltrack report compliance|inventory|risk: a report of the (filtered) inventory in any format.

``-f terminal`` (the default) prints it; csv, json and oscal go to stdout or ``-o FILE``; pdf needs
``-o FILE``. A file is written only once the whole report has been rendered (and, for OSCAL,
validated: OSCAL is validated and written a part at a time, reports.oscal.stream), through a
temporary file renamed into place, so a failure never leaves a partial or invalid file behind.
See docs/reports.md.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from common.cli import EXIT_OK, CLIError, add_verb, resolve_actor, usage_error, write_error_json, write_error_text
from inventory.cli.filters import add_filter_options, inventory_filter

if TYPE_CHECKING:
    from reports.files import DigestingWriter

KINDS = ("compliance", "inventory", "risk")
FORMATS = ("terminal", "csv", "json", "oscal", "pdf")
PDF_NEEDS_FILE_MESSAGE = "-f pdf writes a file: give -o FILE (for example -o {name})"
TERMINAL_FILE_MESSAGE = "-o is for files: choose -f csv, json, oscal or pdf"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the report verb."""
    parser = add_verb(
        subparsers, "report", handle_report, error_writer=write_error,
        help="compliance, inventory or risk report (terminal, CSV, JSON, OSCAL, PDF)",
        description="A report of the inventory, or of the models matching the filters, as of today.",
    )
    parser.add_argument("kind", choices=KINDS, metavar="KIND", help="compliance, inventory or risk")
    parser.add_argument("-f", "--format", choices=FORMATS, default="terminal", metavar="FORMAT",
                        help="terminal (default), csv, json, oscal (OSCAL 1.1.2 assessment results) or pdf")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    # Reports keep their own order of models, so --sort is not offered.
    add_filter_options(parser, search=True)


def report_filters(args: argparse.Namespace) -> dict[str, str]:
    """The options as report filters, checked as ``mltrack list`` checks them (a value outside a
    field's choices is a usage error naming the allowed values, exit 2)."""
    return inventory_filter(args).params()


def write_error(error: CLIError, args: argparse.Namespace) -> None:
    """With ``-f json`` an error is the JSON error object on stdout, where the report would be."""
    if args.format == "json":
        write_error_json(error)
    else:
        write_error_text(error)


def write_atomically(path: Path, write: Callable[[BinaryIO], object]) -> DigestingWriter:
    """Write to ``path`` through a temporary file in the same folder, renamed into place once
    ``write`` (given the file) has returned; returns what was written's SHA-256 and size."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CLIError(f"Cannot write {path}: the folder {folder} does not exist.")
    from reports.files import DigestingWriter, replace_atomically

    written: list[DigestingWriter] = []

    def digested(out: BinaryIO) -> None:
        written.append(DigestingWriter(out))
        write(written[0])

    try:
        replace_atomically(path, digested)
    except OSError as exc:
        raise CLIError(f"Cannot write {path}: {exc.strerror}.") from None
    return written[0]


def handle_report(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from inventory import permissions
    from reports.data import BadReportRequest, build_report
    from reports.formats import EVIDENCE_FORMATS

    filters = report_filters(args)
    if args.format == "terminal" and args.output:
        usage_error(args, TERMINAL_FILE_MESSAGE)
    if args.format == "pdf" and not args.output:
        name = f"mltrack-{args.kind}-report-{timezone.localdate().isoformat()}.pdf"
        usage_error(args, PDF_NEEDS_FILE_MESSAGE.format(name=name))
    who = resolve_actor(args)
    who.require(permissions.can_view, "view the inventory")
    try:
        report = build_report(
            args.kind, filters=filters, today=timezone.localdate(), now=timezone.now(), generated_by=who.actor.name,
            evidence=args.format in EVIDENCE_FORMATS,
        )
    except BadReportRequest as exc:
        usage_error(args, str(exc))
    if args.format == "terminal":
        from reports.cli.output.report import print_report

        print_report(report)
        return EXIT_OK
    from reports.formats import InvalidOutput, write

    try:
        if not args.output:
            # OSCAL reaches stdout only once every part of it has been validated (reports.oscal.stream).
            write(report, args.format, sys.stdout.buffer)
            sys.stdout.flush()
            return EXIT_OK
        path = Path(args.output)
        written = write_atomically(path, lambda out: write(report, args.format, out))
    except InvalidOutput as exc:
        raise CLIError(f"Nothing was written: {exc}") from None
    sys.stderr.write(
        f"Wrote {path} ({written.size:,} bytes, SHA-256 {written.hexdigest()}): {report.metadata.title.lower()}, "
        f"{report.metadata.model_count:,} model(s), as of {report.metadata.as_of.isoformat()}, "
        f"data SHA-256 {report.data_sha256}.\n"
    )
    return EXIT_OK
