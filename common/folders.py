"""The folders MLTrack's processes write to, made by the processes that need them.

Importing the settings creates nothing, so reading them (a test, ``manage.py check``, a build step)
leaves the disk as it was. Each entry point calls ``make_runtime_folders()`` once the settings are
known: ``manage.py``, the ``mltrack`` command, the web server's wsgi/asgi module and the Celery app
(worker and scheduler). Folders that only one feature writes (report files, checkpoints, keys) are
made where that feature writes them.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# The file-based broker's folders (see CELERY_BROKER_TRANSPORT_OPTIONS): it creates none of them.
BROKER_FOLDER_OPTIONS = ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")
IN_MEMORY_SQLITE = ("", ":memory:")


def runtime_folders() -> list[Path]:
    """The folders the settings name for the database file, static files, broker and scheduler."""
    from django.conf import settings

    folders = []
    database = settings.DATABASES["default"]
    name = str(database.get("NAME") or "")
    if database["ENGINE"] == "django.db.backends.sqlite3" and name not in IN_MEMORY_SQLITE and not name.startswith(
        "file:"
    ):
        folders.append(Path(name).parent)
    # WhiteNoise warns at start-up when it finds no folder here (collectstatic fills it in production).
    folders.append(Path(settings.STATIC_ROOT))
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        folders += [Path(options[key]) for key in BROKER_FOLDER_OPTIONS if key in options]
    folders.append(Path(settings.CELERY_BEAT_SCHEDULE_FILENAME).parent)
    return list(dict.fromkeys(folders))


def make_runtime_folders() -> None:
    """Create the runtime folders that do not exist yet. Settings that cannot be read are left for
    the caller to report (Django's commands and the mltrack command each say what is wrong)."""
    try:
        folders = runtime_folders()
    except ImproperlyConfigured:
        return
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
