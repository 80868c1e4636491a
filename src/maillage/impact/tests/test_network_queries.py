"""The network's figures from real bookings, usage and needs (threshold 1 unless said)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from maillage.core.geo import haversine_km
from maillage.equipment.models import Machine, MachineStatus, Process
from maillage.impact.models import FactorOverride, MachineEconomics, MachineImpact
from maillage.impact.queries import network, network_needs, network_sharing
from maillage.impact.queries.network_scope import network_filters
from maillage.impact.tests.network_world import YEAR, Network, at
from maillage.matching.models import NeedStatus

pytestmark = pytest.mark.django_db

YEAR_2025 = {"start": dt.date(YEAR, 1, 1), "end": dt.date(YEAR, 12, 31)}


def filters(**extra):
    return network_filters(**{**YEAR_2025, **extra})


def month(figure, number):
    return figure.months[number - 1]


def test_utilisation_is_hours_used_over_the_hours_available_of_the_machines_used(park: Network):
    lathe, other = park.lathes[0], park.lathes[1]
    park.use(lathe, at(3, 2), 40)
    park.use(lathe, at(3, 20), 20)
    park.use(other, at(3, 5), 10)
    MachineEconomics.objects.create(machine=other, hours_available_per_year=3650)
    figure = network.utilisation(filters(), min_contributors=1)
    march = month(figure, 3)
    available = 1760 * 31 / 365 + 3650 * 31 / 365
    assert march.hours_used.value == pytest.approx(70)
    assert march.hours_available.value == pytest.approx(available)
    assert march.utilisation.value == pytest.approx(70 / available)
    # A machine used in the period counts every month of it: April is 0 %, not unknown.
    assert month(figure, 4).utilisation.value == 0
    assert month(figure, 4).hours_available.value == pytest.approx((1760 + 3650) * 30 / 365)
    assert figure.total.value == pytest.approx(70 / (1760 + 3650))
    assert (figure.coverage.known, figure.coverage.total) == (2, 4)
    assert [f.key for f in figure.factors] == ["hours_available_per_year"]


def test_a_month_cut_by_the_period_counts_only_its_days(park: Network):
    park.use(park.lathes[0], at(3, 20), 10)
    figure = network.utilisation(
        network_filters(start=dt.date(YEAR, 3, 16), end=dt.date(YEAR, 4, 30)), min_contributors=1
    )
    assert [row.month for row in figure.months] == [dt.date(YEAR, 3, 1), dt.date(YEAR, 4, 1)]
    assert figure.months[0].hours_available.value == pytest.approx(1760 * 16 / 365)


def test_hours_shared_count_bookings_between_organisations_only(park: Network):
    lathe = park.lathes[0]
    booker, host = park.bookers[0], park.hosts[0]
    park.book(lathe, booker, at(5, 2), 4, told=3.5)
    park.book(lathe, booker, at(5, 3), 6)  # no hours told: the booked length counts
    park.book(lathe, host, at(5, 4), 8, told=8)  # the host's own booking
    park.book(lathe, booker, at(5, 5), 5, state="cancelled")
    outsider = park.book(lathe, booker, at(5, 6), 7, told=7)
    outsider.booker_organisation = None
    outsider.save()
    figure = network_sharing.hours_shared(filters(), min_contributors=1)
    assert month(figure, 5).hours.value == pytest.approx(9.5)
    assert month(figure, 5).bookings.value == 2
    assert month(figure, 4).hours.value == 0
    assert figure.total.value == pytest.approx(9.5)
    assert (figure.coverage.known, figure.coverage.total) == (1, 2)


def test_bookings_are_dated_by_their_start_in_the_territory_s_time_zone(park: Network):
    # 31 May 23:30 in Paris is 21:30 UTC: a May booking, not June's.
    park.book(park.lathes[0], park.bookers[0], at(5, 31, 23), 2, told=2)
    figure = network_sharing.hours_shared(filters(), min_contributors=1)
    assert month(figure, 5).hours.value == pytest.approx(2)
    assert month(figure, 6).hours.value == 0


def test_department_and_process_narrow_to_the_machines_there(park: Network):
    lyon_lathe = park.lathes[2]
    park.book(park.lathes[0], park.bookers[0], at(6), 3, told=3)
    park.book(lyon_lathe, park.bookers[0], at(6), 5, told=5)
    park.book(park.laser, park.bookers[1], at(6), 2, told=2)
    totals = {
        key: network_sharing.hours_shared(question, min_contributors=1).total.value
        for key, question in {
            "all": filters(),
            "13": filters(department="13"),
            "69": filters(department="69"),
            "machining": filters(process="3.2"),
            "turning 13": filters(process="3.2.1", department="13"),
            "cutting": filters(process="3.4"),
        }.items()
    }
    assert totals == {
        "all": 10,
        "13": 5,
        "69": 5,
        "machining": 8,
        "turning 13": 3,
        "cutting": 2,
    }
    count = network.network_figures(filters(process="3.2"), min_contributors=1).machines
    assert count == 3


def test_an_organisation_s_figures_are_its_own_bookings_and_machines(park: Network):
    host = park.hosts[0]
    park.book(park.lathes[0], park.bookers[0], at(7), 3, told=3)
    park.book(park.lathes[1], park.bookers[1], at(7), 4, told=4)
    park.use(park.lathes[0], at(7), 3)
    park.use(park.lathes[1], at(7), 4)
    mine = network_filters(**YEAR_2025, organisation=host)
    assert network_sharing.hours_shared(mine, min_contributors=1).total.value == 3
    figure = network.utilisation(mine, min_contributors=1)
    assert figure.hours_used == 3 and figure.coverage.total == 2  # its lathe and its laser


def test_pending_organisations_machines_stay_out_of_the_public_network(park: Network):
    park.hosts[1].status = "pending"
    park.hosts[1].save()
    park.use(park.lathes[1], at(3), 10)
    figure = network.utilisation(filters(), min_contributors=1)
    assert figure.coverage.total == 3 and figure.hours_used == 0


def test_a_booker_above_the_threshold_owning_none_avoided_one_purchase(park: Network):
    booker = park.bookers[0]
    MachineEconomics.objects.create(machine=park.lathes[0], price_cents=80_000_00)
    MachineImpact.objects.create(machine=park.lathes[0], embodied_kgco2e=6000)
    for day in (3, 10, 17):
        park.book(park.lathes[0], booker, at(4, day), 40, told=40, cents=30_000)
    park.book(park.lathes[1], booker, at(5), 30, told=30, cents=20_000)
    park.book(park.lathes[0], park.bookers[1], at(4, 4), 60, told=60)  # under 100 h
    figure = network_sharing.avoided_purchases(filters(), min_contributors=1)
    assert figure.purchases.value == 1
    # One purchase, priced at the mean of the two lathes that served it (one has no price).
    assert figure.capex_eur.value == pytest.approx((80_000 + 50_000) / 2)
    assert figure.embodied_kgco2e.value == pytest.approx((6000 + 10_000) / 2)
    assert figure.fees_eur.value == pytest.approx(1100)
    assert figure.net_eur.value == pytest.approx(65_000 - 1100)
    assert (figure.price_coverage.known, figure.price_coverage.total) == (1, 2)
    assert (figure.carbon_coverage.known, figure.carbon_coverage.total) == (1, 2)
    keys = {factor.key for factor in figure.factors}
    assert {"purchase_threshold_hours", "machine_price", "machine_embodied_kgco2e"} <= keys


def test_owning_a_machine_of_the_process_means_no_purchase_was_avoided(park: Network):
    booker = park.bookers[0]
    for day in (3, 10, 17):
        park.book(park.lathes[0], booker, at(4, day), 40, told=40)
    own = Machine.objects.create(
        organisation=booker, site=booker.sites.get(), name="Vieux tour", status="operational"
    )
    own.processes.add(Process.objects.get(code="3.2.1"))
    assert network_sharing.avoided_purchases(filters(), min_contributors=1).purchases.value == 0
    own.status = MachineStatus.RETIRED
    own.save()
    assert network_sharing.avoided_purchases(filters(), min_contributors=1).purchases.value == 1


def test_the_threshold_counts_within_one_calendar_year(park: Network):
    booker = park.bookers[0]
    park.book(park.lathes[0], booker, at(11, 1), 60, told=60)
    park.book(park.lathes[0], booker, at(2, 1, year=YEAR + 1), 60, told=60)
    two_years = network_filters(start=dt.date(YEAR, 1, 1), end=dt.date(YEAR + 1, 12, 31))
    assert network_sharing.avoided_purchases(two_years, min_contributors=1).purchases.value == 0


def test_a_machine_of_two_processes_avoids_one_purchase_not_two(park: Network):
    park.laser.processes.add(Process.objects.get(code="3.4.1.3"))
    booker = park.bookers[0]
    park.book(park.laser, booker, at(4), 120, told=120)
    figure = network_sharing.avoided_purchases(filters(), min_contributors=1)
    assert figure.purchases.value == 1


def test_an_override_of_the_threshold_is_used_and_named(park: Network, coordinator):
    park.book(park.lathes[0], park.bookers[0], at(4), 60, told=60)
    assert network_sharing.avoided_purchases(filters(), min_contributors=1).purchases.value == 0
    FactorOverride.objects.create(
        key="purchase_threshold_hours",
        version=1,
        value=50,
        unit="h/year",
        source="Territory's survey",
        year=2026,
        created_by=coordinator,
    )
    figure = network_sharing.avoided_purchases(filters(), min_contributors=1)
    assert figure.purchases.value == 1
    used = {factor.key: factor for factor in figure.factors}
    assert used["purchase_threshold_hours"].version == 1
    assert used["purchase_threshold_hours"].status == "override"


def test_transport_of_allocated_jobs_against_the_counterfactual_round_trip(park: Network):
    lathe = park.lathes[0]
    site = lathe.site
    park.need(
        park.bookers[0], when=at(3), machine=lathe, lat=site.latitude + 0.1, lon=site.longitude
    )
    park.need(park.bookers[1], when=at(3), status=NeedStatus.BOOKED, max_km=30)
    park.need(park.bookers[2], when=at(3), status=NeedStatus.UNMET)
    transport, _local = network_needs.transport_and_local(filters(), min_contributors=1)
    straight = haversine_km(site.latitude + 0.1, site.longitude, site.latitude, site.longitude)
    actual = (straight * 1.3 + 30 * 1.3) * 0.25 * 2
    assert transport.jobs.value == 2
    assert transport.actual_kgco2e.value == pytest.approx(actual, rel=1e-6)
    assert transport.counterfactual_kgco2e.value == pytest.approx(2 * 120 * 0.25 * 2)
    assert transport.avoided_kgco2e.value == pytest.approx(120 - actual, rel=1e-6)
    assert (transport.coverage.known, transport.coverage.total) == (1, 2)


def test_local_production_shares_of_the_needs(park: Network):
    lathe = park.lathes[0]
    park.need(park.bookers[0], when=at(3), machine=lathe)  # allocated, next door
    park.need(park.bookers[0], when=at(3), max_km=30)  # matched within 30 km
    park.need(park.bookers[1], when=at(3), max_km=120)  # matched, distance unknown
    park.need(park.bookers[2], when=at(3), status=NeedStatus.UNMET)
    park.need(park.bookers[2], when=at(1, year=YEAR - 1), max_km=10)  # another year
    _transport, local = network_needs.transport_and_local(filters(), min_contributors=1)
    assert local.needs.value == 4
    assert local.answered_share.value == pytest.approx(3 / 4)
    assert local.local_share.value == pytest.approx(2 / 4)
    assert (local.coverage.known, local.coverage.total) == (2, 3)
    assert local.radius_km == 50


def test_circularity_histogram_bins_mean_and_coverage(park: Network):
    for machine, mci in zip([*park.lathes, park.laser], [0.05, 0.55, 0.58, None], strict=True):
        MachineImpact.objects.create(machine=machine, mci=mci)
    figure = network.circularity(filters(), min_contributors=1)
    counts = [row.machines.value for row in figure.bins]
    assert counts == [1, 0, 0, 0, 0, 2, 0, 0, 0, 0]
    assert figure.mean.value == pytest.approx((0.05 + 0.55 + 0.58) / 3)
    assert (figure.coverage.known, figure.coverage.total) == (3, 4)


def test_an_mci_of_one_falls_in_the_last_bin(park: Network):
    MachineImpact.objects.create(machine=park.lathes[0], mci=1.0)
    figure = network.circularity(filters(), min_contributors=1)
    assert figure.bins[-1].machines.value == 1


def test_every_figure_names_the_factor_versions_it_used(park: Network):
    figures = network.network_figures(filters(), min_contributors=1)
    keys = [factor.key for factor in figures.factors()]
    assert keys == sorted(keys)
    assert {
        "hours_available_per_year",
        "purchase_threshold_hours",
        "counterfactual_km",
        "transport_kgco2e_per_km",
        "local_radius_km",
    } <= set(keys)
    assert all(factor.version == 0 for factor in figures.factors())


@pytest.mark.parametrize(
    ("question", "field"),
    [
        ({"department": "999"}, "department"),
        ({"process": "9.9.9"}, "process"),
        ({"start": dt.date(1999, 1, 1)}, "from"),
        ({"end": dt.date(9999, 1, 1)}, "to"),
        ({"start": dt.date(YEAR, 5, 1), "end": dt.date(YEAR, 4, 1)}, "to"),
        ({"start": dt.date(2010, 1, 1), "end": dt.date(2025, 1, 1)}, "to"),
    ],
)
def test_questions_that_cannot_be_answered_name_their_field(park: Network, question, field):
    with pytest.raises(ValidationError) as caught:
        network_filters(**question)
    assert field in caught.value.message_dict


def test_the_default_period_is_the_last_twelve_complete_months():
    question = network_filters(today=dt.date(2026, 2, 14))
    assert (question.start, question.end) == (dt.date(2025, 2, 1), dt.date(2026, 1, 31))
    assert len(question.months()) == 12
    january = network_filters(today=dt.date(2026, 1, 1))
    assert (january.start, january.end) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    to_a_day = network_filters(end=dt.date(2026, 2, 14))
    assert (to_a_day.start, to_a_day.end) == (dt.date(2025, 3, 1), dt.date(2026, 2, 14))
