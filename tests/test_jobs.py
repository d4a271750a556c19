"""Outbox jobs: scheduling, exactly-once effect, retries, cron periods, admin visibility."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select

from matchmaker import clock
from matchmaker.models import AuthSession, LoginFailure, OutboxJob
from matchmaker.models.enums import JobStatus, Role
from matchmaker.queue import job, schedule
from matchmaker.queue.registry import JobContext
from matchmaker.queue.runner import execute
from matchmaker.schema.relay import to_global_id
from tests import factories

# Test-only jobs. Their effect is a LoginFailure row (a table with no foreign keys) whose key
# names the job, so a test counts effects by counting rows.


@job("test_insert_row")
async def insert_row(ctx: JobContext) -> dict[str, Any]:
    ctx.session.add(LoginFailure(key=f"job:{ctx.args['tag']}", at=clock.now()))
    await ctx.session.flush()
    # Yield to the loop mid-transaction, so concurrent deliveries really interleave.
    await asyncio.sleep(0)
    return {"tag": ctx.args["tag"]}


@job("test_write_then_fail")
async def write_then_fail(ctx: JobContext) -> dict[str, Any]:
    ctx.session.add(LoginFailure(key=f"job:{ctx.args['tag']}", at=clock.now()))
    await ctx.session.flush()
    raise RuntimeError("boom after writing")


async def _effects(session_factory, tag: str) -> int:
    async with session_factory() as s:
        return int(
            await s.scalar(
                select(func.count())
                .select_from(LoginFailure)
                .where(LoginFailure.key == f"job:{tag}")
            )
            or 0
        )


async def _job(session_factory, job_id: int) -> OutboxJob:
    async with session_factory() as s:
        row = await s.get(OutboxJob, job_id)
        assert row is not None
        return row


async def _schedule(session_factory, name: str, args: dict[str, Any], **kw: Any) -> int:
    async with session_factory() as s, s.begin():
        return await schedule(s, name, args, **kw)


async def test_scheduling_with_the_same_key_yields_one_job(session_factory):
    first = await _schedule(session_factory, "test_insert_row", {"tag": "a"}, key="k:1")
    second = await _schedule(session_factory, "test_insert_row", {"tag": "a"}, key="k:1")
    assert first == second
    async with session_factory() as s:
        assert await s.scalar(select(func.count()).select_from(OutboxJob)) == 1


async def test_scheduling_an_unknown_job_is_refused(session_factory):
    with pytest.raises(ValueError, match="unknown job"):
        await _schedule(session_factory, "no_such_job", {})


async def test_execute_runs_the_job_and_marks_it_done_with_its_result(session_factory, settings):
    job_id = await _schedule(session_factory, "test_insert_row", {"tag": "run"})
    assert await execute(session_factory, settings, job_id) is JobStatus.DONE
    row = await _job(session_factory, job_id)
    assert (row.status, row.attempts, row.result) == (JobStatus.DONE, 1, {"tag": "run"})
    assert await _effects(session_factory, "run") == 1


async def test_a_failing_job_leaves_no_effect_because_effect_and_status_share_a_transaction(
    session_factory, settings
):
    job_id = await _schedule(session_factory, "test_write_then_fail", {"tag": "half"})
    assert await execute(session_factory, settings, job_id) is JobStatus.QUEUED
    assert await _effects(session_factory, "half") == 0


async def test_executing_a_job_twice_in_sequence_has_the_effect_of_one_run(
    session_factory, settings
):
    job_id = await _schedule(session_factory, "test_insert_row", {"tag": "twice"})
    await execute(session_factory, settings, job_id)
    assert await execute(session_factory, settings, job_id) is JobStatus.DONE
    assert await _effects(session_factory, "twice") == 1
    assert (await _job(session_factory, job_id)).attempts == 1


@pytest.mark.postgres_only
async def test_concurrent_deliveries_of_one_job_have_the_effect_of_one_run(
    session_factory, settings
):
    job_id = await _schedule(session_factory, "test_insert_row", {"tag": "race"})
    results = await asyncio.gather(*(execute(session_factory, settings, job_id) for _ in range(6)))
    assert JobStatus.DONE in results
    assert await _effects(session_factory, "race") == 1
    assert (await _job(session_factory, job_id)).status is JobStatus.DONE


async def test_a_failing_job_is_retried_with_backoff_then_failed_with_its_last_error(
    session_factory, settings
):
    clock.freeze(dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC))
    job_id = await _schedule(
        session_factory, "test_write_then_fail", {"tag": "retry"}, max_attempts=3
    )
    assert await execute(session_factory, settings, job_id) is JobStatus.QUEUED
    row = await _job(session_factory, job_id)
    assert row.run_at == clock.now() + dt.timedelta(seconds=5)
    # An early redelivery while the backoff runs does nothing.
    assert await execute(session_factory, settings, job_id) is None
    assert (await _job(session_factory, job_id)).attempts == 1

    clock.advance(dt.timedelta(seconds=5))
    assert await execute(session_factory, settings, job_id) is JobStatus.QUEUED
    assert (await _job(session_factory, job_id)).run_at == clock.now() + dt.timedelta(seconds=10)
    clock.advance(dt.timedelta(seconds=10))
    assert await execute(session_factory, settings, job_id) is JobStatus.FAILED
    row = await _job(session_factory, job_id)
    assert (row.status, row.attempts) == (JobStatus.FAILED, 3)
    assert row.last_error == "RuntimeError: boom after writing"
    # A failed job stays failed, however often it is delivered.
    assert await execute(session_factory, settings, job_id) is JobStatus.FAILED
    assert await _effects(session_factory, "retry") == 0


async def test_a_failed_job_and_its_error_are_visible_to_platform_admins(
    gql, session, settings, session_factory
):
    admin = await factories.account(session, settings, role=Role.PLATFORM_ADMIN)
    job_id = await _schedule(
        session_factory, "test_write_then_fail", {"tag": "seen"}, max_attempts=1
    )
    await execute(session_factory, settings, job_id)
    data = await gql(
        "{ jobs(first: 10, status: FAILED) { edges { node { id name status attempts lastError } } } }",
        token=admin.token,
    )
    assert data["jobs"]["edges"] == [
        {
            "node": {
                "id": to_global_id("Job", job_id),
                "name": "test_write_then_fail",
                "status": "FAILED",
                "attempts": 1,
                "lastError": "RuntimeError: boom after writing",
            }
        }
    ]


async def test_jobs_are_hidden_from_other_roles(gql, session, settings):
    staff = await factories.account(session, settings, role=Role.VOLUNTEER)
    body = await gql(
        "{ jobs(first: 5) { edges { node { id } } } }", token=staff.token, expect_errors=True
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_job_left_running_by_a_dead_worker_is_run_again_later(
    session_factory, settings, app, run_jobs
):
    job_id = await _schedule(session_factory, "test_insert_row", {"tag": "orphan"})
    async with session_factory() as s, s.begin():
        row = await s.get(OutboxJob, job_id)
        assert row is not None
        row.status, row.attempts, row.started_at = JobStatus.RUNNING, 1, clock.now()
    # While the other runner may still be at work, the job is left alone …
    assert await execute(session_factory, settings, job_id) is None
    await run_jobs()
    assert await _effects(session_factory, "orphan") == 0
    # … and once it has been silent too long, it is taken over.
    clock.advance(dt.timedelta(minutes=16))
    await run_jobs()
    assert await _effects(session_factory, "orphan") == 1
    assert (await _job(session_factory, job_id)).status is JobStatus.DONE


async def test_the_in_process_runner_runs_due_jobs_but_not_future_ones(
    session_factory, app, run_jobs
):
    due = await _schedule(session_factory, "test_insert_row", {"tag": "due"})
    later = await _schedule(
        session_factory,
        "test_insert_row",
        {"tag": "later"},
        run_at=clock.now() + dt.timedelta(hours=1),
    )
    await run_jobs()
    assert (await _job(session_factory, due)).status is JobStatus.DONE
    assert (await _job(session_factory, later)).status is JobStatus.QUEUED
    clock.advance(dt.timedelta(hours=1))
    await run_jobs()
    assert (await _job(session_factory, later)).status is JobStatus.DONE


async def test_expire_sessions_runs_each_period_once_and_deletes_expired_sessions(
    session, settings, session_factory, app, run_jobs
):
    clock.freeze(dt.datetime(2026, 3, 2, 8, 20, tzinfo=dt.UTC))
    live = await factories.account(session, settings, role=Role.VOLUNTEER)
    expired = await factories.account(session, settings, role=Role.VOLUNTEER)
    await session.execute(
        AuthSession.__table__.update()
        .where(AuthSession.account_id == expired.account.id)
        .values(expires_at=clock.now() - dt.timedelta(seconds=1))
    )
    await session.commit()

    await run_jobs()
    await run_jobs()  # same period: nothing new is scheduled

    async with session_factory() as s:
        owners = set(await s.scalars(select(AuthSession.account_id)))
        runs = list(await s.scalars(select(OutboxJob).where(OutboxJob.name == "expire_sessions")))
    assert live.account.id in owners and expired.account.id not in owners
    assert len(runs) == 1
    assert runs[0].dedupe_key == "cron:expire_sessions:2026-03-02T08:17:00+00:00"
    assert runs[0].status is JobStatus.DONE
    assert runs[0].result == {"sessions_deleted": 1, "login_failures_deleted": 0}

    clock.advance(dt.timedelta(hours=1))
    await run_jobs()
    async with session_factory() as s:
        assert (
            await s.scalar(
                select(func.count())
                .select_from(OutboxJob)
                .where(OutboxJob.name == "expire_sessions")
            )
            == 2
        )


async def test_run_job_queues_a_periodic_job_for_admins_and_the_runner_runs_it(
    gql, session, settings, session_factory, run_jobs
):
    admin = await factories.account(session, settings, role=Role.PLATFORM_ADMIN)
    data = await gql(
        'mutation { runJob(input: {name: "verify_audit_chain"}) { job { id status } errors { code } } }',
        token=admin.token,
    )
    assert data["runJob"]["errors"] == [] and data["runJob"]["job"]["status"] == "QUEUED"
    await run_jobs()
    async with session_factory() as s:
        rows = list(await s.scalars(select(OutboxJob).where(OutboxJob.dedupe_key.like("manual:%"))))
    assert [r.status for r in rows] == [JobStatus.DONE]
    assert rows[0].result is not None and rows[0].result["ok"] is True


async def test_run_job_refuses_jobs_that_are_not_periodic_and_writes_nothing(
    gql, session, settings, session_factory
):
    admin = await factories.account(session, settings, role=Role.PLATFORM_ADMIN)
    data = await gql(
        'mutation { runJob(input: {name: "test_insert_row"}) { job { id } errors { code field } } }',
        token=admin.token,
    )
    assert data["runJob"] == {"job": None, "errors": [{"code": "INVALID_INPUT", "field": "name"}]}
    async with session_factory() as s:
        assert await s.scalar(select(func.count()).select_from(OutboxJob)) == 0


async def test_a_job_scheduled_in_a_rolled_back_transaction_does_not_exist(session_factory):
    async with session_factory() as s:
        await s.begin()
        await schedule(s, "test_insert_row", {"tag": "never"})
        await s.rollback()
    async with session_factory() as s:
        assert await s.scalar(select(func.count()).select_from(OutboxJob)) == 0


NODE = "query($id: ID!) { node(id: $id) { id ... on Job { name status } } }"


async def test_a_job_is_fetchable_by_node_id_by_platform_admins_only(
    gql, session, settings, session_factory
):
    admin = await factories.account(session, settings, role=Role.PLATFORM_ADMIN)
    volunteer = await factories.account(session, settings, role=Role.VOLUNTEER)
    job_id = await _schedule(session_factory, "test_insert_row", {"tag": "node"})
    gid = to_global_id("Job", job_id)
    seen = await gql(NODE, {"id": gid}, token=admin.token)
    assert seen["node"] == {"id": gid, "name": "test_insert_row", "status": "QUEUED"}
    assert (await gql(NODE, {"id": gid}, token=volunteer.token))["node"] is None
