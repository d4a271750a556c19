"""Handing outbox rows to arq on Redis.

Rows stay in the outbox until arq has them, so a Redis outage delays jobs but loses none:
the relay runs again after every committing request that scheduled a job and every few
seconds in each worker, and picks up whatever is due and not yet handed over.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from matchmaker import clock
from matchmaker.db.engine import dialect_name
from matchmaker.models import OutboxJob
from matchmaker.models.enums import JobStatus

log = logging.getLogger("matchmaker.jobs.relay")

#: A row handed to arq but still QUEUED after this long is handed over again (arq lost it, e.g.
#: Redis restarted without persistence). Running the job twice is harmless: see runner.execute.
REDELIVER_AFTER = dt.timedelta(minutes=10)
#: A RUNNING row untouched this long belongs to a worker that died mid-job.
STALE_RUNNING_AFTER = dt.timedelta(minutes=15)

RUN_FUNCTION = "run_outbox_job"


async def relay_once(
    session_factory: async_sessionmaker[AsyncSession], redis: Any, *, limit: int = 500
) -> int:
    """Enqueue due outbox rows into arq; returns how many were handed over."""
    now = clock.now()
    async with session_factory() as session, session.begin():
        stmt = (
            select(OutboxJob)
            .where(
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
            .order_by(OutboxJob.run_at, OutboxJob.id)
            .limit(limit)
        )
        if dialect_name(session) == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        rows = (await session.scalars(stmt)).all()
        handed = 0
        for row in rows:
            try:
                await redis.enqueue_job(
                    RUN_FUNCTION,
                    row.id,
                    _job_id=f"outbox:{row.id}:{row.attempts}:{handed_key(row)}",
                )
            except Exception:
                log.warning("redis unavailable; outbox rows wait for the next relay", exc_info=True)
                break
            if row.status is JobStatus.RUNNING:
                row.status = JobStatus.QUEUED
            row.enqueued_at = now
            handed += 1
        return handed


def handed_key(row: OutboxJob) -> str:
    """Distinguishes re-deliveries, so arq's job-id uniqueness doesn't swallow them."""
    return row.enqueued_at.isoformat() if row.enqueued_at else "first"
