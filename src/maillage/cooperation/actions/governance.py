"""Running the network: memberships, bodies and their seats, documents.

Only who runs the network (`can_run_network`) does these; every change is one transaction and
a change of state locks its row and re-reads it first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from maillage.cooperation.models import (
    Body,
    BodyKind,
    BodySeat,
    College,
    Document,
    DocumentKind,
    Network,
    NetworkMember,
    SeatRole,
)
from maillage.cooperation.queries.governance import current_members
from maillage.cooperation.queries.network import can_run_network
from maillage.core.dates import check_in_window, local_today
from maillage.core.locks import lock_existing
from maillage.core.validators import single_line_errors
from maillage.directory.models import MembershipState, Organisation, OrganisationStatus, User

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
ZIP = b"PK\x03\x04"
# What a document may be, known by its first bytes (the name and the browser's type can lie).
DOCUMENT_TYPES = (
    (b"%PDF-", "application/pdf"),
    (ZIP, "application/vnd.oasis.opendocument.text"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def _open_document_type(head: bytes) -> str | None:
    """An OpenDocument file is a ZIP whose first member, stored uncompressed, is "mimetype" and
    holds the document's type (OpenDocument 1.2, part 3, 3.3): its name starts at byte 30."""
    if head[30:38] != b"mimetype":
        return None
    declared = head[38:].split(b"PK", 1)[0].decode("ascii", "replace")
    return declared if declared.startswith("application/vnd.oasis.opendocument.") else None


def check_run(user: Any, network: Network) -> None:
    if not can_run_network(user):
        raise PermissionDenied(_("Only the network's coordinators may do this."))


def _fee(value: object, field: str = "fee") -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Give an amount in euros, 0 or more.")}) from None
    # The bound is checked before rounding: quantize cannot hold an amount like 1e999999.
    if not amount.is_finite() or amount < 0 or amount >= Decimal("100000000"):
        raise ValidationError({field: _("Give an amount in euros, 0 or more.")})
    try:
        return amount.quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValidationError({field: _("Give an amount in euros, 0 or more.")}) from None


def add_member(
    user: User,
    network: Network,
    organisation: Organisation,
    college: College,
    start: dt.date,
    fee: object,
    fee_paid_until: dt.date | None = None,
) -> NetworkMember:
    """The organisation joins the network in the college from `start`, paying `fee` a year."""
    check_run(user, network)
    errors: dict[str, str] = {}
    if college.network_id != network.pk:
        errors["college"] = _("This college is not one of the network's.")
    if organisation.status != OrganisationStatus.VALIDATED:
        errors["organisation"] = _("Only a validated organisation may join the network.")
    try:
        check_in_window(start, "start")
    except ValidationError as exc:
        errors["start"] = exc.message_dict["start"][0]
    try:
        amount = _fee(fee)
    except ValidationError as exc:
        errors["fee"] = exc.message_dict["fee"][0]
    if fee_paid_until is not None and fee_paid_until < start:
        errors["fee_paid_until"] = _("The fee cannot be paid until a day before the membership.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        lock_existing(network)  # two coordinators adding the same organisation: one at a time
        if network.members.filter(organisation=organisation, end__isnull=True).exists():
            raise ValidationError(
                {"organisation": _("This organisation is already a member of the network.")}
            )
        return NetworkMember.objects.create(
            network=network,
            organisation=organisation,
            college=college,
            start=start,
            fee=amount,
            fee_paid_until=fee_paid_until,
        )


def record_fee_paid(user: User, member: NetworkMember, paid_until: dt.date) -> NetworkMember:
    check_run(user, member.network)
    check_in_window(paid_until, "fee_paid_until")
    with transaction.atomic():
        current = lock_existing(member)
        if paid_until < current.start:
            raise ValidationError(
                {"fee_paid_until": _("The fee cannot be paid until a day before the membership.")}
            )
        current.fee_paid_until = paid_until
        current.save(update_fields=["fee_paid_until"])
    return current


def end_membership(user: User, member: NetworkMember, end: dt.date) -> NetworkMember:
    """The membership ends on `end` (included); its votes stay in the closed decisions."""
    check_run(user, member.network)
    check_in_window(end, "end")
    with transaction.atomic():
        current = lock_existing(member)
        if current.end is not None:
            raise ValidationError(_("This membership has already ended."))
        if end < current.start:
            raise ValidationError({"end": _("The membership cannot end before it starts.")})
        current.end = end
        current.save(update_fields=["end"])
    return current


def create_body(user: User, network: Network, kind: str, name: str) -> Body:
    check_run(user, network)
    name = name.strip()
    errors: dict[str, Any] = single_line_errors(name=name)
    if kind not in BodyKind.values:
        errors["kind"] = [_("Choose board, general assembly or other committee.")]
    if not name:
        errors["name"] = [_("This field is required.")]
    elif len(name) > 200:
        errors["name"] = [_("At most 200 characters.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        lock_existing(network)
        if network.bodies.filter(name__iexact=name).exists():
            raise ValidationError({"name": _("The network already has a body of this name.")})
        return Body.objects.create(network=network, kind=kind, name=name)


@dataclass(frozen=True)
class SeatInput:
    organisation: Organisation
    role: str
    start: dt.date
    person: User | None = None
    end: dt.date | None = None


def add_seat(user: User, body: Body, data: SeatInput) -> BodySeat:
    """A seat on the body for a member organisation (and one of its people, if named)."""
    check_run(user, body.network)
    errors: dict[str, str] = {}
    if data.role not in SeatRole.values:
        errors["role"] = _("Choose a role from the list.")
    if data.end is not None and data.end < data.start:
        errors["end"] = _("The seat cannot end before it starts.")
    for field_name in ("start", "end"):
        value = getattr(data, field_name)
        if value is not None and field_name not in errors:
            try:
                check_in_window(value, field_name)
            except ValidationError as exc:
                errors[field_name] = exc.message_dict[field_name][0]
    if not current_members(body.network).filter(organisation=data.organisation).exists():
        errors["organisation"] = _("Only a member organisation of the network sits on its bodies.")
    if (
        data.person is not None
        and not data.person.memberships.filter(
            organisation=data.organisation, state=MembershipState.ACTIVE
        ).exists()
    ):
        errors["person"] = _("This person is not a member of the organisation.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = lock_existing(body)  # two coordinators adding the same seat: one at a time
        if _open_seats(locked, data).exists():
            raise ValidationError(
                {
                    "person" if data.person is not None else "organisation": _(
                        "This body already has an open seat with this role for them."
                    )
                }
            )
        return BodySeat.objects.create(
            body=locked,
            organisation=data.organisation,
            person=data.person,
            role=data.role,
            start=data.start,
            end=data.end,
        )


def _open_seats(body: Body, data: SeatInput) -> Any:
    """The body's seats still open (no end, or an end not passed) of the same role and person:
    the same person, or the same organisation when no person is named."""
    seats = body.seats.filter(role=data.role).filter(
        Q(end__isnull=True) | Q(end__gte=local_today())
    )
    if data.person is not None:
        return seats.filter(person=data.person)
    return seats.filter(organisation=data.organisation, person__isnull=True)


def end_seat(user: User, seat: BodySeat, end: dt.date) -> BodySeat:
    check_run(user, seat.body.network)
    check_in_window(end, "end")
    with transaction.atomic():
        current = lock_existing(seat)
        if current.end is not None:
            raise ValidationError(_("This seat has already ended."))
        if end < current.start:
            raise ValidationError({"end": _("The seat cannot end before it starts.")})
        current.end = end
        current.save(update_fields=["end"])
    return current


def document_type(upload: UploadedFile) -> str:
    """The file's type from its first bytes: PDF, OpenDocument, PNG or JPEG up to 10 MB."""
    if upload.size is None or upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError({"file": _("The file is over 10 MB: send a smaller one.")})
    upload.seek(0)
    head = upload.read(128)
    upload.seek(0)
    for magic, content_type in DOCUMENT_TYPES:
        if head.startswith(magic):
            if magic == ZIP:
                declared = _open_document_type(head)
                if declared is None:
                    break  # a .docx or an .xlsx, a plain archive
                return declared
            return content_type
    raise ValidationError({"file": _("Send a PDF, an OpenDocument text, a PNG or a JPEG file.")})


@dataclass(frozen=True)
class DocumentInput:
    kind: str
    title: str
    date: dt.date
    is_public: bool
    body: Body | None = None


def upload_document(
    user: User, network: Network, data: DocumentInput, upload: UploadedFile
) -> Document:
    check_run(user, network)
    title = data.title.strip()
    errors: dict[str, Any] = single_line_errors(title=title)
    if data.kind not in DocumentKind.values:
        errors["kind"] = [_("Choose a kind from the list.")]
    if not title:
        errors["title"] = [_("This field is required.")]
    if data.body is not None and data.body.network_id != network.pk:
        errors["body"] = [_("This body is not one of the network's.")]
    if not errors:
        try:
            check_in_window(data.date, "date")
        except ValidationError as exc:
            errors.update(exc.message_dict)
    try:
        content_type = document_type(upload)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return Document.objects.create(
            network=network,
            body=data.body,
            kind=data.kind,
            title=title[:200],
            date=data.date,
            file=upload,
            content_type=content_type,
            size=upload.size or 0,
            is_public=data.is_public,
            uploaded_by=user,
        )
