"""Platform housekeeping jobs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete

from matchmaker import clock
from matchmaker.jobs.registry import JobContext, job
from matchmaker.models import AuthSession, LoginFailure
from matchmaker.services import audit


@job("expire_sessions", cron=True, minute={17})
async def expire_sessions(ctx: JobContext) -> dict[str, Any]:
    """Delete expired login sessions and old failed-login records (hourly)."""
    now = clock.now()
    sessions = await ctx.session.execute(delete(AuthSession).where(AuthSession.expires_at < now))
    window = now - dt.timedelta(seconds=ctx.settings.login_window_seconds)
    failures = await ctx.session.execute(delete(LoginFailure).where(LoginFailure.at < window))
    return {"sessions_deleted": sessions.rowcount, "login_failures_deleted": failures.rowcount}  # type: ignore[attr-defined]


@job("verify_audit_chain", cron=True, minute={30}, hour={18})
async def verify_audit_chain(ctx: JobContext) -> dict[str, Any]:
    """Nightly (02:30 Beijing time): walk the audit chain and keep the verdict on the job row."""
    report = await audit.verify_chain(ctx.session)
    return {
        "ok": report.ok,
        "checked": report.checked,
        "first_broken_id": report.first_broken_id,
        "reason": report.reason,
    }
