"""Every design page (`designs:`): the catalogue, imports and exports, who can make it, builds."""

from django.urls import path

from maillage.designs.views import catalogue

app_name = "designs"

urlpatterns: list = [
    # --- designs: catalogue, import of an OKH manifest (file or URL), design page, export ---
    path("designs/", catalogue.index, name="index"),
    #
    # --- who can make this near me: per part, the share within 50 km, parts into needs ---
    #
    # --- builds: who built or adapted a design, photos, variations ---
]
