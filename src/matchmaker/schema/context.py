"""The per-request GraphQL context: session, caller, loaders."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from strawberry.dataloader import DataLoader
from strawberry.types import Info as _Info

from matchmaker.config import Settings
from matchmaker.services.authz import Actor
from matchmaker.services.context import ServiceContext
from matchmaker.services.ratelimit import LoginLimiter, RegistrationLimiter

K = TypeVar("K")
V = TypeVar("V")

BatchFn = Callable[["Context", Sequence[Any]], Awaitable[Sequence[Any]]]


@dataclass(slots=True)
class Context:
    request: Request
    response: Response
    session: AsyncSession
    actor: Actor
    settings: Settings
    request_id: str
    token: str | None = None
    login_limiter: LoginLimiter | None = None
    registration_limiter: RegistrationLimiter | None = None
    deferred: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    _loaders: dict[BatchFn, DataLoader[Any, Any]] = field(default_factory=dict)

    @property
    def service(self) -> ServiceContext:
        return ServiceContext(
            session=self.session,
            actor=self.actor,
            settings=self.settings,
            request_id=self.request_id,
            client_ip=self.request.client.host if self.request.client else None,
            login_limiter=self.login_limiter,
            registration_limiter=self.registration_limiter,
            deferred=self.deferred,
        )

    def loader(self, batch: BatchFn) -> DataLoader[Any, Any]:
        """The request's DataLoader for a batch function, created on first use.

        Loaders live in their domain's module (``schema/dataloaders/``) and are built fresh per
        request, so nothing is cached across callers with different scopes.
        """
        existing = self._loaders.get(batch)
        if existing is None:

            async def load(keys: Sequence[Any]) -> Sequence[Any]:
                return await batch(self, keys)

            existing = DataLoader(load_fn=load)
            self._loaders[batch] = existing
        return existing


Info = _Info[Context, None]
