"""The model card's sections in import and export: exported as "Card: ..." columns, imported into
new and existing models (with history), checked by the card's text rules, in fixed queries."""

from __future__ import annotations

import csv as csv_module
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cards import services as card_services
from cards.models import ModelCardContent
from common.actors import Actor
from tests.factories import make_model
from tests.transfers.conftest import OPERATOR, export, run_import

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

HEADER = "model_name,vendor,risk_tier,use_case,business_owner,technical_owner,deployment_date"


def csv(*rows: list[str], header: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv_module.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def new_row(name: str, *extra: str) -> list[str]:
    return [name, "V", "high", "u", "b", "t", "2026-01-01", *extra]


def sections(name: str) -> dict[str, str]:
    content = ModelCardContent.objects.filter(model__model_name=name).first()
    return {} if content is None else {"intended_use": content.intended_use, "limitations": content.limitations}


def test_an_export_has_a_column_per_section_filled_from_the_card():
    model = make_model(model_name="scorer")
    card_services.update_card_content(model=model, changes={"limitations": "Thin files\nand new customers"},
                                      actor=OPERATOR)
    make_model(model_name="uncarded")

    rows = list(csv_module.DictReader(io.StringIO(export("csv")[""].decode("utf-8-sig"))))

    assert [row["limitations"] for row in rows] == ["Thin files\nand new customers", ""]
    assert {row["intended_use"] for row in rows} == {""}


def test_new_models_get_the_sections_of_the_file_with_a_history_entry(bob):
    data = csv(new_row("scorer", "For card payments", "Thin files"), new_row("blank", "", ""),
               header=[*HEADER.split(","), "Card: Intended use", "Limitations"])

    outcome = run_import(data, actor=Actor.for_user(bob))

    assert outcome.ok and outcome.created == 2, [p.describe() for p in outcome.problems]
    assert sections("scorer") == {"intended_use": "For card payments", "limitations": "Thin files"}
    assert sections("blank") == {}  # nothing to write: no empty card content row
    entry = ModelCardContent.history.get(model__model_name="scorer")
    assert (entry.history_type, entry.history_actor, entry.history_change_reason) == (
        "+", "bob", "imported from inventory.csv")


def test_an_update_changes_only_the_sections_the_file_has_and_counts_as_an_update():
    model = make_model(model_name="scorer", use_case="u", business_owner="b", technical_owner="t", vendor="V",
                       deployment_date="2026-01-01")
    card_services.update_card_content(model=model, changes={"intended_use": "Old", "limitations": "Kept"},
                                      actor=OPERATOR)
    header = [*HEADER.split(","), "intended_use"]

    changed = run_import(csv(new_row("scorer", "New use"), header=header), update=True)
    same = run_import(csv(new_row("scorer", "New use"), header=header), update=True)
    without = run_import(csv(new_row("scorer"), header=HEADER.split(",")), update=True)

    assert (changed.updated, same.unchanged, without.unchanged) == (1, 1, 1)
    assert sections("scorer") == {"intended_use": "New use", "limitations": "Kept"}
    assert ModelCardContent.history.filter(model=model).count() == 2


def test_a_section_too_long_is_refused_naming_its_row_and_column_and_nothing_is_written():
    data = csv(new_row("fine", "ok"), new_row("long", "x" * 20001), header=[*HEADER.split(","), "Card: Intended use"])

    outcome = run_import(data)

    assert not outcome.written
    assert [p.describe("inventory.csv") for p in outcome.problems] == [
        'inventory.csv, row 3, column "Card: Intended use" (intended_use): At most 20,000 characters (this has 20,001).'
    ]
    assert not ModelCardContent.objects.exists()


def test_sections_cost_the_same_queries_for_3_rows_as_for_30(bob):
    actor = Actor.for_user(bob)
    header = [*HEADER.split(","), "intended_use", "limitations"]
    run_import(csv(new_row("warm-up"), header=HEADER.split(",")), actor=actor)
    counts = []
    for size in (3, 30):
        rows = [new_row(f"model-{size}-{n}", "use", "limits") for n in range(size)]
        with CaptureQueriesContext(connection) as queries:
            outcome = run_import(csv(*rows, header=header), actor=actor)
        assert outcome.ok and outcome.created == size
        counts.append(len(queries))
    updates = [new_row(f"model-{size}-{n}", "changed", "limits") for size in (3, 30) for n in range(size)]
    with CaptureQueriesContext(connection) as queries:
        assert run_import(csv(*updates[:3], header=header), actor=actor, update=True).updated == 3
    with CaptureQueriesContext(connection) as more:
        assert run_import(csv(*updates[3:], header=header), actor=actor, update=True).updated == 30
    assert counts[0] == counts[1] and len(queries) == len(more)


def test_a_model_owner_cannot_change_the_sections_of_a_model_they_do_not_own(alice, bob):
    model = make_model(model_name="bobs-model", owner=bob, use_case="u", business_owner="b", technical_owner="t",
                       vendor="V", deployment_date="2026-01-01")
    card_services.update_card_content(model=model, changes={"intended_use": "Bob's"}, actor=OPERATOR)

    outcome = run_import(csv(new_row("bobs-model", "Alice's"), header=[*HEADER.split(","), "intended_use"]),
                         actor=Actor.for_user(alice), update=True)

    assert not outcome.written and outcome.problems and outcome.problems[0].row == 2
    assert sections("bobs-model")["intended_use"] == "Bob's"


def test_the_bulk_write_refuses_an_actor_who_may_not_edit_the_card(alice, bob):
    from django.core.exceptions import PermissionDenied

    from cards.batch import save_card_sections

    model = make_model(model_name="bobs-model", owner=bob)
    with pytest.raises(PermissionDenied):
        save_card_sections(changes=[(model, {"intended_use": "x"})], actor=Actor.for_user(alice), reason="test")
    assert not ModelCardContent.objects.exists()
