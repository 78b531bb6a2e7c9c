"""Identifiers the templates enumerate: the 72 subcategories of NIST AI RMF 1.0 and the 38 controls of
ISO/IEC 42001:2023 Annex A (identifiers and titles only, as the standard's licence allows)."""

from __future__ import annotations

NIST_AI_RMF_SUBCATEGORIES: tuple[str, ...] = (
    "GOVERN 1.1", "GOVERN 1.2", "GOVERN 1.3", "GOVERN 1.4", "GOVERN 1.5", "GOVERN 1.6", "GOVERN 1.7",
    "GOVERN 2.1", "GOVERN 2.2", "GOVERN 2.3", "GOVERN 3.1", "GOVERN 3.2", "GOVERN 4.1", "GOVERN 4.2",
    "GOVERN 4.3", "GOVERN 5.1", "GOVERN 5.2", "GOVERN 6.1", "GOVERN 6.2", "MAP 1.1", "MAP 1.2", "MAP 1.3",
    "MAP 1.4", "MAP 1.5", "MAP 1.6", "MAP 2.1", "MAP 2.2", "MAP 2.3", "MAP 3.1", "MAP 3.2", "MAP 3.3",
    "MAP 3.4", "MAP 3.5", "MAP 4.1", "MAP 4.2", "MAP 5.1", "MAP 5.2", "MEASURE 1.1", "MEASURE 1.2",
    "MEASURE 1.3", "MEASURE 2.1", "MEASURE 2.2", "MEASURE 2.3", "MEASURE 2.4", "MEASURE 2.5", "MEASURE 2.6",
    "MEASURE 2.7", "MEASURE 2.8", "MEASURE 2.9", "MEASURE 2.10", "MEASURE 2.11", "MEASURE 2.12",
    "MEASURE 2.13", "MEASURE 3.1", "MEASURE 3.2", "MEASURE 3.3", "MEASURE 4.1", "MEASURE 4.2", "MEASURE 4.3",
    "MANAGE 1.1", "MANAGE 1.2", "MANAGE 1.3", "MANAGE 1.4", "MANAGE 2.1", "MANAGE 2.2", "MANAGE 2.3",
    "MANAGE 2.4", "MANAGE 3.1", "MANAGE 3.2", "MANAGE 4.1", "MANAGE 4.2", "MANAGE 4.3",
)

ISO_42001_ANNEX_A: tuple[tuple[str, str], ...] = (
    ("A.2.2", "AI policy"),
    ("A.2.3", "Alignment with other organizational policies"),
    ("A.2.4", "Review of the AI policy"),
    ("A.3.2", "AI roles and responsibilities"),
    ("A.3.3", "Reporting of concerns"),
    ("A.4.2", "Resource documentation"),
    ("A.4.3", "Data resources"),
    ("A.4.4", "Tooling resources"),
    ("A.4.5", "System and computing resources"),
    ("A.4.6", "Human resources"),
    ("A.5.2", "AI system impact assessment process"),
    ("A.5.3", "Documentation of AI system impact assessments"),
    ("A.5.4", "Assessing AI system impact on individuals or groups of individuals"),
    ("A.5.5", "Assessing societal impacts of AI systems"),
    ("A.6.1.2", "Objectives for responsible development of AI system"),
    ("A.6.1.3", "Processes for responsible AI system design and development"),
    ("A.6.2.2", "AI system requirements and specification"),
    ("A.6.2.3", "Documentation of AI system design and development"),
    ("A.6.2.4", "AI system verification and validation"),
    ("A.6.2.5", "AI system deployment"),
    ("A.6.2.6", "AI system operation and monitoring"),
    ("A.6.2.7", "AI system technical documentation"),
    ("A.6.2.8", "AI system recording of event logs"),
    ("A.7.2", "Data for development and enhancement of AI system"),
    ("A.7.3", "Acquisition of data"),
    ("A.7.4", "Quality of data for AI systems"),
    ("A.7.5", "Data provenance"),
    ("A.7.6", "Data preparation"),
    ("A.8.2", "System documentation and information for users"),
    ("A.8.3", "External reporting"),
    ("A.8.4", "Communication of incidents"),
    ("A.8.5", "Information for interested parties"),
    ("A.9.2", "Processes for responsible use of AI systems"),
    ("A.9.3", "Objectives for responsible use of AI system"),
    ("A.9.4", "Intended use of the AI system"),
    ("A.10.2", "Allocating responsibilities"),
    ("A.10.3", "Suppliers"),
    ("A.10.4", "Customers"),
)

assert len(NIST_AI_RMF_SUBCATEGORIES) == 72 and len(ISO_42001_ANNEX_A) == 38
