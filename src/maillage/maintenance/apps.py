from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaintenanceConfig(AppConfig):
    name = "maillage.maintenance"
    label = "maintenance"
    verbose_name = _("Maintenance and second life")

    def ready(self) -> None:
        from maillage.core import panels
        from maillage.maintenance import receivers
        from maillage.maintenance.views import plans_panels
        from maillage.sharing.signals import usage_recorded

        usage_recorded.connect(receivers.count_booking_usage, dispatch_uid="maintenance-plans")
        panels.register(plans_panels.HOST_DASHBOARD, plans_panels.due_on_host_dashboard)
        panels.register(plans_panels.MACHINE_PAGE, plans_panels.reliability_on_machine_page)
