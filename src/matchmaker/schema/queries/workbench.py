from __future__ import annotations

import strawberry

from matchmaker.schema.context import Info
from matchmaker.schema.types.workbench import Workbench
from matchmaker.services import workbench as service


@strawberry.type
class WorkbenchQueries:
    @strawberry.field(
        description="The caller's workbench: for each role held, what waits on them now, as "
        "counts scoped like the lists they link to (docs/workbench.md). Login required."
    )
    async def workbench(self, info: Info) -> Workbench:
        return Workbench.of(await service.workbench(info.context.service))
