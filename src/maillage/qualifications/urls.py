from django.urls import include, path

from maillage.qualifications import views

app_name = "trainings"

# One training session: registering for it, recording who attended.
session_patterns = [
    path("register/", views.session_register, name="register"),
    path("attendance/", views.session_attendance, name="attendance"),
]

urlpatterns = [
    path("trainings/", views.training_list, name="list"),
    path("o/<slug:slug>/trainings/new/", views.training_create, name="create"),
    path("trainings/<int:training_id>/", views.training_detail, name="detail"),
    path("sessions/<int:session_id>/", include(session_patterns)),
    path("qualifications/", views.my_qualifications, name="mine"),
]
