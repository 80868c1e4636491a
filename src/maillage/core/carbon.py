"""Emission and cost factors the apps share, each with where its value comes from."""

from __future__ import annotations

# Road transport of parts by light van (both ways counted by the caller), kg CO2e per km:
# the order of magnitude of ADEME's Base Empreinte for a diesel light commercial vehicle.
VAN_KG_CO2_PER_KM = 0.25
# Cost of that trip in euros per km (fuel, wear, insurance): an order of magnitude, close to
# the French tax administration's mileage scale for a small utility vehicle.
VAN_EUR_PER_KM = 0.60
