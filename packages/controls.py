"""MLTrack's internal controls and where each framework asks for them.

Every exam package maps framework requirements onto these controls (docs/exam-packages.md). A
control is tested by MLTrack when a compliance rule cites it (compliance.rules: ``citations.control``);
the others are controls the institution runs outside MLTrack, and a package says plainly that it
holds no records of them. The references are our own proposed mapping, not an official crosswalk.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Control:
    id: str
    title: str
    sr11_7: str
    sr26_2: str
    nist_ai_rmf: tuple[str, ...]
    iso42001: tuple[str, ...]

    def references(self, framework_id: str) -> str:
        """Where ``framework_id`` asks for this control, as a reader cites it ("" when it does not)."""
        if framework_id in ("sr11-7", "occ2011-12"):
            return self.sr11_7
        if framework_id == "sr26-2":
            return self.sr26_2
        if framework_id == "nist-ai-rmf":
            return ", ".join(self.nist_ai_rmf)
        return ", ".join(self.iso42001)


def _c(id: str, title: str, sr11_7: str, sr26_2: str, nist: str, iso: str) -> Control:
    return Control(id, title, sr11_7, sr26_2, tuple(filter(None, nist.split("; "))), tuple(filter(None, iso.split("; "))))


CONTROLS: tuple[Control, ...] = (
    _c("mrm-policy", "Model risk policy", "VI Policies and procedures", "Governance and controls",
       "GOVERN 1.1; GOVERN 1.2; GOVERN 1.4", "5.2; A.2.2; A.2.3; A.2.4"),
    _c("mrm-board-oversight", "Board and senior management oversight", "VI Board of directors and senior management",
       "Governance and controls", "GOVERN 2.3; GOVERN 1.5", "5.1; 9.3"),
    _c("mrm-roles", "Roles and responsibilities", "VI Roles and responsibilities", "Governance and controls",
       "GOVERN 2.1; GOVERN 2.2; GOVERN 3.2", "5.3; 7.2; A.3.2"),
    _c("mrm-inventory", "Model inventory", "VI Model inventory", "Governance and controls (enterprise inventory)",
       "GOVERN 1.6", "7.5; A.4.2; A.6.2.7"),
    _c("mrm-scope-tiering", "Model definition and risk tiering", "I-III Model definition; rigor commensurate with risk",
       "Model definition; materiality", "GOVERN 1.3; MAP 1.5; MAP 2.1", "6.1.2; 8.2"),
    _c("mrm-development-doc", "Development and documentation", "IV Model development; VI Documentation",
       "Model development and use", "MAP 1.1; MAP 2.2; MAP 2.3; MEASURE 2.1", "A.6.2.2; A.6.2.3; A.6.2.7"),
    _c("mrm-data", "Data quality and classification", "IV Data quality, relevance and representativeness",
       "Model development", "MAP 2.3; MEASURE 2.1", "A.4.3; A.7.2; A.7.3; A.7.4; A.7.5; A.7.6"),
    _c("mrm-implementation-use", "Implementation and use", "IV Implementation and use", "Model use",
       "MAP 3.3; MAP 3.5; MANAGE 1.1", "A.6.2.5; A.9.2; A.9.3; A.9.4"),
    _c("mrm-validation", "Independent validation", "V Conceptual soundness; independence", "Validation and monitoring",
       "MEASURE 1.3; MEASURE 2.5; MEASURE 2.9", "A.6.2.4"),
    _c("mrm-effective-challenge", "Effective challenge", "III Effective challenge",
       "Validation (effective challenge)", "MEASURE 1.3; GOVERN 4.1", "A.6.2.4; 9.2"),
    _c("mrm-monitoring", "Ongoing monitoring and periodic review", "V Ongoing monitoring", "Validation and monitoring",
       "MEASURE 2.4; MEASURE 3.1; MANAGE 4.1", "9.1; A.6.2.6; A.6.2.8"),
    _c("mrm-outcomes", "Outcomes analysis", "V Outcomes analysis", "Validation and monitoring",
       "MEASURE 2.3; MEASURE 4.2; MEASURE 4.3", "A.6.2.6"),
    _c("mrm-limitations", "Limitations and compensating controls", "IV-V Limitations, adjustments, compensating controls",
       "Model development and use", "MAP 2.2; MEASURE 2.5; MANAGE 1.3; MANAGE 1.4", "6.1.3; 8.3"),
    _c("mrm-issues", "Issues and remediation", "VI Exceptions and remediation", "Governance and controls",
       "MANAGE 1.2; MANAGE 1.3; MANAGE 4.3", "10.2"),
    _c("mrm-change-mgmt", "Change management and revalidation", "IV-V Material changes and revalidation",
       "Triggers for re-review", "MANAGE 4.2; MEASURE 2.4", "6.3; A.6.2.5"),
    _c("mrm-retirement", "Retirement", "VI Inventory includes recently retired models", "Model lifecycle: retirement",
       "GOVERN 1.7; MANAGE 2.4", "A.6.2.6"),
    _c("mrm-vendor", "Vendor and third-party models", "V Validation of vendor and third-party products",
       "Vendor and other third-party products", "GOVERN 6.1; GOVERN 6.2; MAP 4.1; MAP 4.2; MANAGE 3.1; MANAGE 3.2",
       "A.10.2; A.10.3; A.10.4"),
    _c("mrm-internal-audit", "Internal audit", "VI Internal audit", "Governance and controls", "GOVERN 1.5", "9.2"),
    _c("mrm-external-resources", "External resources", "VI External resources", "Governance and controls",
       "GOVERN 6.1", "A.10.3"),
    _c("ai-impact-assessment", "AI impact assessment", "", "", "MAP 1.1; MAP 3.1; MAP 3.2; MAP 5.1",
       "6.1.4; 8.4; A.5.2; A.5.3; A.5.4; A.5.5"),
    _c("ai-fairness", "Fairness and bias", "", "", "MEASURE 2.11", "A.5.4"),
    _c("ai-human-oversight", "Human oversight", "", "", "GOVERN 3.2; MAP 3.5", "A.9.2; A.9.3"),
    _c("ai-transparency", "Transparency and explainability", "", "", "MEASURE 2.8; MEASURE 2.9", "A.8.2; A.8.5"),
    _c("ai-security-privacy", "Security and privacy", "", "", "MEASURE 2.7; MEASURE 2.10", "A.4.5; A.7.4"),
    _c("ai-incidents", "Incidents", "", "", "GOVERN 4.3; MANAGE 4.3", "A.3.3; A.8.4"),
)

BY_ID = {control.id: control for control in CONTROLS}
