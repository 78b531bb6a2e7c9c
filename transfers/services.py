"""Import and export of the inventory: the entry points the CLI and the console call.

Importing needs the right to add models (and, for the reviews a file brings, to record reviews;
with --update, to edit each model it changes): the services below and the batch services they
call check the role themselves, whatever interface called them. Exporting needs the right to read
the inventory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import NamedTuple

from django.db.models import QuerySet

from common.actors import Actor
from common.authz import require
from inventory import permissions
from inventory.filters import AIModelFilterSet
from inventory.models import AIModel
from reports.jobs import BackgroundKind, queue_job
from reports.models import ReportJob
from transfers.exporting import Progress, read_export
from transfers.importing import Options, Outcome, import_source
from transfers.reading import open_source
from transfers.tables import FORMAT_LABELS, MEDIA_TYPES
from transfers.writing import render

EXPORT = "export"
EXPORT_ACTION = "export the inventory"

IMPORT_ACTION = "import models (importing adds models: administrators, model risk officers and model owners do)"


def import_file(
    *, data: bytes, name: str, options: Options, actor: Actor, today: dt.date, now: dt.datetime,
    fmt: str | None = None, reviews: bytes | None = None, mapping: Mapping[str, str | None] | None = None,
    sheet: str | None = None, header_row: int | None = None, encoding: str | None = None,
    progress: Progress | None = None,
) -> Outcome:
    """Read ``data`` (a file named ``name``) and import it: see transfers.importing.

    Refuses (PermissionDenied) an actor who may not add models before reading anything; raises
    FileRefused for a file that cannot be imported as a whole."""
    require(actor, permissions.can_add, IMPORT_ACTION)
    mapping = dict(mapping or {})
    source = open_source(data, name=name, fmt=fmt, sheet=sheet, header_row=header_row, mapped=mapping,
                         encoding=encoding, reviews=reviews)
    return import_source(source, mapping=mapping, options=options, actor=actor, today=today, now=now,
                         progress=progress)


class Exported(NamedTuple):
    """An export's files ("" for the main one; for CSV, "reviews" for the history's), and how many
    models and review records they hold."""

    files: dict[str, bytes]
    models: int
    reviews: int | None


def export_inventory(*, queryset: QuerySet[AIModel], fmt: str, actor: Actor, reviews: bool = False,
                     progress: Progress | None = None) -> Exported:
    """The export of ``queryset``'s models (the inventory filter's selection and order), with their
    review history when ``reviews``. Anyone who may read the inventory may export it."""
    require(actor, permissions.can_view, EXPORT_ACTION)
    export = read_export(queryset, reviews=reviews, progress=progress)
    if progress is not None:
        progress(len(export.models), len(export.models), "Writing the file")
    files = render(fmt, export.models, export.reviews)
    return Exported(files, len(export.models), None if export.reviews is None else len(export.reviews))


def template_files(fmt: str) -> dict[str, bytes]:
    """An empty file with every column, and each column's documentation (see transfers.writing)."""
    return render(fmt, [], [], documentation=True)


def export_name(today: dt.date, fmt: str, part: str = "") -> str:
    """mltrack-inventory-2026-12-06.xlsx, or ….reviews.csv for a CSV export's review history."""
    return f"mltrack-inventory-{today.isoformat()}{'.' + part if part else ''}.{fmt}"


def request_export(actor: Actor, *, fmt: str, query: Mapping[str, str], now: dt.datetime, today: dt.date) -> ReportJob:
    """Queue an export of the models ``query`` selects (the inventory list's filters and order, and
    reviews=1 or table=reviews) for the background worker, as of ``today``. The same role check as
    export_inventory, before anything is queued; the worker checks it again when it runs."""
    require(actor, permissions.can_view, EXPORT_ACTION)
    if fmt not in MEDIA_TYPES:
        raise ValueError(f"Unknown export format {fmt!r}.")
    kept = {name: str(query[name]) for name in (*AIModelFilterSet.base_filters, "reviews", "table")
            if query.get(name)}
    return queue_job(EXPORT, fmt=fmt, filters=kept, actor=actor, now=now, today=today)


def _render_job(job: ReportJob, progress) -> tuple[bytes, str, int]:
    """What the worker runs for an export job: the selection as of the day it was asked for, by
    whoever asked (who must still be allowed to read the inventory)."""
    actor = Actor.for_user(job.requested_by) if job.requested_by else Actor(name=job.requested_by_name)
    filters = job.filters
    queryset = AIModelFilterSet(filters, queryset=AIModel.objects.all(), today=job.as_of).qs
    part = "reviews" if filters.get("table") == "reviews" and job.format == "csv" else ""

    def report(done: int, total: int, stage: str) -> None:
        progress(int(90 * done / total) if total else 90, stage)

    exported = export_inventory(queryset=queryset, fmt=job.format, actor=actor, progress=report,
                                reviews=filters.get("reviews") == "1" or bool(part))
    return exported.files[part], export_name(job.as_of, job.format, part), exported.models


EXPORT_JOBS = BackgroundKind(
    kind=EXPORT, title="Inventory export", formats={fmt: (FORMAT_LABELS[fmt], MEDIA_TYPES[fmt]) for fmt in MEDIA_TYPES},
    render=_render_job, index_url_name="inventory:list", index_label="Inventory",
)
