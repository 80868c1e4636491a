from django.urls import include, path

from maillage.matching import views

app_name = "matching"

# Unmet demand: the page and its two downloads.
unmet_patterns = [
    path("", views.unmet, name="unmet"),
    path("map.geojson", views.unmet_geojson, name="unmet_geojson"),
    path("unmet-demand.csv", views.unmet_csv, name="unmet_csv"),
]

# Batch allocation runs.
batch_patterns = [
    path("", views.batches, name="batches"),
    path("new/", views.batch_new, name="batch_new"),
    path("<int:run_id>/", views.batch_detail, name="batch"),
]

urlpatterns = [
    path("need/", views.need, name="need"),
    path("needs/", views.my_needs, name="my_needs"),
    path("unmet/", include(unmet_patterns)),
    path("batches/", include(batch_patterns)),
]
