"""The compliance engine's JSON shape (docs/compliance.md), described for the OpenAPI schema.

The views answer with what the engine builds (Evaluation.as_dict, the ruleset's describe()); these
serializers only document it, so that a client generated from the schema reads the same thing as
``mltrack validate --json``.
"""

from __future__ import annotations

from rest_framework import serializers

from compliance.rules import Severity

SEVERITIES = list(Severity.ORDER)


class CitationsSerializer(serializers.Serializer):
    control = serializers.CharField()
    sr26_2 = serializers.CharField()
    sr11_7 = serializers.CharField()
    nist_ai_rmf = serializers.ListField(child=serializers.CharField())
    iso42001 = serializers.ListField(child=serializers.CharField())


class ViolationSerializer(serializers.Serializer):
    rule = serializers.CharField()
    severity = serializers.ChoiceField(choices=SEVERITIES)
    message = serializers.CharField()
    citations = CitationsSerializer()


class ModelResultSerializer(serializers.Serializer):
    model = serializers.CharField()
    risk_tier = serializers.CharField()
    status = serializers.CharField()
    result = serializers.ChoiceField(choices=["pass", "fail", "not evaluated"])
    violations = ViolationSerializer(many=True)


class SummarySerializer(serializers.Serializer):
    evaluated = serializers.IntegerField()
    passed = serializers.IntegerField()
    failed = serializers.IntegerField()
    compliance_rate = serializers.FloatField(allow_null=True, help_text="passed / evaluated, in percent; null when "
                                             "nothing is evaluated.")
    violations_by_rule = serializers.DictField(child=serializers.IntegerField(), required=False)


class RulesetSerializer(serializers.Serializer):
    version = serializers.CharField()
    hash = serializers.CharField()
    parameters = serializers.DictField()


class EvaluationSerializer(serializers.Serializer):
    """The shape of ``mltrack validate --json``."""

    as_of = serializers.DateField()
    ruleset = RulesetSerializer()
    summary = SummarySerializer()
    models = ModelResultSerializer(many=True)


class EvaluationPageSerializer(EvaluationSerializer):
    """``validate --json``'s shape, its models a page at a time (failing models first, most severe first)."""

    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)


class VerdictSerializer(serializers.Serializer):
    compliant = serializers.BooleanField(help_text="Every evaluated model of the selection passes.")
    exit_code = serializers.IntegerField(help_text="What mltrack check exits with: 0 compliant, 1 not.")
    total = serializers.IntegerField(help_text="Models in the selection, retired ones included.")
    evaluation = EvaluationSerializer()


class RuleSerializer(serializers.Serializer):
    id = serializers.CharField()
    title = serializers.CharField()
    severity = serializers.ChoiceField(choices=SEVERITIES)
    message = serializers.CharField()
    applies_to = serializers.CharField()
    citations = CitationsSerializer()


class RulesSerializer(serializers.Serializer):
    ruleset = RulesetSerializer()
    rules = RuleSerializer(many=True)


# A SARIF 2.1.0 log (https://docs.oasis-open.org/sarif/sarif/v2.1.0/), as mltrack check --format sarif
# prints it; a raw schema, since "$schema" is no field name.
SARIF_SCHEMA = {
    "type": "object",
    "description": "A SARIF 2.1.0 log: one run, one result per violation (docs/cli.md#sarif).",
    "required": ["$schema", "version", "runs"],
    "properties": {
        "$schema": {"type": "string"},
        "version": {"type": "string", "enum": ["2.1.0"]},
        "runs": {"type": "array", "items": {"type": "object", "additionalProperties": True}},
    },
}
