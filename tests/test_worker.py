"""The real worker: ``matchmaker worker`` on Redis runs what the app puts in the outbox.

These tests start the CLI as a subprocess against the test database and the test Redis (db 15),
schedule through the app (built with Redis configured) and poll, bounded, for the result.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

import matchmaker
from matchmaker.config import Settings
from matchmaker.models import OutboxJob
from matchmaker.models.enums import JobStatus, Role
from tests import factories

pytestmark = pytest.mark.slow

MATCHMAKER = Path(sys.executable).with_name("matchmaker")
SRC = Path(matchmaker.__file__).resolve().parents[1]
RUN_JOB = """mutation { runJob(input: {name: "verify_audit_chain"}) {
  job { id status } errors { code } } }"""


def _worker_env(settings: Settings, redis_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MATCHMAKER_")}
    env.update(
        MATCHMAKER_ENV="test",
        MATCHMAKER_DATABASE_URL=settings.database_url,
        MATCHMAKER_REDIS_URL=redis_url,
        MATCHMAKER_SECRET_KEY=settings.secret_key,
        MATCHMAKER_VAR_DIR=str(settings.var_dir),
        # The worker imports the same code this test run imports.
        PYTHONPATH=os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")])),
    )
    return env


@pytest.fixture
def start_worker(settings: Settings) -> Iterator[Any]:
    started: list[subprocess.Popen[bytes]] = []

    def start(redis_url: str) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            [str(MATCHMAKER), "worker"],
            env=_worker_env(settings, redis_url),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def stop(proc: subprocess.Popen[bytes]) -> tuple[int, str]:
    """SIGTERM, as a process manager would, and wait for a clean exit."""
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=30)
    return proc.returncode, out.decode(errors="replace")


@pytest.fixture
async def redis_app(settings: Settings, engine: Any) -> AsyncIterator[Any]:
    """Build the app with a given Redis URL (reachable or not)."""
    from matchmaker.web.app import create_app

    stack: list[Any] = []

    async def build(redis_url: str) -> httpx.AsyncClient:
        app = create_app(dataclasses.replace(settings, redis_url=redis_url), background_jobs=False)
        lifespan = app.router.lifespan_context(app)
        await lifespan.__aenter__()
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")
        stack.append((lifespan, client))
        return client

    yield build
    for lifespan, client in reversed(stack):
        await client.aclose()
        await lifespan.__aexit__(None, None, None)


async def _run_job(client: httpx.AsyncClient, token: str) -> str:
    response = await client.post(
        "/graphql", json={"query": RUN_JOB}, headers={"Authorization": f"Bearer {token}"}
    )
    payload = response.json()["data"]["runJob"]
    assert payload["errors"] == [], payload
    return str(payload["job"]["id"])


async def _job_row(session_factory: Any) -> OutboxJob:
    async with session_factory() as s:
        rows = list(
            await s.scalars(select(OutboxJob).where(OutboxJob.name == "verify_audit_chain"))
        )
    assert len(rows) == 1
    return rows[0]


async def _wait_until_done(session_factory: Any, proc: subprocess.Popen[bytes]) -> OutboxJob:
    for _ in range(150):  # ≤ 30 s
        row = await _job_row(session_factory)
        if row.status is JobStatus.DONE:
            return row
        assert proc.poll() is None, proc.communicate()[0].decode(errors="replace")
        await asyncio.sleep(0.2)
    raise AssertionError(f"job still {row.status} after 30 s")


async def test_the_worker_runs_a_job_scheduled_through_the_api_and_stops_cleanly(
    session, settings, session_factory, redis_url, redis_app, start_worker
):
    admin = await factories.account(session, settings, role=Role.PLATFORM_ADMIN)
    client = await redis_app(redis_url)
    proc = start_worker(redis_url)
    await _run_job(client, admin.token)
    row = await _job_row(session_factory)
    assert row.enqueued_at is not None  # the app's relay handed it to arq after commit
    row = await _wait_until_done(session_factory, proc)
    assert row.result is not None and row.result["ok"] is True
    code, output = stop(proc)
    assert code == 0, output
    assert "Traceback" not in output


async def test_with_redis_down_the_job_waits_in_the_outbox_and_runs_once_redis_is_back(
    session, settings, session_factory, redis_url, redis_app, start_worker
):
    admin = await factories.account(session, settings, role=Role.PLATFORM_ADMIN)
    client = await redis_app("redis://127.0.0.1:1/0")
    await _run_job(client, admin.token)  # the mutation succeeds although Redis is unreachable
    row = await _job_row(session_factory)
    assert (row.status, row.enqueued_at) == (JobStatus.QUEUED, None)

    proc = start_worker(redis_url)  # its relay hands the waiting row over at start-up
    row = await _wait_until_done(session_factory, proc)
    assert row.attempts == 1
    code, output = stop(proc)
    assert code == 0, output


def test_the_worker_refuses_to_start_without_redis(settings):
    env = _worker_env(settings, "")
    env.pop("MATCHMAKER_REDIS_URL")
    result = subprocess.run(
        [str(MATCHMAKER), "worker"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "MATCHMAKER_REDIS_URL is not set" in result.stderr


async def _arq(redis_url: str) -> Any:
    from arq.connections import ArqRedis
    from redis.asyncio import ConnectionPool

    return ArqRedis(connection_pool=ConnectionPool.from_url(redis_url, socket_connect_timeout=2))


async def test_the_relay_hands_a_due_row_over_once(session_factory, redis_url):
    from matchmaker.queue.outbox import schedule
    from matchmaker.queue.relay import relay_once

    async with session_factory() as s, s.begin():
        await schedule(s, "expire_sessions", {})
    redis = await _arq(redis_url)
    try:
        assert await relay_once(session_factory, redis) == 1
        assert await relay_once(session_factory, redis) == 0
        assert await redis.zcard("arq:queue") == 1
    finally:
        await redis.aclose()
    async with session_factory() as s:
        row = await s.scalar(select(OutboxJob))
    assert row is not None and row.status is JobStatus.QUEUED and row.enqueued_at is not None


async def test_the_relay_leaves_rows_untouched_while_redis_is_down(session_factory):
    from matchmaker.queue.outbox import schedule
    from matchmaker.queue.relay import relay_once

    async with session_factory() as s, s.begin():
        await schedule(s, "expire_sessions", {})
    redis = await _arq("redis://127.0.0.1:1/0")
    try:
        assert await relay_once(session_factory, redis) == 0
    finally:
        await redis.aclose()
    async with session_factory() as s:
        row = await s.scalar(select(OutboxJob))
    assert row is not None and row.enqueued_at is None
