"""The audit log: written with every change, hash-chained, and verifiable."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy import delete, select, update

from matchmaker import clock
from matchmaker.models import AuditEvent, OutboxJob
from matchmaker.models.enums import JobStatus, Role
from matchmaker.schema.relay import to_global_id
from matchmaker.services import audit
from matchmaker.services.bootstrap import system_context
from tests import factories
from tests.audit_helpers import tamper

CREATE_REGION = """mutation($i: CreateRegionInput!) {
  createRegion(input: $i) { region { id } errors { code } } }"""
VERIFY = "{ verifyAuditChain { ok checked firstBrokenId reason } }"


def _region_input(parent_id: int, code: str) -> dict[str, object]:
    return {
        "i": {
            "code": code,
            "name": "新社区",
            "level": "COMMUNITY",
            "parentId": to_global_id("Region", parent_id),
        }
    }


async def _events(session_factory, **where: object) -> list[AuditEvent]:
    async with session_factory() as s:
        stmt = select(AuditEvent).order_by(AuditEvent.id)
        for key, value in where.items():
            stmt = stmt.where(getattr(AuditEvent, key) == value)
        return list(await s.scalars(stmt))


async def _chain(session_factory, settings, n: int) -> list[int]:
    """``n`` events recorded by the system, each in its own transaction."""
    for i in range(n):
        async with session_factory() as s, s.begin():
            await audit.record(
                system_context(s, settings),
                action="test.event",
                subject_type="Test",
                subject_id=i,
                after={"n": i, "名称": "值"},
            )
    return [e.id for e in await _events(session_factory, action="test.event")]


async def _verify(session_factory) -> audit.ChainReport:
    async with session_factory() as s:
        return await audit.verify_chain(s)


async def test_a_mutation_records_its_event_with_the_request_id(
    http, gql, session, settings, session_factory
):
    w = await factories.world(session)
    admin = await factories.account(session, settings, role=Role.PLATFORM_ADMIN)
    response = await http.post(
        "/graphql",
        json={"query": CREATE_REGION, "variables": _region_input(w.street_a.id, "370102001009")},
        headers={"Authorization": f"Bearer {admin.token}", "x-request-id": "req-audit-1"},
    )
    assert response.json()["data"]["createRegion"]["errors"] == []
    (event,) = await _events(session_factory, action="region.create")
    assert event.actor_account_id == admin.account.id
    assert event.request_id == "req-audit-1"
    assert event.region_path == w.street_a.path + "370102001009/"
    assert event.after is not None and event.after["code"] == "370102001009"


async def test_a_refused_mutation_records_nothing_while_its_neighbour_keeps_its_event(
    gql, session, settings, session_factory
):
    w = await factories.world(session)
    admin = await factories.account(session, settings, role=Role.PLATFORM_ADMIN)
    before = len(await _events(session_factory))
    data = await gql(
        """mutation($ok: CreateRegionInput!, $dup: CreateRegionInput!) {
          ok: createRegion(input: $ok) { errors { code } }
          dup: createRegion(input: $dup) { errors { code } } }""",
        {
            "ok": _region_input(w.street_a.id, "370102001009")["i"],
            "dup": _region_input(w.street_a.id, w.community_a1.code)["i"],
        },
        token=admin.token,
    )
    assert data["ok"]["errors"] == [] and data["dup"]["errors"] != []
    events = await _events(session_factory)
    assert [e.action for e in events[before:]] == ["region.create"]


async def test_a_forbidden_mutation_records_nothing(gql, session, settings, session_factory):
    w = await factories.world(session)
    staff = await factories.account(session, settings, role=Role.COMMUNITY_STAFF, region=w.street_a)
    before = len(await _events(session_factory))
    data = await gql(CREATE_REGION, _region_input(w.street_a.id, "370102001009"), token=staff.token)
    assert data["createRegion"]["errors"] == [{"code": "FORBIDDEN"}]
    assert len(await _events(session_factory)) == before


async def test_an_untouched_chain_verifies(gql, session, settings, session_factory):
    auditor = await factories.account(
        session, settings, role=Role.AUDITOR, region=(await factories.world(session)).street_a
    )
    await _chain(session_factory, settings, 3)
    data = await gql(VERIFY, token=auditor.token)
    total = len(await _events(session_factory))
    assert data["verifyAuditChain"] == {
        "ok": True,
        "checked": total,
        "firstBrokenId": None,
        "reason": None,
    }


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("action", "test.forged"),
        ("after", {"n": 999}),
        ("request_id", "forged"),
        ("at", dt.datetime(2020, 1, 1, tzinfo=dt.UTC)),
        ("actor_account_id", None),
        ("hash", "f" * 64),
        ("prev_hash", "e" * 64),
    ],
)
async def test_altering_a_stored_row_breaks_verification_at_that_row(
    session_factory, settings, column, value
):
    ids = await _chain(session_factory, settings, 5)
    target = ids[2]
    if column == "actor_account_id":
        # The system's events have no actor: forging one means setting it, not clearing it.
        admin = await _admin_id(session_factory, settings)
        value = admin
    await tamper(
        session_factory, update(AuditEvent).where(AuditEvent.id == target).values({column: value})
    )
    report = await _verify(session_factory)
    assert (report.ok, report.first_broken_id) == (False, target)


async def _admin_id(session_factory, settings) -> int:
    async with session_factory() as s:
        login = await factories.account(s, settings)
        return login.account.id


async def test_deleting_a_middle_row_breaks_verification_at_the_next_row(session_factory, settings):
    ids = await _chain(session_factory, settings, 5)
    await tamper(session_factory, delete(AuditEvent).where(AuditEvent.id == ids[2]))
    report = await _verify(session_factory)
    assert (report.ok, report.first_broken_id, report.reason) == (
        False,
        ids[3],
        "previous hash does not match",
    )


async def test_deleting_the_newest_rows_is_caught_against_the_last_verified_head(
    session_factory, settings
):
    ids = await _chain(session_factory, settings, 4)
    head = await _verify(session_factory)
    assert head.ok and head.last_id == ids[-1]
    await tamper(session_factory, delete(AuditEvent).where(AuditEvent.id.in_(ids[-2:])))
    # A shorter chain is still a valid chain on its own …
    assert (await _verify(session_factory)).ok
    # … but not one that extends the head verified before.
    async with session_factory() as s:
        assert head.last_id is not None and head.head_hash is not None
        report = await audit.verify_chain(s, anchor=(head.last_id, head.head_hash))
    assert (report.ok, report.first_broken_id) == (False, ids[-1])


@pytest.mark.postgres_only
async def test_concurrent_writers_still_produce_one_valid_chain(session_factory, settings):
    async def writer(n: int) -> None:
        async with session_factory() as s, s.begin():
            sc = system_context(s, settings)
            for k in range(3):
                await audit.record(
                    sc, action="test.concurrent", subject_type="Test", subject_id=n * 10 + k
                )

    await asyncio.gather(*(writer(n) for n in range(20)))
    report = await _verify(session_factory)
    assert report.ok, report
    assert len(await _events(session_factory, action="test.concurrent")) == 60


async def _verify_job_results(session_factory) -> list[dict[str, object]]:
    async with session_factory() as s:
        rows = await s.scalars(
            select(OutboxJob)
            .where(OutboxJob.name == "verify_audit_chain", OutboxJob.status == JobStatus.DONE)
            .order_by(OutboxJob.id)
        )
        return [r.result or {} for r in rows]


async def test_the_nightly_job_records_its_verdict(session_factory, settings, app, run_jobs):
    clock.freeze(dt.datetime(2026, 3, 2, 18, 45, tzinfo=dt.UTC))  # 02:45 in Beijing
    ids = await _chain(session_factory, settings, 3)
    await run_jobs()
    (first,) = await _verify_job_results(session_factory)
    assert first["ok"] is True and first["last_id"] == ids[-1]

    await tamper(
        session_factory, update(AuditEvent).where(AuditEvent.id == ids[1]).values(action="x")
    )
    clock.advance(dt.timedelta(days=1))
    await run_jobs()
    second = (await _verify_job_results(session_factory))[-1]
    assert (second["ok"], second["first_broken_id"]) == (False, ids[1])


async def test_the_nightly_job_catches_rows_deleted_from_the_end_since_its_last_run(
    session_factory, settings, app, run_jobs
):
    clock.freeze(dt.datetime(2026, 3, 2, 18, 45, tzinfo=dt.UTC))
    ids = await _chain(session_factory, settings, 3)
    await run_jobs()
    await tamper(session_factory, delete(AuditEvent).where(AuditEvent.id == ids[-1]))
    clock.advance(dt.timedelta(days=1))
    await run_jobs()
    latest = (await _verify_job_results(session_factory))[-1]
    assert (latest["ok"], latest["first_broken_id"]) == (False, ids[-1])


async def test_verification_is_refused_to_roles_without_audit_rights(gql, session, settings):
    volunteer = await factories.account(session, settings, role=Role.VOLUNTEER)
    body = await gql(VERIFY, token=volunteer.token, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_an_audit_event_is_fetchable_by_node_id_only_within_the_auditors_region(
    gql, session, settings, session_factory
):
    w = await factories.world(session)
    auditor = await factories.account(session, settings, role=Role.AUDITOR, region=w.street_a)
    for code, region in (("in", w.community_a1), ("out", w.community_b1)):
        async with session_factory() as s, s.begin():
            await audit.record(
                system_context(s, settings),
                action=f"test.{code}",
                subject_type="Test",
                subject_id=None,
                region_path=region.path,
            )
    (inside,) = await _events(session_factory, action="test.in")
    (outside,) = await _events(session_factory, action="test.out")
    query = "query($id: ID!) { node(id: $id) { ... on AuditEvent { action } } }"
    seen = await gql(query, {"id": to_global_id("AuditEvent", inside.id)}, token=auditor.token)
    assert seen["node"] == {"action": "test.in"}
    hidden = await gql(query, {"id": to_global_id("AuditEvent", outside.id)}, token=auditor.token)
    assert hidden["node"] is None
