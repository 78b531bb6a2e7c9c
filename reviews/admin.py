"""Review records in the admin: readable by those allowed to see them, never editable by anyone."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from reviews.models import ChainCheckpoint, ModelReview


class ReadOnlyAdmin(admin.ModelAdmin):
    # Records are written only by reviews.services; the admin shows them and nothing more.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(ModelReview)
class ModelReviewAdmin(ReadOnlyAdmin):
    list_display = ["sequence", "model_name", "review_date", "outcome", "reviewer", "recorded_by", "created_at"]
    list_filter = ["outcome", "review_date"]
    search_fields = ["model_name", "reviewer", "notes"]
    list_select_related = ["model"]
    show_full_result_count = False
    ordering = ["-sequence"]


@admin.register(ChainCheckpoint)
class ChainCheckpointAdmin(ReadOnlyAdmin):
    list_display = ["sequence", "chain_hash", "verified_at", "verified_by"]
