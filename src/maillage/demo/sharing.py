"""Demo sharing data: offers, opening hours, trainings, qualifications and a month of bookings."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from maillage.directory.models import Membership, Organisation, OrganisationKind, User
from maillage.equipment.models import MachineStatus
from maillage.qualifications import actions as qualification_actions
from maillage.sharing.actions import bookings, usage
from maillage.sharing.actions import hours as opening_hours
from maillage.sharing.actions import offers as offer_actions
from maillage.sharing.availability import PARIS
from maillage.sharing.models import Audience, Billing, Booking, Mode, Offer

SHARING_KINDS = {
    OrganisationKind.FABLAB,
    OrganisationKind.COLLECTIVE_WORKSHOP,
    OrganisationKind.SME,
    OrganisationKind.TECHNICAL_CENTRE,
    OrganisationKind.COOPERATION_NETWORK,
}
WEEKDAYS = [opening_hours.WindowInput(d, dt.time(8, 30), dt.time(18, 0)) for d in range(5)]
# Processes people ask for most: their machines are offered first, so that a need near
# Marseille finds several hosts to compare.
COMMON_PROCESSES = {"3.4.1.1", "3.4.1.3", "AM.3", "3.2.2", "4.6.2.1.3", "WOOD.3.1"}
HOST_SLUG = "demo-001"  # the organisation admin-atelier runs


def load_sharing_demo(seed: int = 2026) -> int:
    """Offer about half the demo machines; skip everything if the demo offers already exist."""
    if Offer.objects.filter(machine__source="demo").exists():
        return 0
    rng = random.Random(seed)
    coordinator = User.objects.get(username="coordination")
    member = User.objects.get(username="membre-atelier")
    offers = 0
    trainings = []
    for organisation in Organisation.objects.filter(
        slug__startswith="demo-", status="validated"
    ).order_by("slug"):
        if organisation.kind not in SHARING_KINDS:
            continue
        machines = list(
            organisation.machines.filter(status=MachineStatus.OPERATIONAL)
            .prefetch_related("processes")
            .order_by("pk")
        )
        if not machines:
            continue
        machines.sort(key=lambda m: not any(p.code in COMMON_PROCESSES for p in m.processes.all()))
        for site in organisation.sites.all():
            opening_hours.set_opening_windows(coordinator, WEEKDAYS, site=site)
        for machine in machines[: max(1, len(machines) // 2)]:
            mode = rng.choice([Mode.SELF_SERVICE, Mode.ON_REQUEST, Mode.WITH_OPERATOR])
            member_rate = rng.choice([0, 800, 1200, 1500, 2000, 3500])
            offer_input = offer_actions.OfferInput(
                audience=rng.choice([Audience.NETWORK, Audience.NETWORK, Audience.REGISTERED]),
                mode=mode,
                billing=rng.choice([Billing.BOOKED, Billing.USED]),
                price_own_cents=member_rate // 2,
                price_member_cents=member_rate,
                price_outsider_cents=int(member_rate * 1.5) + 500,
                fixed_fee_cents=rng.choice([0, 0, 500, 1000]),
                min_minutes=60,
                max_minutes=480,
                buffer_minutes=rng.choice([0, 15, 30]),
                min_notice_minutes=rng.choice([0, 60, 24 * 60]),
                horizon_days=60,
                safety_notes="Équipements de protection obligatoires. Démonstration."
                if mode != Mode.WITH_OPERATOR
                else "",
            )
            offer = offer_actions.save_offer(coordinator, machine, offer_input)
            if mode != Mode.WITH_OPERATOR and rng.random() < 0.4:
                training = qualification_actions.create_training(
                    coordinator,
                    organisation,
                    f"Prise en main : {machine.name}",
                    machine=machine,
                    validity_months=24,
                    idle_lapse_months=12,
                )
                offer.required_trainings.add(training)
                trainings.append(training)
            offers += 1
    # The demo member is qualified for a few machines and has used them last month.
    for training in trainings[:4]:
        qualification_actions.grant_qualification(
            coordinator, member, training, timezone.now() - dt.timedelta(days=60)
        )
    _past_bookings(member, rng)
    _host_activity(rng)
    return offers


def _host_activity(rng: random.Random) -> None:
    """admin-atelier's organisation gets requests to decide, bookings to come and a problem."""
    host = Organisation.objects.get(slug=HOST_SLUG)
    admin = User.objects.get(username="admin-atelier")
    client, _ = User.objects.get_or_create(
        username="client-demo",
        defaults={"first_name": "Lou", "email": "client-demo@demo.maillage.invalid"},
    )
    client_org = (
        Organisation.objects.filter(slug__startswith="demo-", status="validated")
        .exclude(slug=HOST_SLUG)
        .order_by("slug")
        .first()
    )
    Membership.objects.get_or_create(user=client, organisation=client_org)
    visitor = User.objects.get(username="visiteur")
    machines = list(host.machines.filter(status=MachineStatus.OPERATIONAL).order_by("pk")[:3])
    coordinator = User.objects.get(username="coordination")
    for machine, mode in zip(
        machines, [Mode.SELF_SERVICE, Mode.ON_REQUEST, Mode.ON_REQUEST], strict=False
    ):
        offer = offer_actions.save_offer(
            coordinator,
            machine,
            offer_actions.OfferInput(
                audience=Audience.REGISTERED,
                mode=mode,
                billing=Billing.BOOKED,
                price_own_cents=1000,
                price_member_cents=2000,
                price_outsider_cents=3000,
                fixed_fee_cents=500,
                min_minutes=60,
                max_minutes=480,
                buffer_minutes=0,
                min_notice_minutes=0,
                horizon_days=60,
                safety_notes="Équipements de protection obligatoires. Démonstration.",
            ),
        )
        offer.required_trainings.clear()
    now = timezone.now()
    today = now.astimezone(PARIS).date()

    def slot(days: int, hour: int, hours: int = 2) -> tuple[dt.datetime, dt.datetime]:
        day = today + dt.timedelta(days=days)
        while day.weekday() > 4:
            day += dt.timedelta(days=1) if days >= 0 else -dt.timedelta(days=1)
        start = dt.datetime.combine(day, dt.time(hour, 0), tzinfo=PARIS)
        return start, start + dt.timedelta(hours=hours)

    def book(who: User, machine: Any, days: int, hour: int, when: dt.datetime) -> Booking:
        start, end = slot(days, hour)
        return bookings.request_booking(
            who,
            machine,
            start,
            end,
            booker_organisation=client_org if who == client else None,
            safety_acknowledged=True,
            note="Démonstration",
            now=when,
        )

    self_service, on_request = machines[0], machines[1:]
    # Bookings to come: one confirmed at once, one approved by the host.
    book(client, self_service, 2, 9, now)
    approved = book(visitor, on_request[0], 3, 14, now)
    bookings.decide_booking(admin, approved, approve=True)
    # Requests waiting for the host's decision.
    book(client, on_request[0], 5, 9, now)
    book(visitor, on_request[-1], 6, 10 + rng.randint(0, 3), now)
    # Last week's session, finished with a problem report.
    start, end = slot(-6, 9)
    done = book(client, self_service, -6, 9, start - dt.timedelta(days=2))
    usage.check_in(client, done, now=start)
    usage.check_out(
        client,
        done,
        usage.UsageInput(
            hours_used=Decimal("2"),
            problem_report="La buse était encrassée : soudure irrégulière en fin de séance.",
        ),
        now=end,
    )


def _past_bookings(member: User, rng: random.Random) -> None:
    """Completed bookings last month and this month, so that statements have content."""
    today = timezone.now().astimezone(PARIS).date()
    for offer in (
        Offer.objects.filter(machine__source="demo", mode__in=[Mode.SELF_SERVICE, Mode.ON_REQUEST])
        .exclude(machine__organisation__slug="demo-001")
        .select_related("machine")[:6]
    ):
        if (
            offer.required_trainings.exists()
            and not member.qualifications.filter(
                training__in=offer.required_trainings.all()
            ).exists()
        ):
            continue
        day = today - dt.timedelta(days=rng.randint(3, 40))
        while day.weekday() > 4:
            day -= dt.timedelta(days=1)
        start = dt.datetime.combine(day, dt.time(9 + rng.randint(0, 4), 0), tzinfo=PARIS)
        end = start + dt.timedelta(hours=rng.randint(1, 3))
        if Booking.objects.filter(machine=offer.machine, start=start).exists():
            continue
        booking = bookings.request_booking(
            member,
            offer.machine,
            start,
            end,
            safety_acknowledged=True,
            note="Démonstration",
            now=start - dt.timedelta(days=2),
        )
        if offer.mode == Mode.ON_REQUEST:
            host_admin = User.objects.get(username="coordination")
            bookings.decide_booking(host_admin, booking, approve=True)
            booking.refresh_from_db()
        usage.check_in(member, booking, now=start)
        hours = Decimal((end - start).total_seconds() / 3600).quantize(Decimal("0.25"))
        usage.check_out(member, booking, usage.UsageInput(hours_used=hours), now=end)
