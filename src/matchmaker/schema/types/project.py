from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from matchmaker import clock, models
from matchmaker.schema.context import Info
from matchmaker.schema.dataloaders.procurement import (
    awarded_bid_by_project,
    bid_count_by_project,
    bids_by_project,
    contract_by_project,
    criteria_by_project,
    evaluation_by_project,
    evaluators_by_project,
    needs_by_project,
    organization_name_by_id,
    ranking_by_project,
)
from matchmaker.schema.relay import Node, node_resolver, to_global_id
from matchmaker.schema.types.bid import Bid, bid_views
from matchmaker.schema.types.enums import ServiceCategory, WorkerLevel
from matchmaker.schema.types.evaluator import Evaluator
from matchmaker.schema.types.need import Need
from matchmaker.schema.types.procurement_enums import (
    Fen,
    FundingSource,
    ProcurementMethod,
    ProjectStatus,
    score_text,
)
from matchmaker.schema.types.region import Region, load_region
from matchmaker.services import projects as project_service

if TYPE_CHECKING:
    from matchmaker.schema.types.contract import Contract
    from matchmaker.schema.types.performance_evaluation import PerformanceEvaluation


@strawberry.type(description="A technical evaluation criterion and its weight (points of 100).")
class EvaluationCriterion:
    id: strawberry.ID
    name: str
    weight: int


@strawberry.type(description="How many social workers at or above a level the project needs.")
class WorkerRequirement:
    level: WorkerLevel
    count: int


@strawberry.type(description='A bid\'s place by the evaluation formula (scores as "27.00").')
class BidRanking:
    rank: int
    bid_id: strawberry.ID
    organization_id: strawberry.ID
    price_fen: Fen
    price_score: str
    technical_score: str
    total_score: str


@strawberry.type(description="中标公示: the public award announcement.")
class AwardAnnouncement:
    project_id: strawberry.ID
    project_title: str
    organization_id: strawberry.ID
    organization_name: str | None
    price_fen: Fen
    awarded_on: dt.date


@strawberry.type(description="A community-designed project (项目) and its procurement.")
class Project(Node):
    title: str
    description: str
    category: ServiceCategory
    target_groups: list[str]
    beneficiary_target: int
    funding_source: FundingSource
    budget_ceiling_fen: Fen
    procurement_method: ProcurementMethod
    bid_deadline: dt.datetime | None
    service_start: dt.date
    service_end: dt.date
    min_grade: int = strawberry.field(
        description="Minimum organization grade: 0 none, 1–5 = 1A–5A."
    )
    worker_requirements: list[WorkerRequirement]
    volunteer_plan: str
    price_weight: int
    status: ProjectStatus
    return_reason: str | None
    cancel_reason: str | None
    approved_at: dt.datetime | None
    published_at: dt.datetime | None
    opened_at: dt.datetime | None
    awarded_at: dt.datetime | None
    version: int
    region_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.Project) -> Self:
        return cls(
            pk=row.id,
            title=row.title,
            description=row.description,
            category=row.category,
            target_groups=list(row.target_groups),
            beneficiary_target=row.beneficiary_target,
            funding_source=row.funding_source,
            budget_ceiling_fen=Fen(row.budget_ceiling_fen),
            procurement_method=row.procurement_method,
            bid_deadline=row.bid_deadline,
            service_start=row.service_start,
            service_end=row.service_end,
            min_grade=row.min_grade,
            worker_requirements=[
                WorkerRequirement(level=WorkerLevel(k), count=v)
                for k, v in sorted((row.worker_requirements or {}).items())
            ],
            volunteer_plan=row.volunteer_plan,
            price_weight=row.price_weight,
            status=row.status,
            return_reason=row.return_reason,
            cancel_reason=row.cancel_reason,
            approved_at=row.approved_at,
            published_at=row.published_at,
            opened_at=row.opened_at,
            awarded_at=row.awarded_at,
            version=row.version,
            region_pk=row.region_id,
        )

    @strawberry.field(description="The community.")
    async def region(self, info: Info) -> Region | None:
        return await load_region(info, self.region_pk)

    @strawberry.field
    async def criteria(self, info: Info) -> list[EvaluationCriterion]:
        rows = await info.context.loader(criteria_by_project).load(self.pk)
        return [
            EvaluationCriterion(
                id=strawberry.ID(to_global_id("EvaluationCriterion", r.id)),
                name=r.name,
                weight=r.weight,
            )
            for r in rows
        ]

    @strawberry.field(description="The needs it answers (to those who may read needs).")
    async def needs(self, info: Info) -> list[Need]:
        rows = await info.context.loader(needs_by_project).load(self.pk)
        return [Need.from_row(r) for r in rows]

    @strawberry.field(description="How many live bids there are: public, even while sealed.")
    async def bid_count(self, info: Info) -> int:
        count: int = await info.context.loader(bid_count_by_project).load(self.pk)
        return count

    @strawberry.field(
        description="Bids you may see: your organization's own; others' only after opening."
    )
    async def bids(self, info: Info) -> list[Bid]:
        rows = await info.context.loader(bids_by_project).load(self.pk)
        return await bid_views(info, rows)

    @strawberry.field(description="The evaluation panel (regional roles in scope).")
    async def evaluators(self, info: Info) -> list[Evaluator]:
        rows = await info.context.loader(evaluators_by_project).load(self.pk)
        return [Evaluator.from_row(r) for r in rows]

    @strawberry.field(
        description="Opened bids ranked by the formula, for the bureau, community staff, experts "
        "and auditors in scope; empty before the opening and for everyone else."
    )
    async def ranking(self, info: Info) -> list[BidRanking]:
        rows = await info.context.loader(ranking_by_project).load(self.pk)
        return [
            BidRanking(
                rank=r.rank,
                bid_id=strawberry.ID(to_global_id("Bid", r.bid.id)),
                organization_id=strawberry.ID(to_global_id("Organization", r.bid.organization_id)),
                price_fen=Fen(r.bid.price_fen),
                price_score=score_text(r.price_score_centi) or "0.00",
                technical_score=score_text(r.technical_score_centi) or "0.00",
                total_score=score_text(r.total_score_centi) or "0.00",
            )
            for r in rows
        ]

    @strawberry.field(description="The award announcement, once awarded (public).")
    async def award(self, info: Info) -> AwardAnnouncement | None:
        if self.awarded_at is None:
            return None
        return await load_announcement(info, self.pk, self.title, self.awarded_at)

    @strawberry.field
    async def contract(
        self, info: Info
    ) -> Annotated[Contract, strawberry.lazy("matchmaker.schema.types.contract")] | None:
        from matchmaker.schema.types.contract import Contract

        row = await info.context.loader(contract_by_project).load(self.pk)
        return Contract.from_row(row) if row else None

    @strawberry.field
    async def performance_evaluation(
        self, info: Info
    ) -> (
        Annotated[
            PerformanceEvaluation,
            strawberry.lazy("matchmaker.schema.types.performance_evaluation"),
        ]
        | None
    ):
        from matchmaker.schema.types.performance_evaluation import PerformanceEvaluation

        row = await info.context.loader(evaluation_by_project).load(self.pk)
        return PerformanceEvaluation.from_row(row) if row else None


async def load_announcement(
    info: Info, project_pk: int, title: str, awarded_at: dt.datetime
) -> AwardAnnouncement | None:
    bid = await info.context.loader(awarded_bid_by_project).load(project_pk)
    if bid is None:
        return None
    name = await info.context.loader(organization_name_by_id).load(bid.organization_id)
    return AwardAnnouncement(
        project_id=strawberry.ID(to_global_id("Project", project_pk)),
        project_title=title,
        organization_id=strawberry.ID(to_global_id("Organization", bid.organization_id)),
        organization_name=name,
        price_fen=Fen(bid.price_fen),
        awarded_on=awarded_at.astimezone(clock.SHANGHAI).date(),
    )


@node_resolver("Project")
async def resolve_project(info: Info, pk: int) -> Project | None:
    row = await project_service.get_readable(info.context.service, pk)
    return Project.from_row(row) if row else None
