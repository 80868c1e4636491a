"""Demo maintenance: starter plans on the demo machines and a year of use and interventions.

Everything goes through the maintenance actions, replayed in order of time so that each task
done starts again from the meter reading of its day: a year of the owners' own use (on top of
what the demo bookings' check-outs already put on the meters), preventive work whenever a task
comes within its lead, a few repairs (so MTBF and MTTR have figures), one inspection and one
retrofit of a 1990s lathe. The host's organisation (demo-001, where hote-atelier hosts) let its
laser optics slip for the last two months and the rest for four weeks (the yearly service
waits for a stop): it finds tasks planned and due, and one overdue.
Dates are fixed relative to today.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable

from django.utils import timezone

from maillage.directory.models import Organisation, OrganisationKind, User
from maillage.equipment.models import Machine, MachineStatus
from maillage.maintenance.actions import interventions as work
from maillage.maintenance.actions import plans, usage
from maillage.maintenance.actions.retrofit import RetrofitInput, record_retrofit
from maillage.maintenance.due import DueState
from maillage.maintenance.models import InterventionKind, MaintenancePlan, TaskState
from maillage.maintenance.queries.plans import meter_hours, state_of
from maillage.sharing.availability import PARIS

HOST_SLUG = "demo-001"
# Hours of own use in a week, by starter plan (laser, router, lathe, printer).
WEEKLY_HOURS = {
    "laser-cutting": (6, 10),
    "laser-engraving": (4, 8),
    "cnc-router": (4, 8),
    "lathe": (3, 7),
    "fdm-printer": (10, 20),
}
NEGLECTED_TASK = "Nettoyer la lentille et les miroirs"  # overdue at the host's
NEGLECTED_WEEKS = 8
QUIET_WEEKS = 4  # the host's last three weeks: only the daily chores done, so tasks come due
YEARLY_PUT_OFF_WEEKS = 6  # the host keeps the yearly service for a stop it has not had yet
CHORE_HOURS = 10  # tasks this frequent (oiling the ways) are done by whoever uses the machine
TO_DO = {DueState.PLANNED, DueState.DUE, DueState.OVERDUE}


def load_maintenance_plans_demo(seed: int = 2026) -> int:
    """Apply the starter plans and replay a year; skipped once the demo plans exist. Returns
    how many plans were made."""
    demo = Organisation.objects.filter(slug__startswith="demo-", status="validated")
    if MaintenancePlan.objects.filter(organisation__in=demo).exclude(starter_key="").exists():
        return 0
    coordinator = User.objects.get(username="coordination")
    host = User.objects.get(username="hote-atelier")
    today = timezone.now().astimezone(PARIS).date()
    made = 0
    for organisation in demo.order_by("slug"):
        actor = host if organisation.slug == HOST_SLUG else coordinator
        made += len(plans.apply_starter_plans(actor, organisation))
    rng = random.Random(seed)
    for machine in _planned_machines(demo):
        host_org = machine.organisation.slug == HOST_SLUG
        _replay_year(
            host if host_org else coordinator,
            machine,
            rng,
            today,
            step_days=7 if host_org else 28,
            performer=host if host_org else None,
        )
    _repairs_and_inspection(host, today)
    _retrofit(coordinator, today)
    return made


def _planned_machines(demo: Iterable[Organisation]) -> list[Machine]:
    ids = TaskState.objects.filter(organisation__in=demo).values_list("machine_id", flat=True)
    return list(
        Machine.objects.filter(pk__in=ids)
        .exclude(status=MachineStatus.RETIRED)
        .select_related("organisation")
        .order_by("organisation__slug", "pk")
    )


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=PARIS)


def _replay_year(
    actor: User,
    machine: Machine,
    rng: random.Random,
    today: dt.date,
    *,
    step_days: int,
    performer: User | None,
) -> None:
    """A full service when the plan started a year ago, then use every `step_days` and the
    tasks done as soon as they come within their lead."""
    states = list(TaskState.objects.filter(machine=machine).select_related("task__plan"))
    key = states[0].task.plan.starter_key
    start = today - dt.timedelta(days=365)
    _preventive(actor, machine, start, [s.task_id for s in states], performer, "Révision complète")
    low, high = WEEKLY_HOURS.get(key, (2, 6))
    host_org = machine.organisation.slug == HOST_SLUG
    day = start + dt.timedelta(days=step_days)
    while day <= today - dt.timedelta(days=1):
        hours = round(rng.uniform(low, high) * step_days / 7, 1)
        usage.record_own_use(actor, machine, hours, _at(day, 17), note="Usage interne")
        meter = meter_hours(machine)
        to_do = []
        for state in TaskState.objects.filter(machine=machine).select_related("task", "machine"):
            if state_of(state, meter, day).state not in TO_DO:
                continue
            age = (today - day).days
            chore = (state.task.every_hours or CHORE_HOURS + 1) <= CHORE_HOURS
            if host_org and age < 7 * QUIET_WEEKS and not chore:
                continue
            yearly = (state.task.every_days or 0) >= 365
            if host_org and yearly and age < 7 * YEARLY_PUT_OFF_WEEKS:
                continue
            if host_org and state.task.title == NEGLECTED_TASK and age < 7 * NEGLECTED_WEEKS:
                continue
            to_do.append(state.task_id)
        if to_do:
            _preventive(actor, machine, day, to_do, performer, "Entretien selon le plan")
        day += dt.timedelta(days=step_days)


def _preventive(
    actor: User,
    machine: Machine,
    day: dt.date,
    task_ids: list[int],
    performer: User | None,
    notes: str,
) -> None:
    work.record_intervention(
        actor,
        machine,
        work.InterventionInput(
            kind=InterventionKind.PREVENTIVE,
            done_at=_at(day, 18),
            task_ids=task_ids,
            performed_by_id=performer.pk if performer else None,
            hours_spent=round(0.25 + 0.25 * len(task_ids), 2),
            notes=notes,
        ),
    )


def _repairer() -> Organisation | None:
    return (
        Organisation.objects.filter(
            slug__startswith="demo-", status="validated", kind=OrganisationKind.REUSE_REPAIR
        )
        .order_by("slug")
        .first()
    )


def _repairs_and_inspection(host: User, today: dt.date) -> None:
    """Three repairs on the host's laser and router, and the laser's yearly inspection."""
    machines = {
        state.task.plan.starter_key: state.machine
        for state in TaskState.objects.filter(organisation__slug=HOST_SLUG).select_related(
            "task__plan", "machine"
        )
    }
    laser, router = machines.get("laser-cutting"), machines.get("cnc-router")
    repairer = _repairer()
    repairs = [
        (router, 200, 72 + 6, "Broche bruyante puis bloquée : roulements changés.",
         [work.PartInput("Jeu de roulements de broche", "0.8", "steel")], repairer, 42000),
        (laser, 120, 8 * 24, "Alimentation haute tension du tube en panne, remplacée.",
         [work.PartInput("Alimentation haute tension", "2.5", "electronics")], repairer, 68000),
        (router, 45, 4, "Capteur de fin de course de l'axe X cassé, remplacé sur place.",
         [work.PartInput("Capteur de fin de course", "0.05", "electronics")], None, 3500),
    ]  # fmt: skip
    for machine, days_ago, hours_down, notes, parts, by, cost in repairs:
        if machine is None:
            continue
        failed_at = _at(today - dt.timedelta(days=days_ago), 10)
        restored_at = failed_at + dt.timedelta(hours=hours_down)
        work.record_intervention(
            host,
            machine,
            work.InterventionInput(
                kind=InterventionKind.CORRECTIVE,
                done_at=restored_at,
                performed_by_id=None if by else host.pk,
                repairer_id=by.pk if by else None,
                hours_spent=3 if by else 1,
                cost_cents=cost,
                notes=notes,
                failed_at=failed_at,
                restored_at=restored_at,
                parts=parts,
            ),
        )
    if laser is not None:
        work.record_intervention(
            host,
            laser,
            work.InterventionInput(
                kind=InterventionKind.INSPECTION,
                done_at=_at(today - dt.timedelta(days=90), 14),
                repairer_id=repairer.pk if repairer else None,
                hours_spent=2,
                cost_cents=15000,
                notes="Contrôle annuel de sécurité : capot, verrouillages, extraction. Conforme.",
            ),
        )


def _retrofit(coordinator: User, today: dt.date) -> None:
    """A conventional lathe of the 1990s given a digital readout and a new motor."""
    lathe = (
        Machine.objects.filter(
            source="demo",
            processes__code="3.2.1",
            computer_controlled=False,
            year__gte=1990,
            year__lte=1999,
            status=MachineStatus.OPERATIONAL,
        )
        .select_related("organisation")
        .order_by("organisation__slug", "pk")
        .first()
    )
    if lathe is None:
        return
    record_retrofit(
        coordinator,
        lathe,
        RetrofitInput(
            title=f"Rétrofit du tour {lathe.make} de {lathe.year}",
            before_state="Verniers usés, lecture des cotes au centième impossible ; moteur "
            "d'origine de 4 kW à deux vitesses, bruyant, démarrage direct.",
            after_state="Visualisation numérique deux axes (règles en verre) ; moteur "
            "asynchrone IE3 de 4 kW avec variateur de fréquence, vitesse continue.",
            kwh_per_year_before=2600,
            kwh_per_year_after=1900,
        ),
        work.InterventionInput(
            kind=InterventionKind.RETROFIT,
            done_at=_at(today - dt.timedelta(days=150), 16),
            hours_spent=24,
            cost_cents=650000,
            notes="Énergie après : relevé au compteur dédié sur trois mois, ramené à l'année.",
            parts=[
                work.PartInput("Visualisation numérique 2 axes et règles", "6.5", "electronics"),
                work.PartInput("Moteur asynchrone IE3 4 kW", "38", "steel"),
                work.PartInput("Bobinage du moteur (cuivre)", "7", "copper"),
                work.PartInput("Variateur de fréquence", "3.2", "electronics"),
            ],
        ),
    )
