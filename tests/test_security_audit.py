"""Hardening of the audit log: each test is named after the attack it stops.

See docs/security.md (review items 7 and 10) and docs/architecture.md, "Audit log".
"""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError

from matchmaker import clock
from matchmaker.models import AuditEvent, Notification, OutboxJob, Region
from matchmaker.models.enums import JobStatus, Role
from matchmaker.schema.limits import MAX_MUTATION_FIELDS
from matchmaker.schema.relay import to_global_id
from matchmaker.services import audit
from matchmaker.services.bootstrap import system_context
from tests import factories
from tests.audit_helpers import tamper

VERIFY = "{ verifyAuditChain { ok checked firstBrokenId reason } }"
ACK = """mutation($note: String!) { acknowledgeAuditAlarm(input: {note: $note}) {
  alarm { firstBrokenId reason } errors { code field } } }"""
NIGHT = dt.datetime(2026, 3, 2, 18, 45, tzinfo=dt.UTC)  # 02:45 in Beijing, after the 02:30 run


async def _chain(session_factory, settings, n: int) -> list[int]:
    for i in range(n):
        async with session_factory() as s, s.begin():
            await audit.record(
                system_context(s, settings), action="test.event", subject_type="Test", subject_id=i
            )
    async with session_factory() as s:
        return list(
            await s.scalars(
                select(AuditEvent.id)
                .where(AuditEvent.action == "test.event")
                .order_by(AuditEvent.id)
            )
        )


async def _nightly_results(session_factory) -> list[dict[str, object]]:
    async with session_factory() as s:
        rows = await s.scalars(
            select(OutboxJob)
            .where(OutboxJob.name == "verify_audit_chain", OutboxJob.status == JobStatus.DONE)
            .order_by(OutboxJob.id)
        )
        return [r.result or {} for r in rows]


async def _next_night(run_jobs) -> None:
    clock.advance(dt.timedelta(days=1))
    await run_jobs()


# --- item 7: one slow request must not stall every audited write --------------------------------


@pytest.mark.postgres_only
async def test_a_request_that_writes_then_works_slowly_does_not_hold_the_audit_lock(
    session_factory, settings
):
    """A records an event and keeps its transaction open (30 slow operations to go); B, a
    writer elsewhere on the platform, must commit its own event meanwhile. B gives up after
    1 s of waiting for any lock: before the fix it waited on A's chain lock until A ended."""
    async with session_factory() as slow:
        await slow.begin()
        await audit.record(
            system_context(slow, settings), action="test.slow", subject_type="Test", subject_id=1
        )
        async with session_factory() as other, other.begin():
            await other.execute(text("SET LOCAL lock_timeout = '1s'"))
            await audit.record(
                system_context(other, settings),
                action="test.other",
                subject_type="Test",
                subject_id=2,
            )
        await slow.commit()
    async with session_factory() as s:
        actions = list(await s.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
        report = await audit.verify_chain(s)
    # Chain order is commit order: B committed first.
    assert actions == ["test.other", "test.slow"]
    assert report.ok and report.checked == 2


def _create_regions(n: int, street_id: int, spread: bool = False) -> tuple[str, dict[str, object]]:
    fields = " ".join(
        f'r{i}: createRegion(input: {{code: "3701020010{20 + i:02d}", name: "社区{i}", '
        f"level: COMMUNITY, parentId: $p}}) {{ errors {{ code }} }}"
        for i in range(n)
    )
    if spread:
        document = f"mutation($p: ID!) {{ ...Many }} fragment Many on Mutation {{ {fields} }}"
    else:
        document = f"mutation($p: ID!) {{ {fields} }}"
    return document, {"p": to_global_id("Region", street_id)}


async def _communities(session_factory) -> int:
    async with session_factory() as s:
        return int(
            await s.scalar(
                select(func.count()).select_from(Region).where(Region.code.like("3701020010%"))
            )
            or 0
        )


@pytest.mark.parametrize("spread", [False, True], ids=["aliases", "fragment"])
async def test_a_document_of_more_than_ten_mutations_is_refused_before_any_runs(
    gql, session, settings, session_factory, spread
):
    w = await factories.world(session)
    admin = await factories.account(session, settings, role=Role.PLATFORM_ADMIN)
    assert MAX_MUTATION_FIELDS == 10
    before = await _communities(session_factory)  # the world's 3 communities (a1, a2 … b1 aside)

    document, variables = _create_regions(11, w.street_a.id, spread)
    body = await gql(document, variables, token=admin.token, expect_errors=True)
    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["TOO_MANY_MUTATIONS"]
    assert await _communities(session_factory) == before

    document, variables = _create_regions(10, w.street_a.id, spread)
    data = await gql(document, variables, token=admin.token)
    assert all(payload["errors"] == [] for payload in data.values())
    assert await _communities(session_factory) == before + 10


# --- item 10: gaps in the audit chain ---------------------------------------------------------


async def test_the_database_refuses_to_change_or_delete_an_audit_row(session_factory, settings):
    ids = await _chain(session_factory, settings, 2)
    for statement in (
        update(AuditEvent).where(AuditEvent.id == ids[0]).values(action="test.forged"),
        delete(AuditEvent).where(AuditEvent.id == ids[-1]),
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            async with session_factory() as s, s.begin():
                await s.execute(statement)
    async with session_factory() as s:
        actions = list(await s.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions == ["test.event", "test.event"]


async def test_deleting_the_newest_rows_is_caught_by_the_query_against_the_last_verified_head(
    gql, session, settings, session_factory, app, run_jobs
):
    clock.freeze(NIGHT)
    w = await factories.world(session)
    auditor = await factories.account(session, settings, role=Role.AUDITOR, region=w.street_a)
    ids = await _chain(session_factory, settings, 4)
    await run_jobs()  # the nightly run verifies and keeps the head: the last row
    assert (await _nightly_results(session_factory))[-1]["last_id"] == ids[-1]

    await tamper(session_factory, delete(AuditEvent).where(AuditEvent.id.in_(ids[-2:])))
    data = await gql(VERIFY, token=auditor.token)
    assert data["verifyAuditChain"]["ok"] is False
    assert data["verifyAuditChain"]["firstBrokenId"] == ids[-1]


async def test_after_a_failed_night_the_alarm_stays_until_an_auditor_acknowledges_it(
    gql, session, settings, session_factory, app, run_jobs
):
    clock.freeze(NIGHT)
    w = await factories.world(session)
    admin = await factories.account(session, settings, role=Role.PLATFORM_ADMIN)
    auditor = await factories.account(session, settings, role=Role.AUDITOR, region=w.street_a)
    ids = await _chain(session_factory, settings, 3)
    await run_jobs()  # night 1: OK, head = ids[2]
    assert (await gql(ACK, {"note": "无告警"}, token=auditor.token))["acknowledgeAuditAlarm"][
        "errors"
    ] == [{"code": "CONFLICT", "field": "note"}]

    await tamper(session_factory, delete(AuditEvent).where(AuditEvent.id == ids[-1]))
    await _next_night(run_jobs)  # night 2: the verified head is gone
    # Night 3: the shorter chain is consistent on its own, but it is checked against the last
    # *good* head (before the fix, against night 2's, and reported OK).
    await _next_night(run_jobs)
    nights = await _nightly_results(session_factory)
    assert [(n["ok"], n["first_broken_id"]) for n in nights] == [
        (True, None),
        (False, ids[-1]),
        (False, ids[-1]),
    ]
    async with session_factory() as s:
        alerts = list(
            await s.scalars(
                select(Notification.kind).where(Notification.account_id == admin.account.id)
            )
        )
    assert alerts == ["audit.chain_broken", "audit.chain_broken"]  # one per failed night

    data = await gql(ACK, {"note": "已核查：测试删除"}, token=auditor.token)
    assert data["acknowledgeAuditAlarm"] == {
        "alarm": {"firstBrokenId": ids[-1], "reason": nights[-1]["reason"]},
        "errors": [],
    }
    async with session_factory() as s:
        ack = await s.scalar(
            select(AuditEvent).where(AuditEvent.action == "audit.alarm_acknowledged")
        )
        assert ack is not None
        head = await s.scalar(select(func.max(AuditEvent.id)).where(AuditEvent.id < ack.id))
    assert ack.actor_account_id == auditor.account.id
    assert ack.after == {"note": "已核查：测试删除", "accepted_head_id": head}

    await _next_night(run_jobs)  # night 4: verification resumes from the acknowledged head
    assert (await _nightly_results(session_factory))[-1]["ok"] is True
    assert (await gql(VERIFY, token=auditor.token))["verifyAuditChain"]["ok"] is True


async def test_a_consistent_rewrite_of_the_whole_chain_is_caught_by_the_signed_head(
    settings, session_factory, app, run_jobs
):
    """The attacker changes row 2, recomputes every hash after it (SHA-256 needs no key) and
    puts the new head into the last verification's result: without the installation's secret
    key the stored head's signature can't follow."""
    clock.freeze(NIGHT)
    ids = await _chain(session_factory, settings, 3)
    await run_jobs()
    async with session_factory() as s:
        rows = list(await s.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    prev = audit.GENESIS
    rewrites = []
    for row in rows:
        if row.id == ids[1]:
            row.after = {"n": 999}
        new_hash = audit._digest(prev, row)
        rewrites.append(
            update(AuditEvent)
            .where(AuditEvent.id == row.id)
            .values(after=row.after, prev_hash=prev, hash=new_hash)
        )
        prev = new_hash
    await tamper(session_factory, *rewrites)
    async with session_factory() as s:
        assert (await audit.verify_chain(s)).ok  # consistent on its own
    async with session_factory() as s, s.begin():
        run = await s.scalar(select(OutboxJob).where(OutboxJob.name == "verify_audit_chain"))
        assert run is not None and run.result is not None
        run.result = {**run.result, "head_hash": prev}

    await _next_night(run_jobs)
    latest = (await _nightly_results(session_factory))[-1]
    assert latest["ok"] is False
    assert "signed" in str(latest["reason"])


async def test_putting_a_forged_row_back_after_a_failed_night_does_not_silence_the_alarm(
    gql, session, settings, session_factory, app, run_jobs
):
    clock.freeze(NIGHT)
    w = await factories.world(session)
    auditor = await factories.account(session, settings, role=Role.AUDITOR, region=w.street_a)
    ids = await _chain(session_factory, settings, 3)
    await tamper(
        session_factory, update(AuditEvent).where(AuditEvent.id == ids[1]).values(action="x")
    )
    await run_jobs()  # night 1 catches row 2
    await tamper(
        session_factory,
        update(AuditEvent).where(AuditEvent.id == ids[1]).values(action="test.event"),
    )
    await _next_night(run_jobs)  # night 2: the chain verifies again, the alarm does not go
    nights = await _nightly_results(session_factory)
    assert [(n["ok"], n["first_broken_id"]) for n in nights] == [(False, ids[1]), (False, ids[1])]
    assert str(nights[-1]["reason"]).startswith("unacknowledged alarm")
    report = (await gql(VERIFY, token=auditor.token))["verifyAuditChain"]
    assert (report["ok"], report["firstBrokenId"]) == (False, ids[1])


async def test_writing_an_acknowledgement_into_the_failed_run_does_not_silence_the_alarm(
    settings, session_factory, app, run_jobs
):
    clock.freeze(NIGHT)
    ids = await _chain(session_factory, settings, 3)
    await tamper(
        session_factory, update(AuditEvent).where(AuditEvent.id == ids[1]).values(action="x")
    )
    await run_jobs()  # night 1 catches row 2
    await tamper(
        session_factory,
        update(AuditEvent).where(AuditEvent.id == ids[1]).values(action="test.event"),
    )
    async with session_factory() as s, s.begin():
        run = await s.scalar(select(OutboxJob).where(OutboxJob.name == "verify_audit_chain"))
        assert run is not None and run.result is not None
        # Without the secret key the attacker can't sign the head it claims was accepted.
        run.result = {
            **run.result,
            "acknowledged": {"by": 1, "last_id": ids[-1], "head_hash": "0" * 64, "head_mac": ""},
        }
    await _next_night(run_jobs)
    latest = (await _nightly_results(session_factory))[-1]
    assert latest["ok"] is False
    assert "signed" in str(latest["reason"])


async def test_after_a_secret_key_rotation_the_alarm_is_acknowledged_and_verification_resumes(
    session, settings, session_factory, start_app
):
    """Not an attack, the operator's own change: every kept head was signed with the old key."""
    clock.freeze(NIGHT)
    await _chain(session_factory, settings, 2)
    old = await start_app()
    await old.state.mm.runner.run_due()
    rotated = await start_app(secret_key="rotated-secret-key-rotated-secret-key-0123")
    clock.advance(dt.timedelta(days=1))
    await rotated.state.mm.runner.run_due()
    assert [n["ok"] for n in await _nightly_results(session_factory)] == [True, False]

    admin = await factories.account(session, settings, role=Role.PLATFORM_ADMIN)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=rotated), base_url="http://t")
    async with client:
        response = await client.post(
            "/graphql",
            json={"query": ACK, "variables": {"note": "密钥轮换"}},
            headers={"Authorization": f"Bearer {admin.token}"},
        )
    assert response.json()["data"]["acknowledgeAuditAlarm"]["errors"] == []
    clock.advance(dt.timedelta(days=1))
    await rotated.state.mm.runner.run_due()
    assert [n["ok"] for n in await _nightly_results(session_factory)] == [True, False, True]
