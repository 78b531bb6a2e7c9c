"""Who may see and record reviews. Model owners may read but never record: reviews are independent."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied

VIEW = "reviews.view_modelreview"
RECORD = "reviews.add_modelreview"


def can_view(user: AbstractBaseUser) -> bool:
    return user.has_perm(VIEW)


def can_record(user: AbstractBaseUser) -> bool:
    return user.has_perm(RECORD)


def require_view(user: AbstractBaseUser) -> None:
    if not can_view(user):
        raise PermissionDenied("Your role cannot see review records.")


def require_record(user: AbstractBaseUser) -> None:
    if not can_record(user):
        raise PermissionDenied("Only model risk officers and administrators record reviews.")
