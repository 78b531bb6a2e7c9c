"""Personas and helpers shared by every test.

alice: model owner (owns the models made with owner=alice); bob: model risk officer;
carol: administrator; erin: examiner; charlie: signed in but without any role.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection

import mltrack_site.celery  # noqa: F401  (tasks the tests send go to the configured broker, as the console's do)
from cards import db_guards as card_guards
from common.roles import assign_role
from reviews import db_guards

# The suite's own date. Tests that build dates from it and then let code read the clock pin the
# clock here (the ``frozen_clock`` fixture), so that they pass on any day; ``--shift-clock`` proves it.
TODAY = dt.date(2026, 11, 27)
# Noon UTC on TODAY, so that timezone.localdate() is TODAY in any configured time zone but the extremes.
NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


def pytest_addoption(parser) -> None:
    parser.addoption(
        "--shift-clock", type=int, default=0, metavar="DAYS",
        help="run the whole suite with the clock moved DAYS days from the real date (negative: back), to "
        "prove that no test depends on the day it runs; tests that pin their own clock keep it",
    )


@pytest.fixture(scope="session", autouse=True)
def _shifted_clock(request):
    days = request.config.getoption("--shift-clock")
    if not days:
        yield
        return
    # tick: the clock keeps running from the shifted start, so timeouts and polling still work.
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=days), tick=True):
        yield


@pytest.fixture
def frozen_clock():
    """Pin the clock at NOW for a test whose code under test reads today's date (views, CLI verbs)
    and compares it with dates built from TODAY. The clock keeps ticking from there."""
    with time_machine.travel(NOW):
        yield NOW


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, test in a file rather than Django's shared in-memory database. There a connection
    that finds a table locked fails at once instead of waiting out its busy timeout, so a Celery
    worker's thread writing a job's progress and a test reading the job could fail each other."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("database") / "test.sqlite3")


@pytest.fixture(scope="session")
def signing_key_file(tmp_path_factory):
    """One institution signing key for the whole run (generating is cheap, but records signed by one
    test must verify in the next page the same test opens)."""
    from common.signing import generate_key_file

    path = tmp_path_factory.mktemp("keys") / "signing-key.pem"
    generate_key_file(path)
    return path


@pytest.fixture(autouse=True)
def _signing(settings, signing_key_file, tmp_path):
    # Keys and anchored checkpoints in temporary folders, never in the project's var/.
    settings.MLTRACK_SIGNING_KEY_FILE = signing_key_file
    settings.MLTRACK_TRUSTED_KEYS_DIR = tmp_path / "trusted-keys"
    settings.MLTRACK_CHECKPOINT_DIR = tmp_path / "checkpoints"


@pytest.fixture(autouse=True)
def _empty_cache():
    # Each test starts from a new database, whose change-history ids may repeat an earlier test's.
    from django.core.cache import cache

    cache.clear()


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
            card_guards.install(connection)
        _guards_off = False


# The data migrations whose rows a transactional test's flush removes (roles, policy v1).
DATA_MIGRATIONS = [
    ("inventory.migrations.0002_roles_and_default_policy", ["create_roles", "create_default_policy"]),
    ("reviews.migrations.0002_append_only_triggers_and_roles", ["grant"]),
    ("inventory.migrations.0009_govern_models_permission", ["grant"]),
    ("api.migrations.0002_token_roles", ["grant"]),
    ("notifications.migrations.0002_grants", ["grant"]),
    ("registries.migrations.0002_grants", ["grant"]),
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
    card_guards.drop(connection)
    _guards_off = True
