from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from maillage.api import api
from maillage.sharing.urls import statements_patterns

admin.site.site_header = _("Maillage administration")
admin.site.site_title = _("Maillage")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("maillage.map.urls")),
    path("", include("maillage.directory.urls")),
    path("", include("maillage.equipment.urls")),
    path("", include("maillage.sharing.urls")),
    path("", include("maillage.qualifications.urls")),
    path("", include(statements_patterns)),
    path("", include("maillage.matching.urls")),
    path("", include("maillage.maintenance.urls")),
    path("", include("maillage.symbiosis.urls")),
    path("", include("maillage.designs.urls")),
    path("", include("maillage.cooperation.urls")),
    path("", include("maillage.impact.urls")),
]
