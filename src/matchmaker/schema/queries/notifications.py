from __future__ import annotations

import strawberry

from matchmaker.models import Notification as NotificationRow
from matchmaker.schema.context import Info
from matchmaker.schema.relay import Connection, connection
from matchmaker.schema.types.notification import Notification
from matchmaker.services import notifications as notification_service
from matchmaker.services.pagination import paginate


@strawberry.type
class NotificationQueries:
    @strawberry.field(description="The logged-in account's notifications, newest first.")
    async def my_notifications(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        unread_only: bool = False,
    ) -> Connection[Notification]:
        ctx = info.context
        stmt = notification_service.my_notifications_statement(ctx.service, unread_only=unread_only)
        page = await paginate(
            ctx.session, stmt, NotificationRow.id, first=first, after=after, descending=True
        )
        return connection(page, Notification.from_row)

    @strawberry.field(description="How many of the logged-in account's notifications are unread.")
    async def unread_notification_count(self, info: Info) -> int:
        return await notification_service.unread_count(info.context.service)
