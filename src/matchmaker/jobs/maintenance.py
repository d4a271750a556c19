"""Platform housekeeping jobs."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy import delete, select

from matchmaker import clock
from matchmaker.jobs.registry import JobContext, job
from matchmaker.models import AuthSession, LoginFailure, OutboxJob
from matchmaker.models.enums import JobStatus
from matchmaker.services import audit

log = logging.getLogger("matchmaker.jobs.maintenance")


@job("expire_sessions", cron=True, minute={17})
async def expire_sessions(ctx: JobContext) -> dict[str, Any]:
    """Delete expired login sessions and old failed-login records (hourly).

    The table also holds the registration-limit rows (``registration:`` keys), so rows are
    kept for the longer of the two windows; each limit counts only inside its own window.
    """
    now = clock.now()
    sessions = await ctx.session.execute(delete(AuthSession).where(AuthSession.expires_at < now))
    keep = max(ctx.settings.login_window_seconds, ctx.settings.registration_window_seconds)
    window = now - dt.timedelta(seconds=keep)
    failures = await ctx.session.execute(delete(LoginFailure).where(LoginFailure.at < window))
    return {"sessions_deleted": sessions.rowcount, "login_failures_deleted": failures.rowcount}  # type: ignore[attr-defined]


@job("verify_audit_chain", cron=True, minute={30}, hour={18})
async def verify_audit_chain(ctx: JobContext) -> dict[str, Any]:
    """Nightly (02:30 Beijing time): walk the audit chain and keep the verdict on the job row.

    The head seen by the last successful run is the anchor of this one, so rows deleted from
    the end of the chain since then are caught too.
    """
    previous = await ctx.session.scalar(
        select(OutboxJob.result)
        .where(
            OutboxJob.name == "verify_audit_chain",
            OutboxJob.status == JobStatus.DONE,
            OutboxJob.id != ctx.job_id,
        )
        .order_by(OutboxJob.finished_at.desc(), OutboxJob.id.desc())
        .limit(1)
    )
    anchor = None
    if previous and previous.get("ok") and previous.get("last_id") and previous.get("head_hash"):
        anchor = (int(previous["last_id"]), str(previous["head_hash"]))
    report = await audit.verify_chain(ctx.session, anchor=anchor)
    if not report.ok:
        log.error(
            "audit chain broken",
            extra={"first_broken_id": report.first_broken_id, "reason": report.reason},
        )
    return {
        "ok": report.ok,
        "checked": report.checked,
        "first_broken_id": report.first_broken_id,
        "reason": report.reason,
        "last_id": report.last_id,
        "head_hash": report.head_hash,
    }
