from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SymbiosisConfig(AppConfig):
    name = "maillage.symbiosis"
    label = "symbiosis"
    verbose_name = _("Industrial symbiosis")

    def ready(self) -> None:
        from maillage.core import panels
        from maillage.symbiosis.views import panels as symbiosis_panels

        panels.register(
            symbiosis_panels.ORGANISATION_PAGE, symbiosis_panels.resources_on_organisation_page
        )
