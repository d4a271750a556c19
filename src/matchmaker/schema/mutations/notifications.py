from __future__ import annotations

import strawberry

from matchmaker.schema.context import Info
from matchmaker.schema.errors import Payload, mutate
from matchmaker.schema.relay import gids
from matchmaker.services import notifications as notification_service
from matchmaker.services.context import ServiceContext


@strawberry.input
class MarkNotificationsReadInput:
    ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Notifications to mark; null or empty marks all of yours."
    )


@strawberry.type
class MarkNotificationsReadPayload(Payload):
    marked: int = strawberry.field(default=0, description="How many were newly marked read.")
    unread_count: int = 0

    @classmethod
    async def of(cls, info: Info, counts: tuple[int, int]) -> MarkNotificationsReadPayload:
        marked, unread_count = counts
        return cls(marked=marked, unread_count=unread_count)


@strawberry.type
class NotificationMutations:
    @strawberry.mutation(description="Mark your notifications read (all when no ids are given).")
    async def mark_notifications_read(
        self, info: Info, input: MarkNotificationsReadInput
    ) -> MarkNotificationsReadPayload:
        async def action(sc: ServiceContext) -> tuple[int, int]:
            ids = gids(input.ids, "Notification", "ids") if input.ids else None
            marked = await notification_service.mark_read(sc, ids=ids)
            return marked, await notification_service.unread_count(sc)

        return await mutate(info, MarkNotificationsReadPayload, action)
