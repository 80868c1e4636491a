"""Demo sharing data: offers, opening hours, trainings, qualifications and a month of bookings."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from maillage.directory.models import Organisation, OrganisationKind, User
from maillage.equipment.models import MachineStatus
from maillage.sharing import actions
from maillage.sharing.availability import PARIS
from maillage.sharing.models import Audience, Billing, Booking, Mode, Offer

SHARING_KINDS = {
    OrganisationKind.FABLAB,
    OrganisationKind.COLLECTIVE_WORKSHOP,
    OrganisationKind.SME,
    OrganisationKind.TECHNICAL_CENTRE,
    OrganisationKind.COOPERATION_NETWORK,
}
WEEKDAYS = [actions.WindowInput(d, dt.time(8, 30), dt.time(18, 0)) for d in range(5)]


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
            organisation.machines.filter(status=MachineStatus.OPERATIONAL).order_by("pk")
        )
        if not machines:
            continue
        for site in organisation.sites.all():
            actions.set_opening_windows(coordinator, WEEKDAYS, site=site)
        for machine in machines[: max(1, len(machines) // 2)]:
            mode = rng.choice([Mode.SELF_SERVICE, Mode.ON_REQUEST, Mode.WITH_OPERATOR])
            member_rate = rng.choice([0, 800, 1200, 1500, 2000, 3500])
            offer_input = actions.OfferInput(
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
            offer = actions.save_offer(coordinator, machine, offer_input)
            if mode != Mode.WITH_OPERATOR and rng.random() < 0.4:
                training = actions.create_training(
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
        actions.grant_qualification(
            coordinator, member, training, timezone.now() - dt.timedelta(days=60)
        )
    _past_bookings(member, rng)
    return offers


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
        booking = actions.request_booking(
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
            actions.decide_booking(host_admin, booking, approve=True)
            booking.refresh_from_db()
        actions.check_in(member, booking, now=start)
        hours = Decimal((end - start).total_seconds() / 3600).quantize(Decimal("0.25"))
        actions.check_out(member, booking, actions.UsageInput(hours_used=hours), now=end)
