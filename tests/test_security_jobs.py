"""Hardening of the job runner: each test is named after the attack or failure it stops.

See docs/security.md (review items 12 and 13) and docs/architecture.md, "Jobs".
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from typing import Any

from sqlalchemy import select, text

from matchmaker import clock
from matchmaker.models import LoginFailure, Notification, OutboxJob
from matchmaker.models.enums import JobStatus, Role
from matchmaker.queue import job, schedule
from matchmaker.queue.registry import JobContext
from matchmaker.queue.runner import MAX_ERROR_LENGTH, execute
from tests import factories

#: Armed by the test before each run of ``sec_hangs`` it expects: the job signals it started,
#: then hangs. An unexpected run fails instead.
_STARTED: dict[str, asyncio.Event] = {}
ID_NUMBER = "370102199001011234"


@job("sec_hangs")
async def hangs(ctx: JobContext) -> dict[str, Any]:
    ctx.session.add(LoginFailure(key="job:hangs", at=clock.now()))
    await ctx.session.flush()
    started = _STARTED.pop("event", None)
    if started is None:
        raise RuntimeError("run again after its last attempt")
    started.set()
    await asyncio.Event().wait()  # never set: the worker's timeout cuts the job off
    return {}


@job("sec_leaks_parameters")
async def leaks_parameters(ctx: JobContext) -> dict[str, Any]:
    await ctx.session.execute(
        text("SELECT * FROM no_such_table WHERE id_number = :id_number"),
        {"id_number": ID_NUMBER},
    )
    return {}


@job("sec_long_error")
async def long_error(ctx: JobContext) -> dict[str, Any]:
    raise RuntimeError("x" * 10_000)


async def _cut_off(session_factory, settings, job_id: int) -> None:
    """Run the job until it hangs, then cancel it as arq does when ``job_timeout`` expires."""
    _STARTED["event"] = asyncio.Event()
    task = asyncio.create_task(execute(session_factory, settings, job_id))
    await _STARTED["event"].wait()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _row(session_factory, job_id: int) -> OutboxJob:
    async with session_factory() as s:
        row = await s.get(OutboxJob, job_id)
        assert row is not None
        return row


async def test_a_job_cut_off_by_the_timeout_on_every_attempt_is_failed_not_retried_forever(
    session, settings, session_factory
):
    clock.freeze(dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC))
    admin = await factories.account(session, settings, role=Role.PLATFORM_ADMIN)
    async with session_factory() as s, s.begin():
        job_id = await schedule(s, "sec_hangs", {}, max_attempts=2)

    await _cut_off(session_factory, settings, job_id)  # attempt 1 of 2
    row = await _row(session_factory, job_id)
    assert (row.status, row.attempts) == (JobStatus.RUNNING, 1)

    clock.advance(dt.timedelta(minutes=16))  # the RUNNING row has gone stale: taken over
    await _cut_off(session_factory, settings, job_id)  # attempt 2 of 2
    assert (await _row(session_factory, job_id)).attempts == 2

    clock.advance(dt.timedelta(minutes=16))
    assert await execute(session_factory, settings, job_id) is JobStatus.FAILED
    row = await _row(session_factory, job_id)
    assert (row.status, row.attempts) == (JobStatus.FAILED, 2)
    assert row.last_error == "Cut off (worker timeout or killed) after 2 of 2 attempts"
    # Delivered again (the relay or a duplicate): it stays failed and never runs a third time.
    clock.advance(dt.timedelta(minutes=16))
    assert await execute(session_factory, settings, job_id) is JobStatus.FAILED
    assert (await _row(session_factory, job_id)).attempts == 2

    async with session_factory() as s:
        alerts = list(
            await s.scalars(select(Notification).where(Notification.account_id == admin.account.id))
        )
    assert [(a.kind, a.subject_type, a.subject_id) for a in alerts] == [
        ("jobs.failed", "Job", job_id)
    ]
    async with session_factory() as s:
        effects = await s.scalars(select(LoginFailure).where(LoginFailure.key == "job:hangs"))
        assert list(effects) == []  # each cut-off attempt was rolled back


async def test_a_failed_jobs_last_error_keeps_no_sql_or_parameters_and_is_bounded(
    session_factory, settings
):
    async with session_factory() as s, s.begin():
        leaky = await schedule(s, "sec_leaks_parameters", {}, max_attempts=1)
        long = await schedule(s, "sec_long_error", {}, max_attempts=1)
    assert await execute(session_factory, settings, leaky) is JobStatus.FAILED
    assert await execute(session_factory, settings, long) is JobStatus.FAILED

    error = (await _row(session_factory, leaky)).last_error
    assert error is not None
    assert error.split(":")[0] in ("OperationalError", "ProgrammingError")
    assert "no_such_table" in error  # what went wrong stays readable …
    for leak in (ID_NUMBER, "[SQL", "parameters", "SELECT"):  # … the statement and values don't
        assert leak not in error

    error = (await _row(session_factory, long)).last_error
    assert error is not None and error.startswith("RuntimeError: xxx")
    assert len(error) == MAX_ERROR_LENGTH
