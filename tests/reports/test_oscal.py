"""OSCAL 1.1.2 Assessment Results for every report kind (reports.oscal, docs/oscal.md)."""

from __future__ import annotations

import base64
import copy
import datetime as dt
import json
import uuid
from pathlib import Path

import billiard.pool
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

import reports.oscal.stream as oscal_stream
from compliance.engine import evaluate
from compliance.rules import EVALUATED, RULESET
from inventory import services
from reports.data import KINDS, build_report
from reports.oscal import OscalInvalid, build_oscal, render_oscal, serialise
from reports.oscal.validate import support_db_path, validate_document
from tests.factories import make_model, record_review
from tests.reports.oscal_schema import assert_schema_valid

TODAY = dt.date(2026, 11, 27)
NOW = dt.datetime(2026, 11, 27, 16, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 11, 27, 18, 45, 12, tzinfo=dt.UTC)
NS = "https://mltrack.example/ns/oscal"
# docs/oscal.md: every UUID is uuid5 in this namespace, of "kind:identity".
UUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, NS)


def documented_uuid(kind: str, *identity: object) -> str:
    return str(uuid.uuid5(UUID_NAMESPACE, ":".join((kind, *(str(part) for part in identity)))))


@pytest.fixture
def inventory(db):
    """Passing, failing, retired, reviewed and never-reviewed models."""
    passing = make_model(model_name="fraud-detector", with_current_card=True)
    record_review(passing)
    never = make_model(
        model_name="gpt-advisor", deployment_date=dt.date(2024, 1, 1), vendor="OpenAI",
        api_endpoint="https://api.openai.com/v1/responses", use_case="Drafts advice.\nReviewed by a human.",
    )
    failed = make_model(model_name="modèle-crédit", business_owner="Zoë Ångström (Crédit)")
    record_review(failed, outcome="failed", reviewer="Zoë Ångström", notes="Back-test failed.\nRetrain.")
    retired = make_model(model_name="old-scorecard", status="decommissioned", deployment_environment="dev")
    retired_in_prod = make_model(model_name="old-pricing", status="decommissioned")
    return {
        "passing": passing, "never": never, "failed": failed, "retired": retired, "retired_in_prod": retired_in_prod,
    }


def report_of(kind: str = "compliance", *, now: dt.datetime = NOW, **filters: str):
    return build_report(kind, filters=filters, today=TODAY, now=now, generated_by="bob", evidence=True)


def exported(kind: str = "compliance", **filters: str) -> dict:
    return json.loads(render_oscal(report_of(kind, **filters)))


def results_of(document: dict) -> dict:
    return document["assessment-results"]["results"][0]


def embedded_plan(document: dict) -> dict:
    results = document["assessment-results"]
    href = results["import-ap"]["href"]
    resource = next(r for r in results["back-matter"]["resources"] if f"#{r['uuid']}" == href)
    return json.loads(base64.b64decode(resource["base64"]["value"]))


def all_values(node, key: str):
    """Every value of ``key`` anywhere in ``node``."""
    if isinstance(node, dict):
        for name, value in node.items():
            if name == key:
                yield value
            yield from all_values(value, key)
    elif isinstance(node, list):
        for item in node:
            yield from all_values(item, key)


# -- validity ---------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_it_is_valid_against_the_official_nist_schema_for_every_kind(inventory, kind):
    document = exported(kind)

    assert_schema_valid(document)
    assert_schema_valid(embedded_plan(document), "assessment-plan")
    assert kind in document["assessment-results"]["metadata"]["title"].lower()
    assert {"name": "report-kind", "ns": NS, "value": kind} in document["assessment-results"]["metadata"]["props"]


def test_it_is_valid_for_an_empty_selection(inventory):
    document = exported(vendor="No Such Vendor")

    assert_schema_valid(document)
    assert "observations" not in results_of(document)
    assert "components" not in results_of(document)["local-definitions"]


def test_it_carries_the_risk_reports_portfolio_figures(inventory):
    summary = report_of("risk").body["summary"]
    props = {p["name"]: p["value"] for p in results_of(exported("risk"))["props"] if p.get("class") == "portfolio"}

    assert props["portfolio-total"] == "5"
    assert props["portfolio-never-reviewed"] == str(summary["never_reviewed"])
    assert props["portfolio-overdue"] == str(summary["overdue"])


# -- references and uniqueness ----------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_it_resolves_every_reference_and_repeats_no_uuid(inventory, kind):
    document = exported(kind)
    results = document["assessment-results"]
    result = results_of(document)
    local = result["local-definitions"]
    defined = {
        "component": {c["uuid"] for c in local["components"]},
        "inventory-item": {i["uuid"] for i in local["inventory-items"]},
        "observation": {o["uuid"] for o in result["observations"]},
        "risk": {r["uuid"] for r in result["risks"]},
        "party": {p["uuid"] for p in results["metadata"]["parties"]},
        "resource": {r["uuid"] for r in results["back-matter"]["resources"]},
        "platform": {p["uuid"] for p in local["assessment-assets"]["assessment-platforms"]},
        "role": {r["id"] for r in results["metadata"]["roles"]},
    }
    objectives = {
        o["objective-id"]
        for selection in result["reviewed-controls"]["control-objective-selections"]
        for o in selection["include-objectives"]
    }

    for finding in result["findings"]:
        assert {r["observation-uuid"] for r in finding["related-observations"]} <= defined["observation"]
        assert {r["risk-uuid"] for r in finding.get("related-risks", [])} <= defined["risk"]
        assert finding["target"]["target-id"] in objectives
    for risk in result["risks"]:
        assert {r["observation-uuid"] for r in risk["related-observations"]} <= defined["observation"]
    for observation in result["observations"]:
        for subject in observation["subjects"]:
            assert subject["subject-uuid"] in defined[subject["type"]]
    for item in local["inventory-items"]:
        assert {c["component-uuid"] for c in item["implemented-components"]} <= defined["component"]
    actor_kinds = {"assessment-platform": "platform", "party": "party", "tool": "component"}
    for actors in all_values(document, "actors"):
        assert all(actor["actor-uuid"] in defined[actor_kinds[actor["type"]]] for actor in actors)
    for party_uuids in all_values(document, "party-uuids"):
        assert set(party_uuids) <= defined["party"]
    assert set(all_values(document, "role-id")) <= defined["role"]
    internal = [href for href in all_values(document, "href") if href.startswith("#")]
    assert internal and {href[1:] for href in internal} <= defined["resource"]

    uuids = list(all_values(document, "uuid"))
    assert len(uuids) == len(set(uuids))


# -- what the document says -------------------------------------------------------------------

def _checks_of(document: dict, model) -> dict[str, dict]:
    """The findings of one model, by objective id, through the observations about it."""
    result = results_of(document)
    component = documented_uuid("model", model.pk)
    observations = {o["uuid"] for o in result["observations"] if o["subjects"][0]["subject-uuid"] == component}
    return {
        f["target"]["target-id"]: f for f in result["findings"]
        if f["related-observations"][0]["observation-uuid"] in observations
    }


def test_it_gives_each_applicable_requirement_one_observation_and_one_finding(inventory):
    document = exported()
    models = inventory.values()

    for model in models:
        applicable = {
            f"{rule.id}_obj" for rule in RULESET.rules
            if type(model).objects.filter(EVALUATED & rule.scope, pk=model.pk).exists()
        }
        assert set(_checks_of(document, model)) == applicable, model.model_name
    result = results_of(document)
    assert len(result["observations"]) == len(result["findings"]) == sum(len(_checks_of(document, m)) for m in models)
    assert _checks_of(document, inventory["retired"]) == {}


def test_it_reports_the_engines_failures_as_open_risks_with_deadlines(inventory):
    document = exported()
    result = results_of(document)
    broken = {(f.model_id, rule_id) for f in evaluate(today=TODAY).failures for rule_id in f.rule_ids}
    failing = {
        (model.pk, objective.removesuffix("_obj"))
        for model in inventory.values() for objective, finding in _checks_of(document, model).items()
        if finding["target"]["status"]["state"] == "not-satisfied"
    }

    assert failing == broken
    assert len(result["risks"]) == len(broken)
    never = _checks_of(document, inventory["never"])
    assert never["never-reviewed_obj"]["target"]["status"] == {"state": "not-satisfied", "reason": "fail"}
    assert never["sensitive-data-unreviewed-vendor_obj"]["target"]["status"]["state"] == "not-satisfied"
    assert all(f["target"]["status"] == {"state": "satisfied", "reason": "pass"}
               for f in _checks_of(document, inventory["passing"]).values())
    risk_uuid = never["never-reviewed_obj"]["related-risks"][0]["risk-uuid"]
    risk = next(r for r in result["risks"] if r["uuid"] == risk_uuid)
    assert risk["status"] == "open"
    due = inventory["never"].next_review_date.isoformat()
    assert risk["deadline"] == f"{due}T23:59:59+00:00"


def test_it_lists_models_as_components_and_inventory_items(inventory):
    local = results_of(exported("inventory"))["local-definitions"]
    components = {c["title"]: c for c in local["components"]}

    assert set(components) == {m.model_name for m in inventory.values()}
    assert components["old-scorecard"]["status"]["state"] == "disposition"
    assert components["fraud-detector"]["status"]["state"] == "operational"
    assert components["gpt-advisor"]["type"] == "service"
    assert components["fraud-detector"]["type"] == "software"
    assert components["gpt-advisor"]["description"] == "Drafts advice.\nReviewed by a human."
    owner = next(p for p in components["modèle-crédit"]["props"] if p["name"] == "business-owner")
    assert owner == {"name": "business-owner", "ns": NS, "value": "Zoë Ångström (Crédit)"}
    item_uuid = documented_uuid("inventory-item", inventory["passing"].pk)
    item = next(i for i in local["inventory-items"] if i["uuid"] == item_uuid)
    assert {"name": "asset-id", "value": "fraud-detector"} in item["props"]
    assert item["implemented-components"] == [{"component-uuid": documented_uuid("model", inventory["passing"].pk)}]


def test_it_cites_review_records_as_hashed_evidence_and_reviewers_as_parties(inventory):
    from reviews.models import ModelReview

    document = exported()
    results = document["assessment-results"]
    record = ModelReview.objects.get(model=inventory["failed"])
    resource = next(r for r in results["back-matter"]["resources"] if r["uuid"] == documented_uuid("review", record.id))

    assert resource["rlinks"] == [{
        "href": f"urn:uuid:{record.id}", "media-type": "application/json",
        "hashes": [{"algorithm": "SHA-256", "value": record.chain_hash}],
    }]
    assert {"name": "model-state-sha256", "ns": NS, "value": record.model_state_hash} in resource["props"]
    assert resource["remarks"] == "Back-test failed.\nRetrain."
    parties = {p["name"]: p["uuid"] for p in results["metadata"]["parties"]}
    assert parties["Zoë Ångström"] == documented_uuid("reviewer", "Zoë Ångström")
    observations = [o for o in results_of(document)["observations"]
                    if o["subjects"][0]["subject-uuid"] == documented_uuid("model", inventory["failed"].pk)]
    assert observations and all(o["relevant-evidence"][0]["href"] == f"#{resource['uuid']}" for o in observations)
    never = documented_uuid("model", inventory["never"].pk)
    assert all("relevant-evidence" not in o for o in results_of(document)["observations"]
               if o["subjects"][0]["subject-uuid"] == never)


# -- stability --------------------------------------------------------------------------------

def test_it_renders_the_same_data_to_the_same_bytes_but_last_modified(inventory):
    first = render_oscal(report_of(now=NOW)).decode()
    second = render_oscal(report_of(now=LATER)).decode()

    assert first != second
    earlier, later = '"last-modified": "2026-11-27T16:00:00+00:00"', '"last-modified": "2026-11-27T18:45:12+00:00"'
    assert first.replace(earlier, later) == second
    assert second.count("18:45:12") == 1


def test_it_names_objects_with_the_documented_uuid5s(inventory):
    document = exported()
    model = inventory["never"]

    components = results_of(document)["local-definitions"]["components"]
    assert documented_uuid("model", model.pk) in {c["uuid"] for c in components}
    finding = _checks_of(document, model)["never-reviewed_obj"]
    assert finding["uuid"] == documented_uuid("finding", model.pk, "never-reviewed", TODAY.isoformat())
    risk = documented_uuid("risk", model.pk, "never-reviewed", TODAY.isoformat())
    assert finding["related-risks"] == [{"risk-uuid": risk}]
    digest = report_of().data_sha256
    assert document["assessment-results"]["uuid"] == documented_uuid("assessment-results", digest)


def _objects_by_uuid(document: dict) -> dict[str, dict]:
    result = results_of(document)
    local = result["local-definitions"]
    objects = [*local["components"], *local["inventory-items"], *result["observations"], *result["findings"],
               *result.get("risks", []), *document["assessment-results"]["back-matter"]["resources"]]
    return {o["uuid"]: o for o in objects}


def test_it_changes_only_the_changed_models_parts(inventory):
    before = exported("inventory")
    changed = inventory["passing"]
    services.update_model(
        model=changed, changes={"data_classification": ""}, actor=services.Actor(name="tests", trusted=True), today=TODAY
    )
    after = exported("inventory")

    old, new = _objects_by_uuid(before), _objects_by_uuid(after)
    component = documented_uuid("model", changed.pk)
    both = {**old, **new}
    about_it = {u for u, o in both.items() if o.get("subjects", [{}])[0].get("subject-uuid") == component}
    owned = {component, documented_uuid("inventory-item", changed.pk), *about_it} | {
        u for u, o in both.items() if {r["observation-uuid"] for r in o.get("related-observations", [])} & about_it
    }
    # The embedded assessment plan is named after the report's data, which changed.
    plans = {document["assessment-results"]["import-ap"]["href"][1:] for document in (before, after)}
    differing = {u for u in old.keys() | new.keys() if old.get(u) != new.get(u)}

    assert differing - owned - plans == set()
    # It now breaks prod-without-classification: its finding and a new risk.
    assert {u for u in differing & owned if "statement" in both[u]}


# -- the runtime validator --------------------------------------------------------------------

# Each breakage, and what one of the errors it causes must say.
BREAKAGES = {
    "a dangling observation reference": (
        lambda d: results_of(d)["findings"][0]["related-observations"][0].update(
            {"observation-uuid": "c232a7d4-b6b6-41ee-9bd1-0242ac120002"}),
        "c232a7d4-b6b6-41ee-9bd1-0242ac120002 refers to no observation in the document"),
    "a repeated uuid": (
        lambda d: results_of(d)["findings"][1].update({"uuid": results_of(d)["findings"][0]["uuid"]}),
        "is used 2 times"),
    "a date-time without a time zone": (
        lambda d: results_of(d).update({"start": "2026-11-27T00:00:00"}),
        "start: '2026-11-27T00:00:00' is not a date-time with a time zone"),
    "a version 1 uuid": (
        lambda d: d["assessment-results"].update({"uuid": "c232a7d4-b6b6-11ee-9bd1-0242ac120002"}),
        "uuid: 'c232a7d4-b6b6-11ee-9bd1-0242ac120002' is not a version 4 or 5 UUID"),
    "a control id with a space": (
        lambda d: results_of(d)["reviewed-controls"]["control-selections"][0]["include-controls"][0].update(
            {"control-id": "GOVERN 1.6"}),
        "control-id: 'GOVERN 1.6' is not a token"),
    "a missing required field": (
        lambda d: results_of(d).pop("description"),
        "missing-required description"),
    "a status OSCAL does not allow": (
        lambda d: results_of(d)["findings"][0]["target"]["status"].update({"state": "maybe"}),
        "allowed-values @state 'maybe'"),
    "an OSCAL property name OSCAL does not define": (
        lambda d: results_of(d)["local-definitions"]["inventory-items"][0]["props"].append(
            {"name": "colour", "value": "blue"}),
        "allowed-values @name 'colour'"),
    # An array nothing refers to, so that only the empty-array rule can find it.
    "an empty array": (
        lambda d: d["assessment-results"]["metadata"].update({"links": []}),
        "metadata.links: empty array (OSCAL arrays have at least one item)"),
    "a party that is not there": (
        lambda d: d["assessment-results"]["metadata"]["responsible-parties"][0].update(
            {"party-uuids": ["c232a7d4-b6b6-41ee-9bd1-0242ac120002"]}),
        "c232a7d4-b6b6-41ee-9bd1-0242ac120002 refers to no party in the document"),
}


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_it_refuses_a_broken_document(inventory, breakage):
    document = build_oscal(report_of())
    breaks, expected = BREAKAGES[breakage]
    breaks(document)

    with pytest.raises(OscalInvalid) as refused:
        validate_document(document, serialise(document).decode())
    assert any(expected in error for error in refused.value.errors), refused.value.errors
    assert "error(s)" in str(refused.value)


def test_it_never_returns_a_document_that_fails_validation(inventory, monkeypatch):
    built = oscal_stream.model_elements

    def build_broken(*args, **kwargs):
        elements = built(*args, **kwargs)
        elements["observations"][0]["subjects"][0]["subject-uuid"] = "c232a7d4-b6b6-41ee-9bd1-0242ac120002"
        return elements

    monkeypatch.setattr(oscal_stream, "model_elements", build_broken)
    with pytest.raises(OscalInvalid, match="refers to no component"):
        render_oscal(report_of())


def _errors_of(document: dict) -> list[str]:
    try:
        validate_document(document, serialise(document).decode())
    except OscalInvalid as refused:
        return refused.errors
    return []


def test_it_validates_in_a_worker_pool_process(inventory):
    """Celery's prefork pool runs tasks in daemonic processes, which may not fork a child of their own."""
    valid = build_oscal(report_of())
    # One breakage only MLTrack's own checks find, one only the package finds.
    dangling, incomplete = copy.deepcopy(valid), copy.deepcopy(valid)
    break_a_reference, _ = BREAKAGES["a dangling observation reference"]
    drop_a_field, _ = BREAKAGES["a missing required field"]
    break_a_reference(dangling)
    drop_a_field(incomplete)

    with billiard.pool.Pool(1) as pool:
        assert pool.apply(_errors_of, (valid,)) == []
        assert pool.apply(_errors_of, (dangling,)) == _errors_of(dangling) != []
        assert pool.apply(_errors_of, (incomplete,)) == _errors_of(incomplete) != []


def test_it_keeps_the_validators_database_under_var_dir(inventory):
    exported()

    assert support_db_path().is_relative_to(Path(settings.VAR_DIR))
    assert support_db_path().stat().st_size > 0
    assert not (Path.cwd() / "support" / "oscal_support.db").exists()


def test_it_leaves_a_valid_document_unchanged(inventory):
    document = build_oscal(report_of("risk"))
    pristine = copy.deepcopy(document)

    validate_document(document, serialise(document).decode())
    assert document == pristine


# -- queries ----------------------------------------------------------------------------------

def _add_models(start: int, stop: int) -> None:
    for index in range(start, stop):
        model = make_model(model_name=f"model-{index:03d}", risk_tier=("critical", "high", "medium", "low")[index % 4])
        if index % 3:
            record_review(model, reviewer=f"Reviewer {index % 5}", outcome=("passed", "failed")[index % 2])


def _evidence_queries() -> int:
    """Queries the evidence adds to a risk report, and that rendering it reads nothing."""
    with CaptureQueriesContext(connection) as without:
        report_without = build_report("risk", filters={}, today=TODAY, now=NOW, generated_by="bob")
    with CaptureQueriesContext(connection) as with_evidence:
        report = report_of("risk")
    with CaptureQueriesContext(connection) as rendering:
        render_oscal(report)
    assert report_without.evidence is None
    assert len(rendering) == 0, "the renderer is a pure function of the report"
    return len(with_evidence) - len(without)


def test_it_reads_as_many_queries_for_30_models_as_for_3(db):
    _add_models(0, 3)
    few = _evidence_queries()
    _add_models(3, 30)
    many = _evidence_queries()

    # The engine's one read of every evaluated model (mask and facts); the models with a mask of
    # the rules that apply to each; their latest review records.
    assert few == many == 3


def test_it_refuses_a_report_built_without_its_evidence(db):
    report = build_report("compliance", filters={}, today=TODAY, now=NOW, generated_by="bob")

    with pytest.raises(ValueError, match="evidence=True"):
        render_oscal(report)
