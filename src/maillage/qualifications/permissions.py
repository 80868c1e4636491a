"""Who may run a training: its organisation's trainers and admins, and the coordinators."""

from __future__ import annotations

from maillage.directory import permissions
from maillage.qualifications.models import Training


def can_manage_training(user: object, training: Training) -> bool:
    """The organisation's trainers and admins (and coordinators) run the training."""
    if not getattr(user, "is_authenticated", False):
        return False
    return permissions.can_train(user, training.organisation)
