from django.urls import path

from maillage.sharing import views

app_name = "sharing"

urlpatterns = [
    path("machines/<int:machine_id>/calendar/", views.calendar, name="calendar"),
    path("machines/<int:machine_id>/book/", views.book, name="book"),
    path("machines/<int:machine_id>/offer/", views.offer_edit, name="offer_edit"),
    path("machines/<int:machine_id>/down/", views.machine_down, name="machine_down"),
    path("machines/<int:machine_id>/up/", views.machine_up, name="machine_up"),
    path("bookings/", views.my_bookings, name="my_bookings"),
    path("bookings/host/", views.host_dashboard, name="host_dashboard"),
    path("bookings/<int:booking_id>/decide/", views.decide, name="decide"),
    path(
        "bookings/<int:booking_id>/<str:action>/",
        views.booking_action,
        name="booking_action",
    ),
]
