#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mltrack_site.settings")
    # The Celery app, so that tasks sent from a command or runserver reach the configured broker;
    # it also makes the folders this process writes to (common/folders.py).
    import mltrack_site.celery  # noqa: F401
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
