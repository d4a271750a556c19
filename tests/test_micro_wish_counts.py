"""Counting micro-wishes and the public home's results (docs/micro_wishes.md, Counting): figures
worked by hand, scope by role and region, and no beneficiary detail on any public path."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import event, select

from matchmaker import clock
from matchmaker.models import MicroWish, Notification, Region
from matchmaker.models.enums import Role, ServiceCategory
from matchmaker.models.micro_wishes import (
    ClaimantType,
    MicroWishKind,
    MicroWishNeed,
    MicroWishStatus,
)
from matchmaker.services.crypto import encrypt_pii
from tests import factories
from tests.volunteering_helpers import gid, staff, volunteer

H = dt.timedelta(hours=1)
BJ = clock.SHANGHAI
NAME, ADDRESS, PHONE = "王秀兰", "朝山街12号3单元", "13912345678"
COUNTS = """query($r: ID, $y: Int) { microWishCounts(regionId: $r, year: $y) {
  total { month recorded claimed fulfilled confirmed shareConfirmed
          medianHoursToClaim medianHoursToFulfil }
  months { month recorded claimed fulfilled confirmed shareConfirmed
           medianHoursToClaim medianHoursToFulfil }
  communities { month region { name } recorded claimed fulfilled confirmed } } }"""


def _wish(
    settings,
    community: Region,
    created: dt.datetime,
    status: MicroWishStatus,
    *,
    claim_after: dt.timedelta | None = None,
    fulfil_after: dt.timedelta | None = None,
    claimant: int = 1,
    title: str = "帮老人换灯泡",
) -> MicroWish:
    """A wish recorded at ``created``, claimed ``claim_after`` later, reported fulfilled
    ``fulfil_after`` after the claim."""
    key = settings.secret_key
    claimed = created + claim_after if claim_after is not None else None
    fulfilled = claimed + fulfil_after if claimed is not None and fulfil_after else None
    return MicroWish(
        region_id=community.id,
        region_path=community.path,
        kind=MicroWishKind.WISH,
        category=ServiceCategory.ELDERLY,
        title=title,
        description=f"{NAME}（{ADDRESS}，电话{PHONE}）家的灯坏了",
        public_description="一位独居老人家中的灯坏了",
        needs=MicroWishNeed.TIME,
        deadline=created + dt.timedelta(days=30),
        beneficiary_name_encrypted=encrypt_pii(key, NAME),
        beneficiary_address_encrypted=encrypt_pii(key, ADDRESS),
        status=status,
        claimant_type=ClaimantType.VOLUNTEER if claimed else None,
        claimant_id=claimant if claimed else None,
        claimed_at=claimed,
        fulfilment_report=f"已为{NAME}换好灯泡" if fulfilled else None,
        fulfilled_at=fulfilled,
        confirmed_at=fulfilled + H if status is MicroWishStatus.CONFIRMED and fulfilled else None,
        created_at=created,
    )


async def _seeded(session, settings) -> dict[str, Any]:
    """Street A's 朝山街社区 in March and April (Beijing time), street B's 佛山苑社区 in March.

    朝山街, March: four wishes, claimed after 2 h, 4 h, 6 h and never; the first two reported
    after 24 h and 48 h; the first confirmed → 4 recorded, 3 claimed, 2 fulfilled, 1 confirmed,
    median to claim 4 h, to fulfil 36 h (24 and 48 averaged).
    朝山街, April: one claimed after 1 h, reported 3 h later and confirmed; one recorded at
    01:00 on 1 April Beijing time (still 31 March in UTC) and expired → 2, 1, 1, 1.
    佛山苑, March: one claimed after 10 h, reported 1 h later, confirmed.
    """
    clock.freeze(dt.datetime(2026, 5, 1, tzinfo=dt.UTC))
    w = await factories.world(session)
    ((_, vid),) = await _volunteer_ids(session, settings, w.community_a1)
    S = MicroWishStatus
    a1, b1 = w.community_a1, w.community_b1
    march = dt.datetime(2026, 3, 2, 9, tzinfo=BJ)
    rows = [
        _wish(settings, a1, march, S.CONFIRMED, claim_after=2 * H, fulfil_after=24 * H),
        _wish(
            settings,
            a1,
            march + 24 * H,
            S.FULFILLED,
            claim_after=4 * H,
            fulfil_after=48 * H,
            title="陪老人散步",
        ),
        _wish(settings, a1, march + 48 * H, S.CLAIMED, claim_after=6 * H),
        _wish(settings, a1, march + 72 * H, S.OPEN),
        _wish(
            settings,
            a1,
            dt.datetime(2026, 4, 3, 9, tzinfo=BJ),
            S.CONFIRMED,
            claim_after=H,
            fulfil_after=3 * H,
            title="给孩子送书包",
        ),
        _wish(settings, a1, dt.datetime(2026, 4, 1, 1, tzinfo=BJ), S.EXPIRED),
        _wish(settings, b1, march, S.CONFIRMED, claim_after=10 * H, fulfil_after=H),
    ]
    for row in rows:
        row.claimant_id = vid if row.claimant_id else None
    session.add_all(rows)
    await session.commit()
    return {"w": w, "wishes": rows}


async def _volunteer_ids(session, settings, community: Region) -> list[tuple[int, int]]:
    v = await volunteer(session, settings, region=community)
    return [(v.login.account.id, v.volunteer.id)]


async def test_street_staff_count_their_communities_by_month_with_medians(session, settings, gql):
    s = await _seeded(session, settings)
    street_staff = await staff(session, settings, s["w"].street_a)
    data = (await gql(COUNTS, {}, token=street_staff.token))["microWishCounts"]
    assert data["months"] == [
        {
            "month": "2026-03",
            "recorded": 4,
            "claimed": 3,
            "fulfilled": 2,
            "confirmed": 1,
            "shareConfirmed": 0.25,
            "medianHoursToClaim": 4.0,
            "medianHoursToFulfil": 36.0,
        },
        {
            "month": "2026-04",
            "recorded": 2,
            "claimed": 1,
            "fulfilled": 1,
            "confirmed": 1,
            "shareConfirmed": 0.5,
            "medianHoursToClaim": 1.0,
            "medianHoursToFulfil": 3.0,
        },
    ]
    # Every month: claims after 1, 2, 4, 6 h → (2 + 4) / 2 = 3 h; reports after 3, 24, 48 h → 24.
    assert data["total"] == {
        "month": None,
        "recorded": 6,
        "claimed": 4,
        "fulfilled": 3,
        "confirmed": 2,
        "shareConfirmed": 0.3333,
        "medianHoursToClaim": 3.0,
        "medianHoursToFulfil": 24.0,
    }
    assert [(c["month"], c["region"]["name"], c["recorded"]) for c in data["communities"]] == [
        ("2026-03", "朝山街社区", 4),
        ("2026-04", "朝山街社区", 2),
    ]


async def test_a_district_auditor_counts_both_streets_and_can_narrow_to_one(session, settings, gql):
    s = await _seeded(session, settings)
    auditor = await factories.account(session, settings, role=Role.AUDITOR, region=s["w"].district)
    data = (await gql(COUNTS, {"y": 2026}, token=auditor.token))["microWishCounts"]
    march = data["months"][0]
    # 佛山苑 adds a claim after 10 h and a report after 1 h: claims 2, 4, 6, 10 → 5 h;
    # reports 1, 24, 48 → 24 h.
    assert (march["recorded"], march["claimed"], march["fulfilled"], march["confirmed"]) == (
        5,
        4,
        3,
        2,
    )
    assert (march["medianHoursToClaim"], march["medianHoursToFulfil"]) == (5.0, 24.0)
    narrowed = await gql(COUNTS, {"r": gid("Region", s["w"].street_b.id)}, token=auditor.token)
    assert narrowed["microWishCounts"]["total"]["recorded"] == 1
    none_in_2025 = await gql(COUNTS, {"y": 2025}, token=auditor.token)
    assert none_in_2025["microWishCounts"]["total"]["recorded"] == 0
    assert none_in_2025["microWishCounts"]["total"]["medianHoursToClaim"] is None


async def test_counts_refuse_a_region_outside_the_callers_scope_and_other_roles(
    session, settings, gql
):
    s = await _seeded(session, settings)
    street_staff = await staff(session, settings, s["w"].street_a)
    body = await gql(
        COUNTS,
        {"r": gid("Region", s["w"].street_b.id)},
        token=street_staff.token,
        expect_errors=True,
    )
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    v = await volunteer(session, settings)
    refused = await gql(COUNTS, {}, token=v.token, expect_errors=True)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_counting_takes_the_same_statements_for_one_month_and_for_many(
    session, settings, gql, app
):
    s = await _seeded(session, settings)
    auditor = await factories.account(session, settings, role=Role.AUDITOR, region=s["w"].city)
    statements: list[str] = []

    def count_statement(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    target = app.state.mm.engine.sync_engine
    event.listen(target, "before_cursor_execute", count_statement)
    try:
        await gql(COUNTS, {"y": 2026}, token=auditor.token)
        few = len(statements)
        for month in range(5, 12):
            session.add(
                _wish(
                    settings,
                    s["w"].community_a2,
                    dt.datetime(2026, month, 10, tzinfo=BJ),
                    MicroWishStatus.OPEN,
                )
            )
        await session.commit()
        statements.clear()
        await gql(COUNTS, {"y": 2026}, token=auditor.token)
        many = len(statements)
    finally:
        event.remove(target, "before_cursor_execute", count_statement)
    assert few == many


RESULTS = """{ recentMicroWishResults(first: 5) { title status publicDescription fulfilmentReport
  beneficiary { name address } claimant { displayName } region { name } } }"""


async def test_the_public_home_shows_recent_results_newest_first_without_the_beneficiary(
    session, settings, gql
):
    await _seeded(session, settings)
    data = (await gql(RESULTS))["recentMicroWishResults"]
    # Fulfilled or confirmed only, by when that happened: the April wish, then the two March
    # wishes reported on 4 and 6 March, then 佛山苑 and 朝山街's first (3 March, 2 March).
    assert [(r["title"], r["status"]) for r in data] == [
        ("给孩子送书包", "CONFIRMED"),
        ("陪老人散步", "FULFILLED"),
        ("帮老人换灯泡", "CONFIRMED"),
        ("帮老人换灯泡", "CONFIRMED"),
    ]
    for row in data:
        assert row["beneficiary"] is None and row["fulfilmentReport"] is None
        text = str(row)
        assert NAME not in text and ADDRESS not in text and PHONE not in text
    assert data[0]["claimant"]["displayName"].endswith("*")


async def test_no_public_query_or_notification_carries_the_beneficiarys_details(
    session, settings, gql
):
    """The board, a wish by id, the home's results and every notification of a whole life."""
    s = await _seeded(session, settings)
    anyone = await volunteer(session, settings, name="赵热心")
    queries = [
        """{ microWishes(first: 50) { nodes { title publicDescription fulfilmentReport
          beneficiary { name address description } } } }""",
        RESULTS,
    ]
    wish_id = gid("MicroWish", s["wishes"][0].id)
    node = f"""{{ node(id: "{wish_id}") {{ ... on MicroWish {{ title publicDescription
      fulfilmentReport beneficiary {{ name }} }} }} }}"""
    for query in [*queries, node]:
        for token in (None, anyone.token):
            text = str(await gql(query, token=token))
            assert NAME not in text and ADDRESS not in text and PHONE not in text, query
    notes = (await session.execute(select(Notification.title, Notification.body))).all()
    for title, body in notes:
        assert NAME not in title + body and ADDRESS not in title + body


async def test_a_title_naming_the_beneficiary_is_refused(session, settings, gql):
    clock.freeze(dt.datetime(2026, 3, 2, 1, tzinfo=dt.UTC))
    w = await factories.world(session)
    recorder = await staff(session, settings, w.street_a)
    mutation = """mutation($i: RecordMicroWishInput!) { recordMicroWish(input: $i) {
      microWish { id } errors { code field } } }"""
    value = {
        "regionId": gid("Region", w.community_a1.id),
        "kind": "WISH",
        "category": "ELDERLY",
        "title": f"帮{NAME}换灯泡",
        "description": "厨房灯坏了",
        "publicDescription": "一位独居老人家中厨房灯坏了",
        "needs": "TIME",
        "deadline": "2026-03-09T00:00:00+00:00",
        "beneficiaryName": NAME,
        "beneficiaryAddress": ADDRESS,
    }
    data = (await gql(mutation, {"i": value}, token=recorder.token))["recordMicroWish"]
    assert data == {"microWish": None, "errors": [{"code": "INVALID_INPUT", "field": "title"}]}
    assert await session.scalar(select(MicroWish.id)) is None
