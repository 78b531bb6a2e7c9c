"""/api/v1/review-policies/: the review policy's versions, and publishing a new one (administrators)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from api.serializers.policies import ReviewPolicyInputSerializer, ReviewPolicySerializer
from api.views.base import Today, actor_of, read_input
from common.authz import require
from inventory import permissions
from inventory.models import ReviewPolicy, RiskTier
from inventory.scheduling import publish_review_policy

PUBLISH_ACTION = "publish review policy versions"


@extend_schema(tags=["review policy"])
class ReviewPolicyViewSet(Today, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Review policy versions, newest first. A version is never edited: a change is a new version."""

    serializer_class = ReviewPolicySerializer
    pagination_class = None  # a handful of versions
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ReviewPolicy.objects.none()
        permissions.require_view(self.request.user)
        return ReviewPolicy.objects.all()

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        if getattr(self, "swagger_fake_view", False):
            return context
        in_force = ReviewPolicy.objects.filter(effective_date__lte=self.today()).order_by("-effective_date", "-version")
        return {**context, "in_force_pk": in_force.values_list("pk", flat=True).first()}

    @extend_schema(summary="List review policy versions")
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="Read a review policy version")
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(summary="Publish a review policy version", request=ReviewPolicyInputSerializer,
                   responses={201: ReviewPolicySerializer},
                   description="Administrators. Cycles 30 to 1,095 days, a riskier tier never reviewed less often; "
                   "an approval reference and a rationale are required; dated today it reschedules every model "
                   "now, dated later on its effective date; an earlier date only as a correction with its reason; "
                   "one version a day.")
    def create(self, request):
        actor = actor_of(request)
        require(actor, permissions.can_manage_policy, PUBLISH_ACTION)
        data = read_input(ReviewPolicyInputSerializer, request)
        policy = publish_review_policy(
            cycles={tier: data[f"{tier}_days"] for tier in RiskTier.values}, effective_date=data["effective_date"],
            approval_reference=data.get("approval_reference", ""), rationale=data.get("rationale", ""),
            correction_reason=data.get("correction_reason", ""), actor=actor, today=self.today(),
        )
        return Response(self.get_serializer(policy).data, status=status.HTTP_201_CREATED)
