"""Cards in the API: /api/v1/models/<id>/card/ (JSON or CycloneDX 1.6, its sections by PATCH), and
/api/v1/systems/<id>/card/ and /api/v1/agents/<id>/card/ (JSON; their sections are the system's or
agent's own fields, changed by PATCH on it); for each, the published versions, publishing one, and
the diff between two. Writes call cards.services with the request's Actor."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers.cards import (
    CardContentInputSerializer,
    CardDiffQuerySerializer,
    CardDiffSerializer,
    CardSerializer,
    CardVersionSerializer,
)
from api.views.base import Today, actor_of, read_input
from cards import diff, formats, services
from cards import permissions as card_permissions
from cards.models import CardKind, CardVersion
from inventory import permissions

BOM = OpenApiResponse(description="A CycloneDX 1.6 BOM with the model's machine-learning-model component and its "
                                  "modelCard.")
MISSING_VERSION_MESSAGE = "There is no version {number} of this card."


def _answer(card, publication=None) -> Response:
    return Response({"card": card, "publication": publication})


def _bom(card, publication=None) -> Response:
    timestamp = publication["published_at"] if publication else f"{card['as_of']}T00:00:00Z"
    return Response(formats.cyclonedx_bom([card], timestamp=timestamp))


def _version(kind: str, pk: int, number: int) -> CardVersion:
    return get_object_or_404(CardVersion.objects.of(kind, pk), version=number)


class KindView(APIView):
    """A card endpoint of one kind of subject (set per URL: as_view(kind=...))."""

    kind: str = CardKind.MODEL

    def subject(self, request, pk: int):
        """The model, system or agent (404 for an unknown id; 403 without a role that reads the inventory)."""
        return card_permissions.get_subject_for_user(request.user, self.kind, pk)


@extend_schema(tags=["cards"])
class ModelCardView(Today, APIView):
    @extend_schema(summary="A model's card as it reads now", responses={200: CardSerializer})
    def get(self, request, pk: int):
        model = permissions.get_model_for_user(request.user, pk)
        return _answer(services.build_card(CardKind.MODEL, model, today=self.today()))

    @extend_schema(summary="Change the card's sections", request=CardContentInputSerializer,
                   responses={200: CardSerializer},
                   description="The model's owner, model risk officers and administrators.")
    def patch(self, request, pk: int):
        model = permissions.get_model_for_user(request.user, pk)
        services.update_card_content(model=model, changes=read_input(CardContentInputSerializer, request),
                                     actor=actor_of(request))
        return _answer(services.build_card(CardKind.MODEL, model, today=self.today()))


@extend_schema(tags=["cards"])
class SubjectCardView(Today, KindView):
    @extend_schema(summary="The card as it reads now", responses={200: CardSerializer},
                   description="Its sections are the system's or agent's own fields: change them with PATCH on it.")
    def get(self, request, pk: int):
        return _answer(services.build_card(self.kind, self.subject(request, pk), today=self.today()))


@extend_schema(tags=["cards"])
class ModelCardBomView(Today, APIView):
    @extend_schema(summary="A model's card as CycloneDX 1.6 ML-BOM", responses={200: BOM})
    def get(self, request, pk: int):
        model = permissions.get_model_for_user(request.user, pk)
        return _bom(services.build_card(CardKind.MODEL, model, today=self.today()))


@extend_schema(tags=["cards"])
class CardVersionsView(Today, KindView):
    @extend_schema(summary="The card's published versions, newest first",
                   responses={200: CardVersionSerializer(many=True)})
    def get(self, request, pk: int):
        subject = self.subject(request, pk)
        versions = CardVersion.objects.of(self.kind, subject.pk).only(
            "version", "sha256", "state_hash", "published_by", "published_at")
        return Response(CardVersionSerializer(versions, many=True).data)

    @extend_schema(summary="Publish the card as it reads now", request=None, responses={201: CardSerializer},
                   description="A new immutable version with its SHA-256 and the state hash it describes (the "
                   "model's; a system's or agent's: that of its models). Whoever may edit it.")
    def post(self, request, pk: int):
        subject = self.subject(request, pk)
        version = services.publish_card(kind=self.kind, subject=subject, actor=actor_of(request),
                                        now=timezone.now(), today=self.today())
        return Response({"card": version.document, "publication": formats.publication_of(version)},
                        status=status.HTTP_201_CREATED)


@extend_schema(tags=["cards"])
class CardVersionView(KindView):
    @extend_schema(summary="A published version of the card", responses={200: CardSerializer})
    def get(self, request, pk: int, number: int):
        self.subject(request, pk)
        version = _version(self.kind, pk, number)
        return _answer(version.document, formats.publication_of(version))


@extend_schema(tags=["cards"])
class CardVersionBomView(APIView):
    @extend_schema(summary="A published version as CycloneDX 1.6 ML-BOM", responses={200: BOM})
    def get(self, request, pk: int, number: int):
        permissions.get_model_for_user(request.user, pk)
        version = _version(CardKind.MODEL, pk, number)
        return _bom(version.document, formats.publication_of(version))


@extend_schema(tags=["cards"])
class CardDiffView(KindView):
    @extend_schema(summary="What changed between two published versions", parameters=[CardDiffQuerySerializer],
                   responses={200: CardDiffSerializer},
                   description="Every value that differs, by its place in the card (the console's *Compare "
                   "versions*); null where one version lacks the place. 404 when either version does not exist.")
    def get(self, request, pk: int):
        self.subject(request, pk)
        query = CardDiffQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        numbers = [query.validated_data["from"], query.validated_data["to"]]
        found = {v.version: v for v in CardVersion.objects.of(self.kind, pk).filter(version__in=numbers)}
        for number in numbers:
            if number not in found:
                raise Http404(MISSING_VERSION_MESSAGE.format(number=number))
        old, new = found[numbers[0]], found[numbers[1]]
        return Response(CardDiffSerializer({
            "from": formats.publication_of(old), "to": formats.publication_of(new),
            "changes": diff.diff(old.document, new.document),
        }).data)
