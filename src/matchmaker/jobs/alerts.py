"""Alerts from background work to the platform admins, as in-app notifications."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker.models import OutboxJob
from matchmaker.queue.registry import on_give_up
from matchmaker.services.notifications import notify, platform_admin_ids


@on_give_up
async def alert_job_given_up(session: AsyncSession, row: OutboxJob, error: str) -> None:
    """Every job the runner gives up on alerts the platform admins, once per job."""
    await notify(
        session,
        await platform_admin_ids(session),
        code="jobs.failed",
        params={"job": row.name, "id": row.id, "error": error},
        text="后台任务失败",
        body=f"任务 {row.name}（#{row.id}）已放弃：{error}",
        subject_type="Job",
        subject_id=row.id,
        dedupe=f"jobs.failed:{row.id}",
    )
