"""Every design page (`designs:`): the catalogue, imports and exports, who can make it, builds."""

from django.urls import path

from maillage.designs.views import builds, catalogue, makers, okh

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
    path("designs/<slug:slug>/makers/", makers.makers, name="makers"),
    path("designs/<slug:slug>/makers/needs/", makers.into_needs, name="into_needs"),
    # --- builds: who built or adapted a design, photos, variations ---
    path("designs/<slug:slug>/builds/new/", builds.new, name="build_new"),
    path("designs/<slug:slug>/builds/<int:build_id>/", builds.detail, name="build"),
    path("designs/<slug:slug>/builds/<int:build_id>/edit/", builds.edit, name="build_edit"),
    path("designs/<slug:slug>/builds/<int:build_id>/delete/", builds.delete, name="build_delete"),
    path(
        "designs/<slug:slug>/builds/<int:build_id>/photos/<int:photo_id>/",
        builds.photo,
        name="build_photo",
    ),
]
