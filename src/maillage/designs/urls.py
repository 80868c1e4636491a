"""Every design page (`designs:`): the catalogue, imports and exports, who can make it, builds."""

from django.urls import path

from maillage.designs.views import catalogue, okh

app_name = "designs"

urlpatterns: list = [
    # --- designs: catalogue, import of an OKH manifest (file or URL), design page, export ---
    path("designs/", catalogue.index, name="index"),
    path("designs/import/", okh.import_manifest, name="import"),
    path("designs/<slug:slug>/", catalogue.detail, name="detail"),
    path("designs/<slug:slug>/okh.toml", okh.export, name="export"),
    path(
        "designs/<slug:slug>/parts/<int:part_id>/processes/",
        catalogue.correct,
        name="correct_processes",
    ),
    #
    # --- who can make this near me: per part, the share within 50 km, parts into needs ---
    #
    # --- builds: who built or adapted a design, photos, variations ---
]
