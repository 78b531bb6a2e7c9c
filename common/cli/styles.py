"""How the terminal colours risk tiers and lifecycle states, the same in every verb."""

from __future__ import annotations

RISK_STYLES = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "green"}
STATUS_STYLES = {"active": "green", "deprecated": "yellow", "decommissioned": "dim"}
