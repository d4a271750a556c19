"""Micro-wish jobs: the nightly deadline sweep (docs/micro_wishes.md).

Idempotent: each wish is re-read under its lock and changed only if it is still past its
deadline in the state the sweep looks for; notifications carry dedupe keys.
"""

from __future__ import annotations

from typing import Any

from matchmaker.jobs.context import service_context
from matchmaker.queue.registry import JobContext, job
from matchmaker.services import micro_wishes


@job("sweep_micro_wish_deadlines", cron=True, minute={5}, hour={16})
async def sweep_micro_wish_deadlines(ctx: JobContext) -> dict[str, Any]:
    """Nightly, 00:05 Beijing time: drop late claims (reopen), expire unclaimed wishes."""
    report = await micro_wishes.sweep_deadlines(service_context(ctx))
    return {"reopened": report.reopened, "expired": report.expired}
