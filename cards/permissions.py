"""Who may write cards: a model's card is edited and published by whoever may edit the model (its
owner, model risk officers, administrators); a system's or an agent's by its owner and by those who
edit every model. Everyone who may read the inventory reads every card."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.shortcuts import get_object_or_404

from cards.models import Agent, AISystem
from inventory import permissions as inventory_permissions
from inventory.models import AIModel

can_view = inventory_permissions.can_view
require_view = inventory_permissions.require_view


def can_edit_model_card(user: AbstractBaseUser, model: AIModel) -> bool:
    return inventory_permissions.can_edit(user, model)


def can_add_subject(user: AbstractBaseUser) -> bool:
    """Who registers AI systems and agents: whoever may register models."""
    return inventory_permissions.can_add(user)


def can_edit_subject(user: AbstractBaseUser, subject: AISystem | Agent) -> bool:
    if not user.has_perm(inventory_permissions.CHANGE):
        return False
    return user.has_perm(inventory_permissions.CHANGE_ANY) or (
        subject.owner_id is not None and subject.owner_id == user.pk)


def can_assign_owner(user: AbstractBaseUser) -> bool:
    return inventory_permissions.can_assign_owner(user)


def get_system_for_user(user: AbstractBaseUser, pk: int) -> AISystem:
    require_view(user)
    return get_object_or_404(AISystem.objects.for_list(), pk=pk)


def get_agent_for_user(user: AbstractBaseUser, pk: int) -> Agent:
    require_view(user)
    return get_object_or_404(Agent.objects.for_list(), pk=pk)


def get_subject_for_user(user: AbstractBaseUser, kind: str, pk: int) -> AIModel | AISystem | Agent:
    """The model, system or agent a card URL names (404 for an unknown kind or id)."""
    from django.http import Http404

    if kind == "model":
        return inventory_permissions.get_model_for_user(user, pk)
    if kind == "system":
        return get_system_for_user(user, pk)
    if kind == "agent":
        return get_agent_for_user(user, pk)
    raise Http404("There are model, system and agent cards.")


def can_write_card(user: AbstractBaseUser, kind: str, subject: AIModel | AISystem | Agent) -> bool:
    if kind == "model":
        return can_edit_model_card(user, subject)
    return can_edit_subject(user, subject)
