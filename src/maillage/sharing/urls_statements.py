from django.urls import path

from maillage.sharing import views_statements as views

app_name = "statements"

urlpatterns = [
    path("o/<slug:slug>/statements/", views.statement, name="statement"),
    path("o/<slug:slug>/statements.csv", views.statement_csv, name="statement_csv"),
    path("o/<slug:slug>/statements/print/", views.statement_print, name="statement_print"),
    path("calendar/", views.calendar_settings, name="calendar_settings"),
    path("calendar/feed/<str:token>.ics", views.user_feed, name="user_feed"),
    path(
        "machines/<int:machine_id>/feed/<str:token>.ics",
        views.machine_feed,
        name="machine_feed",
    ),
]
