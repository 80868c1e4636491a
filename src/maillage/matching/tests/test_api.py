"""The matching endpoints of /api/v1/ on a hand-made territory built through the real actions.

Three host organisations share a laser cutter each: Marseille (A, nearest to the requester),
Aix-en-Provence (B, about 25 km) and Toulon (C, about 50 km). Dave, member of a fourth
organisation in Marseille, looks for machines. The fixtures are imported by the page and
browser tests of this app.
"""

import datetime as dt
import importlib
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.utils import timezone

from maillage.directory.actions import people as people_actions
from maillage.directory.models import Membership, Role
from maillage.equipment import actions as equipment_actions
from maillage.equipment.models import Process
from maillage.matching.loader import CACHE
from maillage.matching.models import AllocationRun, Need, NeedStatus, UnmetReason
from maillage.qualifications import actions as qualification_actions
from maillage.sharing.actions import bookings as booking_actions
from maillage.sharing.actions import offers as offer_actions
from maillage.sharing.models import BookingState

PARIS = ZoneInfo("Europe/Paris")
LASER_CUTTING, THERMAL_REMOVAL, PLASMA = "3.4.1.1", "3.4.1", "3.4.1.3"
NON_MECHANICAL_REMOVAL = "3.4"
SEARCH = "/api/v1/needs/search"


# --- the territory ---------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_index() -> Any:
    """The engine's index is cached per process: each test starts from its own machines."""
    CACHE.clear()
    yield
    CACHE.clear()


@pytest.fixture
def taxonomy(db: Any) -> None:
    """The process tree as its data migration loads it (a transactional test's flush empties
    it; non-transactional tests already have it)."""
    if not Process.objects.exists():
        importlib.import_module("maillage.equipment.migrations.0002_processes").load(apps, None)


def _laser(host: Any, organisation: Any, name: str, envelope: tuple[float, float, float], **offer):
    machine = equipment_actions.create_machine(
        host,
        organisation,
        equipment_actions.MachineInput(
            name=name,
            process_codes=[LASER_CUTTING],
            envelope_x_mm=envelope[0],
            envelope_y_mm=envelope[1],
            envelope_z_mm=envelope[2],
        ),
    )
    fields = {
        "mode": "self_service",
        "price_own_cents": 1000,
        "price_member_cents": 2000,
        "price_outsider_cents": 3000,
        "fixed_fee_cents": 500,
        "max_minutes": 600,
        **offer,
    }
    offer_actions.save_offer(host, machine, offer_actions.OfferInput(**fields))
    return machine


@pytest.fixture
def territory(taxonomy: Any, make_user: Any, make_organisation: Any) -> dict[str, Any]:
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    dave = make_user("dave", first_name="Dave", last_name="Demandeur")
    org_a = make_organisation("Atelier Vieux-Port", admin=alice)
    org_b = make_organisation(
        "Fablab Aixois", admin=bob, commune="Aix-en-Provence", postal_code="13100"
    )
    org_c = make_organisation(
        "Tôlerie Toulonnaise", admin=carol, kind="sme", commune="Toulon", postal_code="83000"
    )
    org_d = make_organisation("Menuiserie du Panier", commune="Marseille", postal_code="13002")
    Membership.objects.create(user=dave, organisation=org_d, role=Role.MEMBER)
    machines = {
        "a": _laser(alice, org_a, "Laser A", (1000, 600, 20)),
        "b": _laser(bob, org_b, "Laser B", (1000, 600, 20)),
        "c": _laser(carol, org_c, "Laser C", (1300, 900, 30)),
    }
    CACHE.clear()
    return {
        "alice": alice,
        "bob": bob,
        "carol": carol,
        "dave": dave,
        "orgs": {"a": org_a, "b": org_b, "c": org_c, "d": org_d},
        "machines": machines,
    }


@pytest.fixture
def token_for(db: Any) -> Any:
    def make(user: Any) -> dict[str, str]:
        key = people_actions.create_api_token(user, "test")[1]
        return {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    return make


def window(hours_from_now: float = 2, length_h: float = 6) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.now().astimezone(PARIS).replace(microsecond=0) + dt.timedelta(
        hours=hours_from_now
    )
    return start, start + dt.timedelta(hours=length_h)


def need_body(**fields: Any) -> dict[str, Any]:
    earliest, deadline = window()
    return {
        "process": LASER_CUTTING,
        "hours": 2,
        "earliest": earliest.isoformat(),
        "deadline": deadline.isoformat(),
        "commune": "13001",
        "max_km": 80,
        **fields,
    }


def post(client: Any, url: str, payload: Any, **extra: Any) -> Any:
    return client.post(url, json.dumps(payload), content_type="application/json", **extra)


def _ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [r["machine_id"] for r in response.json()["results"]]


def _locs(response: Any) -> set[tuple[str, ...]]:
    return {tuple(str(part) for part in entry["loc"]) for entry in response.json()["detail"]}


# --- search ----------------------------------------------------------------------------


def test_the_nearest_machine_comes_first_and_every_result_explains_itself(
    client: Any, territory: Any, token_for: Any
) -> None:
    m = territory["machines"]
    sent = need_body()
    response = post(client, SEARCH, sent, **token_for(territory["dave"]))
    assert _ids(response) == [m["a"].pk, m["b"].pk, m["c"].pk]
    body = response.json()
    assert body["recorded"] and body["status"] == NeedStatus.MATCHED and body["unmet_reason"] == ""
    need = Need.objects.get(pk=body["need_id"])
    assert need.requester == territory["dave"] and need.status == NeedStatus.MATCHED
    assert need.result_count == 3 and need.organisation == territory["orgs"]["d"]

    first, second, third = body["results"]
    assert first["distance_km"] < second["distance_km"] < third["distance_km"]
    assert 15 < second["distance_km"] < 40 and 35 < third["distance_km"] < 70
    for r in body["results"]:
        # hours × the network price + the fixed fee, plus the parts' transport there and back.
        assert r["machine_cents"] == 2 * 2000 + 500 == r["rate_cents"] * 2 + r["fee_cents"]
        assert r["cost_cents"] == r["machine_cents"] + r["transport_cents"]
        assert r["transport_cents"] == pytest.approx(2 * r["distance_km"] * 0.60 * 100, abs=1)
        assert r["co2_kg"] == pytest.approx(2 * r["distance_km"] * 0.25, abs=0.01)
        earliest, deadline = (dt.datetime.fromisoformat(sent[k]) for k in ("earliest", "deadline"))
        start = dt.datetime.fromisoformat(r["slot_start"])
        end = dt.datetime.fromisoformat(r["slot_end"])
        assert earliest - dt.timedelta(minutes=1) <= start and end <= deadline
        assert end - start == dt.timedelta(hours=2)
        assert r["book_url"].startswith(f"/machines/{r['machine_id']}/book/?start=")
        assert r["missing_trainings"] == []
        assert r["organisation"]["name"] and r["machine_url"] == f"/machines/{r['machine_id']}/"


def test_a_busy_nearest_machine_gives_way_to_the_next_one(
    client: Any, territory: Any, token_for: Any
) -> None:
    m, alice = territory["machines"], territory["alice"]
    earliest, deadline = window(2, 6)
    booking = booking_actions.request_booking(
        alice,
        m["a"],
        earliest - dt.timedelta(hours=1),
        deadline + dt.timedelta(hours=1),
    )
    assert booking.state == BookingState.CONFIRMED
    response = post(client, SEARCH, need_body(), **token_for(territory["dave"]))
    assert _ids(response) == [m["b"].pk, m["c"].pk]
    assert response.json()["results"][0]["rank"] == 1


def test_an_envelope_too_small_everywhere_is_recorded_as_unmet_with_its_reason(
    client: Any, territory: Any, token_for: Any
) -> None:
    body = need_body(part_x_mm=2000, part_y_mm=1500, part_z_mm=10)
    response = post(client, SEARCH, body, **token_for(territory["dave"]))
    assert _ids(response) == []
    data = response.json()
    assert data["status"] == NeedStatus.UNMET and data["unmet_reason"] == UnmetReason.TOO_SMALL
    assert data["unmet_reason_label"] == str(UnmetReason.TOO_SMALL.label)
    assert data["nearest_km"] is not None and data["nearest_km"] < 10
    need = Need.objects.get(pk=data["need_id"])
    assert need.status == NeedStatus.UNMET and need.unmet_reason == UnmetReason.TOO_SMALL
    assert need.nearest_km == data["nearest_km"] and need.department_id == "13"


def test_turning_the_part_makes_it_fit(client: Any, territory: Any) -> None:
    m = territory["machines"]
    # 500 × 20 × 900 fits A and B (1000 × 600 × 20) only once turned; never C (Z is 30).
    turned = post(client, SEARCH, need_body(part_x_mm=500, part_y_mm=20, part_z_mm=900))
    assert _ids(turned) == [m["a"].pk, m["b"].pk, m["c"].pk]
    upright = post(
        client,
        SEARCH,
        need_body(part_x_mm=500, part_y_mm=20, part_z_mm=900, allow_rotation=False),
    )
    assert _ids(upright) == []
    assert upright.json()["unmet_reason"] == UnmetReason.TOO_SMALL


@pytest.mark.parametrize("process", [THERMAL_REMOVAL, NON_MECHANICAL_REMOVAL])
def test_machines_of_a_sub_process_answer_a_broader_need(
    client: Any, territory: Any, process: str
) -> None:
    assert len(_ids(post(client, SEARCH, need_body(process=process)))) == 3


def test_a_process_nobody_has_says_so(client: Any, territory: Any) -> None:
    response = post(client, SEARCH, need_body(process=PLASMA))
    assert _ids(response) == []
    assert response.json()["unmet_reason"] == UnmetReason.NO_SUCH_PROCESS


def test_too_far_says_how_far_the_nearest_is(client: Any, territory: Any) -> None:
    response = post(client, SEARCH, need_body(commune="Lyon", max_km=30))
    assert _ids(response) == []
    data = response.json()
    assert data["unmet_reason"] == UnmetReason.TOO_FAR and data["nearest_km"] > 200


def test_anonymous_searches_are_answered_but_not_recorded(client: Any, territory: Any) -> None:
    response = post(client, SEARCH, need_body())
    assert len(_ids(response)) == 3
    assert response.json()["need_id"] is None and not response.json()["recorded"]
    assert Need.objects.count() == 0


def test_a_bad_token_is_refused(client: Any, territory: Any) -> None:
    response = post(client, SEARCH, need_body(), HTTP_AUTHORIZATION="Bearer mlg_nonsense")
    assert response.status_code == 401


def test_missing_trainings_say_who_gives_them(client: Any, territory: Any, token_for: Any) -> None:
    bob, laser_b = territory["bob"], territory["machines"]["b"]
    training = qualification_actions.create_training(
        bob, territory["orgs"]["b"], "Laser safety", machine=laser_b
    )
    offer_actions.save_offer(
        bob,
        laser_b,
        offer_actions.OfferInput(
            mode="self_service",
            price_member_cents=2000,
            fixed_fee_cents=500,
            max_minutes=600,
            required_training_ids=(training.pk,),
        ),
    )
    CACHE.clear()
    response = post(client, SEARCH, need_body(), **token_for(territory["dave"]))
    by_machine = {r["machine_id"]: r for r in response.json()["results"]}
    (missing,) = by_machine[laser_b.pk]["missing_trainings"]
    assert missing["title"] == "Laser safety" and missing["reason"] == "never"
    assert missing["given_by"] == "Fablab Aixois"
    assert missing["url"] == f"/trainings/{training.pk}/"
    assert by_machine[territory["machines"]["a"].pk]["missing_trainings"] == []


BAD_INPUT = [
    ({"process": "9.9.9"}, "process"),
    ({"deadline": "2020-01-01T00:00:00+01:00"}, "deadline"),
    ({"hours": -2}, "hours"),
    ({"max_km": 0}, "max_km"),
    ({"commune": "Nowhere-sur-Rien"}, "commune"),
    ({"budget_cents_per_hour": -1}, "budget_cents_per_hour"),
    ({"weight_price": 11}, "weight_price"),
]


@pytest.mark.parametrize(("change", "field"), BAD_INPUT)
def test_bad_input_names_the_field_and_records_nothing(
    client: Any, territory: Any, token_for: Any, change: dict[str, Any], field: str
) -> None:
    body = need_body(**change)
    if field == "deadline":
        body["earliest"] = "2020-01-02T00:00:00+01:00"
    response = post(client, SEARCH, body, **token_for(territory["dave"]))
    assert response.status_code == 422, response.content
    assert ("body", field) in _locs(response)
    assert Need.objects.count() == 0


def test_my_needs_lists_only_mine(client: Any, territory: Any, token_for: Any) -> None:
    dave = token_for(territory["dave"])
    post(client, SEARCH, need_body(label="Signs"), **dave)
    post(client, SEARCH, need_body(label="Other"), **token_for(territory["alice"]))
    response = client.get("/api/v1/needs", **dave)
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["label"] for i in items] == ["Signs"]
    assert items[0]["process"] == LASER_CUTTING and items[0]["status"] == NeedStatus.MATCHED
    assert client.get("/api/v1/needs").status_code == 401


# --- unmet demand ----------------------------------------------------------------------


def test_unmet_demand_is_for_coordinators(
    client: Any, territory: Any, token_for: Any, coordinator: Any
) -> None:
    dave = token_for(territory["dave"])
    post(client, SEARCH, need_body(part_x_mm=2000, part_y_mm=1500, part_z_mm=10), **dave)
    post(client, SEARCH, need_body(part_x_mm=3000, part_y_mm=1500, part_z_mm=10), **dave)
    post(client, SEARCH, need_body(process=PLASMA, commune="Toulon"), **dave)
    post(client, SEARCH, need_body(), **dave)  # met: not counted

    response = client.get("/api/v1/unmet", **token_for(coordinator))
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["total"] == 3
    rows = {(r["process"], r["department"]): r for r in data["rows"]}
    assert rows[(LASER_CUTTING, "13")]["count"] == 2
    assert rows[(LASER_CUTTING, "13")]["reason"] == UnmetReason.TOO_SMALL
    assert rows[(PLASMA, "83")]["reason"] == UnmetReason.NO_SUCH_PROCESS
    assert rows[(PLASMA, "83")]["department_name"] == "Var"

    layer = client.get("/api/v1/unmet.geojson", **token_for(coordinator))
    assert layer.status_code == 200
    features = layer.json()["features"]
    assert sum(f["properties"]["count"] for f in features) == 3 == layer.json()["total"]
    assert all(f["geometry"]["type"] == "Point" for f in features)

    future = (timezone.now() + dt.timedelta(days=2)).date().isoformat()
    later = client.get(f"/api/v1/unmet?since={future}", **token_for(coordinator))
    assert later.json()["total"] == 0

    for url in ("/api/v1/unmet", "/api/v1/unmet.geojson"):
        assert client.get(url, **dave).status_code == 403
        assert client.get(url).status_code == 401


# --- batches ---------------------------------------------------------------------------


def _batch_need(label: str, earliest: dt.datetime, deadline: dt.datetime, **fields: Any):
    return {
        "label": label,
        "process": LASER_CUTTING,
        "hours": 3,
        "earliest": earliest.isoformat(),
        "deadline": deadline.isoformat(),
        "commune": "13001",
        "max_km": 80,
        **fields,
    }


def test_a_batch_allocates_within_free_hours_and_explains_the_rest(
    client: Any,
    territory: Any,
    token_for: Any,
    coordinator: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # A four-hour window: each machine can take one three-hour need, no more.
    tomorrow = timezone.now().astimezone(PARIS).date() + dt.timedelta(days=1)
    earliest = dt.datetime.combine(tomorrow, dt.time(8), tzinfo=PARIS)
    deadline = earliest + dt.timedelta(hours=4)
    needs = [_batch_need(f"Need {i}", earliest, deadline) for i in range(5)]
    needs.append(
        _batch_need("Huge", earliest, deadline, part_x_mm=5000, part_y_mm=5000, part_z_mm=5)
    )
    headers = token_for(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client,
            "/api/v1/batches",
            {"title": "Spring orders", "needs": needs, "co2_price_cents_per_kg": 10},
            **headers,
        )
    assert response.status_code == 201, response.content
    run_id = response.json()["id"]
    assert response.json()["url"] == f"/api/v1/batches/{run_id}"

    result = client.get(f"/api/v1/batches/{run_id}", **headers)
    assert result.status_code == 200
    run = result.json()
    assert run["state"] == AllocationRun.State.DONE and run["progress"] == 100
    assert run["need_count"] == 6 and run["allocated_count"] == 3
    assert run["solver_status"] and run["seconds"] is not None
    assert run["total_cost_cents"] > 0

    allocated = [n for n in run["needs"] if n["machine_id"]]
    assert sorted(n["machine_id"] for n in allocated) == sorted(
        m.pk for m in territory["machines"].values()
    )
    for n in allocated:
        start, end = (dt.datetime.fromisoformat(n[k]) for k in ("slot_start", "slot_end"))
        assert earliest <= start and end <= deadline and end - start == dt.timedelta(hours=3)
        assert n["status"] == NeedStatus.MATCHED and n["cost_cents"] > 0
    assert run["total_cost_cents"] == sum(n["cost_cents"] for n in allocated)
    unallocated = {n["label"]: n for n in run["needs"] if not n["machine_id"]}
    assert len(unallocated) == 3
    assert unallocated["Huge"]["unmet_reason"] == UnmetReason.TOO_SMALL
    for n in unallocated.values():
        assert n["status"] == NeedStatus.UNMET and n["unmet_reason"] and n["unmet_reason_label"]
    assert {n["unmet_reason"] for label, n in unallocated.items() if label != "Huge"} == {
        UnmetReason.CAPACITY
    }


def test_a_batch_with_one_bad_need_records_nothing(
    client: Any, territory: Any, token_for: Any, coordinator: Any
) -> None:
    earliest, deadline = window(24, 8)
    needs = [
        _batch_need("Good", earliest, deadline),
        _batch_need("Good too", earliest, deadline),
        _batch_need("Backwards", deadline, earliest),
        _batch_need("Nowhere", earliest, deadline, max_km=0, budget_cents_per_hour=-5),
    ]
    response = post(
        client, "/api/v1/batches", {"title": "Mixed", "needs": needs}, **token_for(coordinator)
    )
    assert response.status_code == 422, response.content
    assert {
        ("body", "needs[2].deadline"),
        ("body", "needs[3].max_km"),
        ("body", "needs[3].budget_cents_per_hour"),
    } <= _locs(response)
    assert AllocationRun.objects.count() == 0 and Need.objects.count() == 0

    good = [_batch_need("Good", earliest, deadline)]
    priced = {"title": "Negative", "needs": good, "co2_price_cents_per_kg": -1}
    response = post(client, "/api/v1/batches", priced, **token_for(coordinator))
    assert response.status_code == 422, response.content
    assert ("body", "co2_price_cents_per_kg") in _locs(response)
    assert AllocationRun.objects.count() == 0 and Need.objects.count() == 0


def test_only_coordinators_allocate_batches(client: Any, territory: Any, token_for: Any) -> None:
    earliest, deadline = window(24, 8)
    body = {"title": "Mine", "needs": [_batch_need("One", earliest, deadline)]}
    dave = token_for(territory["dave"])
    assert post(client, "/api/v1/batches", body, **dave).status_code == 403
    assert post(client, "/api/v1/batches", body).status_code == 401
    assert AllocationRun.objects.count() == 0 and Need.objects.count() == 0
