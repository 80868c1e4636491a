"""Every sharing page: bookings, calendars and offers (`sharing:`), statements and feeds
(`statements:`). `maillage/urls.py` includes each list under its own namespace."""

from django.urls import URLPattern, URLResolver, include, path

from maillage.sharing.views import bookings, calendar, feeds, host, offers, statements

app_name = "sharing"

# Sharing one machine, under machines/<id>/.
machine_patterns = [
    path("calendar/", calendar.calendar, name="calendar"),
    path("book/", bookings.book, name="book"),
    path("offer/", offers.offer_edit, name="offer_edit"),
    path("down/", host.machine_down, name="machine_down"),
    path("up/", host.machine_up, name="machine_up"),
]

# The booker's and the host's bookings; `decide` before the booker's own actions.
booking_patterns = [
    path("", bookings.my_bookings, name="my_bookings"),
    path("host/", host.host_dashboard, name="host_dashboard"),
    path("<int:booking_id>/decide/", host.decide, name="decide"),
    path("<int:booking_id>/<str:action>/", bookings.booking_action, name="booking_action"),
]

urlpatterns = [
    path("machines/<int:machine_id>/", include(machine_patterns)),
    path("bookings/", include(booking_patterns)),
]

# An organisation's statements, under o/<slug>/.
statement_patterns = [
    path("statements/", statements.statement, name="statement"),
    path("statements.csv", statements.statement_csv, name="statement_csv"),
    path("statements/print/", statements.statement_print, name="statement_print"),
]

statements_patterns: tuple[list[URLPattern | URLResolver], str] = (
    [
        path("o/<slug:slug>/", include(statement_patterns)),
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
