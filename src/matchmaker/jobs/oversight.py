"""Oversight jobs: the audit scan (docs/oversight.md, "The scan")."""

from __future__ import annotations

from typing import Any

from matchmaker.jobs.context import service_context
from matchmaker.queue.registry import JobContext, job
from matchmaker.services.oversight import scan


@job("audit_scan", cron=True, minute={10}, hour={19})
async def audit_scan(ctx: JobContext) -> dict[str, Any]:
    """Nightly (03:10 Beijing time), on demand (``runAuditScan``) and after openings, awards and
    payments: run every rule and upsert the findings. Idempotent: a second run changes nothing
    but ``last_seen_at``."""
    result = await scan(service_context(ctx))
    return result.as_json()
