"""The bureau's evaluator picker: minimal, masked facts about an assignable expert."""

from __future__ import annotations

from typing import Self

import strawberry

from matchmaker.schema.relay import to_global_id
from matchmaker.services import evaluator_panel


@strawberry.type(
    description="An expert the bureau may put on a project's evaluation panel: pass `accountId` "
    "to `assignEvaluator`."
)
class EvaluatorCandidate:
    account_pk: strawberry.Private[int]
    display_name: str
    masked_phone: str | None = strawberry.field(
        description="The account's phone, masked (138****1234)."
    )

    @classmethod
    def from_data(cls, data: evaluator_panel.EvaluatorCandidate) -> Self:
        return cls(
            account_pk=data.account_id,
            display_name=data.display_name,
            masked_phone=data.masked_phone,
        )

    @strawberry.field(description="Global id of the expert's account.")
    def account_id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Account", self.account_pk))
