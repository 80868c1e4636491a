from django.urls import path

from maillage.map import views

app_name = "map"

urlpatterns = [
    path("", views.map_view, name="map"),
    path("organisations/", views.organisation_list, name="organisation_list"),
]
