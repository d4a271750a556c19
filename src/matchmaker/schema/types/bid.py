from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from matchmaker import models
from matchmaker.schema.context import Info
from matchmaker.schema.dataloaders.procurement import (
    organization_name_by_id,
    project_by_id,
    region_path_by_project,
    team_by_bid,
)
from matchmaker.schema.relay import Node, node_resolver, to_global_id
from matchmaker.schema.types.enums import WorkerLevel
from matchmaker.schema.types.procurement_enums import BidStatus, Fen, score_text
from matchmaker.services import bids as bid_service

if TYPE_CHECKING:
    from matchmaker.schema.types.project import Project


@strawberry.type(description="A social worker proposed for the project, with a role.")
class BidTeamMember:
    social_worker_id: strawberry.ID
    name: str
    level: WorkerLevel
    role: str


@strawberry.type(
    description="A sealed bid. Price, proposal, volunteer plan and team are null to everyone "
    "but the bidding organization until the bids are opened (`sealed` is then true)."
)
class Bid(Node):
    status: BidStatus
    submitted_at: dt.datetime
    opened_at: dt.datetime | None
    rank: int | None
    sealed: bool = strawberry.field(
        description="True when the sealed fields are hidden from you (before the opening)."
    )
    price_fen: Fen | None
    technical_proposal: str | None
    volunteer_plan: str | None
    project_pk: strawberry.Private[int]
    organization_pk: strawberry.Private[int]
    readable: strawberry.Private[bool]
    price_score_centi: strawberry.Private[int | None]
    technical_score_centi: strawberry.Private[int | None]
    total_score_centi: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: models.Bid, *, readable: bool) -> Self:
        return cls(
            pk=row.id,
            status=row.status,
            submitted_at=row.submitted_at,
            opened_at=row.opened_at,
            rank=row.rank if readable else None,
            sealed=not readable,
            price_fen=Fen(row.price_fen) if readable else None,
            technical_proposal=row.technical_proposal if readable else None,
            volunteer_plan=row.volunteer_plan if readable else None,
            project_pk=row.project_id,
            organization_pk=row.organization_id,
            readable=readable,
            price_score_centi=row.price_score_centi if readable else None,
            technical_score_centi=row.technical_score_centi if readable else None,
            total_score_centi=row.total_score_centi if readable else None,
        )

    @strawberry.field(description='Price score out of the price weight, e.g. "27.00".')
    def price_score(self) -> str | None:
        return score_text(self.price_score_centi)

    @strawberry.field(description="Mean technical score over the evaluators.")
    def technical_score(self) -> str | None:
        return score_text(self.technical_score_centi)

    @strawberry.field
    def total_score(self) -> str | None:
        return score_text(self.total_score_centi)

    @strawberry.field
    def organization_id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Organization", self.organization_pk))

    @strawberry.field
    async def organization_name(self, info: Info) -> str | None:
        name: str | None = await info.context.loader(organization_name_by_id).load(
            self.organization_pk
        )
        return name

    @strawberry.field(description="The proposed team; null while sealed.")
    async def team(self, info: Info) -> list[BidTeamMember] | None:
        if not self.readable:
            return None
        rows = await info.context.loader(team_by_bid).load(self.pk)
        return [
            BidTeamMember(
                social_worker_id=strawberry.ID(to_global_id("SocialWorker", w.id)),
                name=w.name,
                level=w.level,
                role=m.role,
            )
            for m, w in rows
        ]

    @strawberry.field
    async def project(
        self, info: Info
    ) -> Annotated[Project, strawberry.lazy("matchmaker.schema.types.project")] | None:
        from matchmaker.schema.types.project import Project

        row = await info.context.loader(project_by_id).load(self.project_pk)
        return Project.from_row(row) if row else None


async def bid_views(info: Info, rows: Sequence[models.Bid]) -> list[Bid]:
    """Bid types for loaded rows, each with the one sealed-field decision applied."""
    paths = await info.context.loader(region_path_by_project).load_many(
        [r.project_id for r in rows]
    )
    actor = info.context.actor
    return [
        Bid.from_row(r, readable=bid_service.may_read_sealed(actor, r, path))
        for r, path in zip(rows, paths, strict=True)
    ]


@node_resolver("Bid")
async def resolve_bid(info: Info, pk: int) -> Bid | None:
    row = await bid_service.get_readable(info.context.service, pk)
    if row is None:
        return None
    return (await bid_views(info, [row]))[0]
