"""The exam-package templates: one per framework, its sections in the framework's order.

Each section names the filler that writes it from MLTrack's data (packages/sections.py). The order
and contents follow the product's regulatory reference; SR 11-7 and OCC 2011-12 are legacy templates
(both rescinded on 2026-04-17 by SR 26-2 and OCC Bulletin 2026-13), kept for look-back
examinations, with a crosswalk to SR 26-2. ISO/IEC 42001 appears by clause and control identifiers and
titles only; every description is our own wording.
"""

from __future__ import annotations

from dataclasses import dataclass

RESCINDED_ON = "2026-04-17"


@dataclass(frozen=True)
class Section:
    title: str
    # The filler in packages/sections.py that writes the section from the data.
    fill: str
    # What the framework calls for here, in our words (printed under the heading).
    asks: str = ""


@dataclass(frozen=True)
class Framework:
    id: str
    title: str
    citation: str
    # "current" or "legacy": legacy templates carry the rescission notice and a crosswalk.
    status: str
    statement: str
    sections: tuple[Section, ...]

    @property
    def legacy(self) -> bool:
        return self.status == "legacy"


FRONT = (
    Section("Executive summary", "summary",
            "Models by tier, status and type; validation currency; open issues by severity."),
    Section("Scope and methodology", "scope",
            "The models in scope and how they were selected; the framework and as-of date; how the checks were run."),
)
BACK = (
    Section("Control mapping matrix", "matrix",
            "Each requirement, the internal control that meets it, its status and the evidence."),
    Section("Issues register", "issues", "Every open issue: model, requirement, severity and deadline."),
    Section("Evidence index", "evidence", "Every file of this package with its SHA-256."),
)

LEGACY_MRM = (
    Section("Model risk management framework and model definition", "model_definition",
            "The institution's model definition and tiering method; the register of models and non-models."),
    Section("Board and senior-management oversight", "gap:board-oversight",
            "Committee and board reporting, risk appetite and aggregate model-risk reports."),
    Section("Policies and procedures", "policy", "Policy documents with version, approval and exceptions."),
    Section("Roles and responsibilities; validator independence", "roles",
            "Who owns, develops, uses and validates each model."),
    Section("Model inventory", "inventory", "The inventory with its required fields; additions and retirements."),
    Section("Model development, implementation and use", "gap:development",
            "Per-model documentation, data lineage, assumptions, testing and implementation records."),
    Section("Validation: schedule against actual", "validation",
            "Review records by model (reviewer, outcome, date) against the review schedule."),
    Section("Effective challenge", "gap:effective-challenge",
            "Reviewer comments and developer responses; committee challenge and resulting restrictions."),
    Section("Ongoing monitoring and outcomes analysis", "monitoring",
            "Monitoring plans, thresholds and breaches, back-tests and benchmarks."),
    Section("Limitations, overlays and compensating controls", "gap:limitations",
            "Limitations register, overlays, conditional approvals and exceptions."),
    Section("Vendor and third-party models", "vendor", "Vendor models, due diligence and the bank's own testing."),
    Section("Internal audit and external resources", "gap:internal-audit",
            "Audit reports and findings; external validation engagements."),
    Section("Documentation standards and completeness", "documentation",
            "How complete each model's recorded documentation is."),
    Section("Change management and retirement", "changes",
            "Models changed since their last review, and models retired or being retired."),
)

FRAMEWORKS: dict[str, Framework] = {
    framework.id: framework
    for framework in (
        Framework(
            id="sr26-2",
            title="SR 26-2 / OCC Bulletin 2026-13: model risk management",
            citation="Federal Reserve SR 26-2 and OCC Bulletin 2026-13 (17 April 2026), with the FDIC's parallel notice",
            status="current",
            statement=(
                "SR 26-2 (17 April 2026), the current interagency guidance on model risk management. It is "
                "principles-based: the rigour and frequency of review follow each model's materiality, and "
                "generative and agentic AI fall outside its scope (see the NIST AI RMF and ISO/IEC 42001 packages)."
            ),
            sections=(
                *FRONT,
                Section("Applicability and proportionality", "applicability",
                        "Why the guidance applies and how rigour is matched to size, complexity and model use."),
                Section("Model definition and scoping determinations", "model_definition",
                        "Which tools are models; the generative and agentic AI carve-out."),
                Section("Materiality assessment and tiering", "tiering",
                        "Each model's materiality (exposure and purpose) and the tier that follows."),
                Section("Enterprise model inventory", "inventory", "The inventory, its concentrations and dependencies."),
                Section("Model development and use", "gap:development",
                        "Per-model documentation, data, assumptions, testing and use."),
                Section("Validation and monitoring", "validation",
                        "Risk-based review frequency and triggers, outcomes analysis, effective challenge."),
                Section("Ongoing monitoring", "monitoring", "Monitoring results between reviews."),
                Section("Governance and controls", "governance",
                        "Board and senior management, policies, roles, internal audit and documentation."),
                Section("Vendor and third-party products", "vendor", "Vendor models and how the bank tests them."),
                Section("Change management and retirement", "changes",
                        "Triggers for re-review, models changed since review, retirements."),
                *BACK,
            ),
        ),
        Framework(
            id="sr11-7",
            title="SR 11-7: supervisory guidance on model risk management (legacy)",
            citation="Federal Reserve SR 11-7 (4 April 2011), rescinded on 17 April 2026 by SR 26-2",
            status="legacy",
            statement=(
                f"SR 11-7 was rescinded on {RESCINDED_ON} and replaced by SR 26-2. This package follows its "
                "structure for a look-back examination; the crosswalk maps each section onto SR 26-2."
            ),
            sections=(*FRONT, *LEGACY_MRM,
                      Section("Crosswalk to SR 26-2", "crosswalk",
                              "Where each SR 11-7 requirement sits in the current guidance."),
                      *BACK),
        ),
        Framework(
            id="occ2011-12",
            title="OCC Bulletin 2011-12 and the Comptroller's Handbook: model risk management (legacy)",
            citation="OCC Bulletin 2011-12 and Comptroller's Handbook 'Model Risk Management' (2021), both rescinded "
                     "on 17 April 2026 by OCC Bulletin 2026-13",
            status="legacy",
            statement=(
                f"OCC Bulletin 2011-12 and the handbook booklet were rescinded on {RESCINDED_ON} by OCC Bulletin "
                "2026-13. This package follows their structure for a look-back examination; the crosswalk maps "
                "each section onto SR 26-2 / OCC 2026-13."
            ),
            sections=(
                *FRONT,
                Section("Risks associated with model use", "risk_categories",
                        "The banking risk categories each critical and high-tier model affects."),
                *LEGACY_MRM,
                Section("Self-assessment: quantity of risk and quality of risk management", "self_assessment",
                        "The quantity of model risk, and the quality of policies, processes, personnel and controls."),
                Section("Crosswalk to SR 26-2 / OCC 2026-13", "crosswalk",
                        "Where each requirement sits in the current guidance."),
                *BACK,
            ),
        ),
        Framework(
            id="nist-ai-rmf",
            title="NIST AI RMF 1.0 with the Generative AI Profile (NIST AI 600-1)",
            citation="NIST AI 100-1 (AI RMF 1.0, January 2023) and NIST AI 600-1 (July 2024)",
            status="current",
            statement=(
                "The NIST AI Risk Management Framework: GOVERN, MAP, MEASURE and MANAGE, with the Generative AI "
                "Profile's risks for generative systems. It covers the generative and agentic AI that SR 26-2 leaves out."
            ),
            sections=(
                *FRONT,
                Section("AI system inventory and profiles (GOVERN 1.6)", "inventory",
                        "Every AI system with its profile; generative systems flagged."),
                Section("GOVERN: policies, accountability, oversight, third parties", "governance",
                        "Policies, risk tiering, periodic review, inventory, decommissioning, roles and third parties."),
                Section("MAP: context and categorisation", "model_definition",
                        "Each system's purpose, type and context; its categorisation."),
                Section("MEASURE: evaluation and tracking", "validation",
                        "Evaluations of each system and how risks are tracked."),
                Section("MANAGE: response, monitoring, decommissioning", "changes",
                        "Prioritised responses, post-deployment monitoring, change and decommissioning."),
                Section("Generative AI overlay (NIST AI 600-1)", "genai",
                        "For each generative or agentic system, the profile's twelve risks and their status."),
                Section("Coverage of the 72 AI RMF subcategories", "coverage_nist",
                        "Each subcategory, the control that meets it and its status."),
                *BACK,
            ),
        ),
        Framework(
            id="iso42001",
            title="ISO/IEC 42001:2023 AI management system",
            citation="ISO/IEC 42001:2023 (identifiers and titles only; descriptions are MLTrack's own)",
            status="current",
            statement=(
                "An AI management system under ISO/IEC 42001. This package cites clauses and Annex A controls by "
                "identifier and title only; every description is MLTrack's own."
            ),
            sections=(
                *FRONT,
                Section("Context and scope of the AI management system (4.1-4.4)", "scope_aims",
                        "The AI systems within the management system's scope and the organisation's role."),
                Section("Leadership: AI policy and roles (5.1-5.3)", "governance",
                        "Commitment, the AI policy and its review, roles and reporting of concerns."),
                Section("Planning: risk assessment and impact assessment (6.1)", "tiering",
                        "AI risk assessment, treatment, and AI system impact assessments."),
                Section("Support: documented information (7.5)", "documentation",
                        "How complete and controlled each system's documentation is."),
                Section("Operation, per AI system (8; A.6-A.10)", "validation",
                        "Life cycle: verification and validation, operation and monitoring, event logs, third parties."),
                Section("Performance evaluation (9.1-9.3)", "monitoring",
                        "Monitoring and measurement, internal audit and management review."),
                Section("Improvement: nonconformities and corrective action (10.2)", "changes",
                        "Nonconformities, corrective actions and changes."),
                Section("Statement of Applicability: the Annex A controls", "soa_iso",
                        "Each Annex A control: applicable or not, why, its status and evidence."),
                *BACK,
            ),
        ),
    )
}

FRAMEWORK_IDS = tuple(FRAMEWORKS)


class UnknownFramework(LookupError):
    """A framework id no template exists for (the message lists the ones there are)."""


def framework(framework_id: str) -> Framework:
    try:
        return FRAMEWORKS[framework_id]
    except KeyError:
        raise UnknownFramework(
            f"There is no exam-package template {framework_id!r}; choose {', '.join(FRAMEWORK_IDS)}."
        ) from None
