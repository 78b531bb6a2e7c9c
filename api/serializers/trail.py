"""Audit-trail verification (reviews.verify.Verification.as_dict), described for the OpenAPI schema."""

from __future__ import annotations

from rest_framework import serializers


class HeadSerializer(serializers.Serializer):
    sequence = serializers.IntegerField()
    chain_hash = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    sequence = serializers.IntegerField(allow_null=True)
    record_id = serializers.CharField(allow_null=True)
    reason = serializers.CharField()


class ModelProblemSerializer(serializers.Serializer):
    model_id = serializers.IntegerField()
    model = serializers.CharField()
    reason = serializers.CharField()


class VerificationSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    chain_ok = serializers.BooleanField()
    count = serializers.IntegerField()
    signed = serializers.IntegerField()
    head = HeadSerializer()
    problem = ProblemSerializer(allow_null=True)
    model_problems = ModelProblemSerializer(many=True)
    warnings = serializers.ListField(child=serializers.CharField())
    anchored = serializers.CharField(allow_null=True)
    checked_at = serializers.DateTimeField()
    summary = serializers.CharField()
