"""Matching jobs: (re)train the models from the impression log (docs/matching.md, "Training")."""

from __future__ import annotations

from typing import Any

from matchmaker.jobs.context import service_context
from matchmaker.queue.registry import JobContext, job
from matchmaker.services.matching import training


@job("train_matching_models", cron=True, minute={40}, hour={18})
async def train_matching_models(ctx: JobContext) -> dict[str, Any]:
    """Nightly (02:40 Beijing time) and on demand: train every direction with enough new data.

    Idempotent: a direction whose training rows and outcomes did not change since a stored
    version is skipped, so a redelivered job trains nothing twice. ``{"direction": ...}`` trains
    one direction only.
    """
    sc = service_context(ctx)
    direction = ctx.args.get("direction")
    outcomes = await training.train_directions(sc, [str(direction)] if direction else None)
    return {"directions": [o.as_json() for o in outcomes]}
