"""The console's import, step by step: receive a file and find its columns (with a suggested field
for each unfamiliar header), take the mapping the person chose, check every row (a dry run) for
the preview, and import on confirmation.

A small file is checked and imported within the request; a larger one by the worker
(transfers.tasks), its progress kept on the Upload for the page to show. Each step checks the
person's role itself: uploading and importing need the right to add models (and what the file
records, the rights of transfers.importing).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from itertools import islice
from typing import Any
from uuid import UUID

from django.db import connection, transaction
from django.db.models import Q

from common.actors import Actor
from common.authz import require
from inventory import permissions
from transfers.columns import suggest
from transfers.importing import Options
from transfers.mapping import resolve
from transfers.models import STALLED_AFTER, Upload
from transfers.reading import check_size, format_of, open_source
from transfers.services import IMPORT_ACTION, import_file
from transfers.tables import FileRefused

logger = logging.getLogger(__name__)

# Files up to this size are checked and imported within the request (a few thousand rows, a
# second or two); larger ones by the worker, with their progress on the page.
INLINE_BYTES = 256 * 1024
SAMPLES = 3
# Progress is written at most this often (seconds), from a connection of its own.
PROGRESS_EVERY = 1.0
WORKER_UNREACHABLE_MESSAGE = (
    "The background worker could not be reached, so the file was not {what}. Check that the worker and its broker "
    "are running (see docs/deployment.md), then try again."
)
FAILED_MESSAGE = "The file could not be {what}: {error}"
STILL_RUNNING_MESSAGE = "This file is being checked or imported already."
NOT_CHECKED_MESSAGE = "Check the file before importing it."


class UploadRefused(Exception):
    """A step asked for at the wrong time (importing a file not yet checked, say)."""


def _columns(data: bytes, *, name: str, fmt: str, sheet: str | None, header_row: int | None,
             reviews: bytes | None) -> list[dict[str, Any]]:
    """The columns of each table with a few sample values, the field each header names, or the
    field suggested for an unfamiliar one."""
    source = open_source(data, name=name, fmt=fmt, sheet=sheet or None, header_row=header_row, reviews=reviews)
    columns = []
    for table in (source.models, source.reviews):
        if table is None:
            continue
        resolution = resolve(table, {})
        samples = [cells for _, cells in islice(table.rows, SAMPLES)]
        taken = frozenset(resolution.given())
        for index, header in enumerate(table.headers):
            field = resolution.fields[index]
            columns.append({
                "table": table.name, "header": header, "field": field,
                "suggested": None if field else suggest(table.name, header, exclude=taken),
                "samples": ["" if row[index] is None else str(row[index]) for row in samples if index < len(row)],
            })
    return columns


def receive_upload(
    *, data: bytes, name: str, actor: Actor, now: dt.datetime, reviews: bytes | None = None, sheet: str = "",
    header_row: int | None = None, update: bool = False, continue_on_error: bool = False,
) -> Upload:
    """Keep an uploaded file and find its columns. Refuses (PermissionDenied) an actor who may not
    add models; FileRefused for a file that cannot be read at all (nothing is kept)."""
    require(actor, permissions.can_add, IMPORT_ACTION)
    check_size(len(data) + len(reviews or b""))
    fmt = format_of(name)
    columns = _columns(data, name=name, fmt=fmt, sheet=sheet, header_row=header_row, reviews=reviews)
    return Upload.objects.create(
        uploaded_by=actor.user, uploaded_at=now, file_name=name, format=fmt, content=data, reviews_content=reviews,
        size=len(data) + len(reviews or b""), sheet=sheet, header_row=header_row, update=update,
        continue_on_error=continue_on_error, columns=columns,
    )


def choose_mapping(upload: Upload, *, mapping: Mapping[str, str | None], actor: Actor, now: dt.datetime) -> Upload:
    """Keep the mapping chosen and check every row (a dry run that writes nothing)."""
    require(actor, permissions.can_add, IMPORT_ACTION)
    if upload.running and not upload.stalled(now=now):
        raise UploadRefused(STILL_RUNNING_MESSAGE)
    upload.mapping = dict(mapping)
    upload.save(update_fields=["mapping"])
    return _start(upload, Upload.State.CHECKING, now=now)


def confirm(upload: Upload, *, actor: Actor, now: dt.datetime, continue_on_error: bool | None = None) -> Upload:
    """Import a checked file. ``continue_on_error`` (chosen on the preview) imports the good rows
    when some have problems."""
    require(actor, permissions.can_add, IMPORT_ACTION)
    stalled_import = upload.state == Upload.State.IMPORTING and upload.stalled(now=now)
    if upload.state != Upload.State.CHECKED and not stalled_import:
        raise UploadRefused(STILL_RUNNING_MESSAGE if upload.running else NOT_CHECKED_MESSAGE)
    if continue_on_error is not None:
        upload.continue_on_error = continue_on_error
        upload.save(update_fields=["continue_on_error"])
    return _start(upload, Upload.State.IMPORTING, now=now)


def _start(upload: Upload, state: str, *, now: dt.datetime) -> Upload:
    Upload.objects.filter(pk=upload.pk).update(state=state, started=False, progress=0, stage="Waiting",
                                               heartbeat_at=now, error="")
    upload.refresh_from_db()
    if upload.size <= INLINE_BYTES:
        run(upload.pk, now=now, today=_today())
        upload.refresh_from_db()
        return upload
    transaction.on_commit(lambda: _send(upload.pk, state, now=now))
    return upload


def _today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()


def _send(upload_id: UUID, state: str, *, now: dt.datetime) -> None:
    from transfers.tasks import run_upload

    try:
        run_upload.delay(str(upload_id))
    except Exception:  # the broker is down or misconfigured: say so on the upload
        logger.exception("could not queue upload %s", upload_id)
        what = "checked" if state == Upload.State.CHECKING else "imported"
        Upload.objects.filter(pk=upload_id, state=state, started=False).update(
            state=Upload.State.FAILED, error=WORKER_UNREACHABLE_MESSAGE.format(what=what))


class _Recorder:
    """Progress of a running check or import, written to the Upload from a connection of its own
    (the import's transaction would hide it until the end). On SQLite an import holds the database's
    one write lock, so only its check reports as it goes."""

    def __init__(self, upload_id: UUID, *, writing: bool) -> None:
        self.upload_id = upload_id
        self.enabled = not (writing and connection.vendor == "sqlite")
        self.last = 0.0

    def __call__(self, done: int, total: int, stage: str) -> None:
        import threading
        import time

        if not self.enabled or time.monotonic() - self.last < PROGRESS_EVERY:
            return
        self.last = time.monotonic()
        percent = min(99, int(100 * done / max(total, 1)))

        def write() -> None:
            from django.db import connection as own
            from django.utils import timezone

            try:
                Upload.objects.filter(pk=self.upload_id).update(
                    progress=percent, stage=f"{stage}: {done:,} rows", heartbeat_at=timezone.now())
            finally:
                own.close()

        thread = threading.Thread(target=write, daemon=True)
        thread.start()
        thread.join()


def run(upload_id: UUID | str, *, now: dt.datetime, today: dt.date) -> Upload | None:
    """Check or import the upload (whichever it is waiting for), once: the one who claims it runs it.
    Returns the upload, or None when it was not this caller's to run."""
    claimed = Upload.objects.filter(pk=upload_id, state__in=[Upload.State.CHECKING, Upload.State.IMPORTING],
                                    started=False).update(started=True, stage="Reading the file", heartbeat_at=now)
    if not claimed:
        return None
    upload = Upload.objects.select_related("uploaded_by").get(pk=upload_id)
    checking = upload.state == Upload.State.CHECKING
    what = "checked" if checking else "imported"
    options = Options(update=upload.update, validate=checking, continue_on_error=upload.continue_on_error)
    try:
        outcome = import_file(
            data=bytes(upload.content), name=upload.file_name, options=options,
            actor=Actor.for_user(upload.uploaded_by), today=today, now=now, fmt=upload.format,
            reviews=bytes(upload.reviews_content) if upload.reviews_content is not None else None,
            mapping=upload.mapping, sheet=upload.sheet or None, header_row=upload.header_row,
            progress=None if upload.size <= INLINE_BYTES else _Recorder(upload.pk, writing=not checking),
        )
    except FileRefused as exc:
        result = {"refused": [problem.as_dict() for problem in exc.problems]}
        Upload.objects.filter(pk=upload.pk).update(state=Upload.State.FAILED, result=result, progress=100,
                                                   stage="Refused", error="")
    except Exception as exc:  # kept on the upload for the person who sent it
        logger.exception("upload %s could not be %s", upload.pk, what)
        Upload.objects.filter(pk=upload.pk).update(state=Upload.State.FAILED, progress=100, stage="Failed",
                                                   error=FAILED_MESSAGE.format(what=what, error=exc))
    else:
        result = outcome.as_dict()
        result["actions"] = outcome.actions
        state = Upload.State.CHECKED if checking else Upload.State.IMPORTED
        fields: dict[str, Any] = {"state": state, "result": result, "progress": 100, "stage": "Done"}
        if outcome.written:
            fields["content"], fields["reviews_content"] = b"", None  # imported: the file is not needed again
        Upload.objects.filter(pk=upload.pk).update(**fields)
    return Upload.objects.get(pk=upload.pk)


def discard_stale(*, now: dt.datetime, keep: dt.timedelta) -> int:
    """Delete the uploads, file and all, that were not imported within ``keep`` of their upload:
    left at the mapping or the preview, failed, or whose check or import lost its worker. An upload
    being worked on (it reported within STALLED_AFTER) is kept, and imported ones keep their record
    (their file was dropped when they were imported). Returns how many were deleted; one query."""
    abandoned = Q(uploaded_at__lt=now - keep) & ~Q(state=Upload.State.IMPORTED) & (
        ~Q(state__in=[Upload.State.CHECKING, Upload.State.IMPORTING])
        | Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=now - STALLED_AFTER)
    )
    deleted, _ = Upload.objects.filter(abandoned).delete()
    return deleted
