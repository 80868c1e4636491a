from django.urls import path

from maillage.equipment.views import imports, machines, processes

app_name = "equipment"

urlpatterns = [
    path("machines/", machines.machine_list, name="machine_list"),
    path("machines/import/fablabs/", imports.import_fablabs_view, name="import_fablabs"),
    path("machines/<int:machine_id>/", machines.machine_detail, name="machine"),
    path("machines/<int:machine_id>/edit/", machines.machine_edit, name="machine_edit"),
    path("machines/<int:machine_id>/delete/", machines.machine_delete, name="machine_delete"),
    path("machines/<int:machine_id>/retire/", machines.machine_retire, name="machine_retire"),
    path("machines/<int:machine_id>/documents/", machines.document_add, name="document_add"),
    path("o/<slug:slug>/machines/new/", machines.machine_edit, name="machine_add"),
    path("processes/", processes.process_tree, name="process_tree"),
    path("processes/<str:code>/", processes.process_detail, name="process"),
]
