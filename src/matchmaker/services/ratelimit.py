"""Login, password-change and registration limits, shared across processes: Redis when
configured, else the database (docs/security.md).

Every limit takes its place *before* the work it limits, atomically, so neither aliases in one
document nor parallel requests can each get a full allowance:

* A login (or a password change) reserves one attempt per key (account name, client address)
  before the password is verified. The reservation counts as a failure unless the attempt
  succeeds: a success removes it and clears the account's failures. In Redis one MULTI adds the
  entry and counts the window; in the database the entry is a row written in the request's
  own transaction, outside the mutation's savepoint (so the failed attempt's rollback keeps
  it), counted under a per-key lock (an advisory lock on PostgreSQL, held to the end of the
  transaction; SQLite transactions are serialized already by ``BEGIN IMMEDIATE``).
* Self-registrations are counted per client address the same way. A registration that fails
  gives its slot back: the database row is rolled back with it, the Redis entry is removed.

Both backends keep one entry per attempt with its time, so the window really slides instead of
resetting on a boundary. The database rows live in the ``login_failures`` table, registrations
under their own key prefix (``registration:``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import Any, Protocol

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker import clock
from matchmaker.config import Settings
from matchmaker.db.engine import dialect_name
from matchmaker.models import LoginFailure


def limits_for(settings: Settings) -> dict[str, int]:
    """Attempts allowed per window, per kind of key (failures: a success gives its place back)."""
    return {
        "account": settings.login_max_failures,
        "address": settings.login_max_failures_per_address,
        "checkin": settings.checkin_max_failures,
    }


def login_keys(login: str, address: str | None) -> dict[str, str]:
    keys = {"account": f"account:{login.strip().lower()}"}
    if address:
        keys["address"] = f"address:{address}"
    return keys


def password_change_keys(account_id: int) -> dict[str, str]:
    """Guesses at the current password of a signed-in account (a stolen session) count per
    account, with the same allowance as logins."""
    return {"account": f"password:account:{account_id}"}


#: Kinds of key whose failures a success clears (a right password, a right check-in code); an
#: address keeps its count (one success mustn't reset guesses spread over many accounts).
CLEARED_ON_SUCCESS = frozenset({"account", "checkin"})


class LoginAttempt(Protocol):
    async def succeeded(self, session: AsyncSession) -> None:
        """The secret was right: give the place back and clear the key's earlier failures."""
        ...

    async def give_back(self, session: AsyncSession) -> None:
        """The attempt was refused for another reason than a wrong secret: uncount it."""
        ...


def checkin_keys(volunteer_id: int, shift_id: int) -> dict[str, str]:
    """Wrong check-in/check-out codes count per volunteer and shift."""
    return {"checkin": f"checkin:volunteer:{volunteer_id}:shift:{shift_id}"}


class LoginLimiter(Protocol):
    async def reserve(self, keys: dict[str, str], session: AsyncSession) -> LoginAttempt | None:
        """One attempt's place under every key, or None (nothing written) when any is full."""
        ...


def _advisory_lock_id(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


async def _lock_keys(session: AsyncSession, keys: list[str]) -> None:
    if dialect_name(session) == "postgresql":
        # Sorted: two requests locking overlapping keys can't wait on each other in a cycle.
        for key in sorted(keys):
            await session.execute(select(func.pg_advisory_xact_lock(_advisory_lock_id(key))))


class _RowAttempt:
    """Plain keys and ids: the rows' ORM state may be expired by a savepoint's rollback."""

    def __init__(self, rows: dict[str, tuple[str, int]]) -> None:
        self._rows = rows

    async def succeeded(self, session: AsyncSession) -> None:
        cleared = [key for kind, (key, _) in self._rows.items() if kind in CLEARED_ON_SUCCESS]
        if cleared:
            await session.execute(delete(LoginFailure).where(LoginFailure.key.in_(cleared)))
        await self.give_back(session)

    async def give_back(self, session: AsyncSession) -> None:
        ids = [row_id for _, row_id in self._rows.values()]
        await session.execute(delete(LoginFailure).where(LoginFailure.id.in_(ids)))


class DatabaseLimiter:
    def __init__(self, window_seconds: int, limits: dict[str, int]) -> None:
        self._window = dt.timedelta(seconds=window_seconds)
        self._limits = limits

    async def reserve(self, keys: dict[str, str], session: AsyncSession) -> LoginAttempt | None:
        await _lock_keys(session, list(keys.values()))
        now = clock.now()
        for kind, key in keys.items():
            count = await session.scalar(
                select(func.count())
                .select_from(LoginFailure)
                .where(LoginFailure.key == key, LoginFailure.at >= now - self._window)
            )
            if (count or 0) >= self._limits[kind]:
                return None
        rows = {kind: LoginFailure(key=key, at=now) for kind, key in keys.items()}
        session.add_all(rows.values())
        await session.flush()
        return _RowAttempt({kind: (row.key, row.id) for kind, row in rows.items()})


class _RedisAttempt:
    def __init__(self, redis: Any, names: dict[str, str], member: str) -> None:
        self._redis = redis
        self._names = names
        self._member = member

    async def succeeded(self, session: AsyncSession) -> None:
        await self._undo(clear=CLEARED_ON_SUCCESS)

    async def give_back(self, session: AsyncSession) -> None:
        await self._undo(clear=frozenset())

    async def _undo(self, *, clear: frozenset[str]) -> None:
        pipe = self._redis.pipeline(transaction=True)
        for kind, name in self._names.items():
            if kind in clear:
                pipe.delete(name)
            else:
                pipe.zrem(name, self._member)
        await pipe.execute()


class RedisLimiter:
    """One sorted set per key, scored by attempt time: count the scores inside the window."""

    def __init__(self, redis: Any, window_seconds: int, limits: dict[str, int]):
        self._redis = redis
        self._window = window_seconds
        self._limits = limits

    @staticmethod
    def _name(key: str) -> str:
        return f"mm:login:{key}"

    async def reserve(self, keys: dict[str, str], session: AsyncSession) -> LoginAttempt | None:
        now = clock.now().timestamp()
        member = uuid.uuid4().hex
        names = {kind: self._name(key) for kind, key in keys.items()}
        pipe = self._redis.pipeline(transaction=True)
        for name in names.values():
            pipe.zremrangebyscore(name, "-inf", now - self._window)
            pipe.zadd(name, {member: now})
            pipe.zcount(name, now - self._window, "+inf")
            pipe.expire(name, self._window)
        results = await pipe.execute()
        counts = results[2::4]
        if any(int(n) > self._limits[kind] for kind, n in zip(names, counts, strict=True)):
            undo = self._redis.pipeline(transaction=True)
            for name in names.values():
                undo.zrem(name, member)
            await undo.execute()
            return None
        return _RedisAttempt(self._redis, names, member)


class FallbackLimiter:
    """Redis first; if Redis is unreachable, the database, so logins keep working and limited."""

    def __init__(self, primary: LoginLimiter, fallback: LoginLimiter) -> None:
        self._primary = primary
        self._fallback = fallback

    async def reserve(self, keys: dict[str, str], session: AsyncSession) -> LoginAttempt | None:
        try:
            return await self._primary.reserve(keys, session)
        except Exception:
            return await self._fallback.reserve(keys, session)


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
