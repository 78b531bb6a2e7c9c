"""/api/v1/compliance/: the evaluation of the inventory (or a filtered part), the gate's verdict for
one model, a tier or everything (also as SARIF), and the ruleset.

Every number comes from compliance.engine; the check endpoints answer with compliance.selection,
the code ``mltrack check`` runs locally, so a remote check prints what a local one would.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import ApiError
from api.schema import filter_parameters
from api.serializers.compliance import SARIF_SCHEMA, EvaluationPageSerializer, RulesSerializer, VerdictSerializer
from api.views.base import FilterBackend, Today, actor_of
from common import __version__
from common.authz import require
from compliance.engine import evaluate
from compliance.filters import ComplianceFilterSet
from compliance.rules import RULESET
from compliance.sarif import sarif_log
from compliance.selection import Verdict, evaluate_selection
from inventory import permissions
from inventory.cli.lookup import DID_YOU_MEAN_MESSAGE, NOT_FOUND_MESSAGE, similar_names
from inventory.models import AIModel, RiskTier

SELECTION_MESSAGE = "Give exactly one of model, risk_tier or all=true."
VIEW_ACTION = "view the inventory"


class ListingQuerySerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=["failing", "all"], default="failing",
                                     help_text="failing (default): the failing models; all: every evaluated model.")
    rule = serializers.ChoiceField(choices=[rule.id for rule in RULESET.rules], required=False,
                                   help_text="Only the models that break this rule.")


@extend_schema(tags=["compliance"])
class EvaluationView(Today, GenericAPIView):
    """The rules engine's verdict on the inventory, or the part the filters select, as of today."""

    filter_backends = [FilterBackend]
    filterset_class = ComplianceFilterSet
    filterset_takes_today = True

    @extend_schema(
        summary="Evaluate the inventory",
        parameters=[*filter_parameters(ComplianceFilterSet), ListingQuerySerializer],
        responses={200: EvaluationPageSerializer},
        description="The shape of `mltrack validate --json`, its models a page at a time: failing models most "
        "severe first, then (result=all) the passing ones by name. Budget: 3 queries after the role check "
        "(evaluated count, failing models, the page's messages), 4 when a page reaches the passing models.",
    )
    def get(self, request):
        permissions.require_view(request.user)
        listing = ListingQuerySerializer(data=request.query_params)
        listing.is_valid(raise_exception=True)
        # The engine orders the failures itself; the filter set's sort would only cost the database.
        evaluation = evaluate(today=self.today(), queryset=self.filter_queryset(AIModel.objects.all()).order_by())
        results = evaluation.listing(show_all=listing.validated_data["result"] == "all",
                                     rule_id=listing.validated_data.get("rule", ""))
        page = self.paginate_queryset(results)
        evaluation.load_messages(page)
        return Response({**evaluation.as_dict(page), **self.paginator.envelope()})


class CheckQuerySerializer(serializers.Serializer):
    model = serializers.CharField(required=False, max_length=200, help_text="One model, by name (any case).")
    risk_tier = serializers.ChoiceField(choices=RiskTier.choices, required=False, help_text="The models of one tier.")
    all = serializers.BooleanField(required=False, default=False, help_text="Every model.")
    detail = serializers.BooleanField(required=False, default=True,
                                      help_text="false: the verdict and summary without each model's result.")

    def validate(self, data: dict) -> dict:
        given = [name for name in ("model", "risk_tier") if data.get(name)] + (["all"] if data["all"] else [])
        if len(given) != 1:
            raise serializers.ValidationError(SELECTION_MESSAGE)
        return data


class CheckBase(Today, APIView):
    def verdict(self, request) -> tuple[Verdict, dict]:
        # The CLI's wording ("Permission denied: NAME (role: ROLE) may not view the inventory."), so that
        # a remote check says what a local one would.
        require(actor_of(request), permissions.can_view, VIEW_ACTION)
        query = CheckQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        model = _find(data["model"]) if data.get("model") else None
        return evaluate_selection(today=self.today(), model=model, tier=data.get("risk_tier")), data


def _find(name: str) -> AIModel:
    """The model named ``name`` (any case), or 404 "unknown_model" with close names suggested."""
    model = AIModel.objects.only("pk", "model_name", "risk_tier", "status").named(name).first()
    if model is None:
        message = NOT_FOUND_MESSAGE.format(name=name)
        suggestions = similar_names(name)
        if suggestions:
            message += DID_YOU_MEAN_MESSAGE.format(names=", ".join(suggestions))
        raise ApiError(message, status_code=404, code="unknown_model", suggestions=suggestions)
    return model


CHECK_PARAMETERS = [CheckQuerySerializer]


@extend_schema(tags=["compliance"])
class CheckView(CheckBase):
    """The CI/CD gate's verdict: what ``mltrack check`` decides, remotely."""

    @extend_schema(summary="Check one model, a tier or every model", parameters=CHECK_PARAMETERS,
                   responses={200: VerdictSerializer},
                   description="exit_code is what `mltrack check` exits with (0 compliant, 1 not); evaluation "
                   "is `mltrack validate --json`'s shape. An unknown model is 404 with close names suggested.")
    def get(self, request):
        verdict, data = self.verdict(request)
        body = verdict.as_dict()
        if not data["detail"]:
            body["evaluation"] = verdict.evaluation.as_dict(results=[])
        return Response(body)


@extend_schema(tags=["compliance"])
class CheckSarifView(CheckBase):
    @extend_schema(summary="Check, as a SARIF 2.1.0 log", parameters=CHECK_PARAMETERS,
                   responses={200: SARIF_SCHEMA},
                   description="What `mltrack check --format sarif` prints: one result per violation, for "
                   "code-scanning tools.")
    def get(self, request):
        verdict, _ = self.verdict(request)
        evaluation = verdict.evaluation
        return Response(sarif_log(evaluation, evaluation.failures, tool_version=__version__,
                                  exit_code=verdict.exit_code))


@extend_schema(tags=["compliance"])
class RulesView(APIView):
    @extend_schema(summary="The compliance rules", responses={200: RulesSerializer},
                   description="The versioned ruleset: each rule's id, severity, message and citations.")
    def get(self, request):
        permissions.require_view(request.user)
        return Response({"ruleset": RULESET.describe(), "rules": [rule.describe() for rule in RULESET.rules]})

