"""Job state for admins, and running a maintenance job on demand."""

from __future__ import annotations

from sqlalchemy import Select, select

from matchmaker import clock
from matchmaker.models import OutboxJob
from matchmaker.models.enums import JobStatus
from matchmaker.queue.outbox import schedule
from matchmaker.queue.registry import JOBS
from matchmaker.services import audit
from matchmaker.services.authz import Capability, require
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import invalid, not_found


def jobs_statement(
    sc: ServiceContext, *, status: JobStatus | None = None, name: str | None = None
) -> Select[OutboxJob]:
    require(sc.actor, Capability.JOB_READ)
    stmt = select(OutboxJob)
    if status is not None:
        stmt = stmt.where(OutboxJob.status == status)
    if name:
        stmt = stmt.where(OutboxJob.name == name)
    return stmt


async def get_job(sc: ServiceContext, job_id: int) -> OutboxJob:
    require(sc.actor, Capability.JOB_READ)
    row = await sc.session.get(OutboxJob, job_id)
    if row is None:
        raise not_found("Job")
    return row


async def run_now(sc: ServiceContext, *, name: str) -> OutboxJob:
    """Queue a run of a periodic maintenance job now (e.g. verify the audit chain on demand).

    Only periodic jobs qualify: they take no arguments, so an admin can't feed a job ids it
    was never meant to see. Asking twice within the same minute returns the same job.
    """
    require(sc.actor, Capability.JOB_RUN)
    spec = JOBS.get(name)
    if spec is None or spec.cron is None:
        raise invalid("name", f"{name!r} is not a periodic job that can be run on demand")
    minute = clock.now().replace(second=0, microsecond=0)
    job_id = await schedule(sc.session, name, {}, key=f"manual:{name}:{minute.isoformat()}")
    row = await sc.session.get(OutboxJob, job_id)
    assert row is not None
    await audit.record(
        sc,
        action="job.run",
        subject_type="Job",
        subject_id=row.id,
        after={"name": name, "status": row.status.value},
    )
    return row
