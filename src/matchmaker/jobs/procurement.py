"""Procurement jobs: opening bids at the deadline, and milestone reminders."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from matchmaker import clock
from matchmaker.jobs.context import service_context
from matchmaker.models import Contract, Milestone, Project
from matchmaker.models.procurement import MilestoneStatus
from matchmaker.queue.registry import JobContext, job
from matchmaker.services import bids
from matchmaker.services.notifications import notify, org_admin_ids

REMINDER_DAYS = 7


@job("open_bids")
async def open_bids(ctx: JobContext) -> dict[str, Any]:
    """Open a project's bids at its deadline (开标). Idempotent: see services.bids.open_bids."""
    result = await bids.open_bids(
        service_context(ctx), project_id=int(ctx.args["project_id"]), job_id=ctx.job_id
    )
    return {
        "project_id": result.project_id,
        "opened": result.opened,
        "status": result.status.value,
        "did_open": result.did_open,
    }


@job("milestone_due_reminders", cron=True, minute={0}, hour={1})
async def milestone_due_reminders(ctx: JobContext) -> dict[str, Any]:
    """Daily (09:00 Beijing): tell each organization about milestones due in 7 days."""
    due = clock.today_shanghai() + dt.timedelta(days=REMINDER_DAYS)
    rows = (
        await ctx.session.execute(
            select(Milestone, Contract, Project)
            .join(Contract, Contract.id == Milestone.contract_id)
            .join(Project, Project.id == Contract.project_id)
            .where(Milestone.due_date == due, Milestone.status == MilestoneStatus.PENDING)
        )
    ).all()
    for milestone, contract, project in rows:
        await notify(
            ctx.session,
            await org_admin_ids(ctx.session, contract.organization_id),
            code="milestone.due",
            params={
                "project": project.title,
                "sequence": milestone.sequence,
                "due": due.isoformat(),
            },
            text="里程碑即将到期",
            body=f"「{project.title}」第 {milestone.sequence} 期将于 {due.isoformat()} 到期。",
            subject_type="Milestone",
            subject_id=milestone.id,
            dedupe=f"milestone.due:{milestone.id}:{due.isoformat()}",
        )
    return {"due": due.isoformat(), "milestones": len(rows)}
