from __future__ import annotations

import strawberry

from matchmaker.schema.context import Info
from matchmaker.schema.errors import UserError, run_mutation
from matchmaker.schema.types.job import Job
from matchmaker.services import jobs as job_service


@strawberry.input
class RunJobInput:
    name: str = strawberry.field(description="A periodic job, e.g. `verify_audit_chain`.")


@strawberry.type
class RunJobPayload:
    job: Job | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class JobMutations:
    @strawberry.mutation(description="Queue a periodic maintenance job now (platform admins).")
    async def run_job(self, info: Info, input: RunJobInput) -> RunJobPayload:
        row, errors = await run_mutation(
            info, lambda sc: job_service.run_now(sc, name=input.name.strip())
        )
        return RunJobPayload(job=Job.from_row(row) if row else None, errors=errors)
