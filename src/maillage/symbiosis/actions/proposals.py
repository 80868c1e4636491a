"""Proposing a synergy: an offer matched to a demand, in state `proposed`, with its estimates.

A member of either organisation, or a coordinator, proposes. Both declarations are locked (in
the order of their ids, so two proposals never wait on each other in a circle) and checked
again: active, right directions, two organisations, no live synergy already on the pair. The
database's `symb_synergy_one_live_per_pair` constraint stands behind that check; its
IntegrityError becomes the same clear refusal.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from maillage.directory import permissions
from maillage.directory.models import Membership, MembershipState
from maillage.symbiosis.models import (
    DeclarationState,
    Direction,
    ResourceDeclaration,
    Synergy,
    SynergyState,
    VehicleClass,
)
from maillage.symbiosis.queries.candidates import explain_pair

LIVE_STATES = (
    SynergyState.PROPOSED,
    SynergyState.DISCUSSING,
    SynergyState.AGREED,
    SynergyState.RUNNING,
)
MAX_QUANTITY = Decimal("10000000000")  # 10 billion units a year: beyond, a typing mistake


def can_propose(user: Any, offer: ResourceDeclaration, demand: ResourceDeclaration) -> bool:
    if not user.is_authenticated:
        return False
    if permissions.is_coordinator(user):
        return True
    return Membership.objects.filter(
        user=user,
        state=MembershipState.ACTIVE,
        organisation_id__in=[offer.organisation_id, demand.organisation_id],
    ).exists()


def _quantity(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        quantity = Decimal(str(value)).quantize(Decimal("0.001"))
    except (InvalidOperation, ValueError):
        raise ValidationError({"quantity_per_year": _("Give the quantity as a number.")}) from None
    if not quantity.is_finite() or quantity <= 0:
        raise ValidationError({"quantity_per_year": _("The quantity per year must be positive.")})
    if quantity > MAX_QUANTITY:
        raise ValidationError({"quantity_per_year": _("The quantity per year is too large.")})
    return quantity


def _check_pair(offer: ResourceDeclaration, demand: ResourceDeclaration) -> None:
    if offer.direction != Direction.OFFER or demand.direction != Direction.DEMAND:
        raise ValidationError({"offer": _("A synergy joins an offer to a demand.")})
    if offer.organisation_id == demand.organisation_id:
        raise ValidationError(
            {"demand": _("The offer and the demand belong to the same organisation.")}
        )
    for declaration in (offer, demand):
        if declaration.state != DeclarationState.ACTIVE:
            raise ValidationError(
                {"state": _("“%(title)s” is no longer active.") % {"title": declaration.title}}
            )


def _already() -> ValidationError:
    return ValidationError(
        {"demand": _("A synergy between this offer and this demand is already under way.")}
    )


def propose_synergy(
    user: Any,
    offer: ResourceDeclaration,
    demand: ResourceDeclaration,
    *,
    quantity_per_year: Any = None,
    vehicle: str = VehicleClass.RIGID,
) -> Synergy:
    """Create the synergy `offer` → `demand` in state proposed, with today's estimates."""
    if not can_propose(user, offer, demand):
        raise PermissionDenied(
            _("Only members of either organisation, or a coordinator, propose a synergy.")
        )
    if vehicle not in VehicleClass.values:
        raise ValidationError({"vehicle": _("Choose a van, a rigid or an articulated truck.")})
    quantity = _quantity(quantity_per_year)
    _check_pair(offer, demand)
    with transaction.atomic():
        ids = sorted([offer.pk, demand.pk])
        locked = {
            d.pk: d
            for d in ResourceDeclaration.objects.select_for_update()
            .filter(pk__in=ids)
            .order_by("pk")
            .select_related("site")
        }
        if len(locked) != 2:
            raise ValidationError({"offer": _("This declaration no longer exists.")})
        offer, demand = locked[offer.pk], locked[demand.pk]
        _check_pair(offer, demand)
        if Synergy.objects.filter(offer=offer, demand=demand, state__in=LIVE_STATES).exists():
            raise _already()
        pair = explain_pair(
            offer,
            demand,
            quantity_per_year=float(quantity) if quantity is not None else None,
            vehicle=vehicle,
        )
        if quantity is None:
            quantity = Decimal(str(round(max(pair.quantity_per_year, 0.001), 3)))
        try:
            with transaction.atomic():
                return Synergy.objects.create(
                    offer=offer,
                    demand=demand,
                    state=SynergyState.PROPOSED,
                    quantity_per_year=quantity,
                    unit=offer.unit,
                    vehicle=vehicle,
                    proposed_by=user,
                    **pair.synergy_fields(),
                )
        except IntegrityError as exc:
            if "symb_synergy_one_live_per_pair" in str(exc) or "UNIQUE" in str(exc).upper():
                raise _already() from None
            raise
