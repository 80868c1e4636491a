"""The annual impact report of an organisation, as a plain description (`impact.report`).

One description, rendered as HTML (a template), PDF (`impact.pdf`), CSV and JSON
(`impact.report`). It holds the organisation's private figures (its own bookings and the
amounts), so only its members and the coordinators read it; the views check that.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format, get_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.directory.models import Organisation
from maillage.equipment.models import Material
from maillage.impact import formats
from maillage.impact import report as description
from maillage.impact.factors import FactorSet
from maillage.impact.models import MachineImpact
from maillage.impact.queries.factors import current_factors
from maillage.impact.queries.organisations import (
    OrganisationImpact,
    fleet_machines,
    monthly_hours,
    organisation_impact,
)
from maillage.maintenance.models import Destination, PartMaterial
from maillage.symbiosis.models import MaterialCategory

MAX_MACHINE_ROWS = 500


def material_label(key: str) -> str:
    if key in PartMaterial.values:
        label = str(PartMaterial(key).label)
    elif key in Material.values:
        label = str(Material(key).label)
    elif key in MaterialCategory.values:  # by-products exchanged through a synergy
        label = str(MaterialCategory(key).label)
    else:
        label = key
    return label[:1].upper() + label[1:]


def flow_label(source: str) -> str:
    labels = {
        "parts": _("Parts fitted (repairs, retrofits, maintenance)"),
        "second_life": _("Machines received second-hand, donated or transferred"),
        "new": _("Machines bought new or built"),
        "transfer": _("Machines transferred to another organisation"),
        "symbiosis": _("By-products exchanged through a synergy"),
    }
    if source in labels:
        return str(labels[source])
    if source in Destination.values:
        return str(Destination(source).label)
    return source


def served(count: int) -> str:
    return ngettext("%(n)s organisation served", "%(n)s organisations served", count) % {"n": count}


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)


def period_text(start: dt.date, end: dt.date) -> str:
    last = end - dt.timedelta(days=1)
    return _("%(start)s – %(end)s") % {
        "start": date_format(start, "DATE_FORMAT"),
        "end": date_format(last, "DATE_FORMAT"),
    }


def _headlines(figures: OrganisationImpact) -> list[description.Headline]:
    fleet, use, cti = figures.fleet, figures.use, figures.circularity
    moved = _("%(into)s in, %(out)s out") % {
        "into": formats.mass(cti.inflow_mass),
        "out": formats.mass(cti.outflow_mass),
    }
    uncounted = sum(figures.uncounted.values())
    if uncounted:
        moved += "; " + ngettext(
            "%(n)s machine moved with no composition recorded",
            "%(n)s machines moved with no composition recorded",
            uncounted,
        ) % {"n": uncounted}
    H = description.Headline
    items = [
        H("machines", _("Machines in the fleet"), fleet.machines, "count", str(fleet.machines)),
        H(
            "mci",
            _("Material circularity (MCI, mass-weighted)"),
            fleet.mci,
            "fraction",
            formats.ratio(fleet.mci),
            formats.known_for(fleet.mci_known, fleet.machines),
            "mci",
        ),
        H(
            "repairability",
            _("Repairability (mean)"),
            fleet.repairability,
            "score /10",
            formats.score(fleet.repairability),
            formats.known_for(fleet.repairability_known, fleet.machines),
            "repairability",
        ),
        H(
            "embodied",
            _("Embodied carbon of the machines"),
            fleet.embodied_kgco2e,
            "kgCO2e",
            formats.carbon(fleet.embodied_kgco2e),
            formats.known_for(fleet.embodied_known, fleet.machines),
            "mci",
        ),
        H(
            "utilisation",
            _("Utilisation (hours used / hours open)"),
            use.utilisation,
            "fraction",
            formats.percent(use.utilisation),
            _("%(used)s of %(open)s")
            % {
                "used": formats.hours(use.hours_used),
                "open": formats.hours(use.hours_available),
            },
            "sharing",
        ),
        H(
            "hours_given",
            _("Hours its machines served other organisations"),
            use.hours_given,
            "h",
            formats.hours(use.hours_given),
            served(use.organisations_served),
            "sharing",
        ),
        H(
            "circular_inflow",
            _("Circular inflow"),
            cti.circular_inflow,
            "fraction",
            formats.percent(cti.circular_inflow),
            moved,
            "cti",
        ),
        H(
            "circular_outflow",
            _("Circular outflow"),
            cti.circular_outflow,
            "fraction",
            formats.percent(cti.circular_outflow),
            moved,
            "cti",
        ),
        H(
            "material_circularity",
            _("Material circularity (CTI)"),
            cti.material_circularity,
            "fraction",
            formats.percent(cti.material_circularity),
            moved,
            "cti",
        ),
    ]
    if figures.private and use.hours_received is not None:
        paid = (use.paid_cents or 0) / 100
        invoiced = (use.invoiced_cents or 0) / 100
        items += [
            H(
                "hours_received",
                _("Hours it used other organisations' machines"),
                use.hours_received,
                "h",
                formats.hours(use.hours_received),
                ngettext(
                    "at %(n)s organisation (private)",
                    "at %(n)s organisations (private)",
                    use.organisations_used or 0,
                )
                % {"n": use.organisations_used or 0},
                "sharing",
                private=True,
            ),
            H(
                "invoiced",
                _("Invoiced for shared hours"),
                invoiced,
                "EUR",
                formats.euros(invoiced),
                _("private"),
                "",
                private=True,
            ),
            H(
                "paid",
                _("Paid for hours received"),
                paid,
                "EUR",
                formats.euros(paid),
                _("private"),
                "",
                private=True,
            ),
        ]
    return items


def _flow_tables(figures: OrganisationImpact) -> list[description.Table]:
    C, Cell = description.Column, description.Cell
    inflows = [
        [
            Cell(item.material, material_label(item.material)),
            Cell(item.source, flow_label(item.source)),
            Cell(item.mass, formats.number(item.mass, 0)),
            Cell(item.recycled + item.reused, formats.percent(item.recycled + item.reused)),
        ]
        for item in figures.inflows
    ]
    outflows = [
        [
            Cell(item.material, material_label(item.material)),
            Cell(item.source, flow_label(item.source)),
            Cell(item.mass, formats.number(item.mass, 0)),
            Cell(
                item.recovery_potential * item.actual_recovery,
                formats.percent(item.recovery_potential * item.actual_recovery),
            ),
        ]
        for item in figures.outflows
    ]
    material = C("material", _("Material"))
    mass = C("mass_kg", _("Mass (kg)"), "kg", numeric=True)
    return [
        description.Table(
            "inflows",
            _("Materials in"),
            [
                material,
                C("source", _("Comes from")),
                mass,
                C("circular_share", _("Recycled or reused"), "fraction", numeric=True),
            ],
            inflows,
        ),
        description.Table(
            "outflows",
            _("Materials out"),
            [
                material,
                C("destination", _("Goes to")),
                mass,
                C("recovered_share", _("Recovered"), "fraction", numeric=True),
            ],
            outflows,
        ),
    ]


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _machine_table(organisation: Organisation) -> description.Table:
    C, Cell = description.Column, description.Cell
    rows = (
        MachineImpact.objects.filter(machine__in=fleet_machines(organisation))
        .select_related("machine")
        .order_by("machine__name", "machine_id")[:MAX_MACHINE_ROWS]
    )
    body = [
        [
            Cell(row.machine.name, row.machine.name),
            Cell(row.mci, formats.ratio(row.mci)),
            Cell(_float(row.repairability), formats.score(_float(row.repairability))),
            Cell(row.utilisation, formats.percent(row.utilisation)),
            Cell(row.organisations_served, str(row.organisations_served)),
        ]
        for row in rows
    ]
    return description.Table(
        "machines",
        _("Machines"),
        [
            C("machine", _("Machine")),
            C("mci", _("MCI"), "fraction", numeric=True),
            C("repairability", _("Repairability"), "score /10", numeric=True),
            C("utilisation", _("Utilisation, last 12 months"), "fraction", numeric=True),
            C("organisations_served", _("Organisations served"), "count", numeric=True),
        ],
        body,
        note=_("At most %(n)s machines are listed.") % {"n": MAX_MACHINE_ROWS},
    )


def _charts(figures: OrganisationImpact) -> list[description.Chart]:
    months = monthly_hours(figures.organisation, figures.start, figures.end)
    labels = [date_format(month, "M") for month, _used, _given in months]
    cti = figures.circularity
    return [
        description.Chart(
            "hours_used",
            _("Hours used on its machines, by month"),
            labels,
            [used for _month, used, _given in months],
            "h",
        ),
        description.Chart(
            "hours_given",
            _("Hours other organisations used them, by month"),
            labels,
            [given for _month, _used, given in months],
            "h",
        ),
        description.Chart(
            "circularity",
            _("Circular inflow, outflow and material circularity"),
            [_("Inflow"), _("Outflow"), _("Material")],
            [
                100 * (value or 0.0)
                for value in (cti.circular_inflow, cti.circular_outflow, cti.material_circularity)
            ],
            "%",
        ),
    ]


def method_notes(computed: dt.date) -> list[str]:
    return [
        _(
            "MCI: Material Circularity Indicator of the Ellen MacArthur Foundation and Granta "
            "(2015, updated 2019), computed per machine from its composition with the factor "
            "table's defaults where the owner gave none, and averaged weighted by mass. A "
            "machine bought second-hand, given, transferred or retrofitted counts as reused "
            "feedstock, except its new parts."
        ),
        _(
            "Repairability: an adaptation of the French repairability index (décret "
            "n° 2020-1757) to industrial equipment, scored by the owner with evidence; it is "
            "not the legal index."
        ),
        _(
            "Circular inflow, outflow and material circularity: WBCSD Circular Transition "
            "Indicators v4.0 (2023), from the parts fitted, the machines received, bought, "
            "decommissioned and transferred in the year, summed by material."
        ),
        _(
            "Utilisation: hours recorded on its machines over the hours they were open "
            "(their own opening hours, else one shift a year). Hours served: completed "
            "bookings by other organisations."
        ),
        _(
            "The MCI, repairability and embodied carbon are the machines' figures as computed "
            "on %(date)s, not averages over the year; machines without composition or "
            "assessment are left out of them and counted in their coverage."
        )
        % {"date": date_format(computed, "DATE_FORMAT")},
    ]


def _factors(figures: OrganisationImpact, factors: FactorSet) -> list[description.Factor]:
    keys = {factor.key for factor in figures.factors}
    for versions in MachineImpact.objects.filter(
        machine__in=fleet_machines(figures.organisation)
    ).values_list("factor_versions", flat=True):
        keys.update(versions or {})
    found = []
    for key in sorted(keys):
        if key not in factors:
            continue
        factor = factors.get(key)
        found.append(
            description.Factor(
                factor.key, factor.value, factor.unit, factor.version, factor.source, factor.status
            )
        )
    return found


def labels() -> dict[str, str]:
    """The renderers' own headings, translated."""
    return {
        "figures": _("Headline figures"),
        "figure": _("Figure"),
        "value": _("Value"),
        "coverage": _("Coverage"),
        "methods": _("Methods, sources and limits"),
        "factors": _("Factors used"),
        "factor": _("Factor"),
        "factor_value": _("Value"),
        "version": _("Version"),
        "source": _("Source"),
        "page": _("Page"),
    }


def organisation_report(
    organisation: Organisation, year: int, viewer: Any, *, factors: FactorSet | None = None
) -> description.Report:
    """The organisation's report for a calendar year (the caller checked the viewer may)."""
    factors = factors or current_factors()
    start, end = year_bounds(year)
    figures = organisation_impact(organisation, viewer, start=start, end=end, factors=factors)
    now = timezone.localtime()
    return description.Report(
        title=_("Impact report %(year)s") % {"year": year},
        subject=organisation.name,
        period=period_text(start, end),
        start=start.isoformat(),
        end=end.isoformat(),
        generated=now.isoformat(timespec="seconds"),
        headlines=_headlines(figures),
        tables=[*_flow_tables(figures), _machine_table(organisation)],
        charts=_charts(figures),
        notes=method_notes(now.date()),
        factors=_factors(figures, factors),
        labels=labels(),
        decimal_separator=str(get_format("DECIMAL_SEPARATOR")),
    )
