"""Oversight jobs: the audit scan (docs/oversight.md, "The scan")."""

from __future__ import annotations

from typing import Any

from matchmaker.jobs.context import service_context
from matchmaker.queue.registry import JobContext, job
from matchmaker.services.accounts import actor_for_account
from matchmaker.services.oversight import scan
from matchmaker.services.oversight.exports import export_file_url, write_export


@job("audit_scan", cron=True, minute={10}, hour={19})
async def audit_scan(ctx: JobContext) -> dict[str, Any]:
    """Nightly (03:10 Beijing time), on demand (``runAuditScan``) and after openings, awards and
    payments: run every rule and upsert the findings. Idempotent: a second run changes nothing
    but ``last_seen_at``."""
    result = await scan(service_context(ctx))
    return result.as_json()


@job("oversight_export")
async def oversight_export(ctx: JobContext) -> dict[str, Any]:
    """An .xlsx export too large to download at once (docs/oversight.md, "Exports"), written
    in its requester's current scope, stored for them and notified with its link. A retried
    run finds the file it wrote."""
    account_id = int(ctx.args["account_id"])
    actor = await actor_for_account(ctx.session, account_id)
    sc = service_context(ctx, actor)
    export_id = await write_export(sc, job_id=ctx.job_id, params=dict(ctx.args["params"]))
    return {"export_id": export_id, "url": export_file_url(export_id)}
