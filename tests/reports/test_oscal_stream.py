"""OSCAL assessment results validated and written a part at a time (reports.oscal.stream)."""

from __future__ import annotations

import io
import json
import re

import pytest

import reports.oscal.stream as oscal_stream
from reports.oscal import OscalInvalid, build_oscal, write_oscal
from tests.factories import make_model, record_review
from tests.reports.test_oscal import LATER, NOW, inventory, report_of  # noqa: F401 (a fixture)

LAST_MODIFIED = re.compile(rb'"last-modified": "[^"]*"')
BAD_UUID = "c232a7d4-b6b6-41ee-9bd1-0242ac120002"


def streamed(report, **options) -> bytes:
    out = io.BytesIO()
    write_oscal(report, out, **options)
    return out.getvalue()


def whole(report) -> bytes:
    """The serialisation the streamed bytes must equal: the whole document at once."""
    return (json.dumps(build_oscal(report), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


@pytest.fixture
def more_models(inventory):  # noqa: F811 (the fixture imported above)
    """Eight models more: reviewed or not, passing or failing, so parts differ in what they hold."""
    for index in range(8):
        model = make_model(model_name=f"model-{index}", risk_tier=("critical", "high", "medium", "low")[index % 4])
        if index % 3:
            record_review(model, reviewer=f"Reviewer {index % 3}", outcome=("passed", "failed")[index % 2])


@pytest.mark.parametrize("chunk_models", [1, 2, 3, 1000])
@pytest.mark.parametrize("kind", ["compliance", "risk"])
def test_it_writes_exactly_the_whole_documents_serialisation(more_models, kind, chunk_models):
    report = report_of(kind)

    assert streamed(report, chunk_models=chunk_models) == whole(report)


def test_it_writes_an_empty_selection_as_one_part(inventory):  # noqa: F811
    report = report_of(vendor="No Such Vendor")
    parts = []

    assert streamed(report, chunk_models=1, progress=lambda done, total: parts.append((done, total))) == whole(report)
    assert parts == [(0, 0)]


def test_it_tells_its_progress_after_each_part(more_models):
    report = report_of()
    total = len(report.evidence.models)
    parts = []

    streamed(report, chunk_models=5, progress=lambda done, of: parts.append((done, of)))

    assert parts == [(min(done, total), total) for done in range(5, total + 5, 5)]


def test_it_renders_the_same_data_to_the_same_bytes_but_last_modified_in_parts(more_models):
    first = streamed(report_of(now=NOW), chunk_models=2)
    second = streamed(report_of(now=LATER), chunk_models=3)

    assert first != second
    assert LAST_MODIFIED.sub(b"", first, count=1) == LAST_MODIFIED.sub(b"", second, count=1)


def _break_the_third_part(monkeypatch, breaks) -> None:
    built = oscal_stream.model_elements
    calls = []

    def build(*args, **kwargs):
        elements = built(*args, **kwargs)
        calls.append(elements)
        if len(calls) == 3:
            breaks(elements)
        return elements

    monkeypatch.setattr(oscal_stream, "model_elements", build)


def test_it_names_a_broken_element_by_its_place_in_the_whole_document(more_models, monkeypatch):
    report = report_of()
    document = build_oscal(report)
    observations = document["assessment-results"]["results"][0]["observations"]
    # The third part holds models 5 and 6 (chunks of 2): its first observation's index in the whole.
    fifth = report.evidence.models[4]
    first_of_part = next(
        index for index, observation in enumerate(observations)
        if observation["subjects"][0]["subject-uuid"] == oscal_stream.model_elements(
            report, report.evidence, [fifth])["components"][0]["uuid"]
    )
    _break_the_third_part(monkeypatch, lambda elements: elements["observations"][0]["subjects"][0].update(
        {"subject-uuid": BAD_UUID}))
    out = io.BytesIO()

    with pytest.raises(OscalInvalid) as refused:
        write_oscal(report, out, chunk_models=2)

    where = f"$.assessment-results.results[0].observations[{first_of_part}].subjects[0].subject-uuid"
    assert f"{where}: {BAD_UUID} refers to no component in the document" in refused.value.errors
    assert out.getvalue() == b"", "nothing is written when a part fails"


def test_it_refuses_a_uuid_that_an_earlier_part_used(more_models, monkeypatch):
    report = report_of()
    findings = build_oscal(report)["assessment-results"]["results"][0]["findings"]
    # A finding's UUID, which nothing refers to, so that only the UUID check can find the repeat.
    repeated = findings[0]["uuid"]
    before_third_part = len(oscal_stream.model_elements(report, report.evidence, report.evidence.models[:4])["findings"])
    _break_the_third_part(monkeypatch, lambda elements: elements["findings"][0].update({"uuid": repeated}))
    out = io.BytesIO()

    with pytest.raises(OscalInvalid) as refused:
        write_oscal(report, out, chunk_models=2)

    assert refused.value.errors == [
        f"$.assessment-results.results[0].findings[{before_third_part}].uuid: UUID {repeated} is used more than once"
    ]
    assert out.getvalue() == b""


def test_it_names_an_element_the_oscal_package_refuses_by_its_place_in_the_whole(more_models, monkeypatch):
    report = report_of()
    before_third_part = len(oscal_stream.model_elements(report, report.evidence, report.evidence.models[:4])["findings"])
    _break_the_third_part(monkeypatch, lambda elements: elements["findings"][0]["target"]["status"].update(
        {"state": "maybe"}))

    with pytest.raises(OscalInvalid) as refused:
        write_oscal(report, io.BytesIO(), chunk_models=2)

    assert refused.value.errors == [
        f"$/assessment-results/results[0]/findings[{before_third_part}]/target/status: allowed-values @state 'maybe'"
    ]


def test_it_names_a_broken_review_record_after_the_shared_resources(more_models, monkeypatch):
    report = report_of()
    resources = build_oscal(report)["assessment-results"]["back-matter"]["resources"]
    shared = len(resources) - len(report.evidence.reviews)
    seen_before = sum(1 for model in report.evidence.models[:4] if model.pk in report.evidence.latest_review)
    third_part = report.evidence.models[4:6]
    assert any(model.pk in report.evidence.latest_review for model in third_part)
    _break_the_third_part(monkeypatch, lambda elements: elements["resources"][0]["rlinks"][0]["hashes"][0].update(
        {"value": "not-a-hash"}))

    with pytest.raises(OscalInvalid) as refused:
        write_oscal(report, io.BytesIO(), chunk_models=2)

    where = f"$.assessment-results.back-matter.resources[{shared + seen_before}].rlinks[0].hashes"
    assert f"{where}: hashes are SHA-256, 64 lower-case hex digits" in refused.value.errors


def test_it_refuses_a_report_built_without_its_evidence(db):
    from reports.data import build_report

    report = build_report("compliance", filters={}, today=NOW.date(), now=NOW, generated_by="bob")

    with pytest.raises(ValueError, match="evidence=True"):
        write_oscal(report, io.BytesIO())
