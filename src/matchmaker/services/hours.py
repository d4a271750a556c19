"""The hours ledger (志愿服务记录): records, approval, corrections, disputes, totals.

"谁组织谁记录，谁记录谁证明": only an activity's organizer approves or rejects its records.
Approved records are immutable; a correction appends a reversing record (negative minutes) and
a new one. Volunteer totals are a cache of the ledger: every change to approved minutes marks
the volunteer in ``volunteer_total_changes`` and schedules a recompute job.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker.models import Activity, ServiceRecord
from matchmaker.models.volunteering import RecordStatus


async def approved_minutes_for_project(
    session: AsyncSession, *, project_id: int, start: dt.datetime, end: dt.datetime
) -> int:
    """Approved volunteer minutes on the project's activities with a start in [start, end).

    Reversals count negatively, so a corrected record is counted once, with its new value.
    Stable API: progress reports compute their volunteer hours with it.
    """
    total = await session.scalar(
        select(func.coalesce(func.sum(ServiceRecord.minutes), 0))
        .join(Activity, Activity.id == ServiceRecord.activity_id)
        .where(
            Activity.project_id == project_id,
            ServiceRecord.status == RecordStatus.APPROVED,
            ServiceRecord.starts_at >= start,
            ServiceRecord.starts_at < end,
        )
    )
    return int(total or 0)
