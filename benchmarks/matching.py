"""Matching benchmark on PostgreSQL: the five recommendation queries through /graphql, and the
training job's time and peak memory.

    MATCHMAKER_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python -m benchmarks.matching [--scale province] [--requests 200] \\
        [--train-scale city] [--seed-only | --database URL]

(``make bench`` runs it with the defaults.) In scratch databases next to the given one:

1. the whole demo seed at ``--scale`` (``province``: 1.5 million volunteers, 19,000
   organizations), including the simulated matching history and its trained models;
2. the real app under uvicorn (one process, the foundation benchmark's server, which counts
   SQL statements), and for each of the five queries a real caller in scope (the shift's
   organizer, a bureau officer over the project, the admin of the organization with the most
   open projects it may bid on, a volunteer of the shift's community) with a session:
   ``--requests`` requests one after another (latency, not throughput): p50 and p95, and the
   SQL statements per request at ``first: 5`` and ``first: 50`` (they should be equal);
   targets: ``recommendedVolunteers`` and ``recommendedOrganizations`` p95 ≤ 100 ms, the other
   three p95 ≤ 50 ms;
3. the training job (``services.matching.training.train_directions``, what the nightly
   ``train_matching_models`` job runs) on the seed at ``--train-scale`` in a child process:
   wall time and the child's peak resident memory, before and after training.

``--seed-only`` seeds the first database and keeps it; ``--database URL`` measures on such a
kept database instead of seeding (the province seed takes 10–30 minutes). ``--only NAME``
(repeatable) measures only those queries and ``--no-training`` skips part 3. It prints the
figures and the command. The scratch databases are dropped at the end (a kept one is not). Not part
of the test suite: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import resource
import secrets
import sys
import tempfile
import time
from typing import Any

import httpx
from sqlalchemy import text

from benchmarks.run import create_database, drop_database, free_port, server, server_stats

TARGETS_MS = {
    "recommendedVolunteers": 100,
    "recommendedOrganizations": 100,
    "recommendedProjects": 50,
    "recommendedSocialWorkers": 50,
    "recommendedShifts": 50,
}

ITEMS = "items { rank score reasons { code text weight } %s } modelVersion coldStart"
QUERIES = {
    "recommendedVolunteers": (
        "query($id: ID!, $n: Int!) { recommendedVolunteers(shiftId: $id, first: $n) { "
        + ITEMS % "volunteer { id volunteerNumber }"
        + " } }"
    ),
    "recommendedOrganizations": (
        "query($id: ID!, $n: Int!) { recommendedOrganizations(projectId: $id, first: $n) { "
        + ITEMS % "organization { id name }"
        + " } }"
    ),
    "recommendedProjects": (
        "query($id: ID!, $n: Int!) { recommendedProjects(organizationId: $id, first: $n) { "
        + ITEMS % "project { id title }"
        + " } }"
    ),
    "recommendedSocialWorkers": (
        "query($id: ID!, $org: ID!, $n: Int!) { recommendedSocialWorkers(projectId: $id, "
        "organizationId: $org, first: $n) { " + ITEMS % "socialWorker { id }" + " } }"
    ),
    "recommendedShifts": (
        "query($n: Int!) { recommendedShifts(first: $n) { " + ITEMS % "shift { id }" + " } }"
    ),
}


def _command(args: argparse.Namespace) -> str:
    extra = "".join(f" --only {name}" for name in args.only or [])
    if args.no_training:
        extra += " --no-training"
    return (
        "MATCHMAKER_BENCH_DATABASE_URL=… python -m benchmarks.matching "
        f"--scale {args.scale} --requests {args.requests} --train-scale {args.train_scale}" + extra
    )


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def seed(url: str, env: dict[str, str], scale_name: str) -> None:
    import matchmaker.models  # noqa: F401  (registers every table)
    from matchmaker.config import load_settings
    from matchmaker.db import Base, create_engine, create_session_factory
    from matchmaker.seed import seed_database
    from matchmaker.seed.context import SCALES

    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        async with create_session_factory(engine)() as session, session.begin():
            await seed_database(session, load_settings(env), scale=SCALES[scale_name], seed=1)
        async with engine.connect() as conn:
            await conn.execute(text("COMMIT"))
            await conn.execute(text("ANALYZE"))
    finally:
        await engine.dispose()


async def callers(engine: Any) -> dict[str, dict[str, Any]]:
    """One real caller in scope per query, with a fresh session token, and its variables."""
    from matchmaker.schema.relay import to_global_id
    from matchmaker.services.crypto import new_token, token_hash

    async with engine.begin() as conn:

        async def one(sql: str, **params: Any) -> Any:
            row = (await conn.execute(text(sql), params)).first()
            if row is None:
                raise RuntimeError(f"the seed has no subject for: {sql}")
            return row

        shift = await one(
            "SELECT s.id, a.created_by_account_id AS account, a.region_id FROM shifts s "
            "JOIN activities a ON a.id = s.activity_id WHERE s.starts_at > now() "
            "AND NOT s.is_cancelled AND a.status = 'PUBLISHED' ORDER BY s.starts_at LIMIT 1"
        )
        project = await one(
            "SELECT p.id, g.account_id AS account FROM projects p "
            "JOIN regions r ON r.id = p.region_id JOIN role_grants g ON g.role = 'BUREAU_OFFICER' "
            "JOIN regions gr ON gr.id = g.region_id WHERE p.status = 'OPEN_FOR_BIDS' "
            "AND r.path LIKE gr.path || '%' ORDER BY gr.path DESC, p.id LIMIT 1"
        )
        # An admin of the organization with the most open projects it may bid on, by the rules
        # of its project list (published, before the deadline, grade and registered workers at
        # each required level met, in its service regions or its base district, no live bid of
        # its own), so the project list and the team suggestions are real lists, as long as
        # the seed allows, not empty answers.
        admin = await one(
            "WITH staff AS (SELECT m.organization_id, "
            "count(*) FILTER (WHERE w.level IN ('ASSISTANT', 'SOCIAL_WORKER', 'SENIOR')) AS a, "
            "count(*) FILTER (WHERE w.level IN ('SOCIAL_WORKER', 'SENIOR')) AS s, "
            "count(*) FILTER (WHERE w.level = 'SENIOR') AS h "
            "FROM social_worker_memberships m JOIN social_workers w ON w.id = m.social_worker_id "
            "WHERE m.status = 'ACTIVE' AND w.is_active "
            "AND w.registration_expires_on >= (now() AT TIME ZONE 'Asia/Shanghai')::date "
            "GROUP BY m.organization_id), "
            "reach AS (SELECT osr.organization_id, sr.path FROM organization_service_regions osr "
            "JOIN regions sr ON sr.id = osr.region_id UNION "
            "SELECT o.id, substring(br.path from '^(/[^/]+/[^/]+/[^/]+/)') FROM organizations o "
            "JOIN regions br ON br.id = o.region_id), "
            "fits AS (SELECT o.id AS organization_id, min(p.id) AS project_id, "
            "count(DISTINCT p.id) AS n FROM organizations o "
            "JOIN staff ON staff.organization_id = o.id "
            "JOIN reach ON reach.organization_id = o.id "
            "JOIN regions pr ON pr.path LIKE reach.path || '%' "
            "JOIN projects p ON p.region_id = pr.id AND p.status = 'OPEN_FOR_BIDS' "
            "AND p.bid_deadline > now() AND p.min_grade <= o.grade "
            "AND p.workers_assistant <= staff.a AND p.workers_social_worker <= staff.s "
            "AND p.workers_senior <= staff.h "
            "WHERE o.is_active AND NOT EXISTS (SELECT 1 FROM bids b WHERE b.project_id = p.id "
            "AND b.organization_id = o.id AND b.status <> 'WITHDRAWN') "
            "GROUP BY o.id) "
            "SELECT g.account_id AS account, g.organization_id, fits.project_id, fits.n "
            "FROM fits JOIN role_grants g ON g.organization_id = fits.organization_id "
            "AND g.role = 'ORG_ADMIN' ORDER BY fits.n DESC, g.id LIMIT 1"
        )
        volunteer = await one(
            "SELECT v.account_id AS account FROM volunteers v "
            "WHERE v.home_region_id = :region AND v.is_active ORDER BY v.id LIMIT 1",
            region=shift.region_id,
        )
        tokens: dict[int, str] = {}
        for account in {shift.account, project.account, admin.account, volunteer.account}:
            tokens[account] = new_token()
            await conn.execute(
                text(
                    "INSERT INTO auth_sessions (account_id, token_hash, expires_at, created_at, "
                    "updated_at) VALUES (:a, :h, :x, now(), now())"
                ),
                {
                    "a": account,
                    "h": token_hash(tokens[account]),
                    "x": dt.datetime.now(dt.UTC) + dt.timedelta(hours=6),
                },
            )
    project_gid = to_global_id("Project", int(project.id))
    org_gid = to_global_id("Organization", int(admin.organization_id))
    return {
        "recommendedVolunteers": {
            "token": tokens[shift.account],
            "vars": {"id": to_global_id("Shift", int(shift.id))},
        },
        "recommendedOrganizations": {"token": tokens[project.account], "vars": {"id": project_gid}},
        "recommendedProjects": {"token": tokens[admin.account], "vars": {"id": org_gid}},
        "recommendedSocialWorkers": {
            "token": tokens[admin.account],
            "vars": {"id": to_global_id("Project", int(admin.project_id)), "org": org_gid},
        },
        "recommendedShifts": {"token": tokens[volunteer.account], "vars": {}},
    }


def _backend_cpu_seconds(pids: list[int]) -> float:
    """CPU seconds (user + system) used so far by these PostgreSQL backends (same machine)."""
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:  # the backend ended
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


async def _backend_pids(engine: Any) -> list[int]:
    """The backends serving the benchmark database, other than the asking one."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
            )
        )
        return [int(r[0]) for r in rows]


async def measure(
    client: httpx.AsyncClient,
    name: str,
    caller: dict[str, Any],
    requests: int,
    engine: Any,
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {caller['token']}"}

    async def call(first: int) -> dict[str, Any]:
        response = await client.post(
            "/graphql",
            json={"query": QUERIES[name], "variables": {**caller["vars"], "n": first}},
            headers=headers,
        )
        body: dict[str, Any] = response.json()
        if body.get("errors"):
            raise RuntimeError(f"{name}: {body['errors']}")
        return body

    for _ in range(5):  # warm up: connections, caches, the model's first load
        body = await call(20)
    items = len(body["data"][name]["items"])
    counts = {}
    for first in (5, 50):
        before, _ = await server_stats(client)
        await call(first)
        after, _ = await server_stats(client)
        counts[first] = after - before
    # CPU per request, the app's and the database's: what a request costs on a quiet machine,
    # where latency is close to their sum; on a busy one latency also waits for a core.
    pids = await _backend_pids(engine)
    _, app_before = await server_stats(client)
    db_before = _backend_cpu_seconds(pids)
    latencies = []
    for _ in range(requests):
        t = time.perf_counter()
        await call(20)
        latencies.append(time.perf_counter() - t)
    _, app_after = await server_stats(client)
    db_after = _backend_cpu_seconds(pids)
    return {
        "app_cpu": (app_after - app_before) / requests * 1000,
        "db_cpu": (db_after - db_before) / requests * 1000,
        "items": items,
        "p50": pct(latencies, 0.5),
        "p95": pct(latencies, 0.95),
        "statements": counts,
        "model": body["data"][name]["modelVersion"],
        "cold": body["data"][name]["coldStart"],
    }


def train_child(url: str) -> None:
    """In a child process: time the training run and report peak memory (JSON on stdout)."""

    async def run() -> dict[str, Any]:
        import matchmaker.models  # noqa: F401
        from matchmaker.config import load_settings
        from matchmaker.db import create_engine, create_session_factory
        from matchmaker.services.bootstrap import system_context
        from matchmaker.services.matching import training

        settings = load_settings(dict(os.environ))
        engine = create_engine(url)
        try:
            async with engine.begin() as conn:  # train anew: forget the seed's versions
                await conn.execute(text("DELETE FROM matching_models"))
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            t = time.perf_counter()
            async with create_session_factory(engine)() as session, session.begin():
                sc = system_context(session, settings)
                outcomes = await training.train_directions(sc)
            seconds = time.perf_counter() - t
        finally:
            await engine.dispose()
        return {
            "seconds": seconds,
            "rss_before_mb": rss_before / 1024,
            "rss_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "outcomes": [
                {"direction": o.direction, "status": o.status, "rows": o.n_rows} for o in outcomes
            ],
        }

    print(json.dumps(asyncio.run(run())))


async def train(url: str, env: dict[str, str]) -> dict[str, Any]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "benchmarks.matching",
        "--train-child",
        url,
        env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError("the training child failed")
    result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return result


async def main(args: argparse.Namespace) -> None:
    admin_url = os.environ.get("MATCHMAKER_BENCH_DATABASE_URL")
    if not admin_url or not admin_url.startswith("postgresql"):
        raise SystemExit("set MATCHMAKER_BENCH_DATABASE_URL to a PostgreSQL URL (make bench does)")
    from matchmaker.config import normalize_database_url
    from matchmaker.db import create_engine

    admin_url = normalize_database_url(admin_url)
    print(_command(args), flush=True)
    env = {
        "MATCHMAKER_ENV": "development",
        "MATCHMAKER_SECRET_KEY": secrets.token_urlsafe(48),
        "MATCHMAKER_VAR_DIR": tempfile.mkdtemp(prefix="matchmaker-bench-"),
        "MATCHMAKER_LOG_LEVEL": "WARNING",
    }

    url = args.database or await create_database(admin_url)
    env["MATCHMAKER_DATABASE_URL"] = url
    os.environ.update(env)
    try:
        if not args.database:
            t = time.perf_counter()
            await seed(url, env, args.scale)
            print(f"seeded scale {args.scale} in {time.perf_counter() - t:.0f}s", flush=True)
        if args.seed_only:
            print(f"seeded database kept: {url}")
            return
        engine = create_engine(url, pool_size=2, max_overflow=0)
        try:
            who = await callers(engine)
        finally:
            await engine.dispose()
        port = free_port()
        watcher = create_engine(url, pool_size=1, max_overflow=0)
        async with server(port, env) as client:
            for name, caller in who.items():
                if args.only and name not in args.only:
                    continue
                r = await measure(client, name, caller, args.requests, watcher)
                verdict = "met" if r["p95"] <= TARGETS_MS[name] else "MISSED"
                print(
                    f"{name:26s} p50 {r['p50']:6.1f} ms  p95 {r['p95']:6.1f} ms "
                    f"(target ≤ {TARGETS_MS[name]} ms: {verdict})  SQL/request "
                    f"{r['statements'][5]} at first=5, {r['statements'][50]} at first=50  "
                    f"items {r['items']}  model {r['model'] or 'cold start'}  "
                    f"CPU/request app {r['app_cpu']:.1f} ms + database {r['db_cpu']:.1f} ms",
                    flush=True,
                )
        await watcher.dispose()
    finally:
        if not (args.database or args.seed_only):
            await drop_database(admin_url, url)

    if args.no_training:
        return
    url = await create_database(admin_url)
    env["MATCHMAKER_DATABASE_URL"] = url
    try:
        t = time.perf_counter()
        await seed(url, env, args.train_scale)
        print(f"seeded scale {args.train_scale} in {time.perf_counter() - t:.0f}s", flush=True)
        r = await train(url, env)
        print(
            f"training at scale {args.train_scale}: {r['seconds']:.1f}s, peak RSS "
            f"{r['rss_peak_mb']:.0f} MB ({r['rss_before_mb']:.0f} MB before training)"
        )
        for o in r["outcomes"]:
            print(f"  {o['direction']:28s} {o['status']:14s} rows {o['rows'] or 0:,}")
    finally:
        await drop_database(admin_url, url)


def cli() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--train-child":
        train_child(sys.argv[2])
        return
    parser = argparse.ArgumentParser(prog="python -m benchmarks.matching", description=__doc__)
    parser.add_argument("--scale", default="province", choices=["small", "city", "province"])
    parser.add_argument("--train-scale", default="city", choices=["small", "city", "province"])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--database", help="measure on this already seeded database (kept) instead of seeding"
    )
    parser.add_argument(
        "--seed-only", action="store_true", help="seed a scratch database, keep it, print its URL"
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=list(QUERIES),
        help="measure only this query (repeatable); the default is all five",
    )
    parser.add_argument(
        "--no-training", action="store_true", help="skip the training measurement (part 3)"
    )
    asyncio.run(main(parser.parse_args()))


if __name__ == "__main__":
    cli()
