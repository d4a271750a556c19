from __future__ import annotations

import datetime as dt
from typing import Self

import strawberry

from matchmaker import models
from matchmaker.schema.context import Info
from matchmaker.schema.relay import Node, node_resolver, to_global_id
from matchmaker.services import contracts as contract_service


@strawberry.type
class PerformanceCriterion:
    name: str
    score: int
    max: int


@strawberry.type(description="The bureau's final performance evaluation (绩效评价), 0–100.")
class PerformanceEvaluation(Node):
    score: int
    criteria: list[PerformanceCriterion]
    comments: str
    created_at: dt.datetime
    organization_pk: strawberry.Private[int]
    project_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.PerformanceEvaluation) -> Self:
        return cls(
            pk=row.id,
            score=row.score,
            criteria=[
                PerformanceCriterion(name=c["name"], score=int(c["score"]), max=int(c["max"]))
                for c in row.criteria
            ],
            comments=row.comments,
            created_at=row.created_at,
            organization_pk=row.organization_id,
            project_pk=row.project_id,
        )

    @strawberry.field
    def organization_id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Organization", self.organization_pk))

    @strawberry.field
    def project_id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Project", self.project_pk))


@node_resolver("PerformanceEvaluation")
async def resolve_performance_evaluation(info: Info, pk: int) -> PerformanceEvaluation | None:
    row = await contract_service.get_performance_evaluation(info.context.service, pk)
    return PerformanceEvaluation.from_row(row) if row else None
