"""The job functions, by name. A job takes the session and JSON arguments (ids, not objects)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker.config import Settings

JobFunc = Callable[["JobContext"], Awaitable[dict[str, Any] | None]]


@dataclass(slots=True)
class JobContext:
    session: AsyncSession
    settings: Settings
    job_id: int
    args: dict[str, Any]


@dataclass(frozen=True, slots=True)
class JobSpec:
    name: str
    func: JobFunc
    #: Cron schedule as (minute, hour) in UTC, or None. The scheduler writes one outbox row per
    #: period, keyed by the period, so several workers never duplicate a run.
    cron: tuple[set[int] | None, set[int] | None] | None = None


JOBS: dict[str, JobSpec] = {}


def job(
    name: str, *, minute: set[int] | None = None, hour: set[int] | None = None, cron: bool = False
) -> Callable[[JobFunc], JobFunc]:
    def register(func: JobFunc) -> JobFunc:
        if name in JOBS:
            raise RuntimeError(f"job {name!r} registered twice")
        JOBS[name] = JobSpec(name=name, func=func, cron=(minute, hour) if cron else None)
        return func

    return register
