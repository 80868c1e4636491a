from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DesignsConfig(AppConfig):
    name = "maillage.designs"
    label = "designs"
    verbose_name = _("Open designs")
