"""The micro-wish questions of matching (docs/matching.md, Micro-wishes): whom to ask about a
wish and wishes near a volunteer, on the shared machinery (cold-start priors, reasons, the
impression log, outcomes, training sets)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update

from matchmaker import clock
from matchmaker.models import (
    MatchImpression,
    MatchImpressionItem,
    MicroWish,
    Region,
    Volunteer,
    VolunteerTeam,
)
from matchmaker.models.micro_wishes import MicroWishStatus
from matchmaker.schema.relay import decode_id
from matchmaker.services.matching import micro_wishes as wish_matching
from tests import factories
from tests.volunteering_helpers import T0, gid, staff, volunteer

DAY = dt.timedelta(days=1)
CLAIMERS = """query($w: ID!) { recommendedWishClaimers(wishId: $w, first: 10) {
  items { rank score reasons { code text weight } volunteer { realName } team { name } }
  modelVersion coldStart } }"""
FEED = """{ recommendedMicroWishes(first: 10) { items { rank score reasons { code text }
  microWish { title beneficiary { name } } } modelVersion coldStart } }"""
RECORD = """mutation($i: RecordMicroWishInput!) { recordMicroWish(input: $i) {
  microWish { id } errors { code } } }"""


async def _world(session, settings) -> dict[str, Any]:
    clock.freeze(T0)
    w = await factories.world(session)
    # 朝山街社区 at the origin, 新东门社区 about 2.2 km north, 佛山苑社区 (street B) far away.
    for region, lat in ((w.community_a1, 36.66), (w.community_a2, 36.68), (w.community_b1, 36.70)):
        await session.execute(
            update(Region).where(Region.id == region.id).values(latitude=lat, longitude=117.03)
        )
    await session.commit()
    return {"w": w, "staff": await staff(session, settings, w.street_a)}


async def _wish(gql, s, title: str, category: str = "ELDERLY", days: int = 5) -> str:
    data = await gql(
        RECORD,
        {
            "i": {
                "regionId": gid("Region", s["w"].community_a1.id),
                "kind": "WISH",
                "category": category,
                "title": title,
                "description": "李奶奶（朝山街8号）需要帮助",
                "publicDescription": "一位老人需要帮助",
                "needs": "TIME",
                "deadline": (T0 + days * DAY).isoformat(),
                "beneficiaryName": "李奶奶",
                "beneficiaryAddress": "朝山街8号",
            }
        },
        token=s["staff"].token,
    )
    assert data["recordMicroWish"]["errors"] == []
    return str(data["recordMicroWish"]["microWish"]["id"])


async def _interested(session, v, interests: list[str]) -> None:
    await session.execute(
        update(Volunteer).where(Volunteer.id == v.volunteer.id).values(interests=interests)
    )
    await session.commit()


async def test_staff_get_the_streets_volunteers_and_teams_best_first_on_cold_start_priors(
    session, settings, gql
):
    s = await _setup_claimers(session, settings, gql)
    data = (await gql(CLAIMERS, {"w": s["wish"]}, token=s["staff"].token))[
        "recommendedWishClaimers"
    ]
    assert data["coldStart"] is True and data["modelVersion"] is None
    names = [(i["volunteer"] or {}).get("realName") or i["team"]["name"] for i in data["items"]]
    # From the wish in 朝山街社区: 张 and the team live there (0 km), 王 2.2 km away in 新东门社区;
    # 张 cares about elderly services (interest 1), the team's interest is unknown (0.5), 王's 0. The volunteer who turned recommendations off and street B's are absent.
    # (Community staff of the street read volunteers' real names, as in `volunteers`.)
    assert names == ["张热心", "朝山街志愿服务队", "王平常"]
    assert [i["rank"] for i in data["items"]] == [1, 2, 3]
    top = data["items"][0]
    # Cold start: the prior weights (distance 0.3 × 1.0 ahead of interest 0.2 × 1.0).
    assert [(r["code"], r["text"]) for r in top["reasons"][:2]] == [
        ("DISTANCE", "距离 0.0 公里"),
        ("INTEREST", "关注为老服务类服务"),
    ]
    assert top["reasons"][-1]["code"] == "COLD_START"
    logged = list(
        await session.scalars(
            select(MatchImpression.id).where(MatchImpression.direction == "CLAIMERS_FOR_WISH")
        )
    )
    assert len(logged) == 2  # one impression per candidate kind


async def _setup_claimers(session, settings, gql) -> dict[str, Any]:
    s = await _world(session, settings)
    w = s["w"]
    carer = await volunteer(session, settings, name="张热心", region=w.community_a1)
    await _interested(session, carer, ["ELDERLY"])
    await volunteer(session, settings, name="王平常", region=w.community_a2)
    hidden = await volunteer(session, settings, name="赵隐身", region=w.community_a1)
    await session.execute(
        update(Volunteer).where(Volunteer.id == hidden.volunteer.id).values(recommendable=False)
    )
    await volunteer(session, settings, name="钱远方", region=w.community_b1)
    session.add(VolunteerTeam(name="朝山街志愿服务队", region_id=w.community_a1.id))
    await session.commit()
    s["wish"] = await _wish(gql, s, "陪老人聊天")
    return s


async def test_staff_of_another_street_and_a_claimed_wish_are_refused(session, settings, gql):
    s = await _world(session, settings)
    wish = await _wish(gql, s, "陪老人聊天")
    other = await staff(session, settings, s["w"].street_b)
    body = await gql(CLAIMERS, {"w": wish}, token=other.token, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    await session.execute(
        update(MicroWish)
        .where(MicroWish.id == decode_id(wish, "MicroWish"))
        .values(status=MicroWishStatus.WITHDRAWN)
    )
    await session.commit()
    body = await gql(CLAIMERS, {"w": wish}, token=s["staff"].token, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "INVALID_STATE"


async def test_a_volunteers_feed_ranks_nearby_open_wishes_and_masks_them(session, settings, gql):
    s = await _world(session, settings)
    me = await volunteer(session, settings, name="孙志愿", region=s["w"].community_a2)
    await _interested(session, me, ["CHILDREN_YOUTH"])
    await _wish(gql, s, "陪老人聊天")
    await _wish(gql, s, "给孩子送书包", category="CHILDREN_YOUTH")
    data = (await gql(FEED, token=me.token))["recommendedMicroWishes"]
    assert [i["microWish"]["title"] for i in data["items"]] == ["给孩子送书包", "陪老人聊天"]
    assert all(i["microWish"]["beneficiary"] is None for i in data["items"])
    assert data["items"][0]["reasons"][0]["code"] in {"INTEREST", "DISTANCE"}
    assert "李奶奶" not in str(data) and "朝山街8号" not in str(data)


async def test_a_feed_without_personalization_orders_by_distance_then_deadline(
    session, settings, gql
):
    s = await _world(session, settings)
    me = await volunteer(session, settings, name="孙志愿", region=s["w"].community_a2)
    await _interested(session, me, ["CHILDREN_YOUTH"])
    await session.execute(
        update(Volunteer).where(Volunteer.id == me.volunteer.id).values(personalized_feed=False)
    )
    await session.commit()
    await _wish(gql, s, "给孩子送书包", category="CHILDREN_YOUTH", days=9)
    await _wish(gql, s, "陪老人聊天", days=3)
    data = (await gql(FEED, token=me.token))["recommendedMicroWishes"]
    # Both 2.2 km away: the sooner deadline first, whatever the interests.
    assert [i["microWish"]["title"] for i in data["items"]] == ["陪老人聊天", "给孩子送书包"]
    assert {i["reasons"][0]["text"] for i in data["items"]} == {
        wish_matching.NON_PERSONALIZED_REASON
    }
    personalized = await session.scalar(
        select(MatchImpression.personalized).where(
            MatchImpression.direction == "WISHES_FOR_VOLUNTEER"
        )
    )
    assert personalized is False


async def test_a_claim_and_its_confirmation_mark_the_lists_that_showed_them(session, settings, gql):
    s = await _world(session, settings)
    me = await volunteer(session, settings, name="孙志愿", region=s["w"].community_a1)
    wish = await _wish(gql, s, "陪老人聊天")
    await gql(CLAIMERS, {"w": wish}, token=s["staff"].token)
    await gql(FEED, token=me.token)
    claim = (
        """mutation($i: ClaimMicroWishInput!) { claimMicroWish(input: $i) { errors { code } } }"""
    )
    assert (await gql(claim, {"i": {"wishId": wish}}, token=me.token))["claimMicroWish"][
        "errors"
    ] == []
    report = """mutation($i: ReportMicroWishFulfilmentInput!) { reportMicroWishFulfilment(input: $i) {
      errors { code } } }"""
    clock.freeze(T0 + DAY)
    await gql(report, {"i": {"wishId": wish, "report": "已陪聊", "minutes": 30}}, token=me.token)
    confirm = (
        """mutation($i: MicroWishIdInput!) { confirmMicroWish(input: $i) { errors { code } } }"""
    )
    assert (await gql(confirm, {"i": {"wishId": wish}}, token=s["staff"].token))[
        "confirmMicroWish"
    ]["errors"] == []
    rows = (
        await session.execute(
            select(
                MatchImpressionItem.direction,
                MatchImpressionItem.engaged_at.is_not(None),
                MatchImpressionItem.succeeded_at.is_not(None),
            )
            .where(MatchImpressionItem.direction.in_(["CLAIMERS_FOR_WISH", "WISHES_FOR_VOLUNTEER"]))
            .order_by(MatchImpressionItem.direction)
        )
    ).all()
    assert rows == [("CLAIMERS_FOR_WISH", True, True), ("WISHES_FOR_VOLUNTEER", True, True)]
    for direction in ("CLAIMERS_FOR_WISH", "WISHES_FOR_VOLUNTEER"):
        ts = await wish_matching._training_set(session, direction)
        assert ts is not None and ts.X.shape == (1, 6)
        assert bool(ts.engaged[0]) and bool(ts.succeeded[0])


async def test_whom_to_ask_takes_the_same_statements_for_few_and_many_candidates(
    session, settings, gql, statements
):
    from tests.volunteering_helpers import many_volunteers

    s = await _world(session, settings)
    wish = await _wish(gql, s, "陪老人聊天")

    async def ask() -> None:
        data = await gql(CLAIMERS, {"w": wish}, token=s["staff"].token)
        assert data["recommendedWishClaimers"]["items"]

    # One team and 10 volunteers, then four teams and 50: the same statements either way.
    session.add(VolunteerTeam(name="新东门第0队", region_id=s["w"].community_a1.id))
    await many_volunteers(session, 10, s["w"].community_a1)
    await session.commit()
    few = await statements.count(ask)
    await many_volunteers(session, 40, s["w"].community_a2, start=500)
    for i in range(1, 4):
        session.add(VolunteerTeam(name=f"新东门第{i}队", region_id=s["w"].community_a2.id))
    await session.commit()
    many = await statements.count(ask)
    assert few > 0
    assert many == few, statements.last
