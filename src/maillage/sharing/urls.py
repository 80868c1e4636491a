"""Every sharing page: bookings, calendars and offers (`sharing:`), statements and feeds
(`statements:`). `maillage/urls.py` includes each list under its own namespace."""

from django.urls import path

from maillage.sharing.views import bookings, calendar, feeds, host, offers, statements

app_name = "sharing"

urlpatterns = [
    path("machines/<int:machine_id>/calendar/", calendar.calendar, name="calendar"),
    path("machines/<int:machine_id>/book/", bookings.book, name="book"),
    path("machines/<int:machine_id>/offer/", offers.offer_edit, name="offer_edit"),
    path("machines/<int:machine_id>/down/", host.machine_down, name="machine_down"),
    path("machines/<int:machine_id>/up/", host.machine_up, name="machine_up"),
    path("bookings/", bookings.my_bookings, name="my_bookings"),
    path("bookings/host/", host.host_dashboard, name="host_dashboard"),
    path("bookings/<int:booking_id>/decide/", host.decide, name="decide"),
    path(
        "bookings/<int:booking_id>/<str:action>/",
        bookings.booking_action,
        name="booking_action",
    ),
]

statements_patterns = (
    [
        path("o/<slug:slug>/statements/", statements.statement, name="statement"),
        path("o/<slug:slug>/statements.csv", statements.statement_csv, name="statement_csv"),
        path(
            "o/<slug:slug>/statements/print/",
            statements.statement_print,
            name="statement_print",
        ),
        path("calendar/", feeds.calendar_settings, name="calendar_settings"),
        path("calendar/feed/<str:token>.ics", feeds.user_feed, name="user_feed"),
        path(
            "machines/<int:machine_id>/feed/<str:token>.ics",
            feeds.machine_feed,
            name="machine_feed",
        ),
    ],
    "statements",
)
