"""Reading designs: the catalogue, one design with its parts, and who may change what.

Designs are public (open hardware): anyone reads them, once their organisation is validated (a
pending organisation's designs are seen by its members and the coordinators only). Importing
belongs to the active members of a validated publishing organisation; correcting a part's
processes to its admins and coordinators.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from maillage.designs import okh
from maillage.designs.models import Design, DesignPart, PartProcess
from maillage.directory import permissions
from maillage.directory.models import (
    Membership,
    MembershipState,
    Organisation,
    OrganisationStatus,
    Role,
)


def visible_designs(user: Any) -> QuerySet[Design]:
    """Designs of validated organisations (or of none), and those of the person's organisations;
    coordinators see all."""
    designs = Design.objects.all()
    if permissions.is_coordinator(user):
        return designs
    shown = Q(organisation__isnull=True) | Q(organisation__status=OrganisationStatus.VALIDATED)
    if user.is_authenticated:
        mine = Membership.objects.filter(user=user, state=MembershipState.ACTIVE).values(
            "organisation_id"
        )
        shown |= Q(organisation_id__in=mine)
    return designs.filter(shown)


def catalogue(user: Any, search: str = "", licence: str = "") -> QuerySet[Design]:
    designs = (
        visible_designs(user).select_related("organisation").annotate(part_count=Count("parts"))
    )
    if search:
        designs = designs.filter(
            Q(name__icontains=search)
            | Q(function__icontains=search)
            | Q(licensor__icontains=search)
            | Q(parts__name__icontains=search)
        ).distinct()
    if licence:
        designs = designs.filter(licence=licence)
    return designs.order_by("name", "pk")


def licences(user: Any) -> list[str]:
    return list(
        visible_designs(user)
        .exclude(licence="")
        .order_by("licence")
        .values_list("licence", flat=True)
        .distinct()
    )


def with_parts(designs: QuerySet[Design]) -> QuerySet[Design]:
    processes = PartProcess.objects.select_related("process").order_by("process__position")
    parts = DesignPart.objects.prefetch_related(Prefetch("processes", queryset=processes))
    return designs.select_related("organisation").prefetch_related(
        Prefetch("parts", queryset=parts.order_by("position", "pk"))
    )


def importing_organisations(user: Any) -> QuerySet[Organisation]:
    """Where this person may publish a design: the validated organisations they are an active
    member of."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    validated = Organisation.objects.filter(status=OrganisationStatus.VALIDATED)
    if permissions.is_coordinator(user):
        return validated.order_by("name")
    ids = Membership.objects.filter(user=user, state=MembershipState.ACTIVE).values(
        "organisation_id"
    )
    return validated.filter(pk__in=ids).order_by("name")


def is_validated(organisation: Organisation) -> bool:
    """Only a validated organisation publishes designs and builds (its name becomes public)."""
    return organisation.status == OrganisationStatus.VALIDATED


def can_import(user: Any, organisation: Organisation) -> bool:
    return (
        permissions.is_coordinator(user)
        or permissions.membership_of(user, organisation) is not None
    )


def can_update(user: Any, design: Design) -> bool:
    """A re-import changes the design: its organisation's members, or a coordinator."""
    if permissions.is_coordinator(user):
        return True
    return design.organisation is not None and can_import(user, design.organisation)


def can_correct(user: Any, design: Design) -> bool:
    """Correcting a part's processes: the design's organisation admins and the coordinators."""
    if permissions.is_coordinator(user):
        return True
    if design.organisation is None:
        return False
    membership = permissions.membership_of(user, design.organisation)
    return membership is not None and membership.role == Role.ADMIN


def as_manifest(design: Design) -> okh.Manifest:
    """The design as it is now (with hand corrections of fields) as an OKH manifest."""
    parts = []
    for part in design.parts.all():
        size = (part.size_x_mm, part.size_y_mm, part.size_z_mm)
        dimensions = None if None in size else (float(size[0]), float(size[1]), float(size[2]))  # type: ignore[arg-type]
        parts.append(
            okh.Part(
                name=part.name,
                tsdc=tuple(part.tsdc.split()),
                material=part.material_text,
                mass_g=part.mass_g,
                dimensions_mm=dimensions,
                source=part.source_file,
                quantity=part.quantity,
            )
        )
    return okh.Manifest(
        name=design.name,
        version=design.version,
        function=design.function,
        licence=design.licence,
        licensor=design.licensor,
        repository=design.repository,
        documentation_language=design.documentation_language,
        image=design.image_url,
        okh_version=design.okh_version or okh.DEFAULT_OKH_VERSION,
        parts=tuple(parts),
    )
