from django.urls import path

from maillage.matching import views

app_name = "matching"

urlpatterns = [
    path("need/", views.need, name="need"),
    path("needs/", views.my_needs, name="my_needs"),
    path("unmet/", views.unmet, name="unmet"),
    path("unmet/map.geojson", views.unmet_geojson, name="unmet_geojson"),
    path("unmet/unmet-demand.csv", views.unmet_csv, name="unmet_csv"),
    path("batches/", views.batches, name="batches"),
    path("batches/new/", views.batch_new, name="batch_new"),
    path("batches/<int:run_id>/", views.batch_detail, name="batch"),
]
