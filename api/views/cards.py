"""/api/v1/models/<id>/card/: a model's card as JSON or CycloneDX 1.6, its content (PATCH), its
published versions and publishing one. Writes call cards.services with the request's Actor."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers.cards import CardContentInputSerializer, CardSerializer, CardVersionSerializer
from api.views.base import Today, actor_of, read_input
from cards import formats, services
from cards.models import CardKind, CardVersion
from inventory import permissions

BOM = OpenApiResponse(description="A CycloneDX 1.6 BOM with the model's machine-learning-model component and its "
                                  "modelCard.")


def _answer(card, publication=None) -> Response:
    return Response({"card": card, "publication": publication})


def _bom(card, publication=None) -> Response:
    timestamp = publication["published_at"] if publication else f"{card['as_of']}T00:00:00Z"
    return Response(formats.cyclonedx_bom([card], timestamp=timestamp))


def _version(pk: int, number: int) -> CardVersion:
    return get_object_or_404(CardVersion.objects.of(CardKind.MODEL, pk), version=number)


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
class ModelCardBomView(Today, APIView):
    @extend_schema(summary="A model's card as CycloneDX 1.6 ML-BOM", responses={200: BOM})
    def get(self, request, pk: int):
        model = permissions.get_model_for_user(request.user, pk)
        return _bom(services.build_card(CardKind.MODEL, model, today=self.today()))


@extend_schema(tags=["cards"])
class CardVersionsView(Today, APIView):
    @extend_schema(summary="The card's published versions, newest first",
                   responses={200: CardVersionSerializer(many=True)})
    def get(self, request, pk: int):
        model = permissions.get_model_for_user(request.user, pk)
        versions = CardVersion.objects.of(CardKind.MODEL, model.pk).only(
            "version", "sha256", "state_hash", "published_by", "published_at")
        return Response(CardVersionSerializer(versions, many=True).data)

    @extend_schema(summary="Publish the card as it reads now", request=None, responses={201: CardSerializer},
                   description="A new immutable version with its SHA-256 and the model's state hash.")
    def post(self, request, pk: int):
        model = permissions.get_model_for_user(request.user, pk)
        version = services.publish_card(kind=CardKind.MODEL, subject=model, actor=actor_of(request),
                                        now=timezone.now(), today=self.today())
        return Response({"card": version.document, "publication": formats.publication_of(version)},
                        status=status.HTTP_201_CREATED)


@extend_schema(tags=["cards"])
class CardVersionView(APIView):
    @extend_schema(summary="A published version of the card", responses={200: CardSerializer})
    def get(self, request, pk: int, number: int):
        permissions.get_model_for_user(request.user, pk)
        version = _version(pk, number)
        return _answer(version.document, formats.publication_of(version))


@extend_schema(tags=["cards"])
class CardVersionBomView(APIView):
    @extend_schema(summary="A published version as CycloneDX 1.6 ML-BOM", responses={200: BOM})
    def get(self, request, pk: int, number: int):
        permissions.get_model_for_user(request.user, pk)
        version = _version(pk, number)
        return _bom(version.document, formats.publication_of(version))
