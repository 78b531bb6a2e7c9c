"""A realistic demo inventory whose audit trail agrees with it: the inventory's sample models
(inventory.sample_data), a review record for each one's last review, and what the apps above add
through common.samples (model cards).

Every interface that makes sample data (``mltrack sample-data``, the console, ``setup_demo``) calls
this, so a demo never claims a review the trail does not hold (verification would say so).
"""

from __future__ import annotations

import datetime as dt

from common import samples
from common.actors import Actor
from inventory import sample_data
from reviews.services import BatchRow, ReviewInput, append_reviews

DEMO_REVIEWERS = ["Jane Smith (Model Risk)", "Raj Patel (Model Validation)", "Maria Garcia (Model Risk)"]
DEMO_NOTES = "Periodic validation: performance, data drift and controls reviewed."


def generate(
    *, count: int, seed: int | None, actor: Actor, today: dt.date, now: dt.datetime, clear_first: bool = False
) -> tuple[sample_data.SampleResult, int]:
    """Add ``count`` sample models and record each reviewed one's last review, in one transaction.
    Returns the inventory's result and how many review records were written. The actor must be
    allowed both (administrators are)."""
    from django.db import transaction

    with transaction.atomic():
        result = sample_data.generate(count=count, seed=seed, actor=actor, today=today, clear_first=clear_first)
        # Oldest first, so that the chain reads in the order the reviews took place.
        reviewed = sorted(result.reviewed, key=lambda item: item[1])
        rows = [
            BatchRow(model_name=name, entry=ReviewInput(
                review_date=last_review, outcome="warning" if index % 7 == 0 else "passed",
                reviewer=DEMO_REVIEWERS[index % len(DEMO_REVIEWERS)], notes=DEMO_NOTES,
            ))
            for index, (name, last_review) in enumerate(reviewed)
        ]
        if rows:
            append_reviews(rows=rows, actor=actor, today=today, now=now)
        # What the apps above add (the cards app publishes model cards), in the same transaction.
        samples.run_steps(samples.SampleBatch(models=result.models, seed=result.seed, actor=actor, today=today,
                                              now=now))
    return result, len(rows)
