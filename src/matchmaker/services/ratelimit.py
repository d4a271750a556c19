"""Login and registration limits, shared across processes: Redis when configured, else the
database.

Failed logins are counted per account name and per client address in a sliding window (both
backends keep one entry per failure with its time, so the window really slides instead of
resetting on a boundary). They are written after the request's transaction has ended
(``ServiceContext.defer``), because the failed login itself is rolled back and, on SQLite, a
second writer would wait on the first.

Self-registrations are counted per client address. A registration takes a slot *before* it
does any work (no password hashing for a refused request), atomically, so parallel requests
cannot all slip under the limit: in Redis one MULTI adds the entry and counts the window; in
the database the entry is a row written in the request's own transaction, counted under a
per-address lock (an advisory lock on PostgreSQL; SQLite transactions are serialized already
by ``BEGIN IMMEDIATE``). A registration that fails gives its slot back: the database row is
rolled back with it, the Redis entry is removed. The database rows share the
``login_failures`` table under their own key prefix (``registration:``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import Any, Protocol

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from matchmaker import clock
from matchmaker.config import Settings
from matchmaker.db.engine import dialect_name
from matchmaker.models import LoginFailure


def limits_for(settings: Settings) -> dict[str, int]:
    """Failures allowed per window, per kind of key."""
    return {
        "account": settings.login_max_failures,
        "address": settings.login_max_failures_per_address,
    }


class LoginLimiter(Protocol):
    async def blocked(self, keys: dict[str, str], session: AsyncSession) -> bool: ...
    async def record_failure(self, keys: dict[str, str]) -> None: ...
    async def reset(self, keys: dict[str, str]) -> None: ...


class DatabaseLimiter:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        window_seconds: int,
        limits: dict[str, int],
    ):
        self._factory = session_factory
        self._window = dt.timedelta(seconds=window_seconds)
        self._limits = limits

    async def blocked(self, keys: dict[str, str], session: AsyncSession) -> bool:
        """Read in the request's own transaction (a second one would wait on it in SQLite)."""
        since = clock.now() - self._window
        for kind, key in keys.items():
            count = await session.scalar(
                select(func.count())
                .select_from(LoginFailure)
                .where(LoginFailure.key == key, LoginFailure.at >= since)
            )
            if (count or 0) >= self._limits[kind]:
                return True
        return False

    async def record_failure(self, keys: dict[str, str]) -> None:
        async with self._factory() as session, session.begin():
            session.add_all(LoginFailure(key=key, at=clock.now()) for key in keys.values())

    async def reset(self, keys: dict[str, str]) -> None:
        account_key = keys.get("account")
        if account_key is None:
            return
        async with self._factory() as session, session.begin():
            await session.execute(delete(LoginFailure).where(LoginFailure.key == account_key))


class RedisLimiter:
    """One sorted set per key, scored by failure time: count the scores inside the window."""

    def __init__(self, redis: Any, window_seconds: int, limits: dict[str, int]):
        self._redis = redis
        self._window = window_seconds
        self._limits = limits

    @staticmethod
    def _name(key: str) -> str:
        return f"mm:login:{key}"

    async def blocked(self, keys: dict[str, str], session: AsyncSession) -> bool:
        now = clock.now().timestamp()
        for kind, key in keys.items():
            count = await self._redis.zcount(self._name(key), now - self._window, "+inf")
            if int(count) >= self._limits[kind]:
                return True
        return False

    async def record_failure(self, keys: dict[str, str]) -> None:
        now = clock.now().timestamp()
        pipe = self._redis.pipeline(transaction=True)
        for key in keys.values():
            name = self._name(key)
            pipe.zadd(name, {uuid.uuid4().hex: now})
            pipe.zremrangebyscore(name, "-inf", now - self._window)
            pipe.expire(name, self._window)
        await pipe.execute()

    async def reset(self, keys: dict[str, str]) -> None:
        account_key = keys.get("account")
        if account_key is not None:
            await self._redis.delete(self._name(account_key))


def login_keys(login: str, address: str | None) -> dict[str, str]:
    keys = {"account": f"account:{login.strip().lower()}"}
    if address:
        keys["address"] = f"address:{address}"
    return keys


class FallbackLimiter:
    """Redis first; if Redis is unreachable, the database, so logins keep working and limited."""

    def __init__(self, primary: LoginLimiter, fallback: LoginLimiter) -> None:
        self._primary = primary
        self._fallback = fallback

    async def _call(self, name: str, *args: Any) -> Any:
        try:
            return await getattr(self._primary, name)(*args)
        except Exception:
            return await getattr(self._fallback, name)(*args)

    async def blocked(self, keys: dict[str, str], session: AsyncSession) -> bool:
        return bool(await self._call("blocked", keys, session))

    async def record_failure(self, keys: dict[str, str]) -> None:
        await self._call("record_failure", keys)

    async def reset(self, keys: dict[str, str]) -> None:
        await self._call("reset", keys)


# --- registrations per client address ---------------------------------------------------------

REGISTRATION_PREFIX = "registration:"


def registration_key(address: str | None) -> str:
    """Requests without a client address share one bucket rather than escaping the limit."""
    return f"{REGISTRATION_PREFIX}address:{address or 'unknown'}"


class RegistrationSlot(Protocol):
    async def give_back(self) -> None: ...


class RegistrationLimiter(Protocol):
    async def take(self, key: str, session: AsyncSession) -> RegistrationSlot | None:
        """One registration's place in ``key``'s window, or None (nothing written) when full."""
        ...


class _RowSlot:
    """The row belongs to the request's transaction: a failed registration rolls it back."""

    async def give_back(self) -> None:
        return None


def _advisory_lock_id(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


class DatabaseRegistrationLimiter:
    def __init__(self, window_seconds: int, limit: int) -> None:
        self._window = dt.timedelta(seconds=window_seconds)
        self._limit = limit

    async def take(self, key: str, session: AsyncSession) -> RegistrationSlot | None:
        if dialect_name(session) == "postgresql":
            # Held to the end of the request's transaction: the next registration from this
            # address counts after this one has committed or rolled back.
            await session.execute(select(func.pg_advisory_xact_lock(_advisory_lock_id(key))))
        now = clock.now()
        count = await session.scalar(
            select(func.count())
            .select_from(LoginFailure)
            .where(LoginFailure.key == key, LoginFailure.at >= now - self._window)
        )
        if (count or 0) >= self._limit:
            return None
        session.add(LoginFailure(key=key, at=now))
        await session.flush()
        return _RowSlot()


class _RedisSlot:
    def __init__(self, redis: Any, name: str, member: str) -> None:
        self._redis = redis
        self._name = name
        self._member = member

    async def give_back(self) -> None:
        await self._redis.zrem(self._name, self._member)


class RedisRegistrationLimiter:
    """One sorted set per address, scored by registration time (matchmaker.clock)."""

    def __init__(self, redis: Any, window_seconds: int, limit: int) -> None:
        self._redis = redis
        self._window = window_seconds
        self._limit = limit

    async def take(self, key: str, session: AsyncSession) -> RegistrationSlot | None:
        now = clock.now().timestamp()
        name = f"mm:{key}"
        member = uuid.uuid4().hex
        pipe = self._redis.pipeline(transaction=True)
        pipe.zremrangebyscore(name, "-inf", now - self._window)
        pipe.zadd(name, {member: now})
        pipe.zcount(name, now - self._window, "+inf")
        pipe.expire(name, self._window)
        results = await pipe.execute()
        if int(results[2]) > self._limit:
            await self._redis.zrem(name, member)
            return None
        return _RedisSlot(self._redis, name, member)


class FallbackRegistrationLimiter:
    """Redis first; if Redis is unreachable, the database, so registration stays limited."""

    def __init__(self, primary: RegistrationLimiter, fallback: RegistrationLimiter) -> None:
        self._primary = primary
        self._fallback = fallback

    async def take(self, key: str, session: AsyncSession) -> RegistrationSlot | None:
        try:
            return await self._primary.take(key, session)
        except Exception:
            return await self._fallback.take(key, session)
