"""An organisation's impact page: fleet figures with their coverage, use and sharing, its
own bookings and amounts to its members only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from maillage.equipment import actions as equipment_actions
from maillage.impact import circularity
from maillage.impact.actions.composition import MaterialInput, save_composition
from maillage.impact.actions.repairability import AssessmentInput, record_assessment
from maillage.impact.models import MachineImpact
from maillage.impact.queries.organisations import fleet, organisation_impact
from maillage.sharing.models import Booking, BookingState

pytestmark = pytest.mark.django_db

SCORES = dict.fromkeys(
    ("documentation", "disassembly", "spare_parts", "parts_price", "specific"), 10
)
EVIDENCE = dict.fromkeys(SCORES, "Checked by our technician.")


@pytest.fixture
def fleet_world(impact_world):
    w = impact_world
    press = equipment_actions.create_machine(
        w.admin, w.owner, equipment_actions.MachineInput(name="Presse", process_codes=["3.2.1"])
    )
    equipment_actions.create_machine(
        w.admin, w.owner, equipment_actions.MachineInput(name="Scie", process_codes=["3.2.1"])
    )
    save_composition(w.admin, w.lathe, [MaterialInput("steel", 8000, recycled_collection=0.95)])
    save_composition(w.admin, press, [MaterialInput("aluminium", 2000)])
    record_assessment(w.admin, w.lathe, AssessmentInput(SCORES, EVIDENCE))
    w.booked("12")  # the neighbour on the lathe: hours given
    theirs = equipment_actions.create_machine(
        w.neighbour_member,
        w.neighbour,
        equipment_actions.MachineInput(name="Laser voisin", process_codes=["3.2.1"]),
    )
    end = timezone.now() - dt.timedelta(days=3)
    Booking.objects.create(  # the owner on the neighbour's laser: hours received, private
        machine=theirs,
        booker=w.member,
        booker_organisation=w.owner,
        host_organisation=w.neighbour,
        start=end - dt.timedelta(hours=3),
        end=end,
        blocked_until=end,
        state=BookingState.COMPLETED,
        tier="member",
        hours_used=Decimal("3"),
        final_cents=9_000,
        completed_at=end,
    )
    return w, press


def test_the_fleet_mci_is_the_mass_weighted_mean_with_its_coverage(fleet_world):
    w, press = fleet_world
    figures = fleet(w.owner)
    lathe, pressed = (
        MachineImpact.objects.get(machine=w.lathe),
        MachineImpact.objects.get(machine=press),
    )
    assert figures.mci == pytest.approx(
        circularity.fleet_mci([(8000, lathe.mci), (2000, pressed.mci)])
    )
    assert (figures.machines, figures.mci_known, figures.repairability_known) == (3, 2, 1)
    assert figures.repairability == pytest.approx(5.0)


def test_members_read_its_own_bookings_and_amounts(fleet_world):
    w, _press = fleet_world
    mine = organisation_impact(w.owner, w.member)
    assert mine.use.hours_given == 12 and mine.use.organisations_served == 1
    assert mine.use.hours_received == 3 and mine.use.paid_cents == 9_000
    assert mine.use.invoiced_cents == 12 * 4000
    theirs = organisation_impact(w.owner, w.neighbour_member)
    assert theirs.use.hours_given == 12
    assert theirs.use.hours_received is None and theirs.use.paid_cents is None


def test_the_page_shows_coverage_and_hides_private_figures(client, fleet_world):
    w, _press = fleet_world
    url = f"/o/{w.owner.slug}/impact/"
    html = client.get(url).content.decode()
    assert "known for 2 machines of 3" in html and "known for 1 machine of 3" in html
    assert 'id="figure-given"' in html
    assert 'id="figure-received"' not in html and 'id="figure-amounts"' not in html
    assert "€" not in html and 'id="reports"' not in html
    client.force_login(w.member)
    html = client.get(url).content.decode()
    assert 'id="figure-received"' in html and "€90" in html
    assert f'href="/o/{w.owner.slug}/impact/report/{timezone.localdate().year}.pdf"' in html


def test_the_organisation_page_links_to_its_impact(client, fleet_world):
    w, _press = fleet_world
    html = client.get(f"/o/{w.owner.slug}/").content.decode()
    assert 'id="impact-summary"' in html and "known for 2 machines of 3" in html
    assert f'href="/o/{w.owner.slug}/impact/"' in html


def test_a_pending_organisation_s_impact_is_not_found_by_outsiders(client, impact_world):
    w = impact_world
    assert client.get(f"/o/{w.pending.slug}/impact/").status_code == 404
    client.force_login(w.pending_member)
    assert client.get(f"/o/{w.pending.slug}/impact/").status_code == 200


def test_the_page_sums_in_sql_whatever_the_number_of_machines(client, fleet_world):
    w, _press = fleet_world
    client.force_login(w.member)
    url = f"/o/{w.owner.slug}/impact/"
    client.get(url)  # sessions and caches warm
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(5):
        machine = equipment_actions.create_machine(
            w.admin,
            w.owner,
            equipment_actions.MachineInput(name=f"Tour {number}", process_codes=["3.2.1"]),
        )
        save_composition(w.admin, machine, [MaterialInput("steel", 100 + number)])
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
