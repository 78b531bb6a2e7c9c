"""The dashboard's figures (reports.portfolio.Portfolio.as_dict), described for the OpenAPI schema."""

from __future__ import annotations

from rest_framework import serializers

from api.serializers.compliance import RulesetSerializer, SummarySerializer


class FigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class ModelLineSerializer(serializers.Serializer):
    model = serializers.CharField()
    vendor = serializers.CharField()
    risk_tier = serializers.CharField()
    environment = serializers.CharField()
    status = serializers.CharField()
    added_on = serializers.DateField()
    next_review_date = serializers.DateField()
    due_in_days = serializers.IntegerField()
    overdue = serializers.BooleanField()


class TrendPointSerializer(serializers.Serializer):
    day = serializers.DateField()
    evaluated = serializers.IntegerField()
    passed = serializers.IntegerField()
    compliance_rate = serializers.FloatField(allow_null=True)
    overdue = serializers.IntegerField()
    source = serializers.CharField()


class TrendSerializer(serializers.Serializer):
    scope = serializers.CharField(allow_null=True, help_text="'all', a risk tier, or null when no trend matches.")
    points = TrendPointSerializer(many=True)


class PortfolioSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    ruleset = RulesetSerializer()
    total = serializers.IntegerField()
    active = serializers.IntegerField()
    compliance = SummarySerializer()
    overdue = serializers.IntegerField()
    due_in_30_days = serializers.IntegerField()
    never_reviewed = serializers.IntegerField()
    changed_since_review = serializers.IntegerField()
    by_tier = FigureSerializer(many=True)
    by_status = FigureSerializer(many=True)
    by_environment = FigureSerializer(many=True)
    by_vendor = FigureSerializer(many=True)
    vendor_count = serializers.IntegerField()
    by_business_line = FigureSerializer(many=True)
    overdue_by_age = FigureSerializer(many=True)
    high_risk_in_production = FigureSerializer(many=True)
    recent_additions = ModelLineSerializer(many=True)
    reviews_needed = ModelLineSerializer(many=True)
    high_risk_models = ModelLineSerializer(many=True)
    trend = TrendSerializer()
