from __future__ import annotations

import datetime as dt
from typing import Self, cast

import strawberry
from strawberry.scalars import JSON

from matchmaker import models
from matchmaker.schema.context import Info
from matchmaker.schema.relay import Node, node_resolver
from matchmaker.schema.types.enums import JobStatus
from matchmaker.services import jobs as job_service


@strawberry.type(description="A background job from the outbox, with its state.")
class Job(Node):
    name: str
    args: JSON
    status: JobStatus
    attempts: int
    max_attempts: int
    run_at: dt.datetime
    enqueued_at: dt.datetime | None
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    last_error: str | None
    result: JSON | None

    @classmethod
    def from_row(cls, row: models.OutboxJob) -> Self:
        return cls(
            pk=row.id,
            name=row.name,
            args=cast(JSON, row.args),
            status=row.status,
            attempts=row.attempts,
            max_attempts=row.max_attempts,
            run_at=row.run_at,
            enqueued_at=row.enqueued_at,
            started_at=row.started_at,
            finished_at=row.finished_at,
            last_error=row.last_error,
            result=cast(JSON | None, row.result),
        )


@node_resolver("Job")
async def resolve_job(info: Info, pk: int) -> Job | None:
    row = await job_service.get_job(info.context.service, pk)  # refusal → node() gives null
    return Job.from_row(row)
