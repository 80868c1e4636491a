from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaintenanceConfig(AppConfig):
    name = "maillage.maintenance"
    label = "maintenance"
    verbose_name = _("Maintenance and second life")

    def ready(self) -> None:
        from maillage.maintenance import receivers  # noqa: F401  (connects the signal handlers)
