from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connection, connections

from reviews import services as review_services
from reviews.models import ModelReview
from reviews.verify import verify_chain
from tests.factories import make_model
from tests.factories import record_review as record

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="two concurrent writer connections need PostgreSQL (SQLite serialises all writers); CI runs it there",
    ),
]
PER_WRITER = 6


def test_two_connections_recording_at_once_form_one_valid_chain(transactional_reviews, today, monkeypatch):
    models = [make_model(), make_model()]
    read_head = review_services.chain_head

    def slow_chain_head():
        # Widen the window between reading the head and writing after it, so that without the
        # chain lock both writers would build on the same head (and collide).
        head = read_head()
        time.sleep(0.05)
        return head

    monkeypatch.setattr(review_services, "chain_head", slow_chain_head)
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def writer(model) -> None:
        try:
            start.wait(timeout=10)
            for day in range(PER_WRITER):
                review_date = dt.date(2026, 6, 1) + dt.timedelta(days=day)
                record(model, review_date=review_date, notes=f"by {threading.get_ident()}")
        except BaseException as exc:  # reported below, on the main thread
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(model,)) for model in models]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not failures, failures
    sequences = list(ModelReview.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, 2 * PER_WRITER + 1))
    result = verify_chain(now=dt.datetime(2026, 11, 27, 20, 0, tzinfo=dt.UTC))
    assert result.ok and result.count == 2 * PER_WRITER
