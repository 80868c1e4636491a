"""Demo impact: what owners tell about their machines, a year of sharing, needs, retrofits.

So that every indicator shows real figures for the demo territory:

- most machines get a composition (masses by material, plausible for their kind: a machining
  centre is five tonnes of cast iron and steel, a 3D printer a few kilograms of aluminium and
  electronics), many get their economics (price, life, costs: private to their owner), and a
  good share a repairability assessment with its evidence, in French;
- members of five organisations (the demo member's, the demo client's, and one account made
  here, `membre-demo-NNN`, in each of the next three validated organisations) book other
  organisations' machines for a year and a month: one machine every week, one every fortnight
  (both beyond the threshold of a purchase, 100 h a year), one every six weeks, each booker on
  hosts of its own (seeded by its slug), so that every month of the public dashboard has
  enough bookers and hosts to be shown (k-anonymity: `impact.disclosure`);
- they also searched for machines over the year (needs answered or not: local production) and
  booked the first machine found for the searches made within 50 km (jobs: transport avoided);
- three retrofits say how many years they added (the maintenance demo's lathe, plus a CNC
  router and a laser cutter whose owners record their use, rebuilt here);
- the coordination overrides one factor, the recycled content of steel, from a regional survey;
- then every machine's figures are computed (`recompute_all`).

The composition, economics and assessments are written directly (the owners' forms for them
belong to the machine pages); bookings, needs, retrofits and the override go through their
actions. Each machine draws from its own generator seeded by its source key, so the figures do
not depend on database ids. Skipped once the demo compositions exist.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from maillage.directory.models import Membership, Organisation, User
from maillage.equipment.models import Machine, MachineStatus
from maillage.impact import repairability
from maillage.impact.actions.factors import override_factor
from maillage.impact.actions.machines import recompute_all
from maillage.impact.models import MachineEconomics, MaterialShare, RepairabilityAssessment
from maillage.maintenance.actions import interventions as work
from maillage.maintenance.actions.retrofit import RetrofitInput, record_retrofit
from maillage.maintenance.models import (
    InterventionKind,
    RetrofitProject,
    UsageRecord,
    UsageSource,
)
from maillage.matching.actions.needs import Match, find_machines
from maillage.matching.convert import NeedInput
from maillage.matching.models import Need, NeedStatus
from maillage.sharing.actions import bookings, usage
from maillage.sharing.availability import PARIS
from maillage.sharing.models import Mode, Offer

PROFILES_FILE = Path(__file__).parent / "data" / "impact_profiles.json"
_DATA = json.loads(PROFILES_FILE.read_text(encoding="utf-8"))
PROFILES: dict[str, dict[str, Any]] = _DATA["profiles"]
REPAIR: dict[str, dict[str, Any]] = _DATA["repair"]

HOST_SLUG = "demo-001"  # the host's figures of the maintenance demo stay as they are
EXTRA_BOOKERS = 3  # members of three more organisations book and search too
BOOK_WITHIN_KM = 50  # a need searched this near is booked on the first machine found
COMPOSITION_SHARE = 0.88
ECONOMICS_SHARE = 0.7
ASSESSED_SHARE = 0.4
TAKE_BACK_SHARE = 0.2  # owners with a take-back contract for the metal: 95 % collected
SHARED_HOURS_KINDS = ("fablab", "collective_workshop")  # open evenings: 2,000 h a year
STEEL_SURVEY = (
    "Enquête régionale 2025 auprès des négociants en aciers de la région Sud : 55 % de l'acier "
    "acheté par les ateliers du réseau vient de la filière électrique (ferrailles recyclées)."
)
# Needs searched over the year: (process, hours, max km); the last three have no machine here.
NEEDS = [
    ("3.4.1.1", 2, 30), ("AM.3", 4, 50), ("WOOD.3.1", 3, 50), ("3.2.3", 6, 80),
    ("4.6.2.1.3", 2, 30), ("3.2.1", 5, 50), ("3.4.1.1", 3, 150), ("AM.3", 2, 20),
    ("2.4.1.1", 4, 80), ("3.4.1.3", 2, 50), ("WOOD.1", 3, 30), ("TEX.2", 2, 50),
    ("3.2.2", 8, 150), ("MEAS.1.1", 2, 80), ("1.2.2", 10, 150), ("3.3.6.1", 4, 150),
    ("3.4.1.5", 6, 100),
]  # fmt: skip


def load_impact_demo(seed: int = 2026) -> int:
    """Returns how many machines got a composition; 0 when the demo impact is already there."""
    if MaterialShare.objects.filter(machine__source="demo").exists():
        return 0
    coordinator = User.objects.get(username="coordination")
    today = timezone.now().astimezone(PARIS).date()
    _retrofits(coordinator, today)
    machines = list(
        Machine.objects.filter(source="demo")
        .exclude(status=MachineStatus.RETIRED)
        .select_related("organisation")
        .order_by("source_ref")
    )
    composed = _owners_records(machines, coordinator, seed)
    _shared_year(today, seed)
    _needs(random.Random(f"{seed}:impact"), today)
    override_factor(
        coordinator,
        "recycled_feedstock.steel",
        0.55,
        STEEL_SURVEY,
        2025,
        "Les ateliers achètent leur acier au négoce régional, plus recyclé que la moyenne "
        "européenne de worldsteel.",
        recompute=False,  # the park is recomputed once, below
    )
    recompute_all()
    return composed


def _template(machine: Machine) -> str:
    return machine.source_ref.rsplit(":", 1)[-1]


def _owners_records(machines: list[Machine], coordinator: User, seed: int) -> int:
    admins = dict(
        Membership.objects.filter(role="admin", state="active")
        .order_by("pk")
        .values_list("organisation_id", "user_id")
    )
    retrofitted = set(RetrofitProject.objects.values_list("machine_id", flat=True))
    shares, economics, assessments = [], [], []
    for machine in machines:
        profile = PROFILES.get(_template(machine))
        if profile is None:
            continue
        rng = random.Random(f"{seed}:impact:{machine.source_ref}")
        draws = [rng.random() for _ in range(4)]
        known = draws[0] < COMPOSITION_SHARE or machine.pk in retrofitted
        if profile["materials"] and known:
            shares += _composition(machine, profile, rng, take_back=draws[3] < TAKE_BACK_SHARE)
        if draws[1] < ECONOMICS_SHARE or machine.pk in retrofitted:
            economics.append(_economics(machine, profile, rng))
        if draws[2] < ASSESSED_SHARE:
            by = admins.get(machine.organisation_id, coordinator.pk)
            assessments.append(_assessment(machine, REPAIR[profile["repair"]], rng, by))
    MaterialShare.objects.bulk_create(shares)
    MachineEconomics.objects.bulk_create(economics)
    RepairabilityAssessment.objects.bulk_create(assessments)
    return len({share.machine_id for share in shares})


def _composition(
    machine: Machine, profile: dict[str, Any], rng: random.Random, *, take_back: bool
) -> list[MaterialShare]:
    low, high = profile["mass_kg"]
    mass = rng.uniform(low, high)
    return [
        MaterialShare(
            machine=machine,
            material=material,
            mass_kg=round(mass * share, 1),
            recycled_collection=0.95 if take_back and material in ("steel", "cast_iron") else None,
        )
        for material, share in profile["materials"].items()
    ]


def _economics(machine: Machine, profile: dict[str, Any], rng: random.Random) -> MachineEconomics:
    low, high = profile["price_eur"]
    price = round(rng.uniform(low, high), -2) * 100  # cents, to the hundred euros
    energy = float(machine.power_kw or 1) * 0.6 * 0.20  # kW × load factor × €/kWh
    wear = price / 100 * 0.00002  # tooling and wear: 2 € an hour per 100,000 € of machine
    return MachineEconomics(
        machine=machine,
        price_cents=int(price),
        residual_value_cents=int(price * 0.1),
        life_years=profile["life_years"],
        fixed_costs_cents_per_year=int(price * 0.03 + (200_000 if price > 2_000_000 else 20_000)),
        variable_cents_per_hour=round((energy + wear) * 100),
        hours_available_per_year=2000 if machine.organisation.kind in SHARED_HOURS_KINDS else None,
    )


def _assessment(
    machine: Machine, repair: dict[str, Any], rng: random.Random, by: int
) -> RepairabilityAssessment:
    criteria = {
        key: round(rng.uniform(low, high) * 2) / 2 for key, (low, high) in repair["scores"].items()
    }
    total = repairability.score(criteria).total
    return RepairabilityAssessment(
        machine=machine,
        organisation=machine.organisation,
        total=Decimal(str(total)),
        evidence=repair["evidence"],
        assessed_by_id=by,
        **{key: Decimal(str(value)) for key, value in criteria.items()},
    )


# --- a year of sharing ------------------------------------------------------------------------


def _bookers() -> list[tuple[User, Organisation]]:
    """The demo member (admin-atelier's organisation), the demo client's organisation, and a
    member of each of the next validated organisations (accounts made here, by their slug)."""
    people = []
    for username in ("membre-atelier", "client-demo"):
        membership = (
            Membership.objects.filter(user__username=username, state="active")
            .select_related("user", "organisation")
            .order_by("pk")
            .first()
        )
        if membership is not None:
            people.append((membership.user, membership.organisation))
    taken = [organisation.pk for _person, organisation in people]
    others = (
        Organisation.objects.filter(slug__startswith="demo-", status="validated")
        .exclude(pk__in=taken)
        .exclude(slug=HOST_SLUG)
        .order_by("slug")[:EXTRA_BOOKERS]
    )
    for organisation in others:
        username = f"membre-{organisation.slug}"
        user, _created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": "Membre", "email": f"{username}@demo.maillage.invalid"},
        )
        Membership.objects.get_or_create(user=user, organisation=organisation)
        people.append((user, organisation))
    return people


def _candidates(organisation: Organisation, seed: int) -> list[Offer]:
    """Machines of other organisations, for processes the booker owns no machine of, in an
    order of its own (seeded by its slug), so that the bookers spread over the hosts."""
    owned = set(
        Machine.objects.filter(organisation=organisation).values_list("processes", flat=True)
    )
    offers = list(
        Offer.objects.filter(
            machine__source="demo",
            active=True,
            mode__in=[Mode.SELF_SERVICE, Mode.ON_REQUEST],
            machine__status=MachineStatus.OPERATIONAL,
            required_trainings__isnull=True,
        )
        .exclude(machine__organisation__in=[organisation.pk])
        .exclude(machine__organisation__slug=HOST_SLUG)
        .select_related("machine__organisation")
        .prefetch_related("machine__processes")
        .order_by("machine__source_ref")
    )
    random.Random(f"{seed}:shared:{organisation.slug}").shuffle(offers)
    chosen: list[Offer] = []
    for offer in offers:
        processes = {process.pk for process in offer.machine.processes.all()}
        hosts = {other.machine.organisation_id for other in chosen}
        if processes & owned or offer.machine.organisation_id in hosts:
            continue
        chosen.append(offer)
        owned |= processes
    return chosen


# Per booker: (first week back, every how many weeks, hours drawn from) for its three machines;
# the first two go beyond the purchase threshold (100 h a year), the third now and then.
RHYTHMS = [(1, 1, (2, 3, 4, 5, 6)), (2, 2, (4, 5, 6, 7)), (3, 6, (2, 3))]
WEEKS_BACK = 58  # a year and a month: the twelve complete months whatever today's date


def _shared_year(today: dt.date, seed: int) -> None:
    """Each booker works on other organisations' machines every week or fortnight."""
    coordinator = User.objects.get(username="coordination")
    for number, (person, organisation) in enumerate(_bookers()):
        rng = random.Random(f"{seed}:shared-hours:{organisation.slug}")
        offers = _candidates(organisation, seed)[: len(RHYTHMS)]
        rhythms = zip(offers, RHYTHMS, strict=False)
        for index, (offer, (first, every, lengths)) in enumerate(rhythms):
            for week in range(first, WEEKS_BACK, every):
                day = today - dt.timedelta(weeks=week)
                day += dt.timedelta(days=(number * 2 + index) % 5 - day.weekday())
                start = dt.datetime.combine(day, dt.time(9 if index else 10), tzinfo=PARIS)
                _book(person, offer, coordinator, start, rng.choice(lengths))


def _book(person: User, offer: Offer, coordinator: User, start: dt.datetime, hours: int) -> bool:
    end = start + dt.timedelta(hours=hours)
    try:
        booking = bookings.request_booking(
            person,
            offer.machine,
            start,
            end,
            safety_acknowledged=True,
            note="Démonstration : travaux réguliers",
            now=start - dt.timedelta(days=2),
        )
    except (ValidationError, PermissionDenied):
        return False  # a closure, a downtime or another booking took that slot: skip it
    if offer.mode == Mode.ON_REQUEST:
        booking = bookings.decide_booking(coordinator, booking, approve=True)
    usage.check_in(person, booking, now=start)
    usage.check_out(person, booking, usage.UsageInput(hours_used=Decimal(hours)), now=end)
    return True


def _needs(rng: random.Random, today: dt.date) -> None:
    """Searches on the “I need…” page over the year, answered or not, dated when they were."""
    people = _bookers()
    for index, (code, hours, max_km) in enumerate(NEEDS):
        person, organisation = people[index % len(people)]
        site = organisation.sites.order_by("pk").first()
        if site is None or site.latitude is None or site.longitude is None:
            continue
        asked = dt.datetime.combine(
            today - dt.timedelta(days=20 + index * 19 + rng.randint(0, 6)),
            dt.time(10),
            tzinfo=PARIS,
        )
        need, matches = find_machines(
            person,
            NeedInput(
                process_code=code,
                hours=hours,
                earliest=asked + dt.timedelta(days=1),
                deadline=asked + dt.timedelta(days=21),
                max_km=max_km,
                latitude=site.latitude,
                longitude=site.longitude,
                label="Démonstration",
            ),
            now=asked,
        )
        if need is None:
            continue
        booked = max_km <= BOOK_WITHIN_KM and _book_match(person, matches, hours)
        Need.objects.filter(pk=need.pk).update(
            created_at=asked, **({"status": NeedStatus.BOOKED} if booked else {})
        )


def _book_match(person: User, matches: list[Match], hours: int) -> bool:
    """The first machine found that the person may book as it is, at its first free slot."""
    coordinator = User.objects.get(username="coordination")
    for match in matches:
        offer = getattr(match.machine, "offer", None)
        start = match.result.first_free
        if offer is None or start is None or match.missing:
            continue
        if offer.mode in (Mode.SELF_SERVICE, Mode.ON_REQUEST):
            return _book(person, offer, coordinator, start, hours)
    return False


# --- retrofits ---------------------------------------------------------------------------------

RETROFITS = [
    # template, years added, title, before, after, parts (name, kg, material), cost €, days ago
    ("lathe", 10, None, None, None, [], 0, 0),  # the maintenance demo's lathe: its years only
    ("router", 8, "Rétrofit de la défonceuse CNC",
     "Broche de 1,5 kW à charbons usée, moteurs pas à pas qui perdent des pas, "
     "carte de commande dont le fabricant a disparu.",
     "Broche refroidie par eau de 2,2 kW sur variateur, moteurs pas à pas en boucle fermée, "
     "commande libre (grblHAL) et capteurs de fin de course inductifs.",
     [("Broche 2,2 kW refroidie par eau", "6.5", "steel"),
      ("Bobinages des moteurs (cuivre)", "2", "copper"),
      ("Variateur, drivers et carte de commande", "3", "electronics")], 4200, 240),
    ("laser", 6, "Rétrofit de la découpe laser CO2",
     "Tube de 60 W en fin de vie, alimentation haute tension fatiguée, "
     "logiciel de commande propriétaire qui ne s'installe plus.",
     "Tube de 80 W, alimentation neuve, contrôleur ouvert compatible LightBurn et refroidisseur "
     "à eau en circuit fermé.",
     [("Tube laser CO2 80 W (verre, électrodes)", "4", "electronics"),
      ("Refroidisseur à eau", "22", "steel"),
      ("Contrôleur et alimentation haute tension", "3.5", "electronics")], 2600, 400),
]  # fmt: skip


def _to_retrofit(template: str, years: int, today: dt.date) -> Machine | None:
    """A machine its owner uses and records (worn, maybe), old enough to rebuild, young enough
    to go on."""
    used = UsageRecord.objects.filter(source=UsageSource.OWNER).values("machine_id")
    candidates = (
        Machine.objects.filter(
            source="demo",
            source_ref__endswith=f":{template}",
            status__in=[MachineStatus.OPERATIONAL, MachineStatus.DEGRADED],
            retrofits__isnull=True,
            pk__in=used,
            year__isnull=False,
        )
        .exclude(organisation__slug=HOST_SLUG)
        .order_by("source_ref")
    )
    life = PROFILES[template]["life_years"]
    for machine in candidates:
        age = today.year - (machine.year or today.year)
        if 3 <= age <= life + years - 3:
            return machine
    return None


def _retrofits(coordinator: User, today: dt.date) -> None:
    """The years each retrofit added; two more machines rebuilt through maintenance's action."""
    for template, years, title, before, after, parts, cost, days_ago in RETROFITS:
        if title is None:
            RetrofitProject.objects.filter(
                machine__source="demo", machine__source_ref__endswith=f":{template}"
            ).update(added_life_years=years)
            continue
        machine = _to_retrofit(template, years, today)
        if machine is None:
            continue
        project = record_retrofit(
            coordinator,
            machine,
            RetrofitInput(title=title, before_state=before or "", after_state=after or ""),
            work.InterventionInput(
                kind=InterventionKind.RETROFIT,
                done_at=dt.datetime.combine(
                    today - dt.timedelta(days=days_ago), dt.time(16), tzinfo=PARIS
                ),
                hours_spent=40,
                cost_cents=cost * 100,
                notes="Rétrofit réalisé avec un atelier de réparation du réseau.",
                parts=[work.PartInput(name, mass, material) for name, mass, material in parts],
            ),
        )
        RetrofitProject.objects.filter(pk=project.pk).update(added_life_years=years)
