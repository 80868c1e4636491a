"""The demo's passports and second lives, loaded with the demo territory, once only."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from maillage.directory.models import User
from maillage.equipment.models import MachineStatus
from maillage.maintenance.models.passport import (
    Acquisition,
    Decommissioning,
    OwnershipPeriod,
    PassportPrivacy,
    Transfer,
    TransferKind,
    TransferState,
)

NBSP = "\u00a0"


@pytest.mark.django_db
def test_the_demo_offers_machines_keeps_histories_and_recycles_one(client) -> None:
    call_command("load_demo", stdout=io.StringIO())
    counts = (Transfer.objects.count(), OwnershipPeriod.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (Transfer.objects.count(), OwnershipPeriod.objects.count()) == counts

    listed = Transfer.objects.filter(
        state=TransferState.LISTED, from_organisation__slug="demo-001"
    ).select_related("machine")
    assert {t.kind for t in listed} == {TransferKind.SALE, TransferKind.DONATION}
    sale = listed.get(kind=TransferKind.SALE)
    assert sale.asking_price_cents == 1_250_050
    assert listed.get(kind=TransferKind.DONATION).asking_price_cents is None

    handed = Transfer.objects.get(state=TransferState.TRANSFERRED)
    assert handed.from_organisation.slug == "demo-002" and handed.to_organisation.slug == "demo-001"
    assert handed.machine.organisation.slug == "demo-001"
    owners = list(OwnershipPeriod.objects.filter(machine=handed.machine))
    assert [o.organisation.slug if o.organisation else "" for o in owners] == [
        "",
        "demo-002",
        "demo-001",
    ]
    assert owners[0].holder_name.startswith("Menuiserie")
    assert owners[2].acquisition == Acquisition.SECOND_HAND and owners[2].transfer == handed

    end = Decommissioning.objects.get(machine__source="demo")
    assert end.machine.status == MachineStatus.RETIRED and end.destination == "recycling"
    assert sorted(m.waste_code for m in end.materials.all()) == ["17 04 01", "17 04 02", "17 04 05"]
    assert PassportPrivacy.objects.get().machine == sale.machine

    # What the demo accounts see, in French.
    listing = client.get("/second-hand/").content.decode()
    assert f"Vente<br>12{NBSP}500,50{NBSP}€" in listing and "Don" in listing
    assert sale.machine.name in listing
    client.force_login(User.objects.get(username="visiteur"))
    page = client.get(f"/machines/{handed.machine.pk}/passport/").content.decode()
    assert "Menuiserie Roux et fils" in page and "Achetée d’occasion" in page
    hidden = client.get(f"/machines/{sale.machine.pk}/passport/").content.decode()
    owners_table = hidden.split("Propriétaires successifs")[1].split("</table>")[0]
    assert "Prix d’achat" not in owners_table and "68" not in owners_table
    client.force_login(User.objects.get(username="admin-atelier"))
    ended = client.get(f"/machines/{end.machine.pk}/passport/").content.decode()
    assert "Fin de vie" in ended and "Recyclage (Recyclage des métaux de Fos" in ended
    assert "Acier : 420&nbsp;kg, code de la liste des déchets 17 04 05" in ended
