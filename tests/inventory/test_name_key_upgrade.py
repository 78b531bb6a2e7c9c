"""The upgrade to names compared as people read them: it stops, changing nothing and naming each
group, when the inventory already holds look-alike names; otherwise it fills in every key."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.management.base import CommandError
from django.db import connection

from inventory.models import AIModel
from tests.factories import make_model

pytestmark = pytest.mark.django_db
REFUSE = importlib.import_module("inventory.migrations.0010_name_key_and_earliest_outcome").refuse_lookalike_names
FILL = importlib.import_module("inventory.migrations.0011_fill_name_key").fill


def rename_behind_the_services(model: AIModel, name: str) -> None:
    """As an older version could store it: the name as typed, the key column not yet there (blank)."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE inventory_aimodel SET model_name = %s, name_key = %s WHERE id = %s",
                       [name, f"old-{model.pk}", model.pk])


def test_it_stops_on_look_alike_names_naming_each_group(today):
    first, second, third = (make_model(model_name=f"model-{n}") for n in range(3))
    rename_behind_the_services(first, "café-model")
    rename_behind_the_services(second, "CAFÉ-MODEL")
    rename_behind_the_services(third, "Cafe\u0301-Model\u200b")  # a zero-width space at the end

    with pytest.raises(CommandError) as exc_info:
        REFUSE(apps, None)

    message = str(exc_info.value)
    assert message.startswith("Cannot make model names unique as people read them: 1 group(s) of models")
    listed = f'"café-model" (id {first.pk}), "CAFÉ-MODEL" (id {second.pk}), "Cafe\u0301-Model\\u200b" (id {third.pk})'
    assert listed in message
    assert "Rename all but one model of each group" in message
    assert "Nothing was changed" in message


def test_it_passes_an_inventory_without_look_alikes(today):
    make_model(model_name="café-model")
    make_model(model_name="cafe-model")
    REFUSE(apps, None)


def test_it_fills_in_the_key_of_every_model_and_history_entry(today):
    model = make_model(model_name="Café-Model")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE inventory_aimodel SET name_key = ''")
        cursor.execute("UPDATE inventory_historicalaimodel SET name_key = ''")

    FILL(apps, None)

    assert AIModel.objects.get(pk=model.pk).name_key == "café-model"
    assert set(AIModel.history.values_list("name_key", flat=True)) == {"café-model"}
