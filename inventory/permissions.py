"""Who may do what to the inventory. Views, admin and CLI all ask here."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from inventory.models import AIModel

VIEW = "inventory.view_aimodel"
ADD = "inventory.add_aimodel"
CHANGE = "inventory.change_aimodel"
CHANGE_ANY = "inventory.edit_all_models"
# Segregation of duties: a model's owner describes and maintains it; its risk tier and lifecycle
# belong to model risk officers and administrators.
GOVERN = "inventory.govern_models"
DELETE = "inventory.delete_aimodel"
SAMPLE_DATA = "inventory.generate_sample_data"
MANAGE_POLICY = "inventory.manage_review_policy"


NO_ACCESS_MESSAGE = "You do not have a role that can see the inventory."


def can_view(user: AbstractBaseUser) -> bool:
    return user.has_perm(VIEW)


def require_view(user: AbstractBaseUser) -> None:
    """Refuse (403) anyone whose role cannot read the inventory."""
    if not can_view(user):
        raise PermissionDenied(NO_ACCESS_MESSAGE)


def can_add(user: AbstractBaseUser) -> bool:
    return user.has_perm(ADD)


def can_edit(user: AbstractBaseUser, model: AIModel) -> bool:
    """Model risk officers and administrators edit any model; model owners only their own."""
    if not user.has_perm(CHANGE):
        return False
    return user.has_perm(CHANGE_ANY) or (model.owner_id is not None and model.owner_id == user.pk)


def why_not_edit(user: AbstractBaseUser) -> str:
    """Why a user who may not edit a model may not, in the words of their role."""
    if user.has_perm(CHANGE) and not user.has_perm(CHANGE_ANY):
        return "model owners may change only the models they own"
    return "only administrators, model risk officers and the model's owner may change a model"


def can_govern(user: AbstractBaseUser) -> bool:
    """Whether the user may change risk tiers and lifecycle status (retire models)."""
    return user.has_perm(GOVERN)


def can_assign_owner(user: AbstractBaseUser) -> bool:
    return user.has_perm(CHANGE_ANY)


def can_delete(user: AbstractBaseUser) -> bool:
    return user.has_perm(DELETE)


def can_manage_policy(user: AbstractBaseUser) -> bool:
    return user.has_perm(MANAGE_POLICY)


def can_generate_sample_data(user: AbstractBaseUser) -> bool:
    return user.has_perm(SAMPLE_DATA)


def get_model_for_user(user: AbstractBaseUser, pk: int, *, writable: bool = False) -> AIModel:
    require_view(user)
    model = get_object_or_404(AIModel.objects.for_detail(), pk=pk)
    if writable and not can_edit(user, model):
        raise PermissionDenied("You may not change this model.")
    return model
