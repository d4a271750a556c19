"""Micro-wishes (微心愿) through GraphQL: the life of a wish, refusals, masking, the deadline
sweep, and one claimant under concurrent claims (docs/micro_wishes.md)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import event, select

from matchmaker import clock
from matchmaker.models import AuditEvent, MicroWish, Notification, VolunteerTeam
from matchmaker.models.enums import Role
from matchmaker.models.micro_wishes import ClaimantType, MicroWishStatus
from matchmaker.models.procurement import ProjectStatus
from matchmaker.services import micro_wishes
from matchmaker.services.bootstrap import system_context
from matchmaker.services.context import ServiceContext
from matchmaker.services.crypto import encrypt_pii
from matchmaker.services.errors import DomainError, ErrorCode
from tests import factories
from tests.volunteering_helpers import (
    T0,
    audit_count,
    count,
    gid,
    many_volunteers,
    organization,
    running_project,
    staff,
    volunteer,
    volunteer_actor,
)

DAY = dt.timedelta(days=1)
FIELDS = """microWish { id status title category deadline version minutesGiven
  claimant { type displayName } beneficiary { name address } }
  errors { code field message }"""
RECORD = f"""mutation($i: RecordMicroWishInput!) {{ recordMicroWish(input: $i) {{ {FIELDS} }} }}"""
CLAIM = f"""mutation($i: ClaimMicroWishInput!) {{ claimMicroWish(input: $i) {{ {FIELDS} }} }}"""
RELEASE = f"""mutation($i: MicroWishIdInput!) {{ releaseMicroWish(input: $i) {{ {FIELDS} }} }}"""
REPORT = f"""mutation($i: ReportMicroWishFulfilmentInput!) {{
  reportMicroWishFulfilment(input: $i) {{ {FIELDS} }} }}"""
CONFIRM = f"""mutation($i: MicroWishIdInput!) {{ confirmMicroWish(input: $i) {{ {FIELDS} }} }}"""
RETURN = f"""mutation($i: MicroWishReasonInput!) {{
  returnMicroWishFulfilment(input: $i) {{ {FIELDS} }} }}"""
WITHDRAW = f"""mutation($i: MicroWishReasonInput!) {{
  withdrawMicroWish(input: $i) {{ {FIELDS} }} }}"""
ESCALATE = """mutation($i: EscalateMicroWishInput!) { escalateMicroWish(input: $i) {
  microWish { id status projectId } errors { code field message } } }"""
BOARD = """query($r: ID, $s: MicroWishStatus) { microWishes(first: 20, regionId: $r, status: $s) {
  edges { node { id status title publicDescription claimant { type displayName }
  beneficiary { name address } } } } }"""
MINE = """{ myMicroWishClaims(first: 20) { edges { node { id status } } } }"""


def _wish_input(region_id: int, **changes: Any) -> dict[str, Any]:
    value = {
        "regionId": gid("Region", region_id),
        "kind": "WISH",
        "category": "ELDERLY",
        "title": "帮独居老人换灯泡",
        "description": "王秀兰奶奶家（朝山街12号3单元）厨房灯坏了，需要上门更换。",
        "publicDescription": "一位独居老人家中厨房灯坏了，需要上门更换。",
        "needs": "TIME",
        "deadline": (T0 + 3 * DAY).isoformat(),
        "beneficiaryName": "王秀兰",
        "beneficiaryAddress": "朝山街12号3单元",
    }
    value.update(changes)
    return value


async def _setup(session, settings) -> dict[str, Any]:
    clock.freeze(T0)
    w = await factories.world(session)
    return {
        "w": w,
        "staff": await staff(session, settings, w.street_a),
        "staff_b": await staff(session, settings, w.street_b),
        "vol": await volunteer(session, settings, name="李志愿"),
        "other": await volunteer(session, settings, name="赵热心"),
    }


async def _recorded(gql, s, **changes: Any) -> str:
    data = await gql(
        RECORD, {"i": _wish_input(s["w"].community_a1.id, **changes)}, token=s["staff"].token
    )
    assert data["recordMicroWish"]["errors"] == []
    return str(data["recordMicroWish"]["microWish"]["id"])


async def _stored(session, wish_gid: str) -> MicroWish:
    from matchmaker.schema.relay import decode_id

    wish = await session.scalar(
        select(MicroWish)
        .where(MicroWish.id == decode_id(wish_gid, "MicroWish"))
        .execution_options(populate_existing=True)
    )
    await session.commit()
    assert wish is not None
    return wish


async def test_a_wish_goes_from_recorded_to_claimed_to_fulfilled_to_confirmed(
    session, settings, gql
):
    s = await _setup(session, settings)
    wish = await _recorded(gql, s)

    claimed = (await gql(CLAIM, {"i": {"wishId": wish}}, token=s["vol"].token))["claimMicroWish"]
    assert claimed["errors"] == []
    assert claimed["microWish"]["status"] == "CLAIMED"
    assert claimed["microWish"]["claimant"] == {"type": "VOLUNTEER", "displayName": "李**"}

    reported = (
        await gql(
            REPORT,
            {"i": {"wishId": wish, "report": "已上门更换LED灯泡", "minutes": 90}},
            token=s["vol"].token,
        )
    )["reportMicroWishFulfilment"]
    assert reported["errors"] == []
    assert reported["microWish"]["status"] == "FULFILLED"
    assert reported["microWish"]["minutesGiven"] == 90

    confirmed = (await gql(CONFIRM, {"i": {"wishId": wish}}, token=s["staff"].token))[
        "confirmMicroWish"
    ]
    assert confirmed["errors"] == []
    assert confirmed["microWish"]["status"] == "CONFIRMED"
    stored = await _stored(session, wish)
    assert stored.confirmed_by_id == s["staff"].account.id
    # The volunteer hears about the confirmation; the staff heard about the claim and report.
    kinds = {
        n.kind
        for n in await session.scalars(
            select(Notification).where(Notification.subject_id == stored.id)
        )
    }
    assert {"micro_wish.claimed", "micro_wish.fulfilled", "micro_wish.confirmed"} <= kinds
    actions = list(
        await session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.subject_type == "MicroWish", AuditEvent.subject_id == stored.id)
            .order_by(AuditEvent.id)
        )
    )
    assert actions == [
        "micro_wish.record",
        "micro_wish.claim",
        "micro_wish.report",
        "micro_wish.confirm",
    ]
    await session.commit()


async def test_a_released_wish_is_open_again_and_another_volunteer_claims_it(
    session, settings, gql
):
    s = await _setup(session, settings)
    wish = await _recorded(gql, s)
    await gql(CLAIM, {"i": {"wishId": wish}}, token=s["vol"].token)
    released = (await gql(RELEASE, {"i": {"wishId": wish}}, token=s["vol"].token))[
        "releaseMicroWish"
    ]
    assert released["errors"] == []
    assert released["microWish"]["status"] == "OPEN"
    assert released["microWish"]["claimant"] is None
    again = (await gql(CLAIM, {"i": {"wishId": wish}}, token=s["other"].token))["claimMicroWish"]
    assert again["microWish"]["claimant"] == {"type": "VOLUNTEER", "displayName": "赵**"}


async def test_returned_fulfilment_goes_back_to_the_claimant_who_reports_again(
    session, settings, gql
):
    s = await _setup(session, settings)
    wish = await _recorded(gql, s)
    await gql(CLAIM, {"i": {"wishId": wish}}, token=s["vol"].token)
    await gql(REPORT, {"i": {"wishId": wish, "report": "做完了"}}, token=s["vol"].token)
    returned = (
        await gql(
            RETURN, {"i": {"wishId": wish, "reason": "老人反映灯仍不亮"}}, token=s["staff"].token
        )
    )["returnMicroWishFulfilment"]
    assert returned["errors"] == []
    assert returned["microWish"]["status"] == "CLAIMED"
    again = (
        await gql(REPORT, {"i": {"wishId": wish, "report": "换了开关"}}, token=s["vol"].token)
    )["reportMicroWishFulfilment"]
    assert again["microWish"]["status"] == "FULFILLED"


async def test_an_organization_admin_claims_for_the_organization_shown_by_name(
    session, settings, gql
):
    s = await _setup(session, settings)
    org = await organization(session, s["w"].street_a, 7)
    admin = await factories.account(session, settings, role=Role.ORG_ADMIN, organization_id=org.id)
    wish = await _recorded(gql, s, needs="GOODS")
    data = await gql(
        CLAIM,
        {"i": {"wishId": wish, "organizationId": gid("Organization", org.id)}},
        token=admin.token,
    )
    payload = data["claimMicroWish"]
    assert payload["errors"] == []
    assert payload["microWish"]["claimant"] == {
        "type": "ORGANIZATION",
        "displayName": "阳光社工服务中心7",
    }
    # The admin holds it now: they see the beneficiary and find it among their claims.
    assert payload["microWish"]["beneficiary"]["name"] == "王秀兰"
    mine = await gql(MINE, token=admin.token)
    assert [e["node"]["id"] for e in mine["myMicroWishClaims"]["edges"]] == [wish]


async def test_a_team_is_claimed_for_by_its_manager_and_not_by_another_streets_staff(
    session, settings, gql
):
    s = await _setup(session, settings)
    team = VolunteerTeam(name="朝山街志愿服务队", region_id=s["w"].community_a1.id)
    session.add(team)
    await session.commit()
    wish = await _recorded(gql, s)
    refused = (
        await gql(
            CLAIM,
            {"i": {"wishId": wish, "teamId": gid("VolunteerTeam", team.id)}},
            token=s["staff_b"].token,
        )
    )["claimMicroWish"]
    assert refused["errors"][0]["code"] == "NOT_FOUND"
    assert refused["microWish"] is None
    ok = (
        await gql(
            CLAIM,
            {"i": {"wishId": wish, "teamId": gid("VolunteerTeam", team.id)}},
            token=s["staff"].token,
        )
    )["claimMicroWish"]
    assert ok["microWish"]["claimant"] == {"type": "TEAM", "displayName": "朝山街志愿服务队"}


async def test_the_board_masks_the_beneficiary_for_the_public_and_other_volunteers(
    session, settings, gql
):
    s = await _setup(session, settings)
    wish = await _recorded(gql, s)
    await gql(CLAIM, {"i": {"wishId": wish}}, token=s["vol"].token)

    async def seen_by(token: str | None) -> dict[str, Any]:
        data = await gql(BOARD, {"r": gid("Region", s["w"].street_a.id)}, token=token)
        (edge,) = data["microWishes"]["edges"]
        return dict(edge["node"])

    public = await seen_by(None)
    assert public["beneficiary"] is None
    assert "王秀兰" not in str(public) and "朝山街12号" not in str(public)
    assert public["publicDescription"] == "一位独居老人家中厨房灯坏了，需要上门更换。"
    assert public["claimant"] == {"type": "VOLUNTEER", "displayName": "李**"}
    assert (await seen_by(s["other"].token))["beneficiary"] is None
    assert (await seen_by(s["staff_b"].token))["beneficiary"] is None
    assert (await seen_by(s["staff"].token))["beneficiary"] == {
        "name": "王秀兰",
        "address": "朝山街12号3单元",
    }
    assert (await seen_by(s["vol"].token))["beneficiary"]["name"] == "王秀兰"
    # Stored encrypted: the plain name is nowhere in the row.
    stored = await _stored(session, wish)
    assert b"\xe7\x8e\x8b\xe7\xa7\x80\xe5\x85\xb0" not in stored.beneficiary_name_encrypted
    # After release the former claimant reads the masked view again.
    await gql(RELEASE, {"i": {"wishId": wish}}, token=s["vol"].token)
    assert (await seen_by(s["vol"].token))["beneficiary"] is None


async def test_the_board_filters_by_category_and_names_each_wishs_community(session, settings, gql):
    s = await _setup(session, settings)
    await _recorded(gql, s, title="陪老人聊天")
    await _recorded(gql, s, title="给孩子送书包", category="CHILDREN_YOUTH")
    query = """query($c: ServiceCategory) { microWishes(first: 20, category: $c) {
      nodes { title category region { name } } } }"""
    children = (await gql(query, {"c": "CHILDREN_YOUTH"}))["microWishes"]["nodes"]
    assert children == [
        {
            "title": "给孩子送书包",
            "category": "CHILDREN_YOUTH",
            "region": {"name": s["w"].community_a1.name},
        }
    ]
    everything = (await gql(query, {"c": None}))["microWishes"]["nodes"]
    assert [n["title"] for n in everything] == ["给孩子送书包", "陪老人聊天"]


async def test_a_public_description_naming_the_beneficiary_is_refused(session, settings, gql):
    s = await _setup(session, settings)
    before = await audit_count(session)
    data = await gql(
        RECORD,
        {"i": _wish_input(s["w"].community_a1.id, publicDescription="王秀兰奶奶家灯坏了")},
        token=s["staff"].token,
    )
    assert data["recordMicroWish"]["errors"][0]["field"] == "publicDescription"
    assert await count(session, MicroWish) == 0
    assert await audit_count(session) == before


async def _refused(session, gql, query: str, variables: dict[str, Any], token, code: str) -> None:
    """The mutation is refused with ``code`` and writes nothing (no audit row, same version)."""
    audits = await audit_count(session)
    versions = [w.version for w in await session.scalars(select(MicroWish).order_by(MicroWish.id))]
    await session.commit()
    data = await gql(query, variables, token=token)
    (payload,) = data.values()
    assert payload["microWish"] is None
    assert payload["errors"][0]["code"] == code, payload["errors"]
    assert await audit_count(session) == audits
    after = [
        w.version
        for w in await session.scalars(
            select(MicroWish).order_by(MicroWish.id).execution_options(populate_existing=True)
        )
    ]
    await session.commit()
    assert after == versions


async def test_each_refused_step_is_a_typed_error_that_writes_nothing(session, settings, gql):
    s = await _setup(session, settings)
    wish = await _recorded(gql, s)
    w = {"i": {"wishId": wish}}
    # Recording: another street's community, a volunteer, the anonymous public.
    await _refused(
        session,
        gql,
        RECORD,
        {"i": _wish_input(s["w"].community_a1.id)},
        s["staff_b"].token,
        "NOT_FOUND",
    )
    await _refused(
        session,
        gql,
        RECORD,
        {"i": _wish_input(s["w"].community_a1.id)},
        s["vol"].token,
        "FORBIDDEN",
    )
    await _refused(
        session, gql, RECORD, {"i": _wish_input(s["w"].community_a1.id)}, None, "UNAUTHENTICATED"
    )
    # Open: nobody releases, reports or confirms it yet.
    await _refused(session, gql, RELEASE, w, s["vol"].token, "FORBIDDEN")
    await _refused(session, gql, CONFIRM, w, s["staff"].token, "INVALID_STATE")
    await _refused(session, gql, CONFIRM, w, s["staff_b"].token, "NOT_FOUND")
    # Claimed by one volunteer: a second claim conflicts; others can't release or report.
    await gql(CLAIM, w, token=s["vol"].token)
    await _refused(session, gql, CLAIM, w, s["other"].token, "CONFLICT")
    await _refused(session, gql, RELEASE, w, s["other"].token, "FORBIDDEN")
    await _refused(
        session, gql, REPORT, {"i": {"wishId": wish, "report": "x"}}, s["other"].token, "FORBIDDEN"
    )
    await _refused(
        session,
        gql,
        WITHDRAW,
        {"i": {"wishId": wish, "reason": "不需要了"}},
        s["staff"].token,
        "INVALID_STATE",
    )
    await _refused(
        session,
        gql,
        REPORT,
        {"i": {"wishId": wish, "report": "做完了", "minutes": 0}},
        s["vol"].token,
        "INVALID_INPUT",
    )
    await _refused(session, gql, CONFIRM, w, s["staff"].token, "INVALID_STATE")
    # Fulfilled: the claimant can't release it any more; only staff of the community confirm.
    await gql(REPORT, {"i": {"wishId": wish, "report": "做完了"}}, token=s["vol"].token)
    await _refused(session, gql, RELEASE, w, s["vol"].token, "INVALID_STATE")
    await _refused(session, gql, CONFIRM, w, s["vol"].token, "FORBIDDEN")
    await _refused(session, gql, CONFIRM, w, s["staff_b"].token, "NOT_FOUND")
    # Confirmed is final.
    await gql(CONFIRM, w, token=s["staff"].token)
    await _refused(session, gql, CONFIRM, w, s["staff"].token, "INVALID_STATE")
    await _refused(
        session,
        gql,
        RETURN,
        {"i": {"wishId": wish, "reason": "重做"}},
        s["staff"].token,
        "INVALID_STATE",
    )
    await _refused(session, gql, CLAIM, w, s["other"].token, "INVALID_STATE")


async def test_a_wish_past_its_deadline_cannot_be_claimed(session, settings, gql):
    s = await _setup(session, settings)
    wish = await _recorded(gql, s)
    clock.freeze(T0 + 3 * DAY + dt.timedelta(minutes=1))
    await _refused(session, gql, CLAIM, {"i": {"wishId": wish}}, s["vol"].token, "INVALID_STATE")


async def test_staff_withdraw_an_open_wish(session, settings, gql):
    s = await _setup(session, settings)
    wish = await _recorded(gql, s)
    data = await gql(
        WITHDRAW, {"i": {"wishId": wish, "reason": "老人已由家属照顾"}}, token=s["staff"].token
    )
    assert data["withdrawMicroWish"]["microWish"]["status"] == "WITHDRAWN"


async def test_staff_escalate_an_open_wish_to_a_project_draft_of_the_community(
    session, settings, gql
):
    s = await _setup(session, settings)
    wish = await _recorded(gql, s, kind="AFFAIR")
    org = await organization(session, s["w"].street_a, 8)
    project = await running_project(session, s["w"].community_a1, org.id)
    project.status = ProjectStatus.DRAFT
    await session.commit()
    data = await gql(
        ESCALATE,
        {"i": {"wishId": wish, "projectId": gid("Project", project.id)}},
        token=s["staff"].token,
    )
    payload = data["escalateMicroWish"]
    assert payload["errors"] == []
    assert payload["microWish"]["status"] == "ESCALATED"
    assert payload["microWish"]["projectId"] == gid("Project", project.id)
    assert (await _stored(session, wish)).project_id == project.id


async def test_the_nightly_sweep_reopens_late_claims_and_expires_unclaimed_wishes(
    session, settings, gql
):
    s = await _setup(session, settings)
    late = await _recorded(gql, s, title="陪老人就医")
    unclaimed = await _recorded(gql, s, title="修理轮椅")
    done = await _recorded(gql, s, title="代买药品")
    later = await _recorded(gql, s, title="读报", deadline=(T0 + 10 * DAY).isoformat())
    await gql(CLAIM, {"i": {"wishId": late}}, token=s["vol"].token)
    await gql(CLAIM, {"i": {"wishId": done}}, token=s["other"].token)
    await gql(REPORT, {"i": {"wishId": done, "report": "已送达"}}, token=s["other"].token)

    clock.freeze(T0 + 3 * DAY + dt.timedelta(hours=1))
    report = await micro_wishes.sweep_deadlines(system_context(session, settings))
    await session.commit()
    assert (report.reopened, report.expired) == (1, 1)

    reopened = await _stored(session, late)
    assert reopened.status is MicroWishStatus.OPEN and reopened.claimant_id is None
    # Open for a week more, for someone else: 3 days + 1 hour + 7 days after T0.
    assert reopened.deadline == T0 + 10 * DAY + dt.timedelta(hours=1)
    assert (await _stored(session, unclaimed)).status is MicroWishStatus.EXPIRED
    assert (await _stored(session, done)).status is MicroWishStatus.FULFILLED
    assert (await _stored(session, later)).status is MicroWishStatus.OPEN
    told = set(
        await session.scalars(
            select(Notification.account_id).where(Notification.kind == "micro_wish.reopened")
        )
    )
    assert told == {s["vol"].login.account.id, s["staff"].account.id}
    # Run again (a redelivered job): nothing more changes.
    again = await micro_wishes.sweep_deadlines(system_context(session, settings))
    assert (again.reopened, again.expired) == (0, 0)
    await session.commit()


async def test_the_nightly_job_runs_the_sweep_through_the_outbox(
    session, settings, session_factory, gql
):
    from matchmaker.jobs import tasks  # noqa: F401  (registers the jobs)
    from matchmaker.models import OutboxJob
    from matchmaker.models.jobs import JobStatus
    from matchmaker.queue.outbox import schedule
    from matchmaker.queue.registry import JOBS
    from matchmaker.queue.runner import execute

    assert JOBS["sweep_micro_wish_deadlines"].cron == ({5}, {16})  # 00:05 Beijing time
    s = await _setup(session, settings)
    wish = await _recorded(gql, s)
    clock.freeze(T0 + 4 * DAY)
    job_id = await schedule(session, "sweep_micro_wish_deadlines", {})
    await session.commit()
    assert await execute(session_factory, settings, job_id) is JobStatus.DONE
    row = await session.get(OutboxJob, job_id, populate_existing=True)
    assert row is not None and row.result == {"reopened": 0, "expired": 1}
    await session.commit()
    assert (await _stored(session, wish)).status is MicroWishStatus.EXPIRED


@pytest.mark.postgres_only
async def test_twenty_concurrent_claims_leave_exactly_one_claimant(
    session, settings, session_factory, gql
):
    s = await _setup(session, settings)
    wish_gid = await _recorded(gql, s)
    wish_id = (await _stored(session, wish_gid)).id
    people = await many_volunteers(session, 20, s["w"].community_a1)

    async def claim_as(account_id: int) -> str:
        try:
            async with session_factory() as own, own.begin():
                sc = ServiceContext(
                    session=own, actor=volunteer_actor(account_id), settings=settings
                )
                await micro_wishes.claim(sc, wish_id=wish_id)
                return "claimed"
        except DomainError as exc:
            return exc.code.value

    outcomes = await asyncio.gather(*(claim_as(account) for account, _ in people))
    assert Counter(outcomes) == {"claimed": 1, ErrorCode.CONFLICT.value: 19}
    stored = await _stored(session, wish_gid)
    assert stored.status is MicroWishStatus.CLAIMED
    assert stored.claimant_type is ClaimantType.VOLUNTEER
    assert stored.claimant_id in {v for _, v in people}
    assert stored.version == 2  # recorded, then claimed once


async def test_staff_who_claimed_for_their_team_cannot_confirm_their_own_fulfilment(
    session, settings, gql
):
    s = await _setup(session, settings)
    team = VolunteerTeam(name="新东门志愿服务队", region_id=s["w"].community_a1.id)
    session.add(team)
    await session.commit()
    wish = await _recorded(gql, s)
    claim = {"i": {"wishId": wish, "teamId": gid("VolunteerTeam", team.id)}}
    await gql(CLAIM, claim, token=s["staff"].token)
    await gql(REPORT, {"i": {"wishId": wish, "report": "队员已完成"}}, token=s["staff"].token)
    await _refused(
        session, gql, CONFIRM, {"i": {"wishId": wish}}, s["staff"].token, "SELF_CERTIFICATION"
    )
    colleague = await staff(session, settings, s["w"].street_a)
    done = await gql(CONFIRM, {"i": {"wishId": wish}}, token=colleague.token)
    assert done["confirmMicroWish"]["microWish"]["status"] == "CONFIRMED"


async def test_the_board_reads_a_page_in_the_same_number_of_statements_at_10_and_50_wishes(
    session, settings, gql, app
):
    s = await _setup(session, settings)
    people = await many_volunteers(session, 50, s["w"].community_a1)
    key = settings.secret_key
    for i, (_, vid) in enumerate(people):
        session.add(
            MicroWish(
                region_id=s["w"].community_a1.id,
                region_path=s["w"].community_a1.path,
                kind="WISH",
                category="ELDERLY",
                title=f"心愿{i}",
                description="d",
                public_description="p",
                needs="TIME",
                deadline=T0 + 3 * DAY,
                beneficiary_name_encrypted=encrypt_pii(key, "某人"),
                beneficiary_address_encrypted=encrypt_pii(key, "某处"),
                status=MicroWishStatus.CLAIMED,
                claimant_type=ClaimantType.VOLUNTEER,
                claimant_id=vid,
                claimed_at=T0,
            )
        )
    await session.commit()
    query = """query($n: Int) { microWishes(first: $n) { edges { node {
      id title region { name } claimant { type displayName } beneficiary { name } } } } }"""
    statements: list[str] = []

    def count_statement(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    async def run(n: int, token: str) -> int:
        statements.clear()
        event.listen(app.state.mm.engine.sync_engine, "before_cursor_execute", count_statement)
        try:
            data = await gql(query, {"n": n}, token=token)
        finally:
            event.remove(app.state.mm.engine.sync_engine, "before_cursor_execute", count_statement)
        assert len(data["microWishes"]["edges"]) == n
        return len(statements)

    for token in (s["staff"].token, s["vol"].token):
        ten, fifty = await run(10, token), await run(50, token)
        assert ten == fifty, statements
        assert fifty <= 8, statements
