"""What every service function receives: the session, the caller, the settings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker.config import Settings
from matchmaker.services.authz import Actor
from matchmaker.services.ratelimit import LoginLimiter, RegistrationLimiter


@dataclass(slots=True)
class ServiceContext:
    session: AsyncSession
    actor: Actor
    settings: Settings
    request_id: str | None = None
    client_ip: str | None = None
    login_limiter: LoginLimiter | None = None
    registration_limiter: RegistrationLimiter | None = None
    #: Work to do after the request's transaction has ended, committed or not.
    deferred: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    def defer(self, action: Callable[[], Awaitable[None]]) -> None:
        self.deferred.append(action)
