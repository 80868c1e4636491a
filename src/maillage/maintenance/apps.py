from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaintenanceConfig(AppConfig):
    name = "maillage.maintenance"
    label = "maintenance"
    verbose_name = _("Maintenance and second life")

    def ready(self) -> None:
        from maillage.maintenance import receivers
        from maillage.sharing.signals import usage_recorded

        usage_recorded.connect(receivers.count_booking_usage, dispatch_uid="maintenance-plans")
