"""k-anonymity: no cell of the public figures is made by fewer than IMPACT_MIN_CONTRIBUTORS
organisations, and no total gives a hidden cell away."""

from __future__ import annotations

import datetime as dt

import pytest

from maillage.impact import disclosure
from maillage.impact.models import MachineImpact
from maillage.impact.queries import network, network_needs, network_sharing
from maillage.impact.queries.network_scope import network_filters
from maillage.impact.tests.network_world import YEAR, Network, at

pytestmark = pytest.mark.django_db

QUESTION = {"start": dt.date(YEAR, 1, 1), "end": dt.date(YEAR, 12, 31)}


def year():
    return network_filters(**QUESTION)


def test_judge_hides_under_the_threshold_and_says_why():
    assert disclosure.judge(12.0, 2, 3, additive=True) == disclosure.Cell(
        None, "too_few_contributors"
    )
    assert disclosure.judge(12.0, 3, 3, additive=True) == disclosure.Cell(12.0)
    assert disclosure.judge(0.0, 0, 3, additive=True) == disclosure.Cell(0.0)
    assert disclosure.judge(None, 0, 3, additive=False) == disclosure.Cell(None, "no_data")
    with pytest.raises(ValueError):
        disclosure.judge(1.0, 5, 0, additive=True)


def test_a_month_shared_by_two_pairs_is_hidden_and_by_three_shown(park: Network):
    # April: two hosts and two bookers. May: three of each.
    for host_lathe, booker in zip(park.lathes[:2], park.bookers[:2], strict=True):
        park.book(host_lathe, booker, at(4), 5, told=5)
    for host_lathe, booker in zip(park.lathes, park.bookers, strict=True):
        park.book(host_lathe, booker, at(5), 7, told=7)
    figure = network_sharing.hours_shared(year())
    april, may = figure.months[3], figure.months[4]
    assert april.hours == disclosure.Cell(None, "too_few_contributors")
    assert april.bookings.value is None
    assert may.hours == disclosure.Cell(21.0)
    # The total is the months shown: April cannot be read back as total minus the others.
    assert figure.total.value == 21.0
    assert figure.hidden == 1
    assert (figure.coverage.known, figure.coverage.total) == (3, 3)


def test_three_hosts_serving_one_booker_are_still_one_booker_s_figure(park: Network):
    for lathe in park.lathes:
        park.book(lathe, park.bookers[0], at(6), 4, told=4)
    june = network_sharing.hours_shared(year()).months[5]
    assert june.hours.hidden


def test_the_threshold_is_a_setting(park: Network, settings):
    for host_lathe, booker in zip(park.lathes[:2], park.bookers[:2], strict=True):
        park.book(host_lathe, booker, at(4), 5, told=5)
    settings.IMPACT_MIN_CONTRIBUTORS = 2
    assert network_sharing.hours_shared(year()).months[3].hours.value == 10
    settings.IMPACT_MIN_CONTRIBUTORS = 4
    assert network_sharing.hours_shared(year()).months[3].hours.hidden


def test_utilisation_of_two_owners_is_hidden_and_of_three_shown(park: Network):
    park.use(park.lathes[0], at(3), 10)
    park.use(park.lathes[1], at(3), 10)
    figure = network.utilisation(year())
    assert figure.months[2].utilisation.hidden and figure.total.hidden
    assert figure.months[2].hours_used.value is None
    park.use(park.lathes[2], at(3), 10)
    figure = network.utilisation(year())
    assert figure.months[2].hours_used.value == 30
    assert figure.total.shown


def test_a_circularity_bin_of_two_owners_is_hidden(park: Network):
    MachineImpact.objects.create(machine=park.lathes[0], mci=0.15)
    MachineImpact.objects.create(machine=park.laser, mci=0.18)  # same owner as lathe 0
    MachineImpact.objects.create(machine=park.lathes[1], mci=0.12)
    MachineImpact.objects.create(machine=park.lathes[2], mci=0.95)
    figure = network.circularity(year())
    assert figure.bins[1].machines.hidden  # 3 machines but 2 owners
    assert figure.bins[9].machines.hidden  # 1 owner
    assert figure.bins[0].machines.value == 0  # empty: nobody's figure
    assert figure.mean.value == pytest.approx((0.15 + 0.18 + 0.12 + 0.95) / 4)


def test_avoided_purchases_need_three_organisations_and_three_hosts(park: Network):
    for booker in park.bookers:
        for day in (3, 10, 17):
            park.book(park.lathes[0], booker, at(4, day), 40, told=40, cents=10_000)
    hidden = network_sharing.avoided_purchases(year())
    assert hidden.purchases.hidden and hidden.capex_eur.value is None and hidden.net_eur.hidden
    assert hidden.price_coverage.total == 0  # not even how many machines served
    for booker in park.bookers:
        park.book(park.lathes[1], booker, at(5), 2, told=2)
        park.book(park.lathes[2], booker, at(5), 2, told=2)
    shown = network_sharing.avoided_purchases(year())
    assert shown.purchases.value == 3


def test_transport_and_local_production_need_three_requesters(park: Network):
    park.need(park.bookers[0], when=at(3), machine=park.lathes[0])
    park.need(park.bookers[1], when=at(3), machine=park.lathes[1])
    transport, local = network_needs.transport_and_local(year())
    assert transport.avoided_kgco2e.hidden and local.local_share.hidden
    lyon = park.lathes[2].site
    person = park.people[park.hosts[0].pk]  # needs without an organisation count per person
    park.need(
        None,
        when=at(3),
        machine=park.lathes[2],
        lat=lyon.latitude,
        lon=lyon.longitude,
        requester=person,
    )
    transport, local = network_needs.transport_and_local(year())
    assert transport.jobs.value == 3 and local.local_share.value == 1.0


def test_an_organisation_s_own_figures_take_their_own_threshold(park: Network):
    park.book(park.lathes[0], park.bookers[0], at(4), 5, told=5)
    mine = network_filters(**QUESTION, organisation=park.hosts[0])
    assert network_sharing.hours_shared(mine).months[3].hours.hidden
    assert network_sharing.hours_shared(mine, min_contributors=1).months[3].hours.value == 5
