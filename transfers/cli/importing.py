"""mltrack import FILE: add the models of a CSV, JSON or Excel file to the inventory (or, with
--update, update them), every row checked first; see docs/import-export.md."""

from __future__ import annotations

import argparse
from pathlib import Path

from common.cli import EXIT_FAILED, EXIT_OK, CLIError, add_verb, positive_int, resolve_actor
from common.cli.errors import FILE_REFUSED

FORMATS = ("csv", "json", "xlsx")
READ_MESSAGE = "Cannot read {path}: {why}."
MAPPING_MESSAGE = "The mapping file {path}: {why}"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the import verb."""
    parser = add_verb(
        subparsers, "import", handle_import,
        help="add the models of a CSV, JSON or Excel file to the inventory",
        description="Import models from FILE (.csv, .json or .xlsx). Every row is checked first; by default "
        "any problem means nothing is written, and models already in the inventory are skipped. "
        "Exit 0 when every row is fine, 1 when any row has a problem (or the file is refused), 2 for bad usage.",
    )
    parser.add_argument("file", metavar="FILE", help="the file to import (.csv, .json or .xlsx)")
    parser.add_argument("--update", action="store_true", help="update models already in the inventory")
    parser.add_argument("--validate", action="store_true",
                        help="dry run: check every row and write nothing (exit 1 if any row has a problem)")
    parser.add_argument("--continue-on-error", action="store_true",
                        help="import the rows without problems and report the rest (exit 1 if any)")
    parser.add_argument("--map", metavar="MAPPING.json", dest="mapping",
                        help='a JSON object from the file\'s headers to field names, e.g. {"Provider": "vendor"}')
    parser.add_argument("--sheet", metavar="NAME",
                        help="Excel: the sheet with the models (default Models, or the first)")
    parser.add_argument("--header-row", type=positive_int, metavar="N",
                        help="the row of the header (default: found among the first rows)")
    parser.add_argument("--format", choices=FORMATS, metavar="FORMAT",
                        help="csv, json or xlsx (default: from FILE's extension)")
    parser.add_argument("--encoding", metavar="NAME",
                        help="CSV and JSON: utf-8 or windows-1252 (default: UTF-8, or Windows-1252 when it is not)")
    parser.add_argument("--reviews", metavar="FILE",
                        help="CSV: the review history's file (JSON and Excel files carry their own)")
    parser.add_argument("--json", action="store_true", help="print the outcome as JSON")


def _read(path: str, args: argparse.Namespace) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CLIError(READ_MESSAGE.format(path=path, why=exc.strerror or exc)) from None


def _mapping(args: argparse.Namespace) -> dict[str, str | None]:
    from transfers.mapping import load_mapping
    from transfers.tables import FileRefused

    if not args.mapping:
        return {}
    try:
        return load_mapping(_read(args.mapping, args))
    except FileRefused as exc:
        raise CLIError(MAPPING_MESSAGE.format(path=args.mapping, why=" ".join(p.message for p in exc.problems)),
                       code=FILE_REFUSED) from None


def handle_import(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from inventory import permissions
    from transfers.cli.output import print_outcome, print_refusal, progress_bar
    from transfers.importing import Options
    from transfers.services import IMPORT_ACTION, import_file
    from transfers.tables import FileRefused

    who = resolve_actor(args)
    who.require(permissions.can_add, IMPORT_ACTION)
    data = _read(args.file, args)
    reviews = _read(args.reviews, args) if args.reviews else None
    mapping = _mapping(args)
    options = Options(update=args.update, validate=args.validate, continue_on_error=args.continue_on_error)
    name = Path(args.file).name
    with progress_bar(enabled=not args.json) as progress:
        try:
            outcome = import_file(
                data=data, name=name, options=options, actor=who.actor, today=timezone.localdate(),
                now=timezone.now(), fmt=args.format, reviews=reviews, mapping=mapping, sheet=args.sheet,
                header_row=args.header_row, encoding=args.encoding, progress=progress,
            )
        except FileRefused as exc:
            return print_refusal(exc, name, args)
    print_outcome(outcome, args)
    return EXIT_OK if outcome.ok else EXIT_FAILED
