from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from maillage.equipment.signals import machine_retiring


class SharingConfig(AppConfig):
    name = "maillage.sharing"
    label = "sharing"
    verbose_name = _("Sharing")

    def ready(self) -> None:
        # Django's documented place to connect receivers: their models load once apps are ready.
        from maillage.sharing.receivers import refuse_retiring_with_bookings_to_come

        machine_retiring.connect(refuse_retiring_with_bookings_to_come, dispatch_uid="sharing")
