"""Platform housekeeping jobs."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy import delete

from matchmaker import clock
from matchmaker.models import AuthSession, LoginFailure
from matchmaker.queue.registry import JobContext, job
from matchmaker.services import audit
from matchmaker.services.notifications import notify, platform_admin_ids
from matchmaker.services.oversight import schedule_scan

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

    The check runs against the signed head of the last *successful* run, so rows deleted from
    the end of the chain, or a chain rewritten with recomputed hashes, are caught; a failure
    stays reported by every later run until it is acknowledged (docs/architecture.md, "Audit
    log"). Platform admins are notified of each failed run, and an audit scan is queued so the
    failure becomes a finding.
    """
    report = await audit.verify_against_baseline(ctx.session, ctx.settings)
    if not report.ok:
        log.error(
            "audit chain broken",
            extra={"first_broken_id": report.first_broken_id, "reason": report.reason},
        )
        await notify(
            ctx.session,
            await platform_admin_ids(ctx.session),
            code="audit.chain_broken",
            params={"id": report.first_broken_id, "reason": report.reason},
            text="审计日志校验失败",
            body=f"第一处异常记录：{report.first_broken_id}；原因：{report.reason}",
            subject_type="Job",
            subject_id=ctx.job_id,
            dedupe=f"audit.chain_broken:{ctx.job_id}",
        )
        # The audit scan turns the standing alarm into a finding (AUDIT_CHAIN_BROKEN,
        # docs/oversight.md); it reads this run's verdict once this transaction commits.
        await schedule_scan(ctx.session)
    return audit.report_result(ctx.settings, report)
