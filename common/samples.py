"""What apps built on the reviews app add to the demo inventory.

reviews.sample makes the sample models and their review records; an app above it (which reviews may
not import) registers a step here in its AppConfig.ready, and reviews.sample runs every step in the
same transaction, after the reviews, in the order of their ``position``. The cards app publishes
model cards this way, as common.panels lets apps add panels to the model page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from common.actors import Actor


@dataclass(frozen=True)
class SampleBatch:
    # The models just made (inventory.models.AIModel objects, saved, with their ids), in the order made.
    models: Sequence[Any]
    seed: int
    actor: Actor
    today: dt.date
    now: dt.datetime


Step = Callable[[SampleBatch], None]
_steps: list[tuple[int, Step]] = []


def register(step: Step, *, position: int) -> Step:
    if all(existing is not step for _, existing in _steps):
        _steps.append((position, step))
        _steps.sort(key=lambda entry: entry[0])
    return step


def run_steps(batch: SampleBatch) -> None:
    for _, step in _steps:
        step(batch)
