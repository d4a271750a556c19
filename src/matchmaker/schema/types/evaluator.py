from __future__ import annotations

from typing import Self

import strawberry

from matchmaker import models
from matchmaker.schema.context import Info
from matchmaker.schema.dataloaders.procurement import evaluator_name_by_id
from matchmaker.schema.relay import Node, node_resolver, to_global_id
from matchmaker.services import evaluation as evaluation_service


@strawberry.type(description="A member of a project's evaluation panel (评标委员会).")
class Evaluator(Node):
    account_pk: strawberry.Private[int]
    project_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.Evaluator) -> Self:
        return cls(pk=row.id, account_pk=row.account_id, project_pk=row.project_id)

    @strawberry.field
    def account_id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Account", self.account_pk))

    @strawberry.field
    def project_id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Project", self.project_pk))

    @strawberry.field(
        description="The evaluator's display name, as the app shows an account to others "
        "(no phone or login); null outside the panel's scope."
    )
    async def display_name(self, info: Info) -> str | None:
        name: str | None = await info.context.loader(evaluator_name_by_id).load(self.pk)
        return name


@node_resolver("Evaluator")
async def resolve_evaluator(info: Info, pk: int) -> Evaluator | None:
    row = await evaluation_service.get_evaluator(info.context.service, pk)
    return Evaluator.from_row(row) if row else None
