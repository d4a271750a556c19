from __future__ import annotations

import datetime as dt
from typing import Self

import strawberry

from matchmaker import models
from matchmaker.schema.context import Info
from matchmaker.schema.dataloaders.procurement import (
    milestones_by_contract,
    organization_name_by_id,
    project_by_id,
)
from matchmaker.schema.relay import Node, node_resolver, to_global_id
from matchmaker.schema.types.milestone import Milestone
from matchmaker.schema.types.procurement_enums import ContractStatus, Fen
from matchmaker.services import contracts as contract_service


@strawberry.type(description="The service contract signed from the award.")
class Contract(Node):
    amount_fen: Fen
    paid_fen: Fen
    remaining_fen: Fen
    start_date: dt.date
    end_date: dt.date
    status: ContractStatus
    version: int
    project_pk: strawberry.Private[int]
    organization_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.Contract) -> Self:
        return cls(
            pk=row.id,
            amount_fen=Fen(row.amount_fen),
            paid_fen=Fen(row.paid_fen),
            remaining_fen=Fen(row.amount_fen - row.paid_fen),
            start_date=row.start_date,
            end_date=row.end_date,
            status=row.status,
            version=row.version,
            project_pk=row.project_id,
            organization_pk=row.organization_id,
        )

    @strawberry.field
    def project_id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Project", self.project_pk))

    @strawberry.field
    def organization_id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Organization", self.organization_pk))

    @strawberry.field
    async def organization_name(self, info: Info) -> str | None:
        name: str | None = await info.context.loader(organization_name_by_id).load(
            self.organization_pk
        )
        return name

    @strawberry.field
    async def project_title(self, info: Info) -> str | None:
        row = await info.context.loader(project_by_id).load(self.project_pk)
        return row.title if row else None

    @strawberry.field
    async def milestones(self, info: Info) -> list[Milestone]:
        rows = await info.context.loader(milestones_by_contract).load(self.pk)
        return [Milestone.from_row(r) for r in rows]


@node_resolver("Contract")
async def resolve_contract(info: Info, pk: int) -> Contract | None:
    row = await contract_service.get_contract(info.context.service, pk)
    return Contract.from_row(row) if row else None
