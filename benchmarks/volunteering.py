"""Volunteering benchmark on PostgreSQL: check-ins through /graphql, and the nightly
reconciliation's cost against the size of the hours ledger.

    MATCHMAKER_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python -m benchmarks.volunteering [--scale province] [--ledger 10000000] \\
        [--changed 1000] [--checkins 2000] [--concurrency 16]

(``make bench`` runs it with the defaults.) In a scratch database next to the given one:

1. the foundation seed at ``--scale`` (``province`` by default: 1.5 million volunteers);
2. a ledger of ``--ledger / 10`` approved records spread over the volunteers, totals set from
   it; then ``--changed`` volunteers get a new approved record and a change marker, and the
   nightly reconciliation (``hours.reconcile_changed``, what the ``reconcile_volunteer_totals``
   job runs) is timed;
3. the ledger grows to ``--ledger`` records (10× — at least 10 million by default) and the same
   change is timed again on the bigger ledger. The two times should be close: the
   reconciliation reads the change markers and an index on (volunteer, status), never the
   whole ledger;
4. the real app under uvicorn (one process, the foundation benchmark's server), and
   ``--checkins`` volunteers, each with a session and a confirmed place on a running shift,
   check in through ``POST /graphql`` with the shift's current code at ``--concurrency``:
   check-ins per second, p50 and p99.

It prints the figures and the command. The scratch database is dropped at the end. Not part of
the test suite: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import secrets
import sys
import tempfile
import time
from collections import Counter
from typing import Any

from sqlalchemy import text

from benchmarks.run import create_database, drop_database, free_port, server

FOUNDATION_STEPS = {"regions", "organizations", "social_workers", "volunteers", "staff"}
RECORD_HOURS = 2


def _command(args: argparse.Namespace) -> str:
    return (
        "MATCHMAKER_BENCH_DATABASE_URL=… python -m benchmarks.volunteering "
        f"--scale {args.scale} --ledger {args.ledger} --changed {args.changed} "
        f"--checkins {args.checkins} --concurrency {args.concurrency}"
    )


async def seed(url: str, env: dict[str, str], scale_name: str) -> None:
    import matchmaker.models  # noqa: F401  (registers every table)
    from matchmaker.config import load_settings
    from matchmaker.db import Base, create_engine, create_session_factory
    from matchmaker.seed import STEPS, seed_database
    from matchmaker.seed.context import SCALES

    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        steps = [s for s in STEPS if s[0] in FOUNDATION_STEPS]
        async with create_session_factory(engine)() as session, session.begin():
            await seed_database(
                session, load_settings(env), scale=SCALES[scale_name], seed=1, steps=steps
            )
    finally:
        await engine.dispose()


async def ledger_setup(engine: Any) -> tuple[int, list[int]]:
    """The activity the benchmark's records belong to, and every volunteer id."""
    async with engine.begin() as conn:
        community = (
            await conn.execute(
                text("SELECT id, path FROM regions WHERE level = 'COMMUNITY' ORDER BY id LIMIT 1")
            )
        ).first()
        staff = await conn.scalar(text("SELECT id FROM accounts ORDER BY id LIMIT 1"))
        activity_id = await conn.scalar(
            text(
                "INSERT INTO activities (title, description, region_id, region_path, "
                "created_by_account_id, place_name, category, required_skills, min_age, status, "
                "created_at, updated_at, version) VALUES ('基准活动', '', :r, :p, :a, '服务点', "
                "'OTHER', ',', 0, 'PUBLISHED', now(), now(), 1) RETURNING id"
            ),
            {"r": community[0], "p": community[1], "a": staff},
        )
        volunteers = list(
            await conn.scalars(text("SELECT id FROM volunteers WHERE is_active ORDER BY id"))
        )
    return int(activity_id), [int(v) for v in volunteers]


async def add_records(
    url: str, activity_id: int, volunteers: list[int], count: int, *, first_slot: int
) -> float:
    """COPY ``count`` approved records, round-robin over the volunteers, each volunteer's
    records in consecutive non-overlapping slots starting at ``first_slot``."""
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://")
    base = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    n = len(volunteers)
    started = time.perf_counter()
    async with await psycopg.AsyncConnection.connect(plain) as conn:
        async with conn.cursor() as cur:
            await cur.execute("SELECT region_path FROM activities WHERE id = %s", (activity_id,))
            row = await cur.fetchone()
            assert row is not None
            region_path = row[0]
            now = dt.datetime.now(dt.UTC)
            async with cur.copy(
                "COPY service_records (volunteer_id, activity_id, region_path, starts_at, ends_at, "
                "minutes, source, status, description, needs_review, created_at, updated_at, "
                "version) FROM STDIN"
            ) as copy:
                for i in range(count):
                    volunteer = volunteers[i % n]
                    slot = first_slot + i // n
                    start = base + dt.timedelta(hours=3 * slot)
                    await copy.write_row(
                        (
                            volunteer,
                            activity_id,
                            region_path,
                            start,
                            start + dt.timedelta(hours=RECORD_HOURS),
                            RECORD_HOURS * 60,
                            "MANUAL",
                            "APPROVED",
                            "",
                            False,
                            now,
                            now,
                            1,
                        )
                    )
        await conn.commit()
    return time.perf_counter() - started


async def set_totals(engine: Any) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE volunteers v SET total_minutes = s.total, star_level = 0 FROM "
                "(SELECT volunteer_id, sum(minutes) AS total FROM service_records "
                "WHERE status = 'APPROVED' GROUP BY volunteer_id) s WHERE s.volunteer_id = v.id"
            )
        )
        await conn.execute(text("DELETE FROM volunteer_total_changes"))
    # What autovacuum does in production: statistics and the visibility map (which lets the
    # per-volunteer sums be index-only scans).
    async with engine.connect() as conn:
        auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await auto.execute(text("VACUUM ANALYZE service_records"))
        await auto.execute(text("ANALYZE"))


async def reconcile_once(
    url: str, engine: Any, activity_id: int, changed: list[int], slot: int
) -> tuple[float, int, int]:
    """A new approved record and a change marker for each changed volunteer (drift: their
    totals are now stale), then time the nightly reconciliation."""
    from matchmaker.db import create_session_factory
    from matchmaker.services import hours

    await add_records(url, activity_id, changed, len(changed), first_slot=slot)
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO volunteer_total_changes (volunteer_id, changed_at, seq) "
                "SELECT unnest(CAST(:ids AS bigint[])), now(), 1"
            ),
            {"ids": changed},
        )
    factory = create_session_factory(engine)
    started = time.perf_counter()
    async with factory() as session, session.begin():
        report = await hours.reconcile_changed(session)
    seconds = time.perf_counter() - started
    return seconds, report.checked, len(report.repaired)


async def prepare_checkins(
    engine: Any, volunteers: list[int], ttl_hours: int
) -> tuple[str, bytes, list[str]]:
    """A running shift with a place for each volunteer, and a session token for each."""
    from matchmaker.services.crypto import new_token, token_hash

    now = dt.datetime.now(dt.UTC)
    secret = secrets.token_bytes(20)
    tokens = [new_token() for _ in volunteers]
    async with engine.begin() as conn:
        community = (
            await conn.execute(
                text("SELECT id, path FROM regions WHERE level = 'COMMUNITY' ORDER BY id LIMIT 1")
            )
        ).first()
        staff = await conn.scalar(text("SELECT id FROM accounts ORDER BY id LIMIT 1"))
        activity_id = await conn.scalar(
            text(
                "INSERT INTO activities (title, description, region_id, region_path, "
                "created_by_account_id, place_name, category, required_skills, min_age, status, "
                "created_at, updated_at, version) VALUES ('签到基准', '', :r, :p, :a, '服务点', "
                "'OTHER', ',', 0, 'PUBLISHED', now(), now(), 1) RETURNING id"
            ),
            {"r": community[0], "p": community[1], "a": staff},
        )
        shift_id = await conn.scalar(
            text(
                "INSERT INTO shifts (activity_id, starts_at, ends_at, capacity, confirmed_count, "
                "waitlist_seq, secret, is_cancelled, created_at, updated_at) VALUES (:a, :s, :e, "
                ":c, :c, 0, :secret, false, now(), now()) RETURNING id"
            ),
            {
                "a": activity_id,
                "s": now - dt.timedelta(minutes=10),
                "e": now + dt.timedelta(hours=3),
                "c": len(volunteers),
                "secret": secret,
            },
        )
        rows = (
            await conn.execute(
                text(
                    "SELECT id, account_id FROM volunteers WHERE id = ANY(CAST(:ids AS bigint[]))"
                ),
                {"ids": volunteers},
            )
        ).all()
        await conn.execute(
            text(
                "INSERT INTO signups (shift_id, volunteer_id, status, starts_at, ends_at, "
                "created_at, updated_at) VALUES (:s, :v, 'CONFIRMED', :st, :en, now(), now())"
            ),
            [
                {
                    "s": shift_id,
                    "v": vid,
                    "st": now - dt.timedelta(minutes=10),
                    "en": now + dt.timedelta(hours=3),
                }
                for vid, _ in rows
            ],
        )
        await conn.execute(
            text(
                "INSERT INTO auth_sessions (account_id, token_hash, expires_at, created_at, "
                "updated_at) VALUES (:a, :h, :x, now(), now())"
            ),
            [
                {"a": account, "h": token_hash(tok), "x": now + dt.timedelta(hours=ttl_hours)}
                for (_, account), tok in zip(rows, tokens, strict=True)
            ],
        )
    from matchmaker.schema.relay import to_global_id

    return to_global_id("Shift", int(shift_id)), secret, tokens


CHECK_IN = """mutation($i: CheckInInput!) { checkIn(input: $i) { attendance { id }
  errors { code } } }"""


async def drive_checkins(
    client: Any, shift_gid: str, secret: bytes, tokens: list[str], concurrency: int
) -> tuple[float, list[float], Counter[str]]:
    from matchmaker.services.activities import current_code

    queue = list(tokens)
    latencies: list[float] = []
    failures: Counter[str] = Counter()

    async def one(token: str) -> None:
        code = current_code(secret, dt.datetime.now(dt.UTC))
        started = time.perf_counter()
        response = await client.post(
            "/graphql",
            json={
                "query": CHECK_IN,
                "variables": {
                    "i": {"shiftId": shift_gid, "code": code, "idempotencyKey": token[:32]}
                },
            },
            headers={"Authorization": f"Bearer {token}"},
        )
        latencies.append(time.perf_counter() - started)
        body = response.json()
        for error in body.get("errors") or body["data"]["checkIn"]["errors"]:
            failures[error.get("code") or error.get("extensions", {}).get("code", "?")] += 1

    async def worker() -> None:
        while queue:
            await one(queue.pop())

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started, latencies, failures


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def main(args: argparse.Namespace) -> None:
    admin_url = os.environ.get("MATCHMAKER_BENCH_DATABASE_URL")
    if not admin_url or not admin_url.startswith("postgresql"):
        raise SystemExit("set MATCHMAKER_BENCH_DATABASE_URL to a PostgreSQL URL (make bench does)")
    from matchmaker.config import normalize_database_url
    from matchmaker.db import create_engine

    admin_url = normalize_database_url(admin_url)
    url = await create_database(admin_url)
    env = {
        "MATCHMAKER_ENV": "development",
        "MATCHMAKER_DATABASE_URL": url,
        "MATCHMAKER_SECRET_KEY": secrets.token_urlsafe(48),
        "MATCHMAKER_VAR_DIR": tempfile.mkdtemp(prefix="matchmaker-bench-"),
        "MATCHMAKER_LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    print(_command(args))
    engine = create_engine(url, pool_size=4, max_overflow=0)
    try:
        t = time.perf_counter()
        await seed(url, env, args.scale)
        print(f"seeded scale {args.scale} in {time.perf_counter() - t:.0f}s", flush=True)
        activity_id, volunteers = await ledger_setup(engine)
        rng = random.Random(1)
        changed = sorted(rng.sample(volunteers, min(args.changed, len(volunteers))))
        small = args.ledger // 10
        per_volunteer_small = -(-small // len(volunteers))
        t = await add_records(url, activity_id, volunteers, small, first_slot=0)
        await set_totals(engine)
        print(f"ledger of {small:,} records written in {t:.0f}s", flush=True)
        slot = per_volunteer_small * 20 + 10  # past every existing slot
        small_seconds, checked, repaired = await reconcile_once(
            url, engine, activity_id, changed, slot
        )
        print(
            f"reconciliation, {len(changed):,} changed volunteers, ledger {small:,}: "
            f"{small_seconds * 1000:.0f} ms (checked {checked:,}, repaired {repaired:,})",
            flush=True,
        )
        t = await add_records(
            url, activity_id, volunteers, args.ledger - small - len(changed), first_slot=slot + 1
        )
        await set_totals(engine)
        total = await _count(engine)
        print(f"ledger grown to {total:,} records in {t:.0f}s", flush=True)
        big_seconds, checked, repaired = await reconcile_once(
            url, engine, activity_id, changed, slot + 10 * (per_volunteer_small + 2) + 10
        )
        print(
            f"reconciliation, {len(changed):,} changed volunteers, ledger {total:,}: "
            f"{big_seconds * 1000:.0f} ms (checked {checked:,}, repaired {repaired:,})"
        )
        print(f"ratio big/small ledger: {big_seconds / small_seconds:.2f} (target: close to 1)")

        people = sorted(rng.sample(volunteers, min(args.checkins, len(volunteers))))
        shift_gid, secret, tokens = await prepare_checkins(engine, people, 24)
        port = free_port()
        async with server(port, env) as client:
            seconds, latencies, failures = await drive_checkins(
                client, shift_gid, secret, tokens, args.concurrency
            )
        print(
            f"check-ins through /graphql: {len(latencies):,} in {seconds:.1f}s = "
            f"{len(latencies) / seconds:.1f}/s at concurrency {args.concurrency}, "
            f"p50 {pct(latencies, 0.5):.0f} ms, p99 {pct(latencies, 0.99):.0f} ms, "
            f"failures {dict(failures) or 0}"
        )
    finally:
        await engine.dispose()
        await drop_database(admin_url, url)


async def _count(engine: Any) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(text("SELECT count(*) FROM service_records")) or 0)


def cli() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.volunteering", description=__doc__)
    parser.add_argument("--scale", default="province", choices=["small", "city", "province"])
    parser.add_argument("--ledger", type=int, default=10_000_000)
    parser.add_argument("--changed", type=int, default=1_000)
    parser.add_argument("--checkins", type=int, default=2_000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    if args.ledger < 10 * args.changed:
        raise SystemExit("--ledger must be at least 10 × --changed")
    asyncio.run(main(args))


if __name__ == "__main__":
    sys.exit(cli())
