"""Card renderers: pure functions of a card's data (cards/document.py) and, for a published
version, its publication record. HTML, PDF, JSON and, for model cards, CycloneDX 1.6 ML-BOM."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from typing import Any

from django.template.loader import render_to_string

from cards.models import CardKind

FORMATS = ("html", "pdf", "json", "cyclonedx")
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "json": "application/json",
    "cyclonedx": "application/vnd.cyclonedx+json",
}
EXTENSIONS = {"html": "html", "pdf": "pdf", "json": "json", "cyclonedx": "cdx.json"}
CYCLONEDX_ONLY_MODELS = "CycloneDX ML-BOM is made for model cards only; use html, pdf or json for a {kind} card."
# uuid5 namespace of MLTrack's BOM serial numbers and component references (stable per content).
BOM_NAMESPACE = uuid.UUID("0b6f1c52-8c1d-5a43-9f0e-6d7a1c2b3e4f")
TOOL = {"type": "application", "name": "MLTrack", "group": "mltrack"}


def publication_of(version: Any | None) -> dict[str, Any] | None:
    if version is None:
        return None
    return {"version": version.version, "sha256": version.sha256, "state_hash": version.state_hash,
            "published_by": version.published_by, "published_at": version.published_at.isoformat()}


def render_json(card: dict[str, Any], publication: dict[str, Any] | None = None) -> bytes:
    """The card with its publication (null for a card not published as it reads): sorted keys,
    indented, UTF-8; the same card gives the same bytes."""
    text = json.dumps({"card": card, "publication": publication}, sort_keys=True, indent=2, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def render_html(card: dict[str, Any], publication: dict[str, Any] | None = None) -> bytes:
    """A standalone HTML document of the card (what the PDF lays out), with nothing to fetch. Served
    only as a download (never rendered under the console), so its styles are inline."""
    return render_to_string("cards/pdf/document.html", {"card": card, "publication": publication}).encode("utf-8")


def render_pdf(card: dict[str, Any], publication: dict[str, Any] | None = None) -> bytes:
    from weasyprint import HTML

    def refuse(url: str, *args, **kwargs):
        raise ValueError(f"a card fetches nothing ({url})")

    return HTML(string=render_html(card, publication).decode("utf-8"), url_fetcher=refuse).write_pdf()


def _property(name: str, value: Any) -> dict[str, str]:
    return {"name": f"mltrack:{name}", "value": "" if value is None else str(value)}


def _section_texts(card: dict[str, Any]) -> dict[str, str]:
    return {section["key"]: section["text"] for section in card["sections"]}


def _component(card: dict[str, Any]) -> dict[str, Any]:
    model, risk, texts = card["model"], card["risk"], _section_texts(card)
    ref = str(uuid.uuid5(BOM_NAMESPACE, f"model:{model['name']}"))
    considerations: dict[str, Any] = {}
    if texts["intended_use"]:
        considerations["useCases"] = [texts["intended_use"]]
    if texts["limitations"]:
        considerations["technicalLimitations"] = [texts["limitations"]]
    if texts["ethical_considerations"]:
        considerations["ethicalConsiderations"] = [{"name": texts["ethical_considerations"]}]
    card_properties = [_property(f"card:{key}", value) for key, value in texts.items()
                       if value and key not in ("intended_use", "limitations", "ethical_considerations")]
    card_properties.append(_property("card:empty_sections", "; ".join(card["empty_sections"])))
    model_card: dict[str, Any] = {"bom-ref": f"{ref}-card", "properties": card_properties}
    if considerations:
        model_card["considerations"] = considerations
    component: dict[str, Any] = {
        "type": "machine-learning-model", "bom-ref": ref, "name": model["name"],
        "modelCard": model_card,
        "properties": [
            _property("risk_tier", risk["tier"]),
            _property("review_policy_version", risk["review_policy"]["version"]),
            _property("review_cycle_days", risk["review_policy"]["cycle_days"]),
            _property("next_review_date", risk["next_review_date"]),
            _property("status", model["status"]),
            _property("environment", model["environment"]),
            _property("state_hash", model["state_hash"]),
            _property("reviews", card["reviews"]["count"]),
            _property("latest_review_outcome", card["reviews"]["latest_outcome"]),
            _property("compliance", card["compliance"]["result"]),
            _property("compliance_ruleset", card["compliance"]["ruleset"]["version"]),
            *(_property("violation", f"{v['rule']}: {v['message']}") for v in card["compliance"]["violations"]),
        ],
    }
    if model["version"]:
        component["version"] = model["version"]
    if model["vendor"]:
        component["supplier"] = {"name": model["vendor"]}
    if model["use_case"]:
        component["description"] = model["use_case"]
    return component


def cyclonedx_bom(cards: Iterable[dict[str, Any]], *, timestamp: str) -> dict[str, Any]:
    """A CycloneDX 1.6 BOM with one machine-learning-model component (and its modelCard) per model
    card. The serial number is a uuid5 of the components, so the same cards give the same BOM."""
    components = []
    for card in cards:
        if card["card"] != CardKind.MODEL:
            raise ValueError(CYCLONEDX_ONLY_MODELS.format(kind=card["card"]))
        components.append(_component(card))
    serial = uuid.uuid5(BOM_NAMESPACE, json.dumps(components, sort_keys=True, ensure_ascii=False))
    return {
        "bomFormat": "CycloneDX", "specVersion": "1.6", "serialNumber": f"urn:uuid:{serial}", "version": 1,
        "metadata": {"timestamp": timestamp, "tools": {"components": [TOOL]}},
        "components": components,
    }


def render_cyclonedx(card: dict[str, Any], publication: dict[str, Any] | None = None) -> bytes:
    # The BOM's time is the card's: when it was published, else the day it describes.
    timestamp = publication["published_at"] if publication else f"{card['as_of']}T00:00:00Z"
    return render_bom([card], timestamp=timestamp)


def render_bom(cards: Iterable[dict[str, Any]], *, timestamp: str) -> bytes:
    return (json.dumps(cyclonedx_bom(cards, timestamp=timestamp), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


RENDERERS = {"html": render_html, "pdf": render_pdf, "json": render_json, "cyclonedx": render_cyclonedx}


def render(card: dict[str, Any], fmt: str, publication: dict[str, Any] | None = None) -> bytes:
    if fmt not in RENDERERS:
        raise ValueError(f"Unknown card format {fmt!r}: choose {', '.join(FORMATS)}.")
    return RENDERERS[fmt](card, publication)
