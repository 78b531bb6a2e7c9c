"""Compliance: the rules (rules.py) and the engine that evaluates models against them (engine.py)."""

from reviews.compliance.engine import (
    Evaluation, ModelResult, Summary, Violation, evaluate, evaluate_model, rules_in, summarize, summary_aggregates,
    summary_from,
)
from reviews.compliance.rules import EVALUATED, IN_USE, RULES, RULESET, Citations, Rule, Ruleset, Severity

__all__ = [
    "EVALUATED", "IN_USE", "RULES", "RULESET", "Citations", "Evaluation", "ModelResult", "Rule", "Ruleset",
    "Severity", "Summary", "Violation", "evaluate", "evaluate_model", "rules_in", "summarize", "summary_aggregates",
    "summary_from",
]
