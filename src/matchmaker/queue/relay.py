"""Handing outbox rows to arq on Redis.

Rows stay in the outbox until arq has them, so a Redis outage delays jobs but loses none:
the relay runs again after every committing request that scheduled a job and every few
seconds in each worker, and picks up whatever is due and not yet handed over.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from matchmaker import clock
from matchmaker.models import OutboxJob
from matchmaker.models.enums import JobStatus

log = logging.getLogger("matchmaker.queue.relay")

#: A row handed to arq but still QUEUED after this long is handed over again (arq lost it, e.g.
#: Redis restarted without persistence). Running the job twice is harmless: see runner.execute.
REDELIVER_AFTER = dt.timedelta(minutes=10)
#: A RUNNING row untouched this long belongs to a worker that died mid-job.
STALE_RUNNING_AFTER = dt.timedelta(minutes=15)

RUN_FUNCTION = "run_outbox_job"


async def relay_once(
    session_factory: async_sessionmaker[AsyncSession], redis: Any, *, limit: int = 500
) -> int:
    """Enqueue due outbox rows into arq; returns how many were handed over.

    Redis is never called inside a database transaction: on SQLite an open transaction holds
    the write lock, and a slow or unreachable Redis must not stall every request. Two relays
    racing over the same rows produce the same arq job ids (:func:`arq_job_id`), and arq keeps
    one job per id; a duplicate that slipped through would still run once (runner.execute).
    """
    now = clock.now()
    async with session_factory() as session:
        rows = (await session.execute(_due(now, limit))).all()
    handed: list[int] = []
    for row in rows:
        try:
            await redis.enqueue_job(
                RUN_FUNCTION, row.id, _job_id=arq_job_id(row.id, row.attempts, row.enqueued_at)
            )
        except Exception:
            log.warning("redis unavailable; outbox rows wait for the next relay", exc_info=True)
            break
        handed.append(row.id)
    if handed:
        async with session_factory() as session, session.begin():
            await session.execute(
                update(OutboxJob)
                .where(OutboxJob.id.in_(handed), _due_clause(now))
                .values(status=JobStatus.QUEUED, enqueued_at=now)
            )
    return len(handed)


def _due_clause(now: dt.datetime) -> ColumnElement[bool]:
    return and_(
        OutboxJob.run_at <= now,
        or_(
            (OutboxJob.status == JobStatus.QUEUED)
            & or_(
                OutboxJob.enqueued_at.is_(None),
                OutboxJob.enqueued_at < now - REDELIVER_AFTER,
            ),
            (OutboxJob.status == JobStatus.RUNNING)
            & (OutboxJob.started_at < now - STALE_RUNNING_AFTER),
        ),
    )


def _due(now: dt.datetime, limit: int) -> Select[int, int, dt.datetime | None]:
    return (
        select(OutboxJob.id, OutboxJob.attempts, OutboxJob.enqueued_at)
        .where(_due_clause(now))
        .order_by(OutboxJob.run_at, OutboxJob.id)
        .limit(limit)
    )


def arq_job_id(job_id: int, attempts: int, enqueued_at: dt.datetime | None) -> str:
    """Distinguishes re-deliveries, so arq's job-id uniqueness doesn't swallow them."""
    handed = enqueued_at.isoformat() if enqueued_at else "first"
    return f"outbox:{job_id}:{attempts}:{handed}"
