"""Personas and helpers shared by every test.

alice: model owner (owns the models made with owner=alice); bob: model risk officer;
carol: administrator; erin: examiner; charlie: signed in but without any role.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from inventory.roles import assign_role
from reviews import db_guards

TODAY = dt.date(2026, 11, 27)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, test in a file rather than Django's shared in-memory database. There a connection
    that finds a table locked fails at once instead of waiting out its busy timeout, so a Celery
    worker's thread writing a job's progress and a test reading the job could fail each other."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("database") / "test.sqlite3")


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def today() -> dt.date:
    return TODAY


def weasyprint_load_error() -> OSError | None:
    """Why WeasyPrint cannot load its system libraries (Pango), or None when it can."""
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:
        return exc
    return None


def make_user(username: str, role: str | None = None, **extra):
    user = get_user_model().objects.create_user(username=username, password="correct-horse-battery", **extra)
    if role:
        assign_role(user, role)
    return get_user_model().objects.get(pk=user.pk)  # fresh permission cache


@pytest.fixture
def alice(db):
    return make_user("alice", "model-owner")


@pytest.fixture
def bob(db):
    return make_user("bob", "model-risk-officer")


@pytest.fixture
def carol(db):
    return make_user("carol", "administrator")


@pytest.fixture
def erin(db):
    return make_user("erin", "examiner")


@pytest.fixture
def charlie(db):
    return make_user("charlie")


# Set when a transactional test took the append-only guards off for Django's flush.
_guards_off = False


@pytest.fixture(autouse=True)
def _review_guards_on(request):
    """Put the append-only triggers back (outside any test transaction) after a flush took them off."""
    global _guards_off
    if _guards_off:
        with request.getfixturevalue("django_db_blocker").unblock():
            db_guards.install(connection)
        _guards_off = False


# The data migrations whose rows a transactional test's flush removes (roles, policy v1).
DATA_MIGRATIONS = [
    ("inventory.migrations.0002_roles_and_default_policy", ["create_roles", "create_default_policy"]),
    ("reviews.migrations.0002_append_only_triggers_and_roles", ["grant"]),
]


def rerun_data_migrations() -> None:
    """Put back what the data migrations created; each step is idempotent."""
    import importlib

    from django.apps import apps

    for module_name, functions in DATA_MIGRATIONS:
        module = importlib.import_module(module_name)
        for name in functions:
            getattr(module, name)(apps, None)


@pytest.fixture
def transactional_reviews(transactional_db):
    """A transactional database for tests that commit review records.

    Django empties every table after a transactional test, with DELETE (SQLite) or TRUNCATE
    (PostgreSQL). The append-only triggers refuse that, so the guards come off for the flush and
    go back on before the next test; and the rows the data migrations made are put back first.
    """
    global _guards_off
    rerun_data_migrations()
    yield
    db_guards.drop(connection)
    _guards_off = True
