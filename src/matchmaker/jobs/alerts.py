"""Alerts from background work to the platform admins, as in-app notifications."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker.models import Account, OutboxJob, RoleGrant
from matchmaker.models.enums import AccountStatus, Role
from matchmaker.queue.registry import on_give_up
from matchmaker.services.notifications import notify


async def notify_platform_admins(
    session: AsyncSession,
    *,
    kind: str,
    title: str,
    body: str,
    subject_type: str,
    subject_id: int,
    dedupe: str,
) -> int:
    """Notify every active platform admin once per ``dedupe`` reason; returns how many."""
    admins = list(
        await session.scalars(
            select(RoleGrant.account_id)
            .join(Account, Account.id == RoleGrant.account_id)
            .where(RoleGrant.role == Role.PLATFORM_ADMIN, Account.status == AccountStatus.ACTIVE)
            .distinct()
            .order_by(RoleGrant.account_id)
        )
    )
    for account_id in admins:
        await notify(
            session,
            account_id=account_id,
            kind=kind,
            title=title,
            body=body,
            subject_type=subject_type,
            subject_id=subject_id,
            dedupe_key=f"{dedupe}:{account_id}",
        )
    return len(admins)


@on_give_up
async def alert_job_given_up(session: AsyncSession, row: OutboxJob, error: str) -> None:
    """Every job the runner gives up on alerts the platform admins, once per job."""
    await notify_platform_admins(
        session,
        kind="jobs.failed",
        title="后台任务失败",
        body=f"任务 {row.name}（#{row.id}）已放弃：{error}",
        subject_type="Job",
        subject_id=row.id,
        dedupe=f"jobs.failed:{row.id}",
    )
