from __future__ import annotations

import pytest
from django.db import connection

from reviews import db_guards


@pytest.fixture
def _reinstall_review_guards(django_db_blocker):
    yield
    # Runs after the transactional test's flush (fixtures tear down in reverse order).
    with django_db_blocker.unblock():
        db_guards.install(connection)


@pytest.fixture
def transactional_reviews(_reinstall_review_guards, transactional_db):
    """A transactional database for tests that commit review records.

    Django empties tables between transactional tests with DELETE (SQLite) or TRUNCATE
    (PostgreSQL), which the append-only triggers refuse; so the guards come off just for that
    flush and go back on right after it.
    """
    yield
    db_guards.drop(connection)
