"""Compliance: the cited rules (rules.py), the engine every compliance number comes from
(engine.py), and its interfaces: the validation page and model panel (views.py), the validate and
check verbs (cli/) and SARIF output (sarif.py). See docs/compliance.md."""
