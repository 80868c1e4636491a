from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DesignsConfig(AppConfig):
    name = "maillage.designs"
    label = "designs"
    verbose_name = _("Open designs")

    def ready(self) -> None:
        from maillage.core import panels
        from maillage.designs.views import panels as designs_panels

        panels.register(
            designs_panels.ORGANISATION_PAGE, designs_panels.builds_on_organisation_page
        )
