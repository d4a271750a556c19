"""``matchmaker seed``: deterministic demo data at three scales.

The data is built by :data:`STEPS`, run in order in one transaction. Each step is an async
function of a :class:`~matchmaker.seed.context.SeedContext` with its own random generator
(``ctx.rng(step_name)``), so the same ``--seed`` gives the same data and adding a step never
changes what the others produce. **Extension point**: a domain that wants demo data (projects,
bids, activities, service hours…) writes ``seed/<domain>.py`` with ``async def
seed_<domain>(ctx)`` and inserts ``("<domain>", seed_<domain>)`` into ``STEPS`` after the steps
it builds on. It finds what exists in ``ctx.regions`` / ``ctx.communities`` /
``ctx.organizations`` and in ``ctx.shared`` (``demo_org``, ``demo_street``,
``demo_accounts``…), writes rows with ``ctx.writer`` (bulk, ids assigned up front) and reports
what it made with ``ctx.count``.

Every seeded account shares one argon2 hash of :data:`DEMO_PASSWORD`, computed once per run:
hashing per row would take hours at province scale. That is also why seeding refuses to run
in production.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker.config import Settings
from matchmaker.db import create_engine, create_session_factory
from matchmaker.models import Account, Organization, Volunteer
from matchmaker.seed.accounts import seed_staff
from matchmaker.seed.bulk import BulkWriter
from matchmaker.seed.context import SCALES, Scale, SeedContext, Step
from matchmaker.seed.demo import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    demo_logins_present,
    print_logins,
    seed_demo_logins,
)
from matchmaker.seed.matching import seed_matching
from matchmaker.seed.micro_wishes import seed_micro_wishes
from matchmaker.seed.organizations import seed_organizations, seed_social_workers
from matchmaker.seed.oversight import seed_oversight
from matchmaker.seed.procurement import seed_procurement
from matchmaker.seed.regions import seed_regions
from matchmaker.seed.volunteering import seed_volunteering
from matchmaker.seed.volunteers import seed_volunteers
from matchmaker.services import audit
from matchmaker.services.bootstrap import system_context
from matchmaker.services.passwords import hash_password

STEPS: list[tuple[str, Step]] = [
    ("regions", seed_regions),
    ("organizations", seed_organizations),
    ("social_workers", seed_social_workers),
    ("volunteers", seed_volunteers),
    ("staff", seed_staff),
    ("demo_logins", seed_demo_logins),
    ("procurement", seed_procurement),
    ("volunteering", seed_volunteering),
    # After the volunteering (and procurement) data: simulated history, then trained models.
    ("matching", seed_matching),
    # After the volunteering ledger (its entries avoid overlaps with it) and the project drafts.
    ("micro_wishes", seed_micro_wishes),
    # After everything it audits: the scan, so the auditor's queue is there at once.
    ("oversight", seed_oversight),
    # Further domains add their steps here, after the ones they build on.
]


class SeedError(RuntimeError):
    """Seeding can't run here; the message says why."""


@dataclass(frozen=True, slots=True)
class SeedResult:
    seeded: bool
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


async def has_data(session: AsyncSession) -> bool:
    """Accounts, organizations or volunteers exist (regions alone don't count)."""
    for model in (Account, Organization, Volunteer):
        if await session.scalar(select(exists().where(model.id.is_not(None)))):
            return True
    return False


async def seed_database(
    session: AsyncSession,
    settings: Settings,
    *,
    scale: Scale,
    seed: int,
    quiet: bool = True,
    steps: list[tuple[str, Step]] | None = None,
) -> SeedContext:
    """Run the steps in the caller's transaction (the benchmark calls this with its own scale)."""
    ctx = SeedContext(
        session=session,
        settings=settings,
        sc=system_context(session, settings),
        scale=scale,
        seed=seed,
        writer=BulkWriter(session),
        password_hash=hash_password(DEMO_PASSWORD),
        quiet=quiet,
    )
    ctx.sc.request_id = f"seed-{scale.name}-{seed}"
    for name, step in steps if steps is not None else STEPS:
        ctx.log(f"step {name}…")
        await step(ctx)
        await ctx.writer.finish()
    await audit.record(
        ctx.sc,
        action="seed.run",
        subject_type="Seed",
        subject_id=None,
        after={"scale": scale.name, "seed": seed, "counts": dict(sorted(ctx.counts.items()))},
    )
    return ctx


async def run_seed(
    settings: Settings, *, scale: str, seed: int, if_empty: bool = False, quiet: bool = False
) -> SeedResult:
    """What ``matchmaker seed`` runs. All or nothing: one transaction."""
    if settings.is_production:
        raise SeedError(
            "refusing to seed demo data in production: every seeded account shares the "
            "published demo password"
        )
    if scale not in SCALES:
        raise SeedError(f"unknown scale {scale!r}: use one of {', '.join(SCALES)}")
    started = time.perf_counter()
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            if await has_data(session):
                if not if_empty:
                    raise SeedError(
                        "the database already has data; seed an empty database "
                        "(or pass --if-empty to skip quietly)"
                    )
                if not quiet:
                    print("matchmaker seed: the database has data already; not seeding.")
                    if await demo_logins_present(session):
                        print_logins(sys.stdout)
                return SeedResult(seeded=False)
            if not quiet:
                print(f"matchmaker seed: scale {scale}, seed {seed}", file=sys.stderr)
            ctx = await seed_database(
                session, settings, scale=SCALES[scale], seed=seed, quiet=quiet
            )
    finally:
        await engine.dispose()
    seconds = time.perf_counter() - started
    if not quiet:
        summary = ", ".join(f"{k} {v:,}" for k, v in sorted(ctx.counts.items()))
        print(f"matchmaker seed: done in {seconds:.1f}s: {summary}")
        print_logins(sys.stdout)
    return SeedResult(seeded=True, counts=dict(ctx.counts), seconds=seconds)


__all__ = [
    "DEMO_LOGINS",
    "DEMO_PASSWORD",
    "SCALES",
    "STEPS",
    "Scale",
    "SeedContext",
    "SeedError",
    "SeedResult",
    "run_seed",
    "seed_database",
]
