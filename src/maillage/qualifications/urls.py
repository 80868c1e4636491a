from django.urls import path

from maillage.qualifications import views

app_name = "trainings"

urlpatterns = [
    path("trainings/", views.training_list, name="list"),
    path("o/<slug:slug>/trainings/new/", views.training_create, name="create"),
    path("trainings/<int:training_id>/", views.training_detail, name="detail"),
    path("sessions/<int:session_id>/register/", views.session_register, name="register"),
    path("sessions/<int:session_id>/attendance/", views.session_attendance, name="attendance"),
    path("qualifications/", views.my_qualifications, name="mine"),
]
