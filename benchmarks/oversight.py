"""Oversight benchmark on PostgreSQL: the spending overview, its drill-downs and the findings
queue through /graphql, and the audit scan's time and peak memory.

    MATCHMAKER_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python -m benchmarks.oversight [--scale province] [--requests 100] \\
        [--seed-only | --database URL]

(``make bench`` runs it with the defaults.) In a scratch database next to the given one, or on
a kept seeded one (``--database URL``; the province seed takes 10–30 minutes, ``--seed-only``
seeds one and keeps it):

1. the whole demo seed at ``--scale`` (``province``: the other cities of Shandong, 1.5 million
   volunteers, 19,000 organizations; its last step runs the audit scan);
2. the real app under uvicorn (one process, the foundation benchmark's server, which counts SQL
   statements) and three real callers with a session: an auditor over the whole province, the
   demo city's auditor (``auditor``) and the bureau officer of the district with the most
   projects. The seed grants no one the province, so the province auditor is a temporary
   account (role grant on the root region, a session) written before and deleted after the
   measurement. Each caller asks the screens' own documents
   (``frontend/src/api/operations/oversight.graphql``) with the screens' variables:
   ``OversightSummary`` (资金总览, whole scope), ``SpendingProjects`` (its project list,
   ``first: 100``), ``Findings`` (审计发现, ``first: 50``) and ``EvidenceChain`` of the largest
   project in the caller's scope (most service records, bids and payments). ``--requests``
   requests each, one after another (latency, not throughput), in blocks of ten alternating
   with blocks of the reference request ``{ me { id } }`` by the same caller, so a machine
   whose speed drifts weighs on both alike: p50 and p95, their ratio to the reference's p50,
   the SQL statements per request (the list queries at two page sizes: they should be equal)
   and the CPU per request of the app and of its PostgreSQL backends (read from ``/proc``);
   target: ``OversightSummary`` p95 ≤ 300 ms;
3. the audit scan (``services.oversight.scan``, what the ``audit_scan`` job runs) in a child
   process, three times in one transaction that is rolled back at the end, so the database is
   left as it was: a **first scan** over the findings as they are (in a fresh process: it also
   pays the rules' first use, as a worker's first scan does), a **full scan** after deleting
   every finding (in the transaction), which writes them all anew, and a **rescan** (the
   nightly steady state: it must insert and change nothing). For each: wall time, SQL
   statements, rows the rules' statements returned, the findings found, new, updated and no
   longer holding, and the child's peak resident memory; for the three together, the tuples
   PostgreSQL read for the database (``pg_stat_database``, published after the transaction:
   every session on the database counts).

It prints the command first, then the figures. The scratch database is dropped at the end (a
kept one is not; on it the benchmark writes only its callers' sessions and the temporary
account, and deletes them again). Not part of the test suite: timings depend on the machine.
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
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event, text

from benchmarks.matching import _backend_cpu_seconds, _backend_pids, pct, seed
from benchmarks.run import create_database, drop_database, free_port, server, server_stats

TARGET_MS = {"OversightSummary": 300}
OPERATIONS_FILE = (
    Path(__file__).resolve().parent.parent / "frontend/src/api/operations/oversight.graphql"
)
#: The screens' operations measured, with the page sizes their statements are counted at (the
#: first is the screen's own).
OPERATIONS: dict[str, tuple[int, ...]] = {
    "OversightSummary": (),
    "SpendingProjects": (100, 10),
    "Findings": (50, 5),
    "EvidenceChain": (),
}
REFERENCE = "{ me { id } }"
BLOCK = 10


def _command(args: argparse.Namespace) -> str:
    where = " --database <kept seed>" if args.database else f" --scale {args.scale}"
    extra = " --no-scan" if args.no_scan else ""
    return (
        "MATCHMAKER_BENCH_DATABASE_URL=… python -m benchmarks.oversight"
        f"{where} --requests {args.requests}{extra}"
    )


def documents() -> dict[str, str]:
    """Each measured operation of the screens' document, alone with the fragments it uses."""
    from graphql import parse, print_ast
    from graphql.language import FragmentDefinitionNode, OperationDefinitionNode, visit
    from graphql.language.visitor import Visitor

    tree = parse(OPERATIONS_FILE.read_text(encoding="utf-8"))
    fragments = {d.name.value: d for d in tree.definitions if isinstance(d, FragmentDefinitionNode)}

    def spreads(node: Any) -> set[str]:
        found: set[str] = set()

        class Spreads(Visitor):
            def enter_fragment_spread(self, spread: Any, *_: Any) -> None:
                found.add(spread.name.value)

        visit(node, Spreads())
        return found

    out = {}
    for d in tree.definitions:
        if isinstance(d, OperationDefinitionNode) and d.name and d.name.value in OPERATIONS:
            needed: set[str] = set()
            todo = spreads(d)
            while todo:
                name = todo.pop()
                if name not in needed:
                    needed.add(name)
                    todo |= spreads(fragments[name])
            out[d.name.value] = "\n".join(
                print_ast(x) for x in [d, *(fragments[n] for n in sorted(needed))]
            )
    missing = set(OPERATIONS) - set(out)
    if missing:
        raise RuntimeError(f"{OPERATIONS_FILE} lacks the operations {sorted(missing)}")
    return out


async def callers(engine: Any) -> tuple[list[dict[str, Any]], int]:
    """The three callers with fresh session tokens and their variables, and the temporary
    account to delete afterwards (with every session, by token hash)."""
    from matchmaker.db import create_session_factory
    from matchmaker.models import Account, AuthSession, RoleGrant
    from matchmaker.models.enums import Role
    from matchmaker.schema.relay import to_global_id
    from matchmaker.services.crypto import new_token, token_hash

    async with create_session_factory(engine)() as session, session.begin():

        async def one(sql: str, **params: Any) -> Any:
            row = (await session.execute(text(sql), params)).first()
            if row is None:
                raise RuntimeError(f"the seed has no subject for: {sql}")
            return row

        province = await one("SELECT id, path FROM regions WHERE parent_id IS NULL ORDER BY id")
        city = await one(
            "SELECT a.id AS account, r.path FROM accounts a JOIN role_grants g "
            "ON g.account_id = a.id AND g.role = 'AUDITOR' JOIN regions r ON r.id = g.region_id "
            "WHERE a.username = 'auditor'"
        )
        district = await one(
            "SELECT g.account_id AS account, d.path, count(p.id) AS projects "
            "FROM regions d JOIN role_grants g ON g.region_id = d.id "
            "AND g.role = 'BUREAU_OFFICER' "
            "JOIN regions pr ON pr.path LIKE d.path || '%' JOIN projects p ON p.region_id = pr.id "
            "WHERE d.level = 'DISTRICT' GROUP BY g.account_id, d.path "
            "ORDER BY count(p.id) DESC, g.account_id LIMIT 1"
        )
        temporary = Account(
            username=f"bench-oversight-{secrets.token_hex(4)}",
            password_hash="!",  # noqa: S106  (not a hash: no password logs in; a session does)
            display_name="基准测试 省级审计",
        )
        session.add(temporary)
        await session.flush()
        session.add(RoleGrant(account_id=temporary.id, role=Role.AUDITOR, region_id=province.id))

        async def largest_project(path: str) -> int:
            row = await one(
                "SELECT p.id FROM projects p JOIN regions r ON r.id = p.region_id "
                "WHERE r.path LIKE :path || '%' ORDER BY "
                "(SELECT count(*) FROM activities a JOIN service_records s "
                " ON s.activity_id = a.id WHERE a.project_id = p.id) "
                "+ (SELECT count(*) FROM bids b WHERE b.project_id = p.id) "
                "+ (SELECT count(*) FROM contracts c JOIN payments y ON y.contract_id = c.id "
                "   WHERE c.project_id = p.id) DESC, p.id LIMIT 1",
                path=path,
            )
            return int(row.id)

        who = [
            ("province auditor", temporary.id, province.path),
            ("city auditor", int(city.account), city.path),
            ("district bureau officer", int(district.account), district.path),
        ]
        out = []
        for label, account, path in who:
            token = new_token()
            session.add(
                AuthSession(
                    account_id=account,
                    token_hash=token_hash(token),
                    expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=6),
                )
            )
            out.append(
                {
                    "label": label,
                    "path": path,
                    "token": token,
                    "project": to_global_id("Project", await largest_project(path)),
                }
            )
    return out, int(temporary.id)


async def forget(engine: Any, account_id: int, tokens: list[str]) -> None:
    """Delete the callers' sessions and the temporary province auditor (grant, account)."""
    from matchmaker.services.crypto import token_hash

    async with engine.begin() as conn:
        for token in tokens:
            await conn.execute(
                text("DELETE FROM auth_sessions WHERE token_hash = :h"), {"h": token_hash(token)}
            )
        for sql in (
            "DELETE FROM auth_sessions WHERE account_id = :a",
            "DELETE FROM role_grants WHERE account_id = :a",
            "DELETE FROM accounts WHERE id = :a",
        ):
            await conn.execute(text(sql), {"a": account_id})


def variables(name: str, caller: dict[str, Any], first: int | None = None) -> dict[str, Any]:
    if name == "EvidenceChain":
        return {"projectId": caller["project"]}
    if first is None:
        return {}
    return {"first": first}


async def measure(
    client: httpx.AsyncClient,
    document: str,
    name: str,
    caller: dict[str, Any],
    requests: int,
    watcher: Any,
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {caller['token']}"}
    sizes = OPERATIONS[name]
    main_vars = variables(name, caller, sizes[0] if sizes else None)

    async def call(query: str, values: dict[str, Any]) -> dict[str, Any]:
        response = await client.post(
            "/graphql", json={"query": query, "variables": values}, headers=headers
        )
        body: dict[str, Any] = response.json()
        if body.get("errors"):
            raise RuntimeError(f"{name} as {caller['label']}: {body['errors']}")
        return body

    for _ in range(3):  # warm up: connections, caches, the schema's first use
        body = await call(document, main_vars)
        await call(REFERENCE, {})
    size = _size(name, body["data"])
    statements: dict[int | None, int] = {}
    for first in sizes or (None,):
        before, _ = await server_stats(client)
        await call(document, variables(name, caller, first))
        after, _ = await server_stats(client)
        statements[first] = after - before
    before, _ = await server_stats(client)
    await call(REFERENCE, {})
    after, _ = await server_stats(client)
    reference_statements = after - before

    pids = await _backend_pids(watcher)
    latencies: dict[str, list[float]] = {"query": [], "reference": []}
    cpu = {"query": [0.0, 0.0], "reference": [0.0, 0.0]}  # app, database
    done = 0
    while done < requests:
        n = min(BLOCK, requests - done)
        for kind, query, values in (
            ("reference", REFERENCE, {}),
            ("query", document, main_vars),
        ):
            _, app_before = await server_stats(client)
            db_before = _backend_cpu_seconds(pids)
            for _ in range(n):
                t = time.perf_counter()
                await call(query, values)
                latencies[kind].append(time.perf_counter() - t)
            _, app_after = await server_stats(client)
            cpu[kind][0] += app_after - app_before
            cpu[kind][1] += _backend_cpu_seconds(pids) - db_before
        done += n
    return {
        "p50": pct(latencies["query"], 0.5),
        "p95": pct(latencies["query"], 0.95),
        "ref_p50": pct(latencies["reference"], 0.5),
        "ref_p95": pct(latencies["reference"], 0.95),
        "app_cpu": cpu["query"][0] / requests * 1000,
        "db_cpu": cpu["query"][1] / requests * 1000,
        "ref_cpu": sum(cpu["reference"]) / requests * 1000,
        "statements": statements,
        "reference_statements": reference_statements,
        "size": size,
    }


def _size(name: str, data: dict[str, Any]) -> str:
    """What the answer holds, to show the figures are about real data."""
    if name == "OversightSummary":
        s = data["spendingSummary"]
        return (
            f"{s['projects']} projects, {len(s['byRegion'])} regions, "
            f"paid ¥{int(s['paidFen']) / 100:,.0f}, HHI {s['concentration']['hhi']}"
        )
    if name == "SpendingProjects":
        p = data["spendingProjects"]
        return f"{len(p['projects'])} of {p['total']} projects"
    if name == "Findings":
        f = data["findings"]
        more = " (more)" if f["pageInfo"]["hasNextPage"] else ""
        return f"{len(f['nodes'])} findings{more}"
    c = data["evidenceChain"]
    records = c["totals"]["approvedRecords"]
    return (
        f"{len(c['bids'])} bids, {len(c['payments'])} payments, {len(c['reports'])} reports, "
        f"{len(c['activities'])} activities, {records} service records"
    )


# --- the scan (child process) -----------------------------------------------------------------

SCANNED_TABLES = (
    "projects",
    "bids",
    "contracts",
    "milestones",
    "payments",
    "progress_reports",
    "report_beneficiaries",
    "service_records",
    "organizations",
    "findings",
)


def scan_child(url: str) -> None:
    """In a child process: a full scan and a rescan in one rolled-back transaction (JSON out)."""

    async def run() -> dict[str, Any]:
        import matchmaker.models  # noqa: F401
        from matchmaker.config import load_settings
        from matchmaker.db import create_engine, create_session_factory
        from matchmaker.services.bootstrap import system_context
        from matchmaker.services.oversight import scan

        settings = load_settings(dict(os.environ))
        engine = create_engine(url, pool_size=1, max_overflow=0)
        counts = {"statements": 0, "rows": 0}

        def count(_conn: Any, cursor: Any, *_args: Any) -> None:
            counts["statements"] += 1
            if cursor.description is not None:
                counts["rows"] += max(int(cursor.rowcount or 0), 0)

        stats = create_engine(url, pool_size=1, max_overflow=0)

        async def tuples() -> int:
            # A backend publishes its counters when idle outside a transaction, within a
            # second: read them after the transaction, for both scans together.
            await asyncio.sleep(1.5)
            async with stats.connect() as conn:
                row = (
                    await conn.execute(
                        text(
                            "SELECT tup_returned + tup_fetched FROM pg_stat_database "
                            "WHERE datname = current_database()"
                        )
                    )
                ).one()
            return int(row[0])

        try:
            async with engine.connect() as conn:
                sizes = {}
                for table in SCANNED_TABLES:
                    count_sql = f"SELECT count(*) FROM {table}"  # noqa: S608  (our table names)
                    sizes[table] = int((await conn.execute(text(count_sql))).scalar_one())
            read_before = await tuples()
            event.listen(engine.sync_engine, "after_cursor_execute", count)
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            runs = []
            async with create_session_factory(engine)() as session:
                transaction = await session.begin()
                try:
                    for label in ("first scan", "full scan", "rescan"):
                        if label == "full scan":
                            await session.execute(text("DELETE FROM findings"))
                        counts.update(statements=0, rows=0)
                        t = time.perf_counter()
                        result = await scan(system_context(session, settings))
                        seconds = time.perf_counter() - t
                        runs.append(
                            {
                                "label": label,
                                "seconds": seconds,
                                "statements": counts["statements"],
                                "rows": counts["rows"],
                                "result": result.as_json(),
                                "rss_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                                / 1024,
                            }
                        )
                finally:
                    await transaction.rollback()
            event.remove(engine.sync_engine, "after_cursor_execute", count)
            read = await tuples() - read_before
        finally:
            await engine.dispose()
            await stats.dispose()
        return {"sizes": sizes, "rss_before_mb": rss_before / 1024, "runs": runs, "tuples": read}

    print(json.dumps(asyncio.run(run())))


async def run_scan(url: str, env: dict[str, str]) -> dict[str, Any]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "benchmarks.oversight",
        "--scan-child",
        url,
        env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError("the scan child failed")
    result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return result


def _print_scan(r: dict[str, Any]) -> None:
    sizes = ", ".join(f"{t} {n:,}" for t, n in r["sizes"].items())
    print(f"audit scan, three runs in one transaction rolled back at the end; tables: {sizes}")
    for run in r["runs"]:
        res = run["result"]
        print(
            f"  {run['label']:10s} {run['seconds']:7.2f} s  SQL {run['statements']:,}  "
            f"rows returned {run['rows']:,}  "
            f"findings {res['hits']:,}: new {res['new']:,}, updated {res['updated']:,}, "
            f"no longer hold {res['no_longer_hold']:,}  peak RSS {run['rss_peak_mb']:.0f} MB",
            flush=True,
        )
    print(
        f"  tuples PostgreSQL read for the database during the three scans: {r['tuples']:,} "
        "(pg_stat_database: every session on the database counts)"
    )
    by_rule = r["runs"][-1]["result"]["by_rule"]
    print("  hits by rule: " + ", ".join(f"{k} {v}" for k, v in by_rule.items() if v))
    print(f"  child's resident memory before the scan: {r['rss_before_mb']:.0f} MB")


async def main(args: argparse.Namespace) -> None:
    admin_url = os.environ.get("MATCHMAKER_BENCH_DATABASE_URL")
    if not admin_url or not admin_url.startswith("postgresql"):
        raise SystemExit("set MATCHMAKER_BENCH_DATABASE_URL to a PostgreSQL URL (make bench does)")
    from matchmaker.config import normalize_database_url
    from matchmaker.db import create_engine

    admin_url = normalize_database_url(admin_url)
    print(_command(args), flush=True)
    docs = documents()
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
        print(f"load average at the start: {os.getloadavg()[0]:.1f}", flush=True)
        engine = create_engine(url, pool_size=2, max_overflow=0)
        who, temporary = await callers(engine)
        try:
            port = free_port()
            watcher = create_engine(url, pool_size=1, max_overflow=0)
            async with server(port, env) as client:
                for caller in who:
                    print(f"{caller['label']} (scope {caller['path']}):", flush=True)
                    for name in OPERATIONS:
                        r = await measure(client, docs[name], name, caller, args.requests, watcher)
                        _print_query(name, r)
                stats = (await client.get("/__bench__/stats")).json()
                print(f"server peak RSS {stats['maxrss_kb'] / 1024:.0f} MB", flush=True)
            await watcher.dispose()
        finally:
            await forget(engine, temporary, [c["token"] for c in who])
            await engine.dispose()
        print(f"load average after the queries: {os.getloadavg()[0]:.1f}", flush=True)
        if not args.no_scan:
            _print_scan(await run_scan(url, env))
            print(f"load average after the scan: {os.getloadavg()[0]:.1f}", flush=True)
    finally:
        if not (args.database or args.seed_only):
            await drop_database(admin_url, url)


def _print_query(name: str, r: dict[str, Any]) -> None:
    target = TARGET_MS.get(name)
    verdict = ""
    if target:
        verdict = f" (target ≤ {target} ms: {'met' if r['p95'] <= target else 'MISSED'})"
    counts = r["statements"]
    if len(counts) > 1:
        sql = ", ".join(f"{n} at first={k}" for k, n in counts.items())
    else:
        sql = str(next(iter(counts.values())))
    print(
        f"  {name:17s} p50 {r['p50']:6.1f} ms  p95 {r['p95']:6.1f} ms{verdict}  "
        f"÷ reference p50 {r['ref_p50']:.1f} ms: {r['p50'] / r['ref_p50']:.1f}× / "
        f"{r['p95'] / r['ref_p50']:.1f}×  SQL/request {sql} (reference "
        f"{r['reference_statements']})  CPU/request app {r['app_cpu']:.1f} + database "
        f"{r['db_cpu']:.1f} ms (reference {r['ref_cpu']:.1f} ms)  {r['size']}",
        flush=True,
    )


def cli() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--scan-child":
        scan_child(sys.argv[2])
        return
    parser = argparse.ArgumentParser(prog="python -m benchmarks.oversight", description=__doc__)
    parser.add_argument("--scale", default="province", choices=["small", "city", "province"])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument(
        "--database", help="measure on this already seeded database (kept) instead of seeding"
    )
    parser.add_argument(
        "--seed-only", action="store_true", help="seed a scratch database, keep it, print its URL"
    )
    parser.add_argument("--no-scan", action="store_true", help="skip the scan (part 3)")
    asyncio.run(main(parser.parse_args()))


if __name__ == "__main__":
    cli()
