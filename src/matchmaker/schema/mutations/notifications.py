from __future__ import annotations

import strawberry

from matchmaker.schema.context import Info
from matchmaker.schema.errors import UserError, run_mutation
from matchmaker.schema.relay import decode_id
from matchmaker.services import notifications as notification_service
from matchmaker.services.context import ServiceContext


@strawberry.input
class MarkNotificationsReadInput:
    ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Notifications to mark; null or empty marks all of yours."
    )


@strawberry.type
class MarkNotificationsReadPayload:
    marked: int = strawberry.field(default=0, description="How many were newly marked read.")
    unread_count: int = 0
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class NotificationMutations:
    @strawberry.mutation(description="Mark your notifications read (all when no ids are given).")
    async def mark_notifications_read(
        self, info: Info, input: MarkNotificationsReadInput
    ) -> MarkNotificationsReadPayload:
        async def action(sc: ServiceContext) -> tuple[int, int]:
            ids = [decode_id(i, "Notification", "ids") for i in input.ids] if input.ids else None
            marked = await notification_service.mark_read(sc, ids=ids)
            return marked, await notification_service.unread_count(sc)

        result, errors = await run_mutation(info, action)
        if result is None:
            return MarkNotificationsReadPayload(errors=errors)
        return MarkNotificationsReadPayload(marked=result[0], unread_count=result[1])
