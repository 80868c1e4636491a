"""Declarations as a given person may read them, the public listing, the List of Waste search.

`declaration_rows` is the one place that turns declarations into what a viewer may read: every
page, the API, the CSV and the GeoJSON go through it. A private value the viewer may not read
is None; the public order of magnitude of the quantity and the commune always stand in.
Coordinators' reads of private fields are logged with the channel.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from maillage.core.text import fold
from maillage.directory import permissions
from maillage.directory.models import OrganisationStatus
from maillage.symbiosis.confidentiality import logged, order_of_magnitude, readable
from maillage.symbiosis.models import (
    DeclarationState,
    MaterialCategory,
    PrivateFieldRead,
    ResourceDeclaration,
    WasteCode,
)
from maillage.symbiosis.queries.visibility import Audience, PrivateRead, log_private_reads

KIND = "resource"
GROUPS = ("quantity", "price", "composition", "site")
CHANNELS = ("page", "api", "csv", "geojson")


def levels_of(declaration: ResourceDeclaration) -> dict[str, str]:
    return {
        "quantity": declaration.quantity_visibility,
        "price": declaration.price_visibility,
        "composition": declaration.composition_visibility,
        "site": declaration.site_visibility,
    }


@dataclass
class DeclarationRow:
    """What one viewer may read of one declaration; private values are None when hidden."""

    id: int
    organisation_id: int
    organisation_name: str
    organisation_slug: str
    direction: str
    direction_label: str
    state: str
    state_label: str
    waste_code: str | None
    code_description: str
    hazardous: bool
    category: str
    category_label: str
    title: str
    unit: str
    unit_label: str
    period: str
    period_label: str
    months: list[int]
    packaging: str
    packaging_label: str
    regulatory_status: str
    regulatory_status_label: str
    commune: str
    department: str
    quantity_magnitude: tuple[float, float]
    updated_at: dt.datetime
    visibility: dict[str, str]
    readable: frozenset[str]
    is_owner: bool = False
    quantity_min: Decimal | None = None
    quantity_max: Decimal | None = None
    minimum_lot: Decimal | None = None
    price: Decimal | None = None
    current_cost: Decimal | None = None
    composition: str | None = None
    site_id: int | None = None
    site_name: str | None = None
    site_address: str | None = None
    postal_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    # Where the map puts it: the exact site when readable, else the commune's centroid.
    point: tuple[float, float] | None = field(default=None)

    @property
    def month_set(self) -> set[int]:
        return set(self.months)


def months_of(mask: int) -> list[int]:
    return [month for month in range(1, 13) if mask & (1 << (month - 1))]


def with_related(declarations: QuerySet[ResourceDeclaration]) -> QuerySet[ResourceDeclaration]:
    return declarations.select_related(
        "organisation", "site", "site__commune", "site__department", "waste_code"
    )


def _row(declaration: ResourceDeclaration, groups: set[str], is_owner: bool) -> DeclarationRow:
    site = declaration.site
    commune = site.commune
    code = declaration.waste_code
    row = DeclarationRow(
        id=declaration.pk,
        organisation_id=declaration.organisation_id,
        organisation_name=declaration.organisation.name,
        organisation_slug=declaration.organisation.slug,
        direction=declaration.direction,
        direction_label=declaration.get_direction_display(),
        state=declaration.state,
        state_label=declaration.get_state_display(),
        waste_code=code.code if code else None,
        code_description=code.description_fr if code else "",
        hazardous=bool(code and code.hazardous),
        category=declaration.category,
        category_label=declaration.get_category_display(),
        title=declaration.title,
        unit=declaration.unit,
        unit_label=declaration.get_unit_display(),
        period=declaration.period,
        period_label=declaration.get_period_display(),
        months=months_of(declaration.months),
        packaging=declaration.packaging,
        packaging_label=declaration.get_packaging_display() if declaration.packaging else "",
        regulatory_status=declaration.regulatory_status,
        regulatory_status_label=declaration.get_regulatory_status_display(),
        commune=commune.name if commune else site.city,
        department=site.department_id or (commune.department_id if commune else "") or "",
        quantity_magnitude=order_of_magnitude(float(declaration.quantity_max)),
        updated_at=declaration.updated_at,
        visibility=levels_of(declaration),
        readable=frozenset(groups),
        is_owner=is_owner,
    )
    if commune is not None:
        row.point = (commune.latitude, commune.longitude)
    if "quantity" in groups:
        row.quantity_min = declaration.quantity_min
        row.quantity_max = declaration.quantity_max
        row.minimum_lot = declaration.minimum_lot
    if "price" in groups:
        row.price = declaration.price
        row.current_cost = declaration.current_cost
    if "composition" in groups:
        row.composition = declaration.composition
    if "site" in groups:
        row.site_id = site.pk
        row.site_name = site.name
        row.site_address = site.address
        row.postal_code = site.postal_code
        row.latitude = site.latitude
        row.longitude = site.longitude
        row.point = (site.latitude, site.longitude)
    return row


def declaration_rows(
    declarations: Iterable[ResourceDeclaration],
    audience: Audience,
    *,
    user: Any = None,
    channel: str = "page",
    path: str = "",
    groups: Iterable[str] = GROUPS,
) -> list[DeclarationRow]:
    """What this audience may read of each declaration, among the field groups `groups`.

    A listing that shows no private field passes `groups=()`: nothing private is read, nothing
    is logged. A coordinator's read of a private group is logged (one row per declaration).
    """
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel: {channel!r}")
    wanted = set(groups)
    rows: list[DeclarationRow] = []
    reads: list[PrivateRead] = []
    for declaration in declarations:
        viewer = audience.viewer(declaration.organisation_id, declaration.pk)
        levels = {g: lvl for g, lvl in levels_of(declaration).items() if g in wanted}
        rows.append(_row(declaration, readable(levels, viewer), viewer.is_owner))
        to_log = logged(levels, viewer)
        if to_log:
            reads.append(
                PrivateRead(KIND, declaration.pk, declaration.organisation_id, frozenset(to_log))
            )
    if reads and user is not None:
        log_private_reads(user, reads, channel, path)
    return rows


def declaration_row(
    declaration: ResourceDeclaration,
    audience: Audience,
    *,
    user: Any = None,
    channel: str = "page",
    path: str = "",
) -> DeclarationRow:
    return declaration_rows([declaration], audience, user=user, channel=channel, path=path)[0]


# --- which declarations one may see at all ------------------------------------------------------


def visible_declarations(user: Any, audience: Audience) -> QuerySet[ResourceDeclaration]:
    """Active declarations of validated organisations; one's own and revealed ones; all for
    coordinators."""
    qs = with_related(ResourceDeclaration.objects.all())
    if permissions.is_coordinator(user):
        return qs
    public = Q(state=DeclarationState.ACTIVE, organisation__status=OrganisationStatus.VALIDATED)
    return qs.filter(
        public
        | Q(organisation_id__in=audience.organisation_ids)
        | Q(pk__in=audience.revealed_declaration_ids)
    )


@dataclass(frozen=True)
class DeclarationFilters:
    direction: str = ""
    category: str = ""
    code: str = ""  # a code prefix, with or without spaces: "0201", "02 01 04"
    department: str = ""
    q: str = ""


def code_prefix(text: str) -> str:
    """ "0201" → "02 01"; "02 01 04*" → "02 01 04"; "" when not digits."""
    digits = "".join(c for c in text if c.isdigit())
    if not digits or any(c not in "0123456789 *" for c in text.strip()):
        return ""
    return " ".join(digits[i : i + 2] for i in range(0, min(len(digits), 6), 2))


def public_declarations(
    user: Any, audience: Audience, filters: DeclarationFilters
) -> QuerySet[ResourceDeclaration]:
    """The public listing: active declarations one may see, filtered."""
    qs = visible_declarations(user, audience).filter(state=DeclarationState.ACTIVE)
    if filters.direction:
        qs = qs.filter(direction=filters.direction)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.code:
        prefix = code_prefix(filters.code)
        qs = qs.filter(waste_code__code__startswith=prefix) if prefix else qs.none()
    if filters.department:
        qs = qs.filter(
            Q(site__department_id=filters.department)
            | Q(site__commune__department_id=filters.department)
        )
    for word in fold(filters.q).split()[:8]:
        qs = qs.filter(
            Q(title__icontains=word)
            | Q(waste_code__search_text__contains=word)
            | Q(site__commune__name_folded__contains=word)
        )
    return qs.order_by("-updated_at", "-pk")


GROUP_LABELS = {
    "quantity": _("Exact quantity"),
    "price": _("Price and costs"),
    "composition": _("Composition"),
    "site": _("Exact site"),
}
CHANNEL_LABELS = {
    "page": _("Web page"),
    "api": _("API"),
    "csv": _("CSV export"),
    "geojson": _("GeoJSON export"),
}


@dataclass(frozen=True)
class ReadLine:
    read: PrivateFieldRead
    fields: str
    channel: str


def reads_of_organisation(organisation_id: int, limit: int = 50) -> list[ReadLine]:
    """The latest reads of the organisation's private fields by coordinators, for its members."""
    reads = (
        PrivateFieldRead.objects.filter(organisation_id=organisation_id, kind=KIND)
        .select_related("user")
        .order_by("-read_at", "-pk")[:limit]
    )
    return [
        ReadLine(
            read,
            ", ".join(str(GROUP_LABELS.get(g, g)) for g in read.fields.split(",")),
            str(CHANNEL_LABELS.get(read.channel, read.channel)),
        )
        for read in reads
    ]


def organisation_declarations(organisation_id: int) -> QuerySet[ResourceDeclaration]:
    return with_related(ResourceDeclaration.objects.filter(organisation_id=organisation_id))


# --- the List of Waste ---------------------------------------------------------------------------


def search_codes(q: str, limit: int = 20, *, entries_only: bool = True) -> list[WasteCode]:
    """Codes matching words in French or English, or a code with or without spaces.

    "0201" and "02 01" give the section's entries; "copeaux" and "sawdust" the entries whose
    description holds them. Entries (level 3) only unless `entries_only` is false.
    """
    qs = WasteCode.objects.all()
    if entries_only:
        qs = qs.filter(level=3)
    prefix = code_prefix(q)
    if prefix:
        qs = qs.filter(code__startswith=prefix)
    else:
        words = fold(q).split()
        if not words or all(len(w) < 2 for w in words):
            return []
        for word in words[:8]:
            qs = qs.filter(search_text__contains=word)
    return list(qs.order_by("code")[: max(1, min(limit, 100))])


def category_choices() -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in MaterialCategory.choices]
