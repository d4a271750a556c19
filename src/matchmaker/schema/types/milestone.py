from __future__ import annotations

import datetime as dt
from typing import Self

import strawberry

from matchmaker import models
from matchmaker.schema.context import Info
from matchmaker.schema.dataloaders.procurement import payments_by_milestone, reports_by_milestone
from matchmaker.schema.relay import Node, node_resolver
from matchmaker.schema.types.payment import Payment
from matchmaker.schema.types.procurement_enums import Fen, MilestoneStatus
from matchmaker.schema.types.progress_report import ProgressReport
from matchmaker.services import contracts as contract_service


@strawberry.type(description="A contract milestone: deliverables, due date, share of the amount.")
class Milestone(Node):
    sequence: int
    title: str
    share_bp: int = strawberry.field(description="Share in basis points (10000 = 100%).")
    amount_fen: Fen
    paid_fen: Fen
    due_date: dt.date
    planned_activities: int
    planned_service_hours: int
    planned_beneficiaries: int
    status: MilestoneStatus
    accepted_at: dt.datetime | None

    @classmethod
    def from_row(cls, row: models.Milestone) -> Self:
        return cls(
            pk=row.id,
            sequence=row.sequence,
            title=row.title,
            share_bp=row.share_bp,
            amount_fen=Fen(row.amount_fen),
            paid_fen=Fen(row.paid_fen),
            due_date=row.due_date,
            planned_activities=row.planned_activities,
            planned_service_hours=row.planned_service_hours,
            planned_beneficiaries=row.planned_beneficiaries,
            status=row.status,
            accepted_at=row.accepted_at,
        )

    @strawberry.field
    async def reports(self, info: Info) -> list[ProgressReport]:
        rows = await info.context.loader(reports_by_milestone).load(self.pk)
        return [ProgressReport.from_row(r) for r in rows]

    @strawberry.field
    async def payments(self, info: Info) -> list[Payment]:
        rows = await info.context.loader(payments_by_milestone).load(self.pk)
        return [Payment.from_row(r) for r in rows]


@node_resolver("Milestone")
async def resolve_milestone(info: Info, pk: int) -> Milestone | None:
    row = await contract_service.get_milestone(info.context.service, pk)
    return Milestone.from_row(row) if row else None
