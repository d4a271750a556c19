from __future__ import annotations

import strawberry

from matchmaker import models
from matchmaker.schema.context import Info
from matchmaker.schema.errors import Payload, mutate
from matchmaker.schema.types.job import Job
from matchmaker.services import jobs as job_service


@strawberry.input
class RunJobInput:
    name: str = strawberry.field(description="A periodic job, e.g. `verify_audit_chain`.")


@strawberry.type
class RunJobPayload(Payload):
    job: Job | None = None

    @classmethod
    async def of(cls, info: Info, row: models.OutboxJob) -> RunJobPayload:
        return cls(job=Job.from_row(row))


@strawberry.type
class JobMutations:
    @strawberry.mutation(description="Queue a periodic maintenance job now (platform admins).")
    async def run_job(self, info: Info, input: RunJobInput) -> RunJobPayload:
        return await mutate(
            info, RunJobPayload, lambda sc: job_service.run_now(sc, name=input.name.strip())
        )
