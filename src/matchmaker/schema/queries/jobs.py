from __future__ import annotations

import strawberry

from matchmaker.models import OutboxJob
from matchmaker.schema.context import Info
from matchmaker.schema.relay import Connection, connection, decode_id
from matchmaker.schema.types.enums import JobStatus
from matchmaker.schema.types.job import Job
from matchmaker.services import jobs as job_service
from matchmaker.services.pagination import paginate


@strawberry.type
class JobQueries:
    @strawberry.field(description="Background jobs, newest first (platform admins).")
    async def jobs(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        status: JobStatus | None = None,
        name: str | None = None,
    ) -> Connection[Job]:
        ctx = info.context
        stmt = job_service.jobs_statement(ctx.service, status=status, name=name)
        page = await paginate(
            ctx.session, stmt, OutboxJob.id, first=first, after=after, descending=True
        )
        return connection(page, Job.from_row)

    @strawberry.field
    async def job(self, info: Info, id: strawberry.ID) -> Job:
        row = await job_service.get_job(info.context.service, decode_id(id, "Job"))
        return Job.from_row(row)
