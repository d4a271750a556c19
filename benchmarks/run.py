"""Foundation benchmark: GraphQL against hand-written SQL, on PostgreSQL.

    MATCHMAKER_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python -m benchmarks.run [--requests 2000] [--concurrency 16] [--rounds 4]

(``make bench`` runs exactly that.) It creates a scratch database next to the given one,
creates the schema, seeds the demo city with 1,200 organizations and their staff, starts the
real app under uvicorn on a free loopback port in a child process, and drives it with httpx:

(a) ``POST /graphql`` ``organizations(first: 50) { … region { name } staffCount }`` as the
    demo bureau officer (region scope: the whole city), through authentication, scoping,
    pagination, and the page's regions and staff counts;
(b) ``GET /__bench__/reference``: a plain Starlette endpoint in the same app and process that
    answers the same JSON from one hand-written SQL query, with no authentication — the floor.

The two are measured in alternating rounds (reference, GraphQL, reference, …), so a machine
whose speed drifts during the run weighs on both alike. It prints requests/s, p50 and p99
latency for both, their ratio (target: GraphQL at least 1/3 of the reference), the SQL
statements per request (counted with a ``before_cursor_execute`` listener in the server), the
server CPU per request, and the server's peak memory (``ru_maxrss``). The scratch database is
dropped at the end. Not part of the test suite: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import resource
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

GRAPHQL_QUERY = (
    "{ organizations(first: 50) { edges { node { name grade region { name } staffCount } } } }"
)
# The same page as the GraphQL query, for the same caller (the bureau: every active
# organization based in Jinan), in one statement.
REFERENCE_SQL = """
SELECT o.id, o.name, o.grade, r.name AS region_name,
       (SELECT count(*) FROM social_worker_memberships m
          JOIN social_workers w ON w.id = m.social_worker_id
         WHERE m.organization_id = o.id AND w.is_active) AS staff_count
  FROM organizations o
  JOIN regions r ON r.id = o.region_id
 WHERE r.path LIKE :prefix AND o.is_active
 ORDER BY o.id
 LIMIT 50
"""
GRADES = ("NONE", "A1", "A2", "A3", "A4", "A5")
BENCH_ORGANIZATIONS = 1_200
FOUNDATION_STEPS = {
    "regions",
    "organizations",
    "social_workers",
    "volunteers",
    "staff",
    "demo_logins",
}


# --- the server (child process) ---------------------------------------------------------------


def serve(port: int) -> None:
    """Run the real app plus the two bench-only routes; prints READY when it listens."""
    import uvicorn
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    from matchmaker.config import get_settings
    from matchmaker.web.app import create_app

    statements = 0

    def count(*_args: Any) -> None:
        nonlocal statements
        statements += 1

    # Class-level: every engine in this process, including the one the app creates.
    event.listen(Engine, "before_cursor_execute", count)

    app = create_app(get_settings(), background_jobs=False)

    async def reference(request: Request) -> Response:
        state = request.app.state.mm
        async with state.session_factory() as session:
            rows = (
                await session.execute(
                    text(REFERENCE_SQL), {"prefix": "/370000000000/370100000000/%"}
                )
            ).all()
        edges = [
            {
                "node": {
                    "name": r.name,
                    "grade": GRADES[r.grade],
                    "region": {"name": r.region_name},
                    "staffCount": r.staff_count,
                }
            }
            for r in rows
        ]
        return JSONResponse({"data": {"organizations": {"edges": edges}}})

    async def stats(request: Request) -> Response:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return JSONResponse(
            {
                "statements": statements,
                "cpu_seconds": usage.ru_utime + usage.ru_stime,
                "maxrss_kb": usage.ru_maxrss,
            }
        )

    app.router.routes[0:0] = [
        Route("/__bench__/reference", reference),
        Route("/__bench__/stats", stats),
    ]
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="on"
    )
    uvicorn.Server(config).run()


# --- the driver ---------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    requests: int
    seconds: float
    latencies: list[float]
    statements: int
    #: Server CPU time (user + system) spent on the run: unlike throughput, it barely moves
    #: when other processes compete for the machine.
    cpu_seconds: float

    @classmethod
    def combine(cls, rounds: list[Result]) -> Result:
        return cls(
            rounds[0].name,
            sum(r.requests for r in rounds),
            sum(r.seconds for r in rounds),
            [latency for r in rounds for latency in r.latencies],
            sum(r.statements for r in rounds),
            sum(r.cpu_seconds for r in rounds),
        )

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

    def line(self) -> str:
        return (
            f"{self.name:<10} {self.rps:8.1f} req/s   p50 {self.percentile(0.50):6.1f} ms   "
            f"p99 {self.percentile(0.99):6.1f} ms   "
            f"{self.statements / self.requests:4.1f} SQL/request   "
            f"server CPU {self.cpu_seconds / self.requests * 1000:5.2f} ms/request"
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def create_database(admin_url: str) -> str:
    from matchmaker.db import create_engine

    name = f"mm_bench_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", pool_size=1, max_overflow=0)
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await admin.dispose()
    return admin_url.rsplit("/", 1)[0] + "/" + name


async def drop_database(admin_url: str, url: str) -> None:
    from matchmaker.db import create_engine

    name = url.rsplit("/", 1)[1]
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", pool_size=1, max_overflow=0)
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


async def prepare(url: str, env: dict[str, str]) -> dict[str, int]:
    """Schema and data: the demo city with 1,200 organizations, all but a few with staff."""
    import matchmaker.models  # noqa: F401  (registers every table)
    from matchmaker.config import load_settings
    from matchmaker.db import Base, create_engine, create_session_factory
    from matchmaker.seed import STEPS, seed_database
    from matchmaker.seed.context import Scale

    settings = load_settings(env)
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        scale = Scale("bench", None, None, False, BENCH_ORGANIZATIONS, 4_000, 5_000)
        async with create_session_factory(engine)() as session, session.begin():
            # Only the foundation's steps: what the query reads, and nothing that needs jobs.
            steps = [s for s in STEPS if s[0] in FOUNDATION_STEPS]
            ctx = await seed_database(session, settings, scale=scale, seed=1, steps=steps)
        staffed = sum(1 for o in ctx.organizations if o.staff > 0)
        async with engine.connect() as conn:
            await conn.execute(text("ANALYZE"))
            await conn.commit()
    finally:
        await engine.dispose()
    return {"organizations": len(ctx.organizations), "with_staff": staffed}


@contextlib.asynccontextmanager
async def server(port: int, env: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    # Started once per run; a blocking Popen here is fine (nothing else is running yet).
    proc = subprocess.Popen(  # noqa: S603, ASYNC220  (our own interpreter and module)
        [sys.executable, "-m", "benchmarks.run", "--serve", str(port)],
        env={**os.environ, **env},
    )
    base = f"http://127.0.0.1:{port}"
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    try:
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
            for _ in range(300):  # bounded wait for the child to listen (≤ 30 s)
                if proc.poll() is not None:
                    raise RuntimeError("the benchmark server exited")
                try:
                    if (await client.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
            else:
                raise RuntimeError("the benchmark server did not start")
            yield client
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


async def login(client: httpx.AsyncClient) -> str:
    from matchmaker.seed import DEMO_PASSWORD

    response = await client.post(
        "/graphql",
        json={
            "query": 'mutation($p: String!) { login(input: {login: "bureau", password: $p}) '
            "{ token errors { code } } }",
            "variables": {"p": DEMO_PASSWORD},
        },
    )
    token = response.json()["data"]["login"]["token"]
    if not token:
        raise RuntimeError(f"login failed: {response.text}")
    return str(token)


async def server_stats(client: httpx.AsyncClient) -> tuple[int, float]:
    body = (await client.get("/__bench__/stats")).json()
    return int(body["statements"]), float(body["cpu_seconds"])


async def drive(
    client: httpx.AsyncClient, name: str, call: Any, *, requests: int, concurrency: int
) -> Result:
    # Warm up: connections, statement caches, the schema's first-use work.
    for _ in range(20):
        body = await call()
        if "errors" in body:
            raise RuntimeError(f"{name}: {body['errors']}")
    statements_before, cpu_before = await server_stats(client)
    latencies: list[float] = []
    remaining = requests

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            start = time.perf_counter()
            await call()
            latencies.append(time.perf_counter() - start)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    seconds = time.perf_counter() - started
    statements_after, cpu_after = await server_stats(client)
    return Result(
        name,
        len(latencies),
        seconds,
        latencies,
        statements_after - statements_before,
        cpu_after - cpu_before,
    )


async def main(requests: int, concurrency: int, rounds: int) -> None:
    admin_url = os.environ.get("MATCHMAKER_BENCH_DATABASE_URL")
    if not admin_url or not admin_url.startswith("postgresql"):
        raise SystemExit("set MATCHMAKER_BENCH_DATABASE_URL to a PostgreSQL URL (make bench does)")
    from matchmaker.config import normalize_database_url

    admin_url = normalize_database_url(admin_url)
    url = await create_database(admin_url)
    var_dir = tempfile.mkdtemp(prefix="matchmaker-bench-")
    env = {
        "MATCHMAKER_ENV": "development",
        "MATCHMAKER_DATABASE_URL": url,
        "MATCHMAKER_SECRET_KEY": secrets.token_urlsafe(48),
        "MATCHMAKER_VAR_DIR": var_dir,
        "MATCHMAKER_LOG_LEVEL": "WARNING",
    }
    # The seed's password hashing reads the process settings: make them the benchmark's.
    os.environ.update(env)
    try:
        t = time.perf_counter()
        data = await prepare(url, env)
        print(
            f"seeded {data['organizations']:,} organizations ({data['with_staff']:,} with staff) "
            f"in {time.perf_counter() - t:.1f}s"
        )
        port = free_port()
        async with server(port, env) as client:
            token = await login(client)
            headers = {"Authorization": f"Bearer {token}"}

            async def graphql() -> Any:
                r = await client.post("/graphql", json={"query": GRAPHQL_QUERY}, headers=headers)
                return r.json()

            async def reference() -> Any:
                return (await client.get("/__bench__/reference")).json()

            gql_body, ref_body = await graphql(), await reference()
            if gql_body != ref_body:
                raise RuntimeError("the GraphQL and reference answers differ")
            # Alternating rounds, so a machine that slows down or speeds up during the run
            # (other tenants, frequency) weighs on both endpoints alike.
            per_round = max(1, requests // rounds)
            ref_rounds: list[Result] = []
            gql_rounds: list[Result] = []
            for _ in range(rounds):
                ref_rounds.append(
                    await drive(
                        client, "reference", reference, requests=per_round, concurrency=concurrency
                    )
                )
                gql_rounds.append(
                    await drive(
                        client, "graphql", graphql, requests=per_round, concurrency=concurrency
                    )
                )
            ref, gql = Result.combine(ref_rounds), Result.combine(gql_rounds)
            peak = (await client.get("/__bench__/stats")).json()["maxrss_kb"]
        print(
            f"{gql.requests:,} requests per endpoint at concurrency {concurrency} in {rounds} "
            "alternating rounds, one server process"
        )
        print(ref.line())
        print(gql.line())
        ratio = gql.rps / ref.rps
        verdict = "met" if ratio >= 1 / 3 else "NOT met"
        print(f"ratio      GraphQL/reference = {ratio:.2f} (target ≥ 0.33: {verdict})")
        cpu_ratio = (ref.cpu_seconds / ref.requests) / (gql.cpu_seconds / gql.requests)
        print(f"           by server CPU per request = {cpu_ratio:.2f}")
        print(f"server peak memory (ru_maxrss) {peak / 1024:.0f} MiB")
    finally:
        await drop_database(admin_url, url)


def cli() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--requests", type=int, default=2_000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    if (
        not 1 <= args.requests <= 100_000
        or not 1 <= args.concurrency <= 256
        or not 1 <= args.rounds <= args.requests
    ):
        raise SystemExit("--requests 1..100000, --concurrency 1..256, --rounds 1..requests")
    asyncio.run(main(args.requests, args.concurrency, args.rounds))


if __name__ == "__main__":
    cli()
