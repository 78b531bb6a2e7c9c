"""/api/v1/reviews/: the audit trail, and recording a review; /api/v1/audit-trail/verification/.

Review records are append-only and hash-chained (docs/audit-trail.md): there is no update and no
delete here, not even for administrators. A changed or removed record would break the chain from
that point and every signature after it, and an examiner must be able to trust that what they read
is what was recorded; a mistake is corrected by a new record that references the old one
(``corrects``). So the viewset offers list, retrieve and create only, and PUT, PATCH and DELETE
answer 405.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers.reviews import ReviewInputSerializer, ReviewSerializer
from api.serializers.trail import VerificationSerializer
from api.views.base import FilterBackend, actor_of, read_input
from inventory import permissions as inventory_permissions
from reviews import permissions, services
from reviews.filters import ModelReviewFilterSet
from reviews.models import ModelReview
from reviews.verify import verify_chain

UNKNOWN_RECORD_MESSAGE = "No review record {pk}."


@extend_schema(tags=["reviews"])
class ReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Review records, newest first: list (by model, reviewer, outcome, dates), read, record.
    No update or delete: records are permanent (see the module's docstring)."""

    serializer_class = ReviewSerializer
    filter_backends = [FilterBackend]
    filterset_class = ModelReviewFilterSet
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ModelReview.objects.none()
        permissions.require_view(self.request.user)
        return ModelReview.objects.select_related("reviewer_user").newest_first()

    @extend_schema(summary="List review records")
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="Read a review record")
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(summary="Record a review", request=ReviewInputSerializer, responses={201: ReviewSerializer},
                   description="Appends a signed record to the chain and moves the model's schedule (a passed or "
                   "warning review dated on or after the last one). Model risk officers and administrators.")
    def create(self, request):
        permissions.require_record(request.user)
        data = read_input(ReviewInputSerializer, request)
        model = inventory_permissions.get_model_for_user(request.user, data["model"])
        corrects = None
        if data.get("corrects"):
            corrects = ModelReview.objects.filter(pk=data["corrects"]).first()
            if corrects is None:
                raise ValidationError({"corrects": [UNKNOWN_RECORD_MESSAGE.format(pk=data["corrects"])]})
        entry = services.ReviewInput(
            review_date=data["review_date"], outcome=data["outcome"], reviewer=data.get("reviewer", ""),
            notes=data.get("notes", ""), reviewer_user=request.user if data["performed_by_me"] else None,
            corrects=corrects,
        )
        result = services.record_review(model=model, entry=entry, actor=actor_of(request),
                                        today=timezone.localdate(), now=timezone.now())
        body = self.get_serializer(result.review).data
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": str(body["url"])})


@extend_schema(tags=["reviews"])
class VerificationView(APIView):
    """Verify the audit trail: every record, signature and checkpoint, and every model against it."""

    @extend_schema(summary="Verify the audit trail", responses={200: VerificationSerializer},
                   description="Recomputes the whole chain now and reports OK or the first bad record; anchors "
                   "nothing (a read-only token may ask).")
    def get(self, request):
        permissions.require_view(request.user)
        return Response(_verified(checkpoint_by=None))

    @extend_schema(summary="Verify and anchor a checkpoint", request=None, responses={200: VerificationSerializer},
                   description="As GET, and when everything verifies, signs the chain head and anchors it as a "
                   "checkpoint outside the database, as the console's Verify button does.")
    def post(self, request):
        permissions.require_view(request.user)
        return Response(_verified(checkpoint_by=actor_of(request)))


def _verified(*, checkpoint_by) -> dict:
    result = verify_chain(now=timezone.now(), checkpoint_by=checkpoint_by)
    return {**result.as_dict(), "summary": result.summary()}
