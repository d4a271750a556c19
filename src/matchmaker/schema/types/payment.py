from __future__ import annotations

import datetime as dt
from typing import Self

import strawberry

from matchmaker import models
from matchmaker.schema.context import Info
from matchmaker.schema.relay import Node, node_resolver, to_global_id
from matchmaker.schema.types.procurement_enums import Fen
from matchmaker.services import contracts as contract_service


@strawberry.type(description="Money paid by the bureau against an accepted milestone.")
class Payment(Node):
    amount_fen: Fen
    paid_on: dt.date
    voucher_number: str
    created_at: dt.datetime
    milestone_pk: strawberry.Private[int]
    contract_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.Payment) -> Self:
        return cls(
            pk=row.id,
            amount_fen=Fen(row.amount_fen),
            paid_on=row.paid_on,
            voucher_number=row.voucher_number,
            created_at=row.created_at,
            milestone_pk=row.milestone_id,
            contract_pk=row.contract_id,
        )

    @strawberry.field
    def milestone_id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Milestone", self.milestone_pk))

    @strawberry.field
    def contract_id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Contract", self.contract_pk))


@node_resolver("Payment")
async def resolve_payment(info: Info, pk: int) -> Payment | None:
    row = await contract_service.get_payment(info.context.service, pk)
    return Payment.from_row(row) if row else None
