"""The job functions, by name. A job takes the session and JSON arguments (ids, not objects).

The functions themselves live in ``matchmaker.jobs`` and register here with :func:`job`; what
happens when the runner gives up on a job is registered with :func:`on_give_up` (the platform
admins are alerted, ``jobs/alerts.py``), so the queue never imports a service.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker.config import Settings
from matchmaker.models import OutboxJob

JobFunc = Callable[["JobContext"], Awaitable[dict[str, Any] | None]]
#: Called in the transaction that marks a job FAILED for good, with the row and its error.
GiveUpHook = Callable[[AsyncSession, OutboxJob, str], Awaitable[None]]


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


GIVE_UP_HOOKS: list[GiveUpHook] = []


def on_give_up(func: GiveUpHook) -> GiveUpHook:
    """Register ``func`` to run when a job is given up on (at most once per job)."""
    if func not in GIVE_UP_HOOKS:
        GIVE_UP_HOOKS.append(func)
    return func
