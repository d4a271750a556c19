"""argon2id password hashing.

argon2 is deliberately slow (tens of milliseconds and 64 MiB per hash in production): the
request path uses the ``*_async`` forms, which run it in a worker thread so one login doesn't
stall every other request on the event loop (docs/security.md).
"""

from __future__ import annotations

import asyncio
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from matchmaker.config import get_settings


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    if get_settings().is_test:
        # Cheap parameters so the suite can create hundreds of accounts; never in production.
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()  # argon2id, RFC 9106 low-memory profile


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def hash_password_async(password: str) -> str:
    return await asyncio.to_thread(hash_password, password)


async def verify_password_async(password_hash: str, password: str) -> bool:
    return await asyncio.to_thread(verify_password, password_hash, password)


#: A real hash to verify against when the login name is unknown, so timing doesn't tell.
@lru_cache(maxsize=1)
def dummy_hash() -> str:
    return hash_password("not-a-real-password")
