"""Monthly statements: the plain-Python netting, then the page, its CSV and its printable form."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.equipment.actions import MachineInput, create_machine
from maillage.sharing.actions import bookings as booking_actions
from maillage.sharing.actions import offers as offer_actions
from maillage.sharing.actions import usage as usage_actions
from maillage.sharing.models import Audience, BookingState, Mode
from maillage.sharing.queries.statements import Month, person_key
from maillage.sharing.statements import Line, balance, net_debts, pair_totals

PARIS = timezone.get_default_timezone()


def paris(*args):
    return dt.datetime(*args, tzinfo=PARIS)


# --- the plain-Python core -------------------------------------------------------------


def _line(booking_id, host, user, cents, hours="1"):
    return Line(booking_id, host, user, Decimal(hours), cents)


def test_pair_totals_add_up_each_host_user_pair_sorted():
    totals = pair_totals(
        [
            _line(1, 2, 1, 1000, "1.5"),
            _line(2, 1, 2, 300),
            _line(3, 2, 1, 500, "0.25"),
            _line(4, 1, 3, 700),
        ]
    )
    assert [(t.host_org_id, t.user_org_id) for t in totals] == [(1, 2), (1, 3), (2, 1)]
    host2 = totals[2]
    assert (host2.hours, host2.amount_cents, host2.booking_ids) == (Decimal("1.75"), 1500, [1, 3])


def test_pair_totals_of_nothing_is_empty():
    assert pair_totals([]) == []


def test_net_debts_offset_what_two_organisations_owe_each_other():
    lines = [_line(1, 1, 2, 4500), _line(2, 2, 1, 3000), _line(3, 1, 2, 2500)]
    # 2 owes 1: 45 + 25 = 70 €; 1 owes 2: 30 €; net: 2 owes 1 40 €.
    assert net_debts(lines) == {(2, 1): 4000}


def test_equal_debts_cancel_out():
    assert net_debts([_line(1, 1, 2, 1000), _line(2, 2, 1, 1000)]) == {}


def test_use_within_an_organisation_owes_nothing():
    assert net_debts([_line(1, 1, 1, 9999)]) == {}
    assert balance([_line(1, 1, 1, 9999)]) == {}


def test_netting_is_pairwise_not_along_chains():
    # 1 owes 2, 2 owes 3: nobody pays on somebody else's behalf.
    lines = [_line(1, 2, 1, 1000), _line(2, 3, 2, 1000)]
    assert net_debts(lines) == {(1, 2): 1000, (2, 3): 1000}
    assert balance(lines) == {1: -1000, 2: 0, 3: 1000}


def test_balances_sum_to_zero():
    lines = [
        _line(1, 1, 2, 4500),
        _line(2, 2, 1, 3000),
        _line(3, 3, 1, 1200),
        _line(4, 1, -7, 4500),  # a person, in their own name (negative key)
        _line(5, 2, 2, 800),
    ]
    result = balance(lines)
    assert sum(result.values()) == 0
    # 2 owes 1 45 − 30 = 15 €; 1 owes 3 12 €; the person owes 1 45 €.
    assert result == {1: 1500 - 1200 + 4500, 2: -1500, 3: 1200, -7: -4500}


def test_month_arithmetic_and_parsing():
    assert Month.parse("2026-01").previous() == Month(2025, 12)
    assert Month.parse("2026-12").next() == Month(2027, 1)
    assert Month(2026, 3).start == paris(2026, 3, 1)
    # Paris is UTC+1 in winter, UTC+2 from 29 March 2026: March is 31 days minus one hour.
    start, end = (m.astimezone(dt.UTC) for m in (Month(2026, 3).start, Month(2026, 3).end))
    assert (start, end) == (
        dt.datetime(2026, 2, 28, 23, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 31, 22, tzinfo=dt.UTC),
    )
    assert end - start == dt.timedelta(days=31, hours=-1)
    from django.utils import translation

    for bad in ("2026-13", "2026-1", "26-01", "janvier", ""):
        with translation.override("en"), pytest.raises(Exception, match="YYYY-MM"):
            Month.parse(bad)


# --- the pages --------------------------------------------------------------------------

pytest_db = pytest.mark.django_db


@pytest.fixture
def alice(make_user):
    return make_user("alice", first_name="Alice", last_name="Martin")


@pytest.fixture
def bob(make_user):
    return make_user("bob", first_name="Bob", last_name="Durand")


@pytest.fixture
def carol(make_user):
    return make_user("carol", first_name="Carol", last_name="Petit")


@pytest.fixture
def workshop(make_organisation, alice):
    return make_organisation("Atelier Alice", admin=alice)


@pytest.fixture
def fablab(make_organisation, bob):
    return make_organisation("Fablab Bob", admin=bob)


@pytest.fixture
def laser(alice, workshop):
    machine = create_machine(
        alice, workshop, MachineInput(name="Trotec Speedy 400", process_codes=["3.4.1.1"])
    )
    offer_actions.save_offer(
        alice,
        machine,
        offer_actions.OfferInput(
            audience=Audience.REGISTERED,
            mode=Mode.ON_REQUEST,
            price_own_cents=0,
            price_member_cents=2000,
            price_outsider_cents=4000,
            fixed_fee_cents=500,
        ),
    )
    return machine


@pytest.fixture
def router(bob, fablab):
    machine = create_machine(bob, fablab, MachineInput(name="Shaper", process_codes=["3.4.1.1"]))
    offer_actions.save_offer(
        bob, machine, offer_actions.OfferInput(mode=Mode.SELF_SERVICE, price_member_cents=3000)
    )
    return machine


def _completed(booker, machine, start, end, hours, host_admin):
    """A booking taken through every real step: request, approval, check-in, check-out."""
    booking = booking_actions.request_booking(
        booker, machine, start, end, now=start - dt.timedelta(days=1)
    )
    if booking.state == BookingState.REQUESTED:
        booking = booking_actions.decide_booking(host_admin, booking, approve=True)
    booking = usage_actions.check_in(booker, booking, now=start)
    return usage_actions.check_out(
        booker, booking, usage_actions.UsageInput(hours_used=Decimal(hours)), now=end
    )


@pytest.fixture
def february(alice, bob, carol, laser, router):
    """Bookings around February 2026, Paris time, between the workshop, the fablab and Carol."""
    b = {
        # 31 January 22:00–23:00 Paris: January.
        "jan31": _completed(bob, laser, paris(2026, 1, 31, 22), paris(2026, 1, 31, 23), "1", alice),
        # 1 February 00:30 Paris is still 31 January in UTC: February here.
        "feb1": _completed(
            bob, laser, paris(2026, 2, 1, 0, 30), paris(2026, 2, 1, 1, 30), "1", alice
        ),
        "feb3": _completed(bob, laser, paris(2026, 2, 3, 10), paris(2026, 2, 3, 12), "2", alice),
        "feb10": _completed(
            alice, router, paris(2026, 2, 10, 14), paris(2026, 2, 10, 15), "1", bob
        ),
        "carol": _completed(
            carol, laser, paris(2026, 2, 12, 9), paris(2026, 2, 12, 10), "0.75", alice
        ),
        "own": _completed(alice, laser, paris(2026, 2, 15, 9), paris(2026, 2, 15, 10), "1", alice),
        # 1 March 00:30 Paris (28 February in UTC): March.
        "mar1": _completed(
            bob, laser, paris(2026, 3, 1, 0, 30), paris(2026, 3, 1, 1, 30), "1", alice
        ),
    }
    # Confirmed but never checked out: not on any statement.
    b["open"] = booking_actions.request_booking(
        alice, router, paris(2026, 2, 20, 9), paris(2026, 2, 20, 10), now=paris(2026, 2, 19)
    )
    return b


def _statement(client, organisation, month="2026-02"):
    response = client.get(
        reverse("statements:statement", args=[organisation.slug]), {"month": month}
    )
    assert response.status_code == 200
    return response.context["statement"]


def _ids(rows):
    return {r.booking.pk for r in rows}


@pytest_db
def test_the_amounts_follow_the_prices(february):
    assert february["feb3"].amount_cents == 2 * 2000 + 500  # member rate + fixed fee
    assert february["carol"].amount_cents == 4000 + 500  # outsider, billed by booked hour
    assert february["own"].amount_cents == 500  # own rate 0, the fee still applies
    assert february["feb10"].amount_cents == 3000


@pytest_db
def test_the_host_sees_what_each_counterpart_owes_and_the_net(
    client, alice, carol, workshop, fablab, february
):
    client.force_login(alice)
    statement = _statement(client, workshop)
    by_key = {c.key: c for c in statement.counterparts}
    assert set(by_key) == {fablab.pk, person_key(carol.pk)}

    with_fablab = by_key[fablab.pk]
    assert _ids(with_fablab.rows) == {february[k].pk for k in ("feb1", "feb3", "feb10")}
    assert (with_fablab.receivable.hours, with_fablab.receivable.amount_cents) == (Decimal(3), 7000)
    assert (with_fablab.payable.hours, with_fablab.payable.amount_cents) == (Decimal(1), 3000)
    assert with_fablab.net_cents == 4000  # they owe us 70 €, we owe them 30 €

    # Carol booked in her own name: a counterpart of her own, who only owes.
    with_carol = by_key[person_key(carol.pk)]
    assert with_carol.organisation is None and with_carol.person == carol
    assert "Carol Petit" in with_carol.name
    assert with_carol.receivable.hours == Decimal("0.75") and with_carol.payable is None
    assert with_carol.net_cents == 4500

    # Our own use is listed apart and owes nothing.
    assert _ids(statement.internal_rows) == {february["own"].pk}
    assert statement.internal.amount_cents == 500
    assert statement.balance_cents == 4000 + 4500
    assert statement.receivable_cents == 7000 + 4500 and statement.payable_cents == 3000


@pytest_db
def test_the_other_organisation_sees_the_same_bookings_from_its_side(
    client, bob, workshop, fablab, february
):
    client.force_login(bob)
    statement = _statement(client, fablab)
    (with_workshop,) = statement.counterparts
    assert with_workshop.organisation == workshop
    assert _ids(with_workshop.rows) == {february[k].pk for k in ("feb1", "feb3", "feb10")}
    assert with_workshop.net_cents == -4000
    assert statement.balance_cents == -4000
    assert statement.internal is None


@pytest_db
def test_month_boundaries_are_in_paris_time(client, alice, workshop, february):
    client.force_login(alice)
    assert _ids(_statement(client, workshop, "2026-01").rows) == {february["jan31"].pk}
    february_ids = _ids(_statement(client, workshop, "2026-02").rows)
    assert february["feb1"].pk in february_ids
    assert february["jan31"].pk not in february_ids and february["mar1"].pk not in february_ids
    assert february["open"].pk not in february_ids
    assert _ids(_statement(client, workshop, "2026-03").rows) == {february["mar1"].pk}


@pytest_db
def test_a_third_organisation_and_strangers_get_404(
    client, make_user, make_organisation, workshop, february
):
    dave = make_user("dave")
    make_organisation("Tiers lieu", admin=dave)
    urls = [
        reverse("statements:statement", args=[workshop.slug]),
        reverse("statements:statement_csv", args=[workshop.slug]),
        reverse("statements:statement_print", args=[workshop.slug]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # anonymous: to the sign-in page
    for person in (dave, make_user("eve")):
        client.force_login(person)
        for url in urls:
            assert client.get(url, {"month": "2026-02"}).status_code == 404


@pytest_db
def test_coordinators_see_any_statement(client, coordinator, workshop, february):
    client.force_login(coordinator)
    assert _statement(client, workshop).balance_cents == 8500


@pytest_db
def test_the_page_shows_the_counterparts_and_amounts(client, alice, workshop, february):
    client.force_login(alice)
    response = client.get(
        reverse("statements:statement", args=[workshop.slug]), {"month": "2026-02"}
    )
    html = response.content.decode()
    assert "Fablab Bob" in html and "Carol Petit" in html
    assert "85,00 €" in html  # the balance
    assert "40,00 €" in html  # the net with the fablab


@pytest_db
def test_the_current_month_is_the_default(client, alice, workshop):
    client.force_login(alice)
    response = client.get(reverse("statements:statement", args=[workshop.slug]))
    assert response.context["month"] == Month.containing(timezone.now())


@pytest_db
def test_a_bad_month_is_shown_beside_the_field(client, alice, workshop):
    client.force_login(alice)
    response = client.get(
        reverse("statements:statement", args=[workshop.slug]), {"month": "2026-13"}
    )
    assert response.status_code == 200
    assert re.search(r'class="field has-error" id="field-month"', response.content.decode())
    csv_url = reverse("statements:statement_csv", args=[workshop.slug])
    assert client.get(csv_url, {"month": "février"}).status_code == 400


@pytest_db
def test_the_csv_has_one_line_per_booking_with_both_organisations(
    client, alice, workshop, february
):
    client.force_login(alice)
    response = client.get(
        reverse("statements:statement_csv", args=[workshop.slug]), {"month": "2026-02"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="maillage-{workshop.slug}-2026-02.csv"'
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    header, *rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(header) == 16
    assert [int(r[0]) for r in rows] == [
        february[k].pk for k in ("feb1", "feb3", "feb10", "carol", "own")
    ]
    feb3 = rows[1]
    assert feb3[1:4] == ["2026-02-03", "10:00", "12:00"]
    assert feb3[4:8] == ["Trotec Speedy 400", "Atelier Alice", "Fablab Bob", "Bob Durand"]
    assert feb3[11:] == ["2.00", "2.00", "20.00", "5.00", "45.00"]
    carol_row = rows[3]
    assert "Carol Petit" in carol_row[6] and carol_row[12:] == ["0.75", "40.00", "5.00", "45.00"]
    feb1 = rows[0]
    assert feb1[1:3] == ["2026-02-01", "00:30"]


@pytest_db
def test_csv_cells_cannot_run_as_formulas(client, alice, bob, workshop, fablab):
    machine = create_machine(
        alice, workshop, MachineInput(name='=HYPERLINK("x")', process_codes=["3.4.1.1"])
    )
    offer_actions.save_offer(alice, machine, offer_actions.OfferInput(mode=Mode.SELF_SERVICE))
    _completed(bob, machine, paris(2026, 2, 5, 9), paris(2026, 2, 5, 10), "1", alice)
    client.force_login(alice)
    response = client.get(
        reverse("statements:statement_csv", args=[workshop.slug]), {"month": "2026-02"}
    )
    _header, row = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert row[4] == '\'=HYPERLINK("x")'


@pytest_db
def test_the_printable_page_has_the_names_month_and_totals_but_no_navigation(
    client, alice, workshop, february
):
    client.force_login(alice)
    response = client.get(
        reverse("statements:statement_print", args=[workshop.slug]), {"month": "2026-02"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Atelier Alice" in html and "Fablab Bob" in html
    assert "2026" in html and "@media print" in html
    assert "site-header" not in html and "<nav" not in html
    assert "85,00 €" in html
