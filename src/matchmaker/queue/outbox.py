"""Writing jobs to the outbox, in the caller's transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker import clock
from matchmaker.db.engine import dialect_name
from matchmaker.models import OutboxJob
from matchmaker.models.enums import JobStatus
from matchmaker.queue.registry import JOBS

#: Set on ``session.info`` when a transaction scheduled a job: after commit, the web layer wakes
#: the runner or relay instead of waiting for the next poll.
SCHEDULED_FLAG = "jobs_scheduled"


async def schedule(
    session: AsyncSession,
    name: str,
    args: dict[str, Any] | None = None,
    *,
    key: str | None = None,
    run_at: dt.datetime | None = None,
    max_attempts: int = 5,
) -> int:
    """Add a job to the outbox and return its id.

    With ``key``, scheduling again returns the existing job instead of adding one: callers use
    keys like ``open_bids:42`` so a retried request or a second scheduler can't double a job.
    """
    if name not in JOBS:
        raise ValueError(f"unknown job {name!r}")
    values = {
        "name": name,
        "args": args or {},
        "dedupe_key": key,
        "status": JobStatus.QUEUED,
        "attempts": 0,
        "max_attempts": max_attempts,
        "run_at": run_at or clock.now(),
        "created_at": clock.now(),
        "updated_at": clock.now(),
    }
    session.info[SCHEDULED_FLAG] = True
    if key is None:
        row = OutboxJob(**values)
        session.add(row)
        await session.flush()
        return row.id
    dialect = dialect_name(session)
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(OutboxJob).values(**values).on_conflict_do_nothing(index_elements=["dedupe_key"])
    await session.execute(stmt)
    job_id = await session.scalar(select(OutboxJob.id).where(OutboxJob.dedupe_key == key))
    assert job_id is not None
    return job_id
