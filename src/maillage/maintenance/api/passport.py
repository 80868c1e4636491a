"""Maintenance API: the machine passport, second-hand offers, transfers and decommissioning.

Every write goes through `maillage.maintenance.actions`, as the pages do; the passport hides
the owner's private fields from other organisations exactly as the page does.

No `from __future__ import annotations` here: django-ninja reads the annotations at import.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from maillage.core.pagination import Pagination
from maillage.directory.auth import WRITE_AUTH, request_user
from maillage.directory.models import Organisation
from maillage.equipment.models import Machine
from maillage.equipment.queries import visible_machines
from maillage.maintenance.actions import decommissioning, transfers
from maillage.maintenance.actions.passport import set_privacy
from maillage.maintenance.models.passport import Transfer
from maillage.maintenance.queries.passport import build_passport
from maillage.maintenance.queries.transfers import OfferFilters, offered_transfers

router = Router(tags=["maintenance"])


class OwnerOut(Schema):
    holder: str
    organisation: str | None = Field(None, alias="organisation_slug")
    started_on: dt.date | None
    ended_on: dt.date | None
    acquisition: str
    price_cents: int | None = Field(None, description="Null when unknown or private")


class DocumentOut(Schema):
    kind: str
    title: str
    href: str


class EntryOut(Schema):
    title: str
    date: dt.date | None
    details: dict[str, str]


class SectionOut(Schema):
    key: str
    title: str
    entries: list[EntryOut]


class MaterialOut(Schema):
    material: str
    mass_kg: Decimal
    waste_code: str


class EndOfLifeOut(Schema):
    decommissioned_on: dt.date
    destination: str
    recipient: str
    materials: list[MaterialOut]


class PassportOut(Schema):
    machine: int = Field(..., alias="machine_id")
    name: str
    make: str
    model: str
    year: int | None
    status: str
    organisation: str = Field(..., alias="organisation_slug")
    serial_number: str | None = Field(None, description="Null when private")
    location: str | None = Field(None, description="Null when private")
    hours_used: Decimal | None = Field(None, description="Null when private")
    owners: list[OwnerOut]
    documents: list[DocumentOut]
    sections: list[SectionOut]
    end_of_life: EndOfLifeOut | None
    private_fields: list[str]
    hidden_fields: list[str] = Field(..., description="What this caller is not shown")


class TransferOut(Schema):
    id: int
    machine: int = Field(..., alias="machine_id")
    machine_name: str = Field(..., alias="machine.name")
    from_organisation: str = Field(..., alias="from_organisation.slug")
    kind: str
    asking_price_cents: int | None
    loan_until: dt.date | None
    description: str
    state: str
    to_organisation: str | None = Field(None, alias="to_organisation.slug")
    department: str | None = Field(None, alias="machine.site.department_id")


class TransferIn(Schema):
    kind: str = Field(..., description="sale, donation or long_loan")
    asking_price_cents: int | None = Field(None, description="Sales only; null: to discuss")
    loan_until: dt.date | None = Field(None, description="Long loans only")
    description: str = ""


class AskIn(Schema):
    organisation: str = Field(..., description="Slug of your validated organisation")
    site_id: int | None = Field(None, description="Its site receiving the machine; main site")
    message: str = ""


class TransferDecisionIn(Schema):
    decision: str = Field(..., description="accept, refuse or withdraw")


class PrivacyIn(Schema):
    private_fields: list[str] = Field(
        ..., description="purchase_price, serial_number, location, hours, interventions"
    )


class MaterialIn(Schema):
    material: str
    mass_kg: Decimal
    waste_code: str = Field(..., description="European List of Waste code, e.g. 17 04 05")


class DecommissionIn(Schema):
    destination: str = Field(..., description="reuse, remanufacture or recycling")
    decommissioned_on: dt.date | None = Field(None, description="Defaults to today")
    recipient: str = ""
    notes: str = ""
    materials: list[MaterialIn] = []


class OfferFilterParams(Schema):
    process: str = Field("", description="Process code (its sub-processes included)")
    dept: str = Field("", description="Department code of the machine's site")
    kind: str = Field("", description="sale, donation or long_loan")


def _machine(request: HttpRequest, machine_id: int) -> Machine:
    machine: Machine = get_object_or_404(
        visible_machines(request_user(request)).select_related("organisation", "site"),
        pk=machine_id,
    )
    return machine


def _transfer(transfer_id: int) -> Transfer:
    transfer: Transfer = get_object_or_404(
        Transfer.objects.select_related("machine", "machine__organisation"), pk=transfer_id
    )
    return transfer


@router.get(
    "/machines/{machine_id}/passport",
    response=PassportOut,
    summary="A machine's passport (the owner's private fields only to its members)",
)
def get_passport(request: HttpRequest, machine_id: int) -> Any:
    return build_passport(_machine(request, machine_id), request_user(request))


@router.put(
    "/machines/{machine_id}/passport/privacy",
    response=PassportOut,
    auth=WRITE_AUTH,
    summary="Choose the passport fields kept private",
)
def put_privacy(request: HttpRequest, machine_id: int, payload: PrivacyIn) -> Any:
    machine = _machine(request, machine_id)
    set_privacy(request_user(request), machine, payload.private_fields)
    return build_passport(machine, request_user(request))


@router.get("/second-hand", response=list[TransferOut], summary="Machines offered second-hand")
@paginate(Pagination)
def list_offers(request: HttpRequest, filters: Query[OfferFilterParams]) -> Any:
    return offered_transfers(OfferFilters.from_params(filters.dict())).select_related(
        "to_organisation"
    )


@router.post(
    "/machines/{machine_id}/transfers",
    response={201: TransferOut},
    auth=WRITE_AUTH,
    summary="Offer a machine for sale, donation or long loan",
)
def create_transfer(request: HttpRequest, machine_id: int, payload: TransferIn) -> Any:
    machine = _machine(request, machine_id)
    transfer = transfers.list_for_transfer(
        request_user(request), machine, transfers.TransferInput(**payload.dict())
    )
    return Status(201, _transfer(transfer.pk))


@router.get("/transfers/{transfer_id}", response=TransferOut, summary="A transfer offer")
def get_transfer(request: HttpRequest, transfer_id: int) -> Any:
    transfer = _transfer(transfer_id)
    _machine(request, transfer.machine_id)  # 404 when the machine is not visible
    return transfer


@router.post(
    "/transfers/{transfer_id}/ask",
    response=TransferOut,
    auth=WRITE_AUTH,
    summary="Ask for an offered machine in the name of your organisation",
)
def ask_transfer(request: HttpRequest, transfer_id: int, payload: AskIn) -> Any:
    transfer = _transfer(transfer_id)
    _machine(request, transfer.machine_id)
    organisation = Organisation.objects.filter(slug=payload.organisation).first()
    if organisation is None:
        raise ValidationError({"organisation": _("Unknown organisation.")})
    transfers.ask_for_transfer(
        request_user(request), transfer, organisation, payload.site_id, payload.message
    )
    return _transfer(transfer_id)


DECISIONS = {
    "accept": transfers.accept_transfer,
    "refuse": transfers.refuse_request,
    "withdraw": transfers.withdraw_transfer,
}


@router.post(
    "/transfers/{transfer_id}/decide",
    response=TransferOut,
    auth=WRITE_AUTH,
    summary="The owner accepts (hands over), refuses the request, or withdraws the offer",
)
def decide_transfer(request: HttpRequest, transfer_id: int, payload: TransferDecisionIn) -> Any:
    transfer = _transfer(transfer_id)
    _machine(request, transfer.machine_id)
    action = DECISIONS.get(payload.decision)
    if action is None:
        raise ValidationError({"decision": _("Choose accept, refuse or withdraw.")})
    action(request_user(request), transfer)
    return _transfer(transfer_id)


@router.post(
    "/machines/{machine_id}/decommission",
    response=PassportOut,
    auth=WRITE_AUTH,
    summary="Decommission a machine and record where it goes",
)
def decommission(request: HttpRequest, machine_id: int, payload: DecommissionIn) -> Any:
    machine = _machine(request, machine_id)
    data = payload.dict()
    data["materials"] = [decommissioning.MaterialInput(**m) for m in data["materials"]]
    decommissioning.decommission_machine(
        request_user(request), machine, decommissioning.DecommissionInput(**data)
    )
    return build_passport(_machine(request, machine_id), request_user(request))
