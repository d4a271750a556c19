"""GET /ocds/release-package.json: a valid OCDS 1.1.5 release package (with the bids
extension) of published projects, and never a sealed bid (docs/oversight.md, "OCDS")."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from matchmaker import clock
from matchmaker.models import Payment
from matchmaker.models.procurement import MilestoneStatus, ProjectStatus
from tests.procurement_support import START, YUAN, city, make_bid, make_contract, make_project

SCHEMAS = Path(__file__).parent / "data" / "ocds"
RELEASE_ID = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"


def _merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON Merge Patch."""
    if not isinstance(patch, dict):
        return patch
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = _merge_patch(result.get(key), value)
    return result


def validator() -> jsonschema.Draft4Validator:
    release = json.loads((SCHEMAS / "1.1.5" / "release-schema.json").read_text())
    bids = json.loads((SCHEMAS / "bids-v1.1.5" / "release-schema.json").read_text())
    package = json.loads((SCHEMAS / "1.1.5" / "release-package-schema.json").read_text())
    merged = _merge_patch(release, bids)
    registry: Registry[Any] = Registry().with_resource(
        RELEASE_ID, Resource.from_contents(merged, default_specification=DRAFT4)
    )
    return jsonschema.Draft4Validator(package, registry=registry)


async def _projects(session, settings):
    """An open tender still sealed, a failed one, and a contract with a payment."""
    clock.freeze(START)
    c = await city(session, settings)
    org1, org2, org3 = (b.org for b in c.bidders)
    sealed = await make_project(session, c.community, status=ProjectStatus.OPEN_FOR_BIDS)
    await make_bid(session, sealed, org1, price_fen=123_456 * YUAN)
    failed = await make_project(session, c.community, status=ProjectStatus.FAILED)
    await make_bid(session, failed, org2, price_fen=100_000 * YUAN, opened=True)
    running = await make_project(session, c.community, status=ProjectStatus.BIDS_OPENED)
    won = await make_bid(session, running, org1, price_fen=180_000 * YUAN, opened=True)
    await make_bid(session, running, org3, price_fen=190_000 * YUAN, opened=True)
    contract, (m1, _) = await make_contract(
        session, running, won, milestone_status=MilestoneStatus.ACCEPTED
    )
    session.add(
        Payment(
            contract_id=contract.id,
            milestone_id=m1.id,
            amount_fen=90_000 * YUAN,
            paid_on=dt.date(2026, 6, 1),
            voucher_number="PZ-1",
        )
    )
    await make_project(session, c.community, status=ProjectStatus.DRAFT)
    await session.commit()
    return c, sealed, failed, running


async def test_the_release_package_is_valid_ocds_and_anyone_may_download_it(
    http, session, settings
):
    _c, sealed, failed, running = await _projects(session, settings)
    response = await http.get("/ocds/release-package.json")  # no session
    assert response.status_code == 200
    package = response.json()
    errors = sorted(validator().iter_errors(package), key=lambda e: list(e.path))
    assert errors == [], [f"{list(e.path)}: {e.message}" for e in errors]

    by_id = {r["ocid"].rsplit("-", 1)[1]: r for r in package["releases"]}
    assert set(by_id) == {str(sealed.id), str(failed.id), str(running.id)}  # no draft
    r = by_id[str(running.id)]
    assert r["tag"] == ["tender", "award", "contract", "implementation"]
    assert r["planning"]["budget"]["amount"] == {"amount": 250_000.0, "currency": "CNY"}
    assert r["awards"][0]["value"]["amount"] == 180_000.0
    [contract] = r["contracts"]
    assert [t["value"]["amount"] for t in contract["implementation"]["transactions"]] == [90_000.0]
    assert [m["status"] for m in contract["milestones"]] == ["met", "scheduled"]
    assert sorted(b["value"]["amount"] for b in r["bids"]["details"]) == [180_000.0, 190_000.0]
    supplier = next(p for p in r["parties"] if "supplier" in p["roles"])
    assert supplier["identifier"]["scheme"] == "CN-USCC"
    assert len(supplier["identifier"]["id"]) == 18
    assert by_id[str(failed.id)]["tender"]["status"] == "unsuccessful"


async def test_a_sealed_bid_is_nowhere_in_the_export_before_the_opening(http, session, settings):
    _c, sealed, _failed, _running = await _projects(session, settings)
    response = await http.get("/ocds/release-package.json")
    text = response.text
    release = next(r for r in response.json()["releases"] if r["ocid"].endswith(f"-{sealed.id}"))
    assert "bids" not in release and "numberOfTenderers" not in release["tender"]
    assert [p["roles"] for p in release["parties"]] == [["buyer", "procuringEntity", "payer"]]
    assert "123456" not in text  # the sealed price, in yuan
