"""arq worker settings: ``matchmaker worker`` runs these."""

from __future__ import annotations

import logging
from typing import Any

from arq import cron
from arq.connections import RedisSettings
from arq.worker import Worker, create_worker

from matchmaker.config import Settings
from matchmaker.db import create_engine, create_session_factory
from matchmaker.queue.registry import JOBS, JobSpec
from matchmaker.queue.relay import RUN_FUNCTION, relay_once
from matchmaker.queue.runner import execute, schedule_cron_job

log = logging.getLogger("matchmaker.worker")


def redis_settings(url: str) -> RedisSettings:
    rs = RedisSettings.from_dsn(url)
    rs.conn_retries = 2
    return rs


def build_worker(settings: Settings, **overrides: Any) -> Worker:
    """The arq worker for the registered jobs (the caller imports ``matchmaker.jobs.tasks``)."""
    if not JOBS:
        raise RuntimeError("no job is registered: import matchmaker.jobs.tasks first")
    if not settings.redis_url:
        raise RuntimeError("MATCHMAKER_REDIS_URL is not set: without Redis, jobs run in the app")

    async def startup(ctx: dict[str, Any]) -> None:
        engine = create_engine(settings.database_url)
        ctx["engine"] = engine
        ctx["session_factory"] = create_session_factory(engine)
        ctx["settings"] = settings
        await relay_once(ctx["session_factory"], ctx["redis"])

    async def shutdown(ctx: dict[str, Any]) -> None:
        engine = ctx.get("engine")
        if engine is not None:
            await engine.dispose()

    async def run_outbox_job(ctx: dict[str, Any], job_id: int) -> str | None:
        status = await execute(ctx["session_factory"], ctx["settings"], job_id)
        return status.value if status else None

    run_outbox_job.__qualname__ = RUN_FUNCTION

    async def relay(ctx: dict[str, Any]) -> int:
        return await relay_once(ctx["session_factory"], ctx["redis"])

    def cron_scheduler(spec: JobSpec) -> Any:
        async def schedule_it(ctx: dict[str, Any]) -> None:
            factory = ctx["session_factory"]
            async with factory() as session, session.begin():
                await schedule_cron_job(session, spec)
            await relay_once(factory, ctx["redis"])

        schedule_it.__qualname__ = f"cron_{spec.name}"
        return schedule_it

    cron_jobs = [cron(relay, name="relay", second=set(range(0, 60, 5)), unique=True)]
    for spec in JOBS.values():
        if spec.cron is not None:
            minutes, hours = spec.cron
            cron_jobs.append(
                cron(cron_scheduler(spec), name=f"cron_{spec.name}", minute=minutes, hour=hours)
            )

    class WorkerSettings:
        functions = [run_outbox_job]
        on_startup = startup
        on_shutdown = shutdown
        max_tries = 5
        job_timeout = 300
        health_check_interval = 30
        # On SIGTERM/SIGINT stop taking jobs and let running ones finish (a deploy shouldn't
        # cut a job off mid-way; if one overruns, it is cancelled and rolled back, then retried
        # once its RUNNING row goes stale).
        job_completion_wait = 20

    return create_worker(
        WorkerSettings,  # type: ignore[arg-type]
        redis_settings=redis_settings(settings.redis_url),
        cron_jobs=cron_jobs,
        **overrides,
    )
