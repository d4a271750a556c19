"""Test harness: every test runs against SQLite or PostgreSQL (``MATCHMAKER_TEST_DB``).

CI runs the suite once per backend with ``MATCHMAKER_TEST_REQUIRE=postgresql,redis``: then an
unreachable backend fails the run instead of skipping tests.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

os.environ["MATCHMAKER_ENV"] = "test"
_VAR = Path(tempfile.mkdtemp(prefix="matchmaker-test-"))
os.environ["MATCHMAKER_VAR_DIR"] = str(_VAR)
os.environ.pop("MATCHMAKER_REDIS_URL", None)
os.environ.pop("MATCHMAKER_DATABASE_URL", None)

import httpx  # noqa: E402
import pytest  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker  # noqa: E402

import matchmaker.jobs.tasks  # noqa: E402
import matchmaker.models  # noqa: E402,F401
from matchmaker import clock  # noqa: E402
from matchmaker.config import Settings, load_settings  # noqa: E402
from matchmaker.db import Base, create_engine, create_session_factory  # noqa: E402
from tests.support.statements import statements  # noqa: E402,F401  (the fixture)

BACKEND = os.environ.get("MATCHMAKER_TEST_DB", "sqlite")
REQUIRED = {
    b.strip() for b in os.environ.get("MATCHMAKER_TEST_REQUIRE", "").split(",") if b.strip()
}
PG_ADMIN_URL = os.environ.get(
    "MATCHMAKER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("MATCHMAKER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def pytest_report_header(config: pytest.Config) -> str:
    return f"matchmaker: database backend={BACKEND}, required backends={sorted(REQUIRED) or 'none'}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_pg = pytest.mark.skip(
        reason="PostgreSQL-only behaviour; run with MATCHMAKER_TEST_DB=postgresql"
    )
    for item in items:
        if "postgres_only" in item.keywords and BACKEND != "postgresql":
            item.add_marker(skip_pg)


def _fail_or_skip(backend: str, why: str) -> None:
    if backend in REQUIRED:
        pytest.fail(
            f"{backend} is required (MATCHMAKER_TEST_REQUIRE) but unreachable: {why}", pytrace=False
        )
    pytest.skip(f"{backend} unreachable: {why}")


# --- database -----------------------------------------------------------------------------


async def _create_pg_database() -> str:
    name = f"mm_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", pool_size=1, max_overflow=0)
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


async def _drop_pg_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", pool_size=1, max_overflow=0)
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    if BACKEND == "postgresql":
        try:
            url = await _create_pg_database()
        except Exception as exc:  # pragma: no cover - depends on the machine
            _fail_or_skip("postgresql", repr(exc))
        yield url
        await _drop_pg_database(url)
    elif BACKEND == "sqlite":
        yield f"sqlite+aiosqlite:///{_VAR / 'test.db'}"
    else:
        raise pytest.UsageError(f"MATCHMAKER_TEST_DB={BACKEND!r}: use sqlite or postgresql")


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    return load_settings(
        {
            "MATCHMAKER_ENV": "test",
            "MATCHMAKER_TEST_CLOCK": "1",
            "MATCHMAKER_DATABASE_URL": database_url,
            "MATCHMAKER_SECRET_KEY": "test-secret-key-test-secret-key-0123456789",
            "MATCHMAKER_VAR_DIR": str(_VAR),
        }
    )


@pytest.fixture(scope="session")
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    eng = create_engine(settings.database_url)
    async with eng.begin() as conn:
        await conn.run_sync(Base.metadata.drop_all)
        await conn.run_sync(Base.metadata.create_all)
    yield eng
    await eng.dispose()


async def _wipe(engine: AsyncEngine) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    async with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            await conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            # Audit rows refuse DELETE (append-only triggers): lift the guard to empty the table.
            from matchmaker.models.audit import SQLITE_GUARD_DROP, SQLITE_GUARD_TRIGGERS

            for statement in SQLITE_GUARD_DROP:
                await conn.execute(text(statement))
            for name in tables:
                await conn.execute(text(f"DELETE FROM {name}"))
            for statement in SQLITE_GUARD_TRIGGERS:
                await conn.execute(text(statement))


@pytest.fixture(autouse=True)
async def _clean_state(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    clock.reset()
    if "engine" in request.fixturenames or "session_factory" in request.fixturenames:
        engine: AsyncEngine = request.getfixturevalue("engine")
        await _wipe(engine)
    yield
    clock.reset()


@pytest.fixture
def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(engine)


@pytest.fixture
async def session(session_factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session for arranging data directly; commit what the app must see."""
    async with session_factory() as s:
        yield s


# --- app and client -------------------------------------------------------------------------


@pytest.fixture
async def app(settings: Settings, engine: AsyncEngine) -> AsyncIterator[Any]:
    from matchmaker.web.app import create_app

    application = create_app(settings, background_jobs=False)
    async with application.router.lifespan_context(application):
        yield application


def _endpoint(query: str, token: str | None) -> str:
    """Like the front end (src/api/client.ts): a signed-in caller's evidence uploads go to their
    own route (an anonymous one is refused there before its body is read: 401)."""
    from matchmaker.web.graphql import UPLOAD_FIELDS

    uploads = any(f"{name}(" in query.replace(" (", "(") for name in UPLOAD_FIELDS)
    return "/graphql/upload" if uploads and token else "/graphql"


class GraphQLClient:
    """Posts GraphQL over real HTTP semantics (ASGI), like the browser and API clients do."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def __call__(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        expect_errors: bool = False,
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.http.post(
            _endpoint(query, token),
            json={"query": query, "variables": variables or {}},
            headers=headers,
        )
        assert response.status_code == 200, response.text
        body = response.json()
        if not expect_errors:
            assert "errors" not in body, body["errors"]
            return body["data"]
        return body


@pytest.fixture
async def http(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def gql(http: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(http)


@pytest.fixture
async def start_app(
    settings: Settings, engine: Any
) -> AsyncIterator[Callable[..., Awaitable[Any]]]:
    """Start more app instances (another process, as far as shared state goes), each with
    some settings changed; they are shut down after the test."""
    from matchmaker.web.app import create_app

    lifespans: list[Any] = []

    async def start(**changes: Any) -> Any:
        app = create_app(dataclasses.replace(settings, **changes), background_jobs=False)
        lifespan = app.router.lifespan_context(app)
        await lifespan.__aenter__()
        lifespans.append(lifespan)
        return app

    yield start
    for lifespan in reversed(lifespans):
        await lifespan.__aexit__(None, None, None)


@pytest.fixture
async def app_factory(
    start_app: Callable[..., Awaitable[Any]],
) -> AsyncIterator[Callable[..., Awaitable[httpx.AsyncClient]]]:
    """A client on a new app instance with some settings changed (see ``start_app``)."""
    clients: list[httpx.AsyncClient] = []

    async def build(**changes: Any) -> httpx.AsyncClient:
        app = await start_app(**changes)
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")
        clients.append(client)
        return client

    yield build
    for client in clients:
        await client.aclose()


@pytest.fixture
async def run_jobs(app: Any) -> Any:
    """Run every due in-process job now; returns how many ran."""

    async def run() -> int:
        runner = app.state.mm.runner
        assert runner is not None
        return int(await runner.run_due())

    return run


# --- redis ------------------------------------------------------------------------------------


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    from redis.asyncio import Redis

    client = Redis.from_url(REDIS_URL)
    try:
        await asyncio.wait_for(client.ping(), timeout=2)
    except Exception as exc:
        await client.aclose()
        _fail_or_skip("redis", repr(exc))
    await client.flushdb()
    yield REDIS_URL
    await client.flushdb()
    await client.aclose()


@pytest.fixture(scope="session")
def var_dir() -> Iterator[Path]:
    yield _VAR
