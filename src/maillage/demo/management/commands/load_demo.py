"""Load the demo territory: fictitious organisations, sites, machines and one account per role."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from maillage.demo.cooperation_funding import load_cooperation_funding_demo
from maillage.demo.cooperation_governance import load_cooperation_governance_demo
from maillage.demo.cooperation_projects import load_cooperation_projects_demo
from maillage.demo.cooperation_skills import load_cooperation_skills_demo
from maillage.demo.designs_makers import load_designs_makers_demo
from maillage.demo.designs_okh import load_designs_okh_demo
from maillage.demo.directory import ACCOUNTS, PASSWORD, load_directory_demo
from maillage.demo.equipment import load_equipment_demo
from maillage.demo.impact import load_impact_demo
from maillage.demo.maintenance_breakdowns import load_breakdowns_demo
from maillage.demo.maintenance_passport import load_passport_demo
from maillage.demo.maintenance_plans import load_maintenance_plans_demo
from maillage.demo.sharing import load_sharing_demo
from maillage.demo.symbiosis_heat import load_heat_demo
from maillage.demo.symbiosis_loops import load_loops_demo
from maillage.demo.symbiosis_resources import load_resources_demo
from maillage.directory.models import Organisation
from maillage.equipment.models import Machine

QUIET_MAIL = "django.core.mail.backends.locmem.EmailBackend"
# The demo's booking e-mails run at once, into memory, instead of waiting for the worker.
AT_ONCE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


class Command(BaseCommand):
    help = "Load the demo territory (idempotent: running it twice changes nothing)."

    def handle(self, *args: Any, **options: Any) -> None:
        # Demo bookings would otherwise print a pile of notification e-mails to the console
        # (or leave them queued for the worker to print when it starts).
        with override_settings(EMAIL_BACKEND=QUIET_MAIL, TASKS=AT_ONCE), transaction.atomic():
            organisations = load_directory_demo()
            machines = load_equipment_demo()
            offers = load_sharing_demo()
            # Who can make the demo pasteuriser depends on the shared park as sharing leaves it.
            load_designs_makers_demo()
            load_designs_okh_demo()
            load_cooperation_governance_demo()
            load_cooperation_projects_demo()
            load_cooperation_funding_demo()
            load_cooperation_skills_demo()
            load_maintenance_plans_demo()
            load_breakdowns_demo()
            load_passport_demo()
            load_resources_demo()
            load_loops_demo()
            load_heat_demo()
            load_impact_demo()
        demo = Organisation.objects.filter(slug__startswith="demo-")
        self.stdout.write(
            f"Demo territory: {organisations} organisations and {machines} machines created; "
            f"{demo.count()} organisations and "
            f"{Machine.objects.filter(organisation__in=demo).count()} machines in all; "
            f"{offers} sharing offers created."
        )
        self.stdout.write(f"Demo accounts (password for all: {PASSWORD}):")
        for username, _first, role in ACCOUNTS:
            self.stdout.write(f"  {username:<16} {role}")
