"""Writes to an organisation's sites: add, change, remove; a commune found offline."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.core.geo import GeoError, check_coordinates
from maillage.core.locks import lock
from maillage.core.text import fold
from maillage.core.validators import single_line_errors
from maillage.directory import permissions
from maillage.directory.geocode import find_commune
from maillage.directory.models import (
    Organisation,
    Site,
    User,
)


@dataclass
class SiteInput:
    name: str = ""
    address: str = ""
    postal_code: str = ""
    commune: str = ""
    country: str = "FR"
    latitude: float | None = None
    longitude: float | None = None
    is_main: bool = False

    @classmethod
    def of(cls, site: Site) -> SiteInput:
        """The site as it is saved: the base that an edit changes."""
        return cls(
            name=site.name,
            address=site.address,
            postal_code=site.postal_code,
            commune=site.commune.name if site.commune else site.city,
            country=site.country,
            latitude=site.latitude,
            longitude=site.longitude,
            is_main=site.is_main,
        )


# --- sites -------------------------------------------------------------------------------


def add_site(actor: User, organisation: Organisation, data: SiteInput) -> Site:
    if not permissions.can_edit_sites(actor, organisation):
        raise PermissionDenied(_("Only the organisation's members can add a site."))
    with transaction.atomic():
        site = save_site(authored(Site(organisation=organisation), actor), data)
        refresh_search_text(organisation)
    return site


def update_site(actor: User, site: Site, data: SiteInput) -> Site:
    if not permissions.can_edit_sites(actor, site.organisation):
        raise PermissionDenied(_("Only the organisation's members can edit its sites."))
    with transaction.atomic():
        save_site(authored(site, actor), data)
        refresh_search_text(site.organisation)
    return site


def delete_site(actor: User, site: Site) -> None:
    if not permissions.can_edit_sites(actor, site.organisation):
        raise PermissionDenied(_("Only the organisation's members can remove its sites."))
    with transaction.atomic():
        lock(site)
        # Machines (retired ones too) keep their site: they are moved or removed first.
        machines = site.machines.count()
        if machines:
            raise ValidationError(
                ngettext(
                    "This site still has %(n)d machine: move it to another site or remove it "
                    "first.",
                    "This site still has %(n)d machines: move them to another site or remove "
                    "them first.",
                    machines,
                )
                % {"n": machines},
                code="protected",
            )
        organisation = site.organisation
        authored(site, actor).delete()
        refresh_search_text(organisation)


def authored(site: Site, actor: User) -> Site:
    """Name the author for the audit trail, also when the call comes from a token."""
    site._history_user = actor  # type: ignore[attr-defined]
    return site


def save_site(site: Site, data: SiteInput) -> Site:
    """Locate the site (commune found offline, or coordinates given) and save it."""
    errors: dict[str, list[str]] = single_line_errors(
        name=data.name,
        address=data.address,
        postal_code=data.postal_code,
        commune=data.commune,
        country=data.country,
    )
    country = (data.country or "FR").strip().upper()
    if "country" not in errors and (len(country) != 2 or not country.isalpha()):
        errors["country"] = [_("Use a two-letter country code such as FR.")]
    lat, lon = data.latitude, data.longitude
    if (lat is None) != (lon is None):
        missing = "longitude" if lon is None else "latitude"
        errors[missing] = [_("Give both latitude and longitude, or neither.")]
    if lat is not None and not (math.isfinite(lat) and -90 <= lat <= 90):
        errors["latitude"] = [_("Latitude must be between -90 and 90.")]
    if lon is not None and not (math.isfinite(lon) and -180 <= lon <= 180):
        errors["longitude"] = [_("Longitude must be between -180 and 180.")]
    commune = None
    if country == "FR" and not errors:
        commune = find_commune(data.commune, data.postal_code.strip())
        typed = " ".join(filter(None, [data.postal_code.strip(), data.commune.strip()]))
        if commune is None and typed and lat is None:
            errors["commune"] = [
                _("No French commune matches “%(text)s”. Check the spelling or the postal code.")
                % {"text": typed}
            ]
        elif commune is None and lat is None:
            errors["commune"] = [
                _("Give a commune or a postal code, or place the site on the map.")
            ]
    elif country != "FR" and lat is None and "country" not in errors:
        errors["latitude"] = [_("Outside France, give the site's latitude and longitude.")]
    if errors:
        raise ValidationError(errors)
    if lat is None or lon is None:
        assert commune is not None
        lat, lon = commune.latitude, commune.longitude
    try:
        check_coordinates(lat, lon)
    except GeoError as exc:  # pragma: no cover - ranges are checked above
        raise ValidationError({"latitude": [str(exc)]}) from None
    site.name = data.name.strip()
    site.address = data.address.strip()
    site.postal_code = data.postal_code.strip()
    site.country = country
    site.commune = commune
    site.city = commune.name if commune else data.commune.strip()
    site.department_id = commune.department_id if commune else None
    site.latitude, site.longitude = round(lat, 6), round(lon, 6)
    site.is_main = data.is_main or not site.organisation.sites.exclude(pk=site.pk).exists()
    site.full_clean(exclude=["organisation"])
    site.save()
    if site.is_main:
        site.organisation.sites.exclude(pk=site.pk).filter(is_main=True).update(is_main=False)
    return site


def prefix_errors(exc: ValidationError, prefix: str) -> ValidationError:
    if not prefix or not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({prefix + k: v for k, v in exc.error_dict.items()})


def refresh_search_text(organisation: Organisation) -> None:
    """Rebuild the folded text that the directory search looks into."""
    places = [s.place_name() for s in organisation.sites.select_related("commune")]
    text = " ".join([organisation.name, organisation.description, *places])
    Organisation.objects.filter(pk=organisation.pk).update(search_text=fold(text))
    organisation.search_text = fold(text)
