"""Everything an exam package says, read in one snapshot of the database.

A package's files must agree with one another (the PDF's figures with the CSV, the OSCAL findings
with the compliance results, the review records with the chain head in the manifest), so every
read happens inside one ``common.db.read_snapshot()``: the compliance report (with the evidence
its OSCAL documents cite), the inventory report, the chain segment, the checkpoints over it, the
review policies and the role assignments.

The chain segment runs from the first review record of any model in scope (record 1 for the whole
inventory) to the chain head. Records of models in scope are carried whole, so their chain hashes
can be recomputed; a record of another model inside the segment is carried as a link only (its
sequence, id, model id, previous and chain hash and signature), so the segment can be shown to be
contiguous without disclosing other models' reviews.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Min, QuerySet

from cards.document import published_model_cards
from common.db import read_snapshot
from common.roles import ROLES
from inventory.models import AIModel, ReviewPolicy
from packages.frameworks import Framework
from reports.data import Report, build_report_of
from reviews.anchors import stored_checkpoints
from reviews.hashing import CHAIN_FIELDS, as_text
from reviews.models import ModelReview
from reviews.services import chain_head

CHUNK = 5000
RECORD_COLUMNS = (*CHAIN_FIELDS, "chain_hash", "signing_key_id", "signature")
LINK_FIELDS = ("sequence", "id", "model_id", "previous_hash", "chain_hash", "signing_key_id", "signature")


@dataclass(frozen=True)
class Scope:
    """What a package covers: one model, a risk tier, a business line, or the whole inventory."""

    kind: str  # "model", "risk_tier", "business_line" or "all"
    value: str = ""

    def models(self) -> QuerySet[AIModel]:
        models = AIModel.objects.all()
        if self.kind == "model":
            return models.named(self.value)
        if self.kind == "risk_tier":
            return models.filter(risk_tier=self.value)
        if self.kind == "business_line":
            return models.filter(business_line__iexact=self.value)
        return models

    @property
    def filters(self) -> dict[str, str]:
        """The scope as the report filters recorded in every file's metadata."""
        return {} if self.kind == "all" else {self.kind: self.value}

    def describe(self) -> str:
        if self.kind == "model":
            return f"the model {self.value}"
        if self.kind == "risk_tier":
            return f"every {self.value}-tier model"
        if self.kind == "business_line":
            return f"every model of the business line {self.value}"
        return "the whole inventory"


@dataclass
class PackageData:
    framework: Framework
    scope: Scope
    as_of: dt.date
    generated_at: dt.datetime
    generated_by: str
    compliance: Report
    inventory: Report
    # The chain segment in sequence order: whole records (every CHAIN_FIELDS value as its canonical
    # text, plus chain_hash, signing_key_id and signature) for models in scope, links for others.
    records: list[dict[str, Any]]
    checkpoints: list[dict[str, Any]]
    policies: list[dict[str, Any]]
    users_by_role: dict[str, int]
    chain_head: tuple[int, str]
    # Each model's latest published card (cards.document.published_model_cards), by name.
    cards: list[dict[str, Any]]

    @property
    def records_in_scope(self) -> list[dict[str, Any]]:
        return [record for record in self.records if record["in_scope"]]

    @property
    def model_count(self) -> int:
        return len(self.inventory.body["models"])


def read_package_data(framework: Framework, scope: Scope, *, today: dt.date, now: dt.datetime,
                      generated_by: str) -> PackageData:
    """Read everything a package of ``scope`` says about its models, as of ``today``, in one snapshot."""
    with read_snapshot():
        models = scope.models().order_by("model_name", "pk")
        common = {"filters": scope.filters, "today": today, "now": now, "generated_by": generated_by}
        compliance = build_report_of("compliance", models, evidence=True, **common)
        inventory = build_report_of("inventory", models, **common)
        head = chain_head()
        records = _segment(models, head[0], whole=scope.kind == "all")
        start = int(records[0]["sequence"]) if records else head[0] + 1
        checkpoints = [c.as_dict() for c in stored_checkpoints() if start <= c.sequence <= head[0]]
        policies = list(ReviewPolicy.objects.order_by("version").values(
            "version", "effective_date", "critical_days", "high_days", "medium_days", "low_days",
            "approval_reference", "created_by",
        ))
        users_by_role = _users_by_role()
        cards = published_model_cards(models)
    return PackageData(
        framework=framework, scope=scope, as_of=today, generated_at=now, generated_by=generated_by,
        compliance=compliance, inventory=inventory, records=records, checkpoints=checkpoints,
        policies=policies, users_by_role=users_by_role, chain_head=head, cards=cards,
    )


def _segment(models: QuerySet[AIModel], head: int, *, whole: bool) -> list[dict[str, Any]]:
    in_scope = set(models.values_list("pk", flat=True))
    if whole:
        start = 1
    else:
        start = ModelReview.objects.filter(model__in=models.order_by()).aggregate(first=Min("sequence"))["first"]
        if start is None:
            return []
    rows = (ModelReview.objects.filter(sequence__gte=start, sequence__lte=head).order_by("sequence")
            .values_list(*RECORD_COLUMNS).iterator(chunk_size=CHUNK))
    model_at = RECORD_COLUMNS.index("model_id")
    segment = []
    for row in rows:
        record = dict(zip(RECORD_COLUMNS, row))
        if row[model_at] in in_scope:
            entry = {name: as_text(record[name]) for name in CHAIN_FIELDS}
        else:
            entry = {name: as_text(record[name]) for name in LINK_FIELDS if name in CHAIN_FIELDS}
        entry.update(
            in_scope=row[model_at] in in_scope, chain_hash=record["chain_hash"],
            signing_key_id=record["signing_key_id"] or "", signature=record["signature"] or "",
        )
        segment.append(entry)
    return segment


def _users_by_role() -> dict[str, int]:
    names = {name: key for key, name in ROLES.items()}
    counts = (get_user_model().objects.filter(is_active=True, groups__name__in=list(names))
              .values("groups__name").annotate(users=Count("pk", distinct=True)))
    found = {names[row["groups__name"]]: row["users"] for row in counts}
    return {key: found.get(key, 0) for key in ROLES}
