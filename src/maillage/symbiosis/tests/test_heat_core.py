"""The waste heat pre-feasibility core: Issoire's published figures, a heat pump, a sink hotter
than any heat pump reaches, and a bakery too small for a network."""

import pytest

from maillage.symbiosis import heat

ISSOIRE_SOURCE = heat.End(
    temperature_c=95, power_kw=5000, hours_per_year=6000, latitude=45.55, longitude=3.25
)
ISSOIRE_NETWORK = heat.End(
    temperature_c=85,
    return_temperature_c=55,
    power_kw=6250,
    hours_per_year=4000,
    latitude=45.54,
    longitude=3.25,
)


def test_it_reproduces_issoire_25_gwh_over_9_km():
    result = heat.prefeasibility(ISSOIRE_SOURCE, [ISSOIRE_NETWORK], route_m=9000)
    assert result.temperature.mode == heat.DIRECT
    assert result.delivered_mwh == pytest.approx(25_000)
    assert round(result.density_mwh_per_m, 1) == 2.8
    assert result.density_viable and result.verdict == "viable"
    assert result.losses_share < 0.10
    assert result.co2_avoided_t == pytest.approx(4_900, rel=0.15)
    assert result.route_drawn and result.route_m == 9000
    assert result.pipe.dn == 200 and result.pipe_chosen
    assert not result.velocity_exceeded
    assert result.cost_eur == pytest.approx(9000 * result.pipe.cost_eur_per_m)
    assert result.co2_avoided_life_cycle_t > result.co2_avoided_t


def test_it_needs_a_heat_pump_for_a_cold_source_and_counts_its_electricity():
    data_room = heat.End(
        temperature_c=35,
        power_kw=300,
        hours_per_year=8000,
        latitude=43.3,
        longitude=5.4,
        medium="air",
    )
    offices = heat.End(
        temperature_c=55, power_kw=400, hours_per_year=2000, latitude=43.301, longitude=5.401
    )
    result = heat.prefeasibility(data_room, [offices])
    assert result.temperature.mode == heat.HEAT_PUMP
    cop = result.temperature.cop
    # 0.5 × T_hot / (T_hot − T_cold), T_hot = 55 + 20, T_cold = 35 − 20, in kelvin.
    assert cop == pytest.approx(0.5 * 348.15 / 60)
    assert result.heat_pump_electricity_mwh == pytest.approx(
        (result.delivered_mwh + result.losses_mwh) / cop
    )
    assert not result.route_drawn
    assert result.route_m == pytest.approx(heat.haversine_m(43.3, 5.4, 43.301, 5.401) * 1.3)


def test_it_refuses_a_sink_hotter_than_a_heat_pump_reaches():
    warm_water = heat.End(
        temperature_c=60, power_kw=500, hours_per_year=5000, latitude=43.3, longitude=5.4
    )
    steam_user = heat.End(
        temperature_c=180,
        power_kw=500,
        hours_per_year=5000,
        latitude=43.31,
        longitude=5.4,
        medium="steam",
    )
    result = heat.prefeasibility(warm_water, [steam_user])
    assert result.temperature.mode == heat.INFEASIBLE
    assert result.delivered_mwh == 0 and result.verdict == "infeasible"


def test_it_finds_a_bakery_oven_below_the_ademe_threshold_and_says_what_would_reach_it():
    oven = heat.End(
        temperature_c=200,
        power_kw=40,
        hours_per_year=3000,
        latitude=43.53,
        longitude=5.45,
        medium="flue_gas",
    )
    workshop = heat.End(
        temperature_c=60,
        return_temperature_c=40,
        power_kw=50,
        hours_per_year=1600,
        latitude=43.5305,
        longitude=5.4510,
        monthly_profile=[0.2, 0.17, 0.13, 0.07, 0.02, 0, 0, 0, 0.02, 0.07, 0.13, 0.19],
    )
    result = heat.prefeasibility(oven, [workshop], route_m=120)
    assert result.temperature.mode == heat.DIRECT
    assert result.density_mwh_per_m < heat.ADEME_DENSITY_THRESHOLD
    assert result.verdict == "below_threshold"
    assert result.delivered_needed_mwh == pytest.approx(180)
    assert result.route_allowed_m == pytest.approx(result.delivered_mwh / 1.5)
    # The workshop heats in winter only: no month delivers more than it needs.
    assert result.monthly_delivered_mwh[6] == 0
    assert result.delivered_mwh <= 80


def test_it_computes_power_from_flow_and_the_year_from_a_profile():
    assert heat.power_from_flow_kw(10, 20) == pytest.approx(838)
    assert heat.annual_energy_mwh(100, 1000) == pytest.approx(100)
    months = heat.monthly_energy_mwh(100, 1200, [2] + [1] * 11)
    assert months[0] == pytest.approx(120 * 2 / 13) and sum(months) == pytest.approx(120)
    with pytest.raises(ValueError, match="monthly profile"):
        heat.monthly_energy_mwh(100, 1200, [1, 2])


def test_it_chooses_the_smallest_pipe_within_its_velocity_and_reads_the_table():
    table = heat.pipe_table()
    assert [pipe.dn for pipe in table] == sorted(pipe.dn for pipe in table)
    assert heat.choose_dn(50, 30).dn <= 40
    assert heat.choose_dn(5000, 30).dn == 200
    with pytest.raises(ValueError, match="pipe_dn"):
        heat.pipe_of(7)
