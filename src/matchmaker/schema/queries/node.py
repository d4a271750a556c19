from __future__ import annotations

import strawberry

from matchmaker.schema.context import Info
from matchmaker.schema.relay import NODE_RESOLVERS, Node, from_global_id
from matchmaker.services.errors import DomainError


@strawberry.type
class NodeQueries:
    @strawberry.field(
        description="Any object by global id; null when it doesn't exist or is outside your scope."
    )
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        type_name, pk = from_global_id(str(id))
        resolve = NODE_RESOLVERS.get(type_name)
        if resolve is None:
            return None
        try:
            result: Node | None = await resolve(info, pk)
        except DomainError:
            return None  # refused and missing look the same: existence is not leaked
        return result
