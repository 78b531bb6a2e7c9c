"""Machine tokens: how a pipeline, a ticketing system or a script signs in to the API.

A token acts for the account that created it, with that account's role: the services' role checks
apply unchanged. Only the token's SHA-256 is stored; the token itself is shown once, when it is
created. A token may expire, may be limited to reading, and is revoked rather than deleted, so
that who had access, and until when, stays on record.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def of_user(self, user) -> ApiTokenQuerySet:
        return self.filter(user=user)

    def for_listing(self) -> ApiTokenQuerySet:
        return self.select_related("user").order_by("-created_at", "-pk")


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'fraud-detector CI gate'.")
    # The token's first characters, to recognise it in a list (never enough to use it).
    prefix = models.CharField(max_length=12, editable=False)
    # SHA-256 of the whole token, hex. Tokens are 256 random bits, so a fast hash is enough: there
    # is no dictionary to try. Unique: the lookup of every API request.
    digest = models.CharField(max_length=64, unique=True, editable=False)
    read_only = models.BooleanField(default=False, help_text="Refused for anything but GET, HEAD and OPTIONS.")
    created_at = models.DateTimeField(editable=False)
    created_by = models.CharField(max_length=150, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Written at most once a minute per token (api.services.LAST_USED_RESOLUTION), not on every request.
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.CharField(max_length=150, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API token"
        ordering = ["-created_at", "-pk"]
        indexes = [
            # A user's own tokens, newest first (the tokens page, mltrack token list).
            models.Index(fields=["user", "-created_at"], name="apitoken_user_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(name=""), name="apitoken_name_not_blank"),
        ]
        permissions = [("manage_all_tokens", "Can list and revoke anyone's API tokens")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def expired(self, *, now: dt.datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now

    def state(self, *, now: dt.datetime) -> str:
        """"active", "expired" or "revoked" (revoked wins: it was a deliberate act)."""
        if self.revoked:
            return "revoked"
        return "expired" if self.expired(now=now) else "active"
