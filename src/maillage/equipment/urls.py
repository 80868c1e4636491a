from django.urls import include, path

from maillage.equipment.views import imports, machines, processes

app_name = "equipment"

# One machine's pages, under machines/<id>/.
machine_patterns = [
    path("", machines.machine_detail, name="machine"),
    path("edit/", machines.machine_edit, name="machine_edit"),
    path("delete/", machines.machine_delete, name="machine_delete"),
    path("retire/", machines.machine_retire, name="machine_retire"),
    path("documents/", machines.document_add, name="document_add"),
]

urlpatterns = [
    path("machines/", machines.machine_list, name="machine_list"),
    path("machines/import/fablabs/", imports.import_fablabs_view, name="import_fablabs"),
    path("machines/<int:machine_id>/", include(machine_patterns)),
    path("o/<slug:slug>/machines/new/", machines.machine_edit, name="machine_add"),
    path("processes/", processes.process_tree, name="process_tree"),
    path("processes/<str:code>/", processes.process_detail, name="process"),
]
