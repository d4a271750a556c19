"""Self-registration is limited per client address, in shared storage (Redis or the database)."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis
from sqlalchemy import func, select

from matchmaker import clock
from matchmaker.config import ConfigError, load_settings
from matchmaker.jobs.maintenance import expire_sessions
from matchmaker.models import Account, AuditEvent, AuthSession, LoginFailure, Volunteer
from matchmaker.queue.registry import JobContext
from matchmaker.schema.relay import to_global_id
from tests import factories

NOW = dt.datetime(2026, 6, 1, 4, 0, tzinfo=dt.UTC)
LIMIT = 3
WINDOW = 3600
HOME = "203.0.113.7"
ELSEWHERE = "198.51.100.20"

REGISTER = """mutation($i: RegisterVolunteerInput!) {
  registerVolunteer(input: $i) { token volunteer { id } errors { code field message } } }"""

Client = Callable[[str], httpx.AsyncClient]


@pytest.fixture(autouse=True)
def _frozen_clock() -> None:
    clock.freeze(NOW)


@pytest.fixture
async def start(
    start_app: Callable[..., Awaitable[Any]],
) -> AsyncIterator[Callable[..., Awaitable[Client]]]:
    """Start an app instance (another process, as far as shared state goes); the returned
    function opens a client on it that connects from a given address."""
    clients: list[httpx.AsyncClient] = []

    async def build(**changes: Any) -> Client:
        app = await start_app(
            **{
                "registration_max_per_address": LIMIT,
                "registration_window_seconds": WINDOW,
                **changes,
            }
        )

        def client(address: str) -> httpx.AsyncClient:
            transport = httpx.ASGITransport(app=app, client=(address, 40000))
            opened = httpx.AsyncClient(transport=transport, base_url="http://t")
            clients.append(opened)
            return opened

        return client

    yield build
    for opened in clients:
        await opened.aclose()


def _input(world: factories.World, n: int, **overrides: Any) -> dict[str, Any]:
    data = {
        "phone": f"139{n:08d}",
        "password": "passw0rd-vol",
        "realName": "李小梅",
        "idNumber": factories.valid_id_number(n),
        "homeRegionId": to_global_id("Region", world.community_a1.id),
    }
    data.update(overrides)
    return data


async def _register(
    client: httpx.AsyncClient, world: factories.World, n: int, **overrides: Any
) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": REGISTER, "variables": {"i": _input(world, n, **overrides)}}
    )
    assert response.status_code == 200, response.text
    return dict(response.json()["data"]["registerVolunteer"])


def _codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["errors"]]


async def _count(session_factory: Any, model: Any, *where: Any) -> int:
    async with session_factory() as s:
        return int(await s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def _fill(client: httpx.AsyncClient, world: factories.World, first: int = 1) -> None:
    for n in range(first, first + LIMIT):
        assert (await _register(client, world, n))["errors"] == []


# --- the database limiter (no Redis) ----------------------------------------------------------


async def test_the_registration_after_the_limit_from_one_address_is_refused_and_writes_nothing(
    start, session, session_factory
):
    world = await factories.world(session)
    client = (await start())(HOME)
    await _fill(client, world)
    before = {
        model: await _count(session_factory, model)
        for model in (Account, Volunteer, AuthSession, AuditEvent, LoginFailure)
    }

    refused = await _register(client, world, 99)

    assert refused["token"] is None and refused["volunteer"] is None
    assert len(refused["errors"]) == 1
    error = refused["errors"][0]
    assert (error["code"], error["field"]) == ("RATE_LIMITED", None)
    assert "Too many registrations" in error["message"] and f"at most {LIMIT}" in error["message"]
    after = {model: await _count(session_factory, model) for model in before}
    assert after == before
    assert await _count(session_factory, Account, Account.phone == "13900000099") == 0


async def test_another_address_can_register_while_one_is_at_the_limit(start, session):
    world = await factories.world(session)
    client = await start()
    await _fill(client(HOME), world)
    assert _codes(await _register(client(HOME), world, 50)) == ["RATE_LIMITED"]
    assert (await _register(client(ELSEWHERE), world, 51))["errors"] == []


async def test_the_limit_lifts_when_the_window_has_passed_on_the_clock(start, session):
    world = await factories.world(session)
    client = (await start())(HOME)
    await _fill(client, world)
    clock.advance(dt.timedelta(seconds=WINDOW - 1))
    assert _codes(await _register(client, world, 50)) == ["RATE_LIMITED"]
    clock.advance(dt.timedelta(seconds=2))
    assert (await _register(client, world, 51))["errors"] == []


async def test_failed_registrations_do_not_use_up_the_limit(start, session, session_factory):
    world = await factories.world(session)
    client = (await start())(HOME)
    assert (await _register(client, world, 1))["errors"] == []
    for n in range(LIMIT + 1):
        taken = await _register(client, world, 10 + n, phone="13900000001")
        assert _codes(taken) == ["PHONE_TAKEN"]
        bad_id = await _register(client, world, 20 + n, idNumber="370102199001010000")
        assert bad_id["errors"] and _codes(bad_id) != ["RATE_LIMITED"]
    for n in range(2, LIMIT + 1):  # the other slots are still free
        assert (await _register(client, world, n))["errors"] == []
    assert await _count(session_factory, Account) == LIMIT
    assert _codes(await _register(client, world, 90)) == ["RATE_LIMITED"]


async def test_registration_slots_do_not_count_as_failed_logins_from_the_address(start, session):
    world = await factories.world(session)
    client = (await start(login_max_failures_per_address=LIMIT))(HOME)
    await _fill(client, world)
    response = await client.post(
        "/graphql",
        json={
            "query": "mutation($i: LoginInput!) { login(input: $i) { token errors { code } } }",
            "variables": {"i": {"login": "13900000001", "password": "passw0rd-vol"}},
        },
    )
    login = response.json()["data"]["login"]
    assert login["errors"] == [] and login["token"]


async def test_the_limit_holds_across_two_app_instances_on_one_database(start, session):
    world = await factories.world(session)
    one, two = (await start())(HOME), (await start())(HOME)
    for n in range(1, LIMIT + 1):
        assert (await _register(one if n % 2 else two, world, n))["errors"] == []
    assert _codes(await _register(one, world, 50)) == ["RATE_LIMITED"]
    assert _codes(await _register(two, world, 51)) == ["RATE_LIMITED"]


async def test_parallel_registrations_from_one_address_cannot_exceed_the_limit(
    start, session, session_factory
):
    world = await factories.world(session)
    one, two = (await start())(HOME), (await start())(HOME)
    results = await asyncio.gather(
        *(_register(one if n % 2 else two, world, n) for n in range(1, LIMIT + 4))
    )
    accepted = [r for r in results if r["errors"] == []]
    assert len(accepted) == LIMIT
    assert all(_codes(r) == ["RATE_LIMITED"] for r in results if r["errors"])
    assert await _count(session_factory, Account) == LIMIT


async def test_the_hourly_cleanup_keeps_registration_rows_for_the_registration_window(
    start, session, session_factory, settings
):
    world = await factories.world(session)
    client = (await start())(HOME)
    await _fill(client, world)
    clock.advance(dt.timedelta(seconds=settings.login_window_seconds + 60))
    cleanup = dataclasses.replace(settings, registration_window_seconds=WINDOW)
    async with session_factory() as s, s.begin():
        await expire_sessions(JobContext(session=s, settings=cleanup, job_id=0, args={}))
    assert _codes(await _register(client, world, 50)) == ["RATE_LIMITED"]
    clock.advance(dt.timedelta(seconds=WINDOW))
    async with session_factory() as s, s.begin():
        result = await expire_sessions(JobContext(session=s, settings=cleanup, job_id=0, args={}))
    assert result["login_failures_deleted"] == LIMIT


# --- Redis --------------------------------------------------------------------------------------


async def test_with_redis_the_limit_holds_across_instances_and_nothing_goes_to_the_database(
    start, session, session_factory, redis_url
):
    world = await factories.world(session)
    one, two = (await start(redis_url=redis_url))(HOME), (await start(redis_url=redis_url))(HOME)
    for n in range(1, LIMIT + 1):
        assert (await _register(one if n % 2 else two, world, n))["errors"] == []
    assert _codes(await _register(one, world, 50)) == ["RATE_LIMITED"]
    assert _codes(await _register(two, world, 51)) == ["RATE_LIMITED"]
    assert await _count(session_factory, Account) == LIMIT
    assert await _count(session_factory, LoginFailure) == 0  # counted in Redis
    redis = Redis.from_url(redis_url)
    try:
        assert await redis.zcard(f"mm:registration:address:{HOME}") == LIMIT
    finally:
        await redis.aclose()


async def test_with_redis_another_address_is_unaffected(start, session, redis_url):
    world = await factories.world(session)
    client = await start(redis_url=redis_url)
    await _fill(client(HOME), world)
    assert _codes(await _register(client(HOME), world, 50)) == ["RATE_LIMITED"]
    assert (await _register(client(ELSEWHERE), world, 51))["errors"] == []


async def test_with_redis_the_window_expires_with_the_clock(start, session, redis_url):
    world = await factories.world(session)
    client = (await start(redis_url=redis_url))(HOME)
    await _fill(client, world)
    clock.advance(dt.timedelta(seconds=WINDOW - 1))
    assert _codes(await _register(client, world, 50)) == ["RATE_LIMITED"]
    clock.advance(dt.timedelta(seconds=2))
    assert (await _register(client, world, 51))["errors"] == []


async def test_with_redis_a_failed_registration_gives_its_slot_back(start, session, redis_url):
    world = await factories.world(session)
    client = (await start(redis_url=redis_url))(HOME)
    assert (await _register(client, world, 1))["errors"] == []
    for n in range(LIMIT + 1):
        taken = await _register(client, world, 10 + n, phone="13900000001")
        assert _codes(taken) == ["PHONE_TAKEN"]
    for n in range(2, LIMIT + 1):
        assert (await _register(client, world, n))["errors"] == []
    assert _codes(await _register(client, world, 90)) == ["RATE_LIMITED"]


async def test_with_redis_parallel_registrations_cannot_exceed_the_limit(
    start, session, session_factory, redis_url
):
    world = await factories.world(session)
    one, two = (await start(redis_url=redis_url))(HOME), (await start(redis_url=redis_url))(HOME)
    results = await asyncio.gather(
        *(_register(one if n % 2 else two, world, n) for n in range(1, LIMIT + 4))
    )
    assert 1 <= len([r for r in results if r["errors"] == []]) <= LIMIT
    assert await _count(session_factory, Account) <= LIMIT


async def test_with_redis_unreachable_registrations_are_limited_through_the_database(
    start, session, session_factory
):
    world = await factories.world(session)
    client = (await start(redis_url="redis://127.0.0.1:1/0"))(HOME)
    await _fill(client, world)
    assert _codes(await _register(client, world, 50)) == ["RATE_LIMITED"]
    assert await _count(session_factory, LoginFailure) == LIMIT


# --- settings -----------------------------------------------------------------------------------


def test_the_registration_limit_defaults_to_twenty_an_hour_and_is_configurable():
    base = {"MATCHMAKER_ENV": "test", "MATCHMAKER_SECRET_KEY": "k" * 40}
    default = load_settings(base)
    assert (default.registration_max_per_address, default.registration_window_seconds) == (
        20,
        3600,
    )
    custom = load_settings(
        {
            **base,
            "MATCHMAKER_REGISTRATION_MAX_PER_ADDRESS": "50",
            "MATCHMAKER_REGISTRATION_WINDOW_SECONDS": "600",
        }
    )
    assert (custom.registration_max_per_address, custom.registration_window_seconds) == (50, 600)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MATCHMAKER_REGISTRATION_MAX_PER_ADDRESS", "0"),
        ("MATCHMAKER_REGISTRATION_MAX_PER_ADDRESS", "twenty"),
        ("MATCHMAKER_REGISTRATION_WINDOW_SECONDS", "-5"),
    ],
)
def test_a_bad_registration_limit_setting_is_refused_at_start(name, value):
    with pytest.raises(ConfigError, match=name):
        load_settings({"MATCHMAKER_ENV": "test", "MATCHMAKER_SECRET_KEY": "k" * 40, name: value})
