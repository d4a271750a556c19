"""Seed step: run the audit scan over the seeded city, so the auditor opens a queue at once.

The step plants nothing: the procurement and volunteering seeds promise data that follows the
money and ledger rules (their tests check it), so the queue holds what the rules find in that
data as generated (docs/oversight.md).
"""

from __future__ import annotations

from matchmaker.seed.context import SeedContext
from matchmaker.services.oversight import scan


async def seed_oversight(ctx: SeedContext) -> None:
    result = await scan(ctx.sc)
    ctx.counts["findings"] = result.hits
    found = ", ".join(f"{rule} {n}" for rule, n in result.by_rule.items() if n) or "none"
    ctx.log(f"oversight: {result.hits} findings ({found})")
