"""Heat declarations as a viewer may read them, and the figures of a study.

Two private field groups: "quantity" (power, hours, monthly profile, exact energy) and "site"
(the exact site and its position). Always public: kind, title, medium, temperatures, the
organisation, the commune and the order of magnitude of the energy per year.
For heat, a COUNTERPART field reads as coordinators-only: no synergy reveals a heat
declaration yet (`Audience.viewer` is given no declaration id).
Every private group a coordinator reads is logged with its channel (page, api, csv, geojson).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from maillage.symbiosis import heat
from maillage.symbiosis.confidentiality import logged, order_of_magnitude, readable
from maillage.symbiosis.models import DeclarationState, HeatDeclaration, HeatStudy
from maillage.symbiosis.queries.visibility import (
    Audience,
    PrivateRead,
    audience_of,
    log_private_reads,
)

QUANTITY = "quantity"
SITE = "site"


def levels_of(declaration: HeatDeclaration) -> dict[str, str]:
    return {QUANTITY: declaration.quantity_visibility, SITE: declaration.site_visibility}


def can_read_quantity(user: Any, declaration: HeatDeclaration) -> bool:
    """May this person study it: read its power, and its exact site (a route length measured
    between exact sites would tell where a private site is)."""
    return _studiable(declaration, audience_of(user))


def _studiable(declaration: HeatDeclaration, audience: Any) -> bool:
    return {QUANTITY, SITE} <= readable(
        levels_of(declaration), audience.viewer(declaration.organisation_id)
    )


def declarations() -> QuerySet[HeatDeclaration]:
    return HeatDeclaration.objects.select_related("organisation", "site", "site__commune").order_by(
        "kind", "-updated_at", "-pk"
    )


def open_declarations() -> QuerySet[HeatDeclaration]:
    return declarations().exclude(state=DeclarationState.CLOSED)


@dataclass
class HeatRow:
    """One declaration with what this viewer may read; private values None when hidden."""

    declaration: HeatDeclaration
    commune: str
    latitude: float | None
    longitude: float | None
    exact_position: bool
    magnitude_mwh: tuple[float, float]
    power_kw: float | None = None
    hours_per_year: int | None = None
    energy_mwh: float | None = None
    monthly_profile: list[float] | None = None
    site_name: str | None = None
    site_address: str | None = None
    is_owner: bool = False

    @property
    def reads_quantity(self) -> bool:
        return self.power_kw is not None


def _commune_position(declaration: HeatDeclaration) -> tuple[float | None, float | None]:
    commune = declaration.site.commune
    if commune is not None:
        return commune.latitude, commune.longitude
    return None, None


def exact_position(declaration: HeatDeclaration) -> tuple[float, float] | None:
    site = declaration.site
    if site.latitude is not None and site.longitude is not None:
        return site.latitude, site.longitude
    commune = site.commune
    return (commune.latitude, commune.longitude) if commune is not None else None


def row_for(declaration: HeatDeclaration, groups: set[str], is_owner: bool) -> HeatRow:
    site = declaration.site
    lat, lon = _commune_position(declaration)
    row = HeatRow(
        declaration=declaration,
        commune=site.place_name(),
        latitude=lat,
        longitude=lon,
        exact_position=False,
        magnitude_mwh=order_of_magnitude(declaration.energy_mwh_per_year),
        is_owner=is_owner,
    )
    if QUANTITY in groups:
        row.power_kw = declaration.power_kw
        row.hours_per_year = declaration.hours_per_year
        row.energy_mwh = declaration.energy_mwh_per_year
        row.monthly_profile = declaration.monthly_profile
    if SITE in groups:
        position = exact_position(declaration)
        if position is not None:
            row.latitude, row.longitude = position
            row.exact_position = site.latitude is not None
        row.site_name = str(site)
        row.site_address = " ".join(p for p in (site.address, site.postal_code, site.city) if p)
    return row


def readable_rows(
    user: Any,
    found: Iterable[HeatDeclaration],
    channel: str,
    path: str,
    audience: Audience | None = None,
) -> list[HeatRow]:
    """The rows as the user may read them; a coordinator's private reads logged at once."""
    audience = audience or audience_of(user)
    rows: list[HeatRow] = []
    reads: list[PrivateRead] = []
    for declaration in found:
        viewer = audience.viewer(declaration.organisation_id)
        levels = levels_of(declaration)
        rows.append(row_for(declaration, readable(levels, viewer), viewer.is_owner))
        private = logged(levels, viewer)
        if private:
            reads.append(
                PrivateRead("heat", declaration.pk, declaration.organisation_id, frozenset(private))
            )
    if reads:
        log_private_reads(user, reads, channel, path)
    return rows


def visible_declaration(user: Any, declaration: HeatDeclaration) -> bool:
    """A closed declaration stays readable by its organisation and the coordinators only."""
    if declaration.state != DeclarationState.CLOSED:
        return True
    audience = audience_of(user)
    return audience.is_coordinator or declaration.organisation_id in audience.organisation_ids


def can_edit(user: Any, declaration: HeatDeclaration) -> bool:
    audience = audience_of(user)
    return audience.is_coordinator or declaration.organisation_id in audience.organisation_ids


def end_of(declaration: HeatDeclaration) -> heat.End:
    position = exact_position(declaration) or (0.0, 0.0)
    return heat.End(
        temperature_c=declaration.temperature_c,
        return_temperature_c=declaration.return_temperature_c,
        power_kw=declaration.power_kw,
        hours_per_year=declaration.hours_per_year,
        latitude=position[0],
        longitude=position[1],
        medium=declaration.medium,
        monthly_profile=declaration.monthly_profile,
    )


@dataclass
class StudyView:
    study: HeatStudy
    source: HeatRow
    sinks: list[HeatRow]
    result: heat.Prefeasibility


def study_figures(user: Any, study: HeatStudy, channel: str, path: str) -> StudyView:
    """The figures of a study for someone who may read the power and site of every end of it.

    A study's figures reveal the powers it was made from: PermissionDenied for anyone who may
    not read them all; a coordinator's reads are logged.
    """
    audience = audience_of(user)
    ends = [study.source, *study.sinks.select_related("organisation", "site", "site__commune")]
    for end in ends:
        if not _studiable(end, audience):
            raise PermissionDenied(_("This study rests on figures you may not read."))
    rows = readable_rows(user, ends, channel, path, audience)
    result = heat.prefeasibility(
        end_of(study.source),
        [end_of(sink) for sink in ends[1:]],
        route_m=study.route_length_m,
        pipe_dn=study.pipe_dn,
    )
    return StudyView(study=study, source=rows[0], sinks=rows[1:], result=result)


def studies_for(user: Any, declaration: HeatDeclaration | None = None) -> list[HeatStudy]:
    """The studies the user may open (every end's power and site readable), newest first; only those
    the declaration is part of, as source or sink, when one is given."""
    audience = audience_of(user)
    found = HeatStudy.objects.select_related("source", "source__organisation").prefetch_related(
        "sinks"
    )
    if declaration is not None:
        found = found.filter(Q(source=declaration) | Q(sinks=declaration)).distinct()
    allowed = []
    for study in found:
        ends = [study.source, *study.sinks.all()]
        if all(_studiable(end, audience) for end in ends):
            allowed.append(study)
    return allowed


def study_list(
    user: Any, channel: str, path: str, declaration: HeatDeclaration | None = None
) -> list[StudyView]:
    """The figures of every study the user may open (see `studies_for`); a coordinator's reads
    are logged as on the study's own page. A study the user may not open is not listed."""
    return [study_figures(user, study, channel, path) for study in studies_for(user, declaration)]


def can_change_study(user: Any, study: HeatStudy) -> bool:
    """Who may edit a study: who may make one over its source (see `actions.heat`)."""
    audience = audience_of(user)
    return audience.is_coordinator or study.source.organisation_id in audience.organisation_ids


def factors() -> list[tuple[str, str, str]]:
    """(what, value, source) of every factor of the calculation, for the page and the API."""
    return [
        (
            _("Gas, direct combustion emissions"),
            _("%(value)s kg CO2e/kWh PCI")
            % {"value": number_format(heat.GAS_DIRECT_KGCO2E_PER_KWH)},
            _("IPCC 2006 Guidelines, vol. 2, table 2.2: 56.1 t CO2/TJ"),
        ),
        (
            _("Gas, life cycle"),
            _("%(value)s kg CO2e/kWh PCI")
            % {"value": number_format(heat.GAS_LIFE_CYCLE_KGCO2E_PER_KWH)},
            _("ADEME, Base Empreinte, natural gas, mean mix"),
        ),
        (
            _("Gas boiler seasonal efficiency"),
            number_format(heat.BOILER_EFFICIENCY),
            _("Modern gas boiler room, PCI (0.90 to 0.95)"),
        ),
        (
            _("French electricity"),
            _("%(value)s kg CO2e/kWh") % {"value": number_format(heat.ELECTRICITY_KGCO2E_PER_KWH)},
            _("ADEME, Base Empreinte, mean mix, life cycle"),
        ),
        (
            _("Pumping electricity"),
            _("%(value)s of the heat") % {"value": f"{heat.PUMPING_SHARE * 100:g} %"},
            _("Frederiksen and Werner, District Heating and Cooling, 2013"),
        ),
        (
            _("Heat pump COP"),
            _("%(value)s × Carnot, at most %(cap)s")
            % {"value": number_format(heat.CARNOT_EFFICIENCY), "cap": number_format(heat.COP_CAP)},
            _("IEA Heat Pumping Technologies, industrial heat pumps"),
        ),
        (
            _("Exchanger approach"),
            _("10 K liquids, 20 K air, 30 K flue gas"),
            _("I. C. Kemp, Pinch Analysis and Process Integration, 2007"),
        ),
        (
            _("Pipe losses and cost per metre"),
            _("table by DN"),
            _("Manufacturers' catalogues (EN 253, series 2); AMORCE/CEREMA cost ratios"),
        ),
        (
            _("Linear heat density threshold"),
            _("%(value)s MWh/m/yr") % {"value": number_format(heat.ADEME_DENSITY_THRESHOLD, 1)},
            _("ADEME, Fonds Chaleur, heat networks"),
        ),
    ]
