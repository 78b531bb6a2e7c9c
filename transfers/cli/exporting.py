"""mltrack export FILE: the inventory, or the models the filters select, as CSV, JSON or Excel;
--template writes an empty file with every column, documented. See docs/import-export.md."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from common.cli import EXIT_OK, CLIError, add_verb, resolve_actor, usage_error
from inventory.cli.filters import add_filter_options, inventory_filter

FORMATS = ("csv", "json", "xlsx")
EXTENSIONS = {".csv": "csv", ".json": "json", ".xlsx": "xlsx"}
UNKNOWN_FORMAT_MESSAGE = "cannot tell the format from {name!r}: name it .csv, .json or .xlsx, or give --format"
TEMPLATE_FILTERS_MESSAGE = "--template writes an empty file: it takes no filters"
NO_FOLDER_MESSAGE = "Cannot write {path}: the folder {folder} does not exist."
WRITE_MESSAGE = "Cannot write {path}: {why}."


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the export verb."""
    parser = add_verb(
        subparsers, "export", handle_export,
        help="write the inventory (or the models matching the filters) to a CSV, JSON or Excel file",
        description="Export the models matching the filters (all, without any) to FILE, in the format its "
        "extension says (.csv, .json, .xlsx) or --format. The file imports back with nothing lost.",
    )
    parser.add_argument("file", metavar="FILE", help="the file to write (.csv, .json or .xlsx)")
    parser.add_argument("--format", choices=FORMATS, metavar="FORMAT", help="csv, json or xlsx (default: from FILE)")
    parser.add_argument("--reviews", action="store_true",
                        help="also export the review history (CSV: a second file, FILE's name with .reviews)")
    parser.add_argument("--template", action="store_true",
                        help="write an empty file with every column, and each column's documentation")
    add_filter_options(parser, classification=True, review=True, search=True, sort=True)


def companion(path: Path, part: str) -> Path:
    """The file beside ``path`` for one part of a CSV export: inventory.csv -> inventory.reviews.csv."""
    return path.with_name(f"{path.stem}.{part}{path.suffix}") if part else path


def write_atomically(path: Path, content: bytes) -> None:
    """Write through a temporary file in the same folder, renamed into place: never a partial file."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CLIError(NO_FOLDER_MESSAGE.format(path=path, folder=folder))
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".part")
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as exc:
        raise CLIError(WRITE_MESSAGE.format(path=path, why=exc.strerror or exc)) from None


def handle_export(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from inventory import permissions
    from inventory.models import AIModel
    from transfers.cli.output import progress_bar
    from transfers.services import export_inventory, template_files

    path = Path(args.file)
    fmt = args.format or EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        usage_error(args, UNKNOWN_FORMAT_MESSAGE.format(name=args.file))
    selection = inventory_filter(args)
    if args.template and (selection.narrows or selection.sort or args.reviews):
        usage_error(args, TEMPLATE_FILTERS_MESSAGE)
    started = time.monotonic()
    if args.template:
        files = template_files(fmt)
        for part, content in files.items():
            write_atomically(companion(path, part), content)
        written = ", ".join(str(companion(path, part)) for part in files)
        sys.stderr.write(f"Wrote the template {written}: every column, no rows, each column documented.\n")
        return EXIT_OK
    who = resolve_actor(args)
    who.require(permissions.can_view, "export the inventory")
    queryset = selection.apply(AIModel.objects.all(), today=timezone.localdate())
    with progress_bar(enabled=True) as progress:
        exported = export_inventory(queryset=queryset, fmt=fmt, actor=who.actor, reviews=args.reviews,
                                    progress=progress)
    for part, content in exported.files.items():
        write_atomically(companion(path, part), content)
    reviews = ""
    if exported.reviews is not None:
        where = f" in {companion(path, 'reviews')}" if "reviews" in exported.files else ""
        reviews = f", and {exported.reviews:,} review record{'s' if exported.reviews != 1 else ''}{where}"
    sys.stderr.write(f"Exported {exported.models:,} model{'s' if exported.models != 1 else ''} to {path}{reviews} "
                     f"in {time.monotonic() - started:.1f} s.\n")
    return EXIT_OK
