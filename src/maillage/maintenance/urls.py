"""Every maintenance page (`maintenance:`): plans, breakdowns, passport and second life."""

app_name = "maintenance"

urlpatterns: list = [
    # plans, usage, interventions, reliability, retrofit
    # breakdowns, QR labels, re-routing
    # passport, transfers, second-hand machines, end of life
]
