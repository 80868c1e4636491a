"""Demo passports and second lives, written through the maintenance actions.

admin-atelier's organisation (demo-001) offers two machines (a lathe for sale, with a price,
another as a donation), keeps the sale machine's hours and price private, has recycled an old
furnace (materials by List of Waste code) and took a press brake second-hand from a neighbour,
which had it from a joinery outside the network. Deterministic: the machines are chosen by
their state and order, the dates follow the machines' years (the decommissioning and the
handover are today's).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Exists, OuterRef
from django.utils import timezone

from maillage.directory.models import Organisation, User
from maillage.equipment.models import Machine, MachineStatus
from maillage.maintenance.actions import decommissioning, transfers
from maillage.maintenance.actions.passport import OwnershipInput, record_ownership, set_privacy
from maillage.maintenance.models.passport import Transfer
from maillage.maintenance.queries.passport import bookings_to_come
from maillage.sharing.models import Offer

OWNER_SLUG = "demo-001"  # admin-atelier's organisation
GIVER_SLUG = "demo-002"  # the neighbour the press brake came from


def _free_machines(organisation: Organisation) -> list[Machine]:
    """Machines no sharing offer or booking ties: the ones an owner can let go of."""
    active_offer = Offer.objects.filter(machine=OuterRef("pk"), active=True)
    machines = (
        organisation.machines.exclude(status=MachineStatus.RETIRED)
        .annotate(shared=Exists(active_offer))
        .filter(shared=False)
        .select_related("organisation", "site")
        .order_by("pk")
    )
    return [m for m in machines if not bookings_to_come(m)]


def _since(machine: Machine, month: int, years_later: int = 0, latest: int = 2020) -> dt.date:
    """A day in the machine's year of make (or some years later), never after `latest`."""
    return dt.date(min((machine.year or latest) + years_later, latest), month, 1)


def load_passport_demo() -> int:
    """Passports, offers, a past handover and a recycling; 0 when already loaded."""
    if Transfer.objects.filter(machine__source="demo").exists():
        return 0
    owner = Organisation.objects.get(slug=OWNER_SLUG)
    admin = User.objects.get(username="admin-atelier")
    free = _free_machines(owner)
    degraded = [m for m in free if m.status == MachineStatus.DEGRADED]
    furnace = degraded[0] if degraded else free[-1]
    sale, donation = [m for m in free if m != furnace][:2]
    _offers(admin, sale, donation)
    _recycling(admin, furnace)
    _second_hand(admin, owner)
    return Transfer.objects.filter(machine__source="demo").count()


def _offers(admin: User, sale: Machine, donation: Machine) -> None:
    record_ownership(
        admin,
        sale,
        OwnershipInput(acquisition="bought_new", started_on=_since(sale, 3), price_cents=6_850_000),
    )
    set_privacy(admin, sale, ["hours", "purchase_price", "serial_number"])
    transfers.list_for_transfer(
        admin,
        sale,
        transfers.TransferInput(
            kind="sale",
            asking_price_cents=1_250_050,
            description="Révisé en 2024 (broche, glissières). Livré avec ses outillages. "
            "Démonstration.",
        ),
    )
    record_ownership(
        admin,
        donation,
        OwnershipInput(acquisition="second_hand", started_on=_since(donation, 9, 15)),
    )
    transfers.list_for_transfer(
        admin,
        donation,
        transfers.TransferInput(
            kind="donation",
            description="Tour manuel en état de marche, à enlever sur place. Démonstration.",
        ),
    )


def _recycling(admin: User, furnace: Machine) -> None:
    record_ownership(
        admin,
        furnace,
        OwnershipInput(acquisition="bought_new", started_on=_since(furnace, 6)),
    )
    decommissioning.decommission_machine(
        admin,
        furnace,
        decommissioning.DecommissionInput(
            destination="recycling",
            # Six weeks ago: inside the impact dashboard's last twelve complete months.
            decommissioned_on=timezone.localdate() - dt.timedelta(days=42),
            recipient="Recyclage des métaux de Fos (démo)",
            notes="Résistances hors d’usage, carcasse démontée sur place.",
            materials=[
                decommissioning.MaterialInput("steel", Decimal("420"), "17 04 05"),
                decommissioning.MaterialInput("copper_alloys", Decimal("18.5"), "17 04 01"),
                decommissioning.MaterialInput("aluminium", Decimal("12"), "17 04 02"),
            ],
        ),
    )


def _second_hand(admin: User, owner: Organisation) -> None:
    """A press brake bought second-hand from a neighbour, who had it from a closed joinery."""
    giver = Organisation.objects.get(slug=GIVER_SLUG)
    coordinator = User.objects.get(username="coordination")  # acts for the giver's admins
    machine = _free_machines(giver)[0]
    record_ownership(
        coordinator,
        machine,
        OwnershipInput(
            acquisition="bought_new",
            started_on=_since(machine, 4, latest=2010),
            ended_on=dt.date(2015, 8, 31),
            holder_name="Menuiserie Roux et fils (fermée en 2015)",
        ),
    )
    record_ownership(
        coordinator,
        machine,
        OwnershipInput(
            acquisition="second_hand", started_on=dt.date(2015, 9, 1), price_cents=900_000
        ),
    )
    offer = transfers.list_for_transfer(
        coordinator,
        machine,
        transfers.TransferInput(kind="sale", asking_price_cents=350_000),
    )
    transfers.ask_for_transfer(
        admin, offer, owner, message="Nous pouvons venir la chercher avec un plateau."
    )
    transfers.accept_transfer(coordinator, offer)
