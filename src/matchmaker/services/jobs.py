"""Reading job state (admins)."""

from __future__ import annotations

from sqlalchemy import Select, select

from matchmaker.models import OutboxJob
from matchmaker.models.enums import JobStatus
from matchmaker.services.authz import Capability, require
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import not_found


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
