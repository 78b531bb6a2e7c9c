"""/api/v1/tokens/ and /api/v1/me/: your API tokens (administrators: anyone's), and who you are.

A token cannot make tokens: a leaked token must not be able to outlive its revocation by minting
others. New tokens are made from the console (a session) or with ``mltrack token create``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from api import permissions, services
from api.errors import conflict
from api.models import ApiToken
from api.serializers.tokens import NewTokenSerializer, TokenInputSerializer, TokenSerializer
from api.views.base import actor_of, read_input
from common.roles import role_of

NO_SUCH_TOKEN_MESSAGE = "No such API token."
TOKEN_MAKES_TOKEN_MESSAGE = (
    "A token cannot make tokens: make one on the console's API tokens page or with mltrack token create."
)


class TokenQuerySerializer(serializers.Serializer):
    all = serializers.BooleanField(default=False, help_text="Every account's tokens (administrators).")


@extend_schema(tags=["tokens"])
class TokenViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """API tokens: your own; with ?all=true, every account's (administrators). Revoked tokens stay
    listed, with who revoked them and when."""

    serializer_class = TokenSerializer
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        query = TokenQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return services.visible_tokens(actor=actor_of(self.request), everyone=query.validated_data["all"])

    def _token(self, pk) -> ApiToken:
        """Your token, or anyone's for an administrator; 404 otherwise (whether it exists is not said)."""
        tokens = ApiToken.objects.for_listing()
        if not permissions.can_manage_all_tokens(self.request.user):
            tokens = tokens.of_user(self.request.user)
        token = tokens.filter(pk=pk).first()
        if token is None:
            raise Http404(NO_SUCH_TOKEN_MESSAGE)
        return token

    @extend_schema(summary="List API tokens", parameters=[TokenQuerySerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="Read an API token")
    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self._token(pk)).data)

    @extend_schema(summary="Make an API token", request=TokenInputSerializer, responses={201: NewTokenSerializer},
                   description="Signed in to the console only (a token cannot make tokens). The answer holds the "
                   "token itself, shown this once.")
    def create(self, request):
        if isinstance(request.auth, ApiToken):
            raise PermissionDenied(TOKEN_MAKES_TOKEN_MESSAGE)
        data = read_input(TokenInputSerializer, request)
        new = services.create_token(actor=actor_of(request), name=data["name"], read_only=data["read_only"],
                                    expires_in_days=data.get("expires_in_days"), now=timezone.now())
        # The token itself, this once (NewTokenSerializer documents the shape).
        body = {**self.get_serializer(new.token).data, "token": new.secret}
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Revoke an API token", request=None, responses={200: TokenSerializer},
                   description="It is refused from now on and stays listed as revoked. 409 if it already is.")
    def destroy(self, request, pk=None):
        token = self._token(pk)
        try:
            token = services.revoke_token(token=token, actor=actor_of(request), now=timezone.now())
        except ValidationError as exc:
            if getattr(exc, "code", None) == "already_revoked":
                raise conflict(exc.messages[0]) from None
            raise
        return Response(self.get_serializer(token).data)


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    role = serializers.CharField(allow_null=True, help_text="administrator, model-risk-officer, model-owner, "
                                 "examiner, or null (no role: nothing to see).")
    token = TokenSerializer(allow_null=True, help_text="The token this request signed in with, if any.")


@extend_schema(tags=["tokens"])
class MeView(APIView):
    @extend_schema(summary="Who am I", responses={200: MeSerializer},
                   description="The account and role a request acts as, and its token: a quick test of a token.")
    def get(self, request):
        token = request.auth if isinstance(request.auth, ApiToken) else None
        return Response({
            "username": request.user.get_username(),
            "role": role_of(request.user),
            "token": TokenSerializer(token).data if token is not None else None,
        })
