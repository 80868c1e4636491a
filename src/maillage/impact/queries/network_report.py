"""The network's annual impact report as a plain description (`impact.report`).

The same figures as the HTML network report (`network_figures`), for the PDF (`impact.pdf`)
and the open-data files (CSV, JSON of `impact.report`). Aggregates only: a cell the
k-anonymity rule hides (`impact.disclosure`) has no value here either, only the reason it is
hidden, written where a reader looks (the figure's text and coverage, a table's note column);
a hidden bar is left out of its chart.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format, get_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.impact import report as description
from maillage.impact.disclosure import Cell
from maillage.impact.queries import network
from maillage.impact.queries.network_scope import NetworkFilters
from maillage.impact.queries.reports import labels, method_notes, period_text
from maillage.impact.templatetags.network_tags import amount, hidden_text

Column, Value = description.Column, description.Cell


class _Writer:
    """Headlines, cells and bars of one report, hidden cells judged with its threshold."""

    def __init__(self, k: int) -> None:
        self.k = k

    def reason(self, cell: Cell) -> str:
        return "" if cell.shown else hidden_text(cell.reason, self.k)

    def text(self, cell: Cell, unit: str) -> str:
        if cell.shown and cell.value is not None:
            return amount(cell.value, unit)
        return self.reason(cell)

    def headline(
        self, key: str, label: str, cell: Cell, unit: str, shown_as: str, coverage: str, method: str
    ) -> description.Headline:
        value = cell.value if cell.shown else None
        if not cell.shown:
            coverage = f"{self.reason(cell)}; {coverage}" if coverage else self.reason(cell)
        return description.Headline(
            key, label, value, unit, self.text(cell, shown_as), coverage, method
        )

    def value(self, cell: Cell, unit: str) -> description.Cell:
        return Value(cell.value if cell.shown else None, self.text(cell, unit))

    def note(self, cells: list[Cell]) -> description.Cell:
        reasons = sorted({self.reason(cell) for cell in cells} - {""})
        return Value("; ".join(reasons), "; ".join(reasons))


def _headlines(figures: network.NetworkFigures, w: _Writer) -> list[description.Headline]:
    use, shared, avoided = figures.utilisation, figures.shared, figures.avoided
    mci, local, flows = figures.circularity, figures.local, figures.flows
    bookings = ngettext(
        "%(n)s booking between organisations",
        "%(n)s bookings between organisations",
        int(shared.bookings),
    ) % {"n": int(shared.bookings)}
    items = [
        description.Headline(
            "machines",
            _("Machines counted"),
            figures.machines,
            "count",
            str(figures.machines),
            _("of the organisations validated in the network"),
        ),
        w.headline(
            "utilisation",
            _("Utilisation of the machines used"),
            use.total,
            "fraction",
            "percent",
            _("use recorded for %(known)s of %(total)s machines")
            % {"known": use.coverage.known, "total": use.coverage.total},
            "sharing",
        ),
        w.headline(
            "hours_shared",
            _("Hours shared between organisations"),
            shared.total,
            "h",
            "hours",
            bookings,
            "sharing",
        ),
        w.headline(
            "purchases_avoided",
            _("Purchases avoided"),
            avoided.purchases,
            "count",
            "count",
            "",
            "avoided",
        ),
        w.headline(
            "capex_avoided",
            _("Price of the purchases avoided"),
            avoided.capex_eur,
            "EUR",
            "eur",
            "",
            "avoided",
        ),
        w.headline(
            "co2_avoided",
            _("CO2 avoided"),
            figures.co2_avoided_kg,
            "kgCO2e",
            "tco2e",
            _("purchases avoided and transport avoided"),
            "avoided",
        ),
        w.headline(
            "net_avoided",
            _("Euros avoided, net of booking fees"),
            avoided.net_eur,
            "EUR",
            "eur",
            _("in the first year"),
            "avoided",
        ),
        w.headline(
            "mci",
            _("Mean circularity (MCI)"),
            mci.mean,
            "fraction",
            "mci",
            _("MCI known for %(known)s of %(total)s machines")
            % {"known": mci.coverage.known, "total": mci.coverage.total},
            "mci",
        ),
        w.headline(
            "local_share",
            _("Needs answered within %(radius)s km") % {"radius": round(local.radius_km)},
            local.local_share,
            "fraction",
            "percent",
            "",
            "local",
        ),
    ]
    if flows is not None:
        moved = _("%(into)s in, %(out)s out, whole network") % {
            "into": w.text(flows.inflow_kg, "kg"),
            "out": w.text(flows.outflow_kg, "kg"),
        }
        for key, label, cell in (
            ("circular_inflow", _("Circular inflow (CTI)"), flows.circular_inflow),
            ("circular_outflow", _("Circular outflow (CTI)"), flows.circular_outflow),
            ("material_circularity", _("Material circularity (CTI)"), flows.material_circularity),
        ):
            items.append(w.headline(key, label, cell, "fraction", "percent", moved, "cti"))
    return items


def _tables(figures: network.NetworkFigures, w: _Writer) -> list[description.Table]:
    note = Column("note", _("Note"))
    use = figures.utilisation.months
    shared = figures.shared.months
    bins = figures.circularity.bins
    month = Column("month", _("Month"))
    return [
        description.Table(
            "utilisation",
            _("Utilisation of the machines used, by month"),
            [
                month,
                Column("hours_used", _("Hours used"), "h", numeric=True),
                Column("hours_available", _("Hours available"), "h", numeric=True),
                Column("utilisation", _("Utilisation"), "fraction", numeric=True),
                note,
            ],
            [
                [
                    Value(row.month.strftime("%Y-%m"), date_format(row.month, "F Y")),
                    w.value(row.hours_used, "hours"),
                    w.value(row.hours_available, "hours"),
                    w.value(row.utilisation, "percent"),
                    w.note([row.utilisation]),
                ]
                for row in use
            ],
        ),
        description.Table(
            "shared",
            _("Hours shared between organisations, by month"),
            [
                month,
                Column("hours_shared", _("Hours shared"), "h", numeric=True),
                Column("bookings", _("Bookings"), "count", numeric=True),
                note,
            ],
            [
                [
                    Value(row.month.strftime("%Y-%m"), date_format(row.month, "F Y")),
                    w.value(row.hours, "hours"),
                    w.value(row.bookings, "count"),
                    w.note([row.hours, row.bookings]),
                ]
                for row in shared
            ],
        ),
        description.Table(
            "mci",
            _("Machines by Material Circularity Indicator"),
            [
                Column("mci_bin", _("MCI")),
                Column("machines", _("Machines"), "count", numeric=True),
                note,
            ],
            [
                [
                    Value(f"{row.low:.1f}-{row.high:.1f}", f"{row.low:.1f} – {row.high:.1f}"),
                    w.value(row.machines, "count"),
                    w.note([row.machines]),
                ]
                for row in bins
            ],
        ),
    ]


def _bars(
    key: str, title: str, bars: list[tuple[str, Cell]], unit: str, factor: float = 1.0
) -> description.Chart:
    """A chart of the bars shown; a hidden bar is left out and the title says so."""
    shown = [(label, (cell.value or 0.0) * factor) for label, cell in bars if cell.shown]
    if len(shown) < len(bars):
        title = _("%(title)s (hidden cells left out)") % {"title": title}
    return description.Chart(
        key, title, [label for label, _v in shown], [value for _l, value in shown], unit
    )


def _charts(figures: network.NetworkFigures) -> list[description.Chart]:
    avoided, transport = figures.avoided, figures.transport
    made = [
        _bars(
            "utilisation",
            _("Utilisation of the machines used, by month"),
            [(date_format(row.month, "M"), row.utilisation) for row in figures.utilisation.months],
            "%",
            100.0,
        ),
        _bars(
            "shared",
            _("Hours shared between organisations, by month"),
            [(date_format(row.month, "M"), row.hours) for row in figures.shared.months],
            "h",
        ),
        _bars(
            "co2",
            _("CO2 avoided"),
            [
                (_("Purchases avoided"), avoided.embodied_kgco2e),
                (_("Transport avoided"), transport.avoided_kgco2e),
            ],
            "tCO2e",
            0.001,
        ),
        _bars(
            "euros",
            _("Euros avoided"),
            [
                (_("Purchases avoided"), avoided.capex_eur),
                (_("Fees paid instead"), avoided.fees_eur),
                (_("Net"), avoided.net_eur),
            ],
            "EUR",
        ),
        _bars(
            "mci",
            _("Machines by Material Circularity Indicator"),
            [(f"{row.low:.1f}-{row.high:.1f}", row.machines) for row in figures.circularity.bins],
            _("machines"),
        ),
    ]
    if figures.flows is not None:
        flows = figures.flows
        made.append(
            _bars(
                "circularity",
                _("Circular inflow, outflow and material circularity"),
                [
                    (_("Inflow"), flows.circular_inflow),
                    (_("Outflow"), flows.circular_outflow),
                    (_("Material"), flows.material_circularity),
                ],
                "%",
                100.0,
            )
        )
    return made


def _notes(figures: network.NetworkFigures, computed: dt.date) -> list[str]:
    k = figures.min_contributors
    return [
        ngettext(
            "Aggregates only: a figure is shown where at least %(counter)s organisation "
            "contributes, so that no firm's own figures can be read off this report.",
            "Aggregates only: a figure is shown where at least %(counter)s organisations "
            "contribute, so that no firm's own figures can be read off this report.",
            k,
        )
        % {"counter": k}
        + " "
        + _("A hidden figure is written with its reason, never its value."),
        _(
            "Utilisation: hours recorded on the machines used over the hours they were open. "
            "Hours shared: completed bookings where the booker is not the host. Purchases "
            "avoided: one purchase per organisation that used a shared machine more than the "
            "threshold of hours and owns none of that process."
        ),
        _(
            "MCI: Material Circularity Indicator of the Ellen MacArthur Foundation and Granta "
            "(2015, updated 2019), computed per machine from its composition; the network's "
            "figure is the plain mean of the machines whose MCI is known, shown with their "
            "distribution by tenths."
        ),
        method_notes(computed)[2],
        _(
            "For the whole network a transfer between two of its organisations is neither an "
            "inflow nor an outflow; material flows are those of every department and process."
        ),
    ]


def _factors(figures: network.NetworkFigures) -> list[description.Factor]:
    return [
        description.Factor(f.key, f.value, f.unit, f.version, f.source, f.status)
        for f in figures.factors()
    ]


def network_report(filters: NetworkFilters, year: int) -> description.Report:
    """The network's report for the year (the filters hold its period, checked)."""
    figures = network.network_figures(filters)
    w = _Writer(figures.min_contributors)
    now = timezone.localtime()
    end = filters.end + dt.timedelta(days=1)
    subject = _("The organisations validated in the network")
    if filters.department:
        subject += " · " + _("department %(code)s") % {"code": filters.department}
    if filters.process:
        subject += " · " + _("process %(code)s") % {"code": filters.process}
    return description.Report(
        title=_("Impact of the network — annual report %(year)s") % {"year": year},
        subject=subject,
        period=period_text(filters.start, end),
        start=filters.start.isoformat(),
        end=end.isoformat(),
        generated=now.isoformat(timespec="seconds"),
        headlines=_headlines(figures, w),
        tables=_tables(figures, w),
        charts=_charts(figures),
        notes=_notes(figures, now.date()),
        factors=_factors(figures),
        labels=labels(),
        decimal_separator=str(get_format("DECIMAL_SEPARATOR")),
    )
