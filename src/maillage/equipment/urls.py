from django.urls import path

from maillage.equipment import views, views_import

app_name = "equipment"

urlpatterns = [
    path("machines/", views.machine_list, name="machine_list"),
    path("machines/import/fablabs/", views_import.import_fablabs_view, name="import_fablabs"),
    path("machines/<int:machine_id>/", views.machine_detail, name="machine"),
    path("machines/<int:machine_id>/edit/", views.machine_edit, name="machine_edit"),
    path("machines/<int:machine_id>/delete/", views.machine_delete, name="machine_delete"),
    path("machines/<int:machine_id>/retire/", views.machine_retire, name="machine_retire"),
    path("machines/<int:machine_id>/documents/", views.document_add, name="document_add"),
    path("o/<slug:slug>/machines/new/", views.machine_edit, name="machine_add"),
    path("processes/", views.process_tree, name="process_tree"),
    path("processes/<str:code>/", views.process_detail, name="process"),
]
