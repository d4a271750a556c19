"""Executing outbox jobs exactly once in effect, and running them in-process.

:func:`execute` is the one way a job runs, whether arq delivered it or the in-process runner
picked it up:

1. *claim* (own transaction): mark the row ``RUNNING`` and count the attempt, so a crash is
   visible and attempts are bounded;
2. *run* (own transaction): lock the row, skip if another delivery already finished it, run the
   job function, and mark it ``DONE`` in the same transaction as the job's effect.

A duplicate delivery therefore either waits on the row lock and then sees ``DONE``, finds it
``DONE`` straight away, or finds it ``RUNNING`` under another delivery and leaves it alone (a
``RUNNING`` row whose worker died is recovered after :data:`STALE_RUNNING_AFTER`). A failure
rolls the effect back and re-queues with backoff until ``max_attempts``, then the row is
``FAILED`` with the error kept for admins. A job whose last allowed attempt was cut off (the
worker's timeout cancels it, or the process is killed) is found ``RUNNING`` and stale, and is
then ``FAILED`` instead of being run again. Each job given up on alerts the platform admins.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from matchmaker import clock
from matchmaker.config import Settings
from matchmaker.db.engine import dialect_name
from matchmaker.models import OutboxJob
from matchmaker.models.enums import JobStatus
from matchmaker.queue.outbox import schedule
from matchmaker.queue.registry import GIVE_UP_HOOKS, JOBS, JobContext, JobSpec
from matchmaker.queue.relay import STALE_RUNNING_AFTER

log = logging.getLogger("matchmaker.jobs")


async def _lock(session: AsyncSession, job_id: int) -> OutboxJob | None:
    stmt = select(OutboxJob).where(OutboxJob.id == job_id)
    if dialect_name(session) == "postgresql":
        stmt = stmt.with_for_update()
    return await session.scalar(stmt)


def _stale(row: OutboxJob, now: dt.datetime) -> bool:
    return row.started_at is None or row.started_at < now - STALE_RUNNING_AFTER


#: Longest ``last_error`` kept (admins read it in the ``jobs`` query).
MAX_ERROR_LENGTH = 500


def error_message(exc: BaseException) -> str:
    """``Type: first line of the message``, bounded, without SQL or its parameters.

    A database error's text carries the statement and its bound values (personal data, tokens);
    only the driver's own first line is kept (e.g. ``IntegrityError: UNIQUE constraint failed:
    accounts.username``), which names constraints and columns but no values.
    """
    source: BaseException = exc
    if isinstance(exc, StatementError) and exc.orig is not None:
        source = exc.orig
    lines = str(source).strip().splitlines()
    first = lines[0].strip() if lines else ""
    text = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    return text if len(text) <= MAX_ERROR_LENGTH else text[: MAX_ERROR_LENGTH - 1] + "…"


async def _give_up(session: AsyncSession, row: OutboxJob, error: str) -> None:
    """Mark the job FAILED for good and run the give-up hooks (the platform admins' alert)."""
    row.status = JobStatus.FAILED
    row.last_error = error
    row.finished_at = clock.now()
    for hook in GIVE_UP_HOOKS:
        await hook(session, row, error)


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(600, 5 * 2 ** max(0, attempts - 1)))


async def execute(
    session_factory: async_sessionmaker[AsyncSession], settings: Settings, job_id: int
) -> JobStatus | None:
    """Run one outbox job. Returns its final status, or None if there was nothing to do."""
    async with session_factory() as session, session.begin():
        row = await _lock(session, job_id)
        if row is None or row.status in (JobStatus.DONE, JobStatus.FAILED):
            return row.status if row else None
        now = clock.now()
        if row.status is JobStatus.RUNNING and not _stale(row, now):
            return None  # another delivery is running it right now
        if row.run_at > now:
            return None  # an early duplicate of a retry that is waiting out its backoff
        spec = JOBS.get(row.name)
        if spec is None:
            await _give_up(session, row, f"unknown job {row.name!r}")
            return JobStatus.FAILED
        if row.status is JobStatus.RUNNING and row.attempts >= row.max_attempts:
            # Its last allowed attempt was cut off (the worker's timeout, a kill): give up.
            await _give_up(
                session,
                row,
                f"Cut off (worker timeout or killed) after {row.attempts} of "
                f"{row.max_attempts} attempts",
            )
            return JobStatus.FAILED
        row.status = JobStatus.RUNNING
        row.attempts += 1
        row.started_at = clock.now()
        args = dict(row.args)

    try:
        async with session_factory() as session, session.begin():
            row = await _lock(session, job_id)
            if row is None or row.status is not JobStatus.RUNNING:
                return row.status if row else None
            result = await spec.func(
                JobContext(session=session, settings=settings, job_id=job_id, args=args)
            )
            row.status = JobStatus.DONE
            row.result = result
            row.last_error = None
            row.finished_at = clock.now()
        log.info("job done", extra={"job": spec.name, "job_id": job_id})
        return JobStatus.DONE
    except Exception as exc:
        log.exception("job failed", extra={"job": spec.name, "job_id": job_id})
        async with session_factory() as session, session.begin():
            row = await _lock(session, job_id)
            if row is None or row.status is not JobStatus.RUNNING:
                return row.status if row else None
            if row.attempts >= row.max_attempts:
                await _give_up(session, row, error_message(exc))
            else:
                row.last_error = error_message(exc)
                row.status = JobStatus.QUEUED
                row.enqueued_at = None
                row.run_at = clock.now() + backoff(row.attempts)
            return row.status


async def due_job_ids(session: AsyncSession, *, limit: int = 100) -> list[int]:
    """Queued jobs that are due, and running ones whose runner died (see ``execute``)."""
    now = clock.now()
    rows = await session.scalars(
        select(OutboxJob.id)
        .where(
            OutboxJob.run_at <= now,
            or_(
                OutboxJob.status == JobStatus.QUEUED,
                (OutboxJob.status == JobStatus.RUNNING)
                & (OutboxJob.started_at < now - STALE_RUNNING_AFTER),
            ),
        )
        .order_by(OutboxJob.run_at, OutboxJob.id)
        .limit(limit)
    )
    return list(rows)


def cron_period(spec: JobSpec, at: dt.datetime) -> dt.datetime | None:
    """The latest minute ≤ ``at`` (within a day) that matches the job's cron, or None."""
    assert spec.cron is not None
    minutes, hours = spec.cron
    t = at.replace(second=0, microsecond=0)
    for _ in range(24 * 60):
        if (minutes is None or t.minute in minutes) and (hours is None or t.hour in hours):
            return t
        t -= dt.timedelta(minutes=1)
    return None


async def schedule_cron_job(session: AsyncSession, spec: JobSpec) -> int | None:
    """Write this period's run of a cron job to the outbox, once however many schedulers ask."""
    period = cron_period(spec, clock.now())
    if period is None:
        return None
    return await schedule(session, spec.name, {}, key=f"cron:{spec.name}:{period.isoformat()}")


async def schedule_due_cron_jobs(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session, session.begin():
        for spec in JOBS.values():
            if spec.cron is not None:
                await schedule_cron_job(session, spec)


class InProcessRunner:
    """Runs outbox jobs inside the app process: the embedded default, with no Redis."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        settings: Settings,
        *,
        poll_seconds: float = 1.0,
    ) -> None:
        self._session_factory = session_factory
        self._settings = settings
        self._poll = poll_seconds
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._last_cron_minute: dt.datetime | None = None

    def kick(self) -> None:
        self._wake.set()

    async def run_due(self) -> int:
        """Run every due job once; returns how many ran. Tests call this directly."""
        minute = clock.now().replace(second=0, microsecond=0)
        if minute != self._last_cron_minute:
            self._last_cron_minute = minute
            await schedule_due_cron_jobs(self._session_factory)
        ran = 0
        seen: set[int] = set()
        while True:
            async with self._session_factory() as session:
                ids = [i for i in await due_job_ids(session) if i not in seen]
            if not ids:
                return ran
            for job_id in ids:
                # Once per pass: a job that stays due (another runner holds it) waits for the
                # next pass instead of spinning here.
                seen.add(job_id)
                await execute(self._session_factory, self._settings, job_id)
                ran += 1

    async def _loop(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._poll)
            self._wake.clear()
            try:
                await self.run_due()
            except Exception:
                log.exception("in-process job runner iteration failed")

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name="matchmaker-jobs")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


def describe(row: OutboxJob) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "status": row.status.value, "attempts": row.attempts}
