"""What the running app holds (``app.state.mm``), built by the lifespan in ``web/app.py``."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from strawberry.asgi import GraphQL

from matchmaker.config import Settings
from matchmaker.metrics import JOBS_RELAYED
from matchmaker.queue.relay import relay_once
from matchmaker.queue.runner import InProcessRunner
from matchmaker.schema.context import Context
from matchmaker.services.ratelimit import LoginLimiter, RegistrationLimiter

log = logging.getLogger("matchmaker.web")


@dataclass
class AppState:
    settings: Settings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    graphql: GraphQL[Context, None]
    limiter: LoginLimiter
    registration_limiter: RegistrationLimiter | None = None
    runner: InProcessRunner | None = None
    redis: Any = None
    tasks: set[Any] = field(default_factory=set)

    async def after_commit_with_jobs(self) -> None:
        """Hand new jobs over now rather than at the next poll."""
        if self.runner is not None:
            self.runner.kick()
        elif self.redis is not None:
            try:
                JOBS_RELAYED.inc(await relay_once(self.session_factory, self.redis))
            except Exception:
                log.warning(
                    "relay after commit failed; the worker's relay will pick up", exc_info=True
                )
