from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactConfig(AppConfig):
    name = "maillage.impact"
    label = "impact"
    verbose_name = _("Impact")

    def ready(self) -> None:
        from maillage.core import panels
        from maillage.impact.views import panels as impact_panels

        panels.register(impact_panels.MACHINE_PAGE, impact_panels.card_on_machine_page)
        panels.register(impact_panels.ORGANISATION_PAGE, impact_panels.summary_on_organisation_page)
