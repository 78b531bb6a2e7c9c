#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mltrack_site.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        # The Celery app, so that tasks sent from a command or runserver reach the configured broker;
        # it also makes the folders this process writes to (common/folders.py).
        import mltrack_site.celery  # noqa: F401

        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        # A bad setting (an environment variable out of range, say) is the operator's to fix: the
        # message names it; a traceback would only hide it.
        sys.stderr.write(f"Configuration error: {exc}\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
