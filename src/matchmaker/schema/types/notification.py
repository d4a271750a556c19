from __future__ import annotations

import datetime as dt
from typing import Self, cast

import strawberry
from strawberry.scalars import JSON

from matchmaker import models
from matchmaker.schema.context import Info
from matchmaker.schema.relay import Node, node_resolver, to_global_id
from matchmaker.services import notifications as notification_service


@strawberry.type(description="An in-app message to the logged-in account.")
class Notification(Node):
    kind: str = strawberry.field(
        description="Stable code the front end translates, e.g. `bids.opened`."
    )
    code: str = strawberry.field(
        description=(
            "The message's code (the same as `kind`): clients render the catalogue entry "
            "`notifications.<code>` with `params`, in the reader's language, and show "
            "`title`/`body` (Chinese) for a code they do not know (docs/architecture.md)."
        )
    )
    params: JSON = strawberry.field(
        description="The values the code's message is rendered with: an object of strings "
        "and numbers (timestamps as ISO 8601)."
    )
    title: str = strawberry.field(description="The message in Chinese (exports, logs).")
    body: str
    subject_type: str | None
    subject_pk: strawberry.Private[int | None]
    created_at: dt.datetime
    read_at: dt.datetime | None

    @strawberry.field(description="Global id of the record the message is about, if any.")
    def subject_id(self) -> strawberry.ID | None:
        if self.subject_type is None or self.subject_pk is None:
            return None
        return strawberry.ID(to_global_id(self.subject_type, self.subject_pk))

    @strawberry.field
    def is_read(self) -> bool:
        return self.read_at is not None

    @classmethod
    def from_row(cls, row: models.Notification) -> Self:
        return cls(
            pk=row.id,
            kind=row.kind,
            code=row.kind,
            params=cast(JSON, row.params or {}),
            title=row.title,
            body=row.body,
            subject_type=row.subject_type,
            subject_pk=row.subject_id,
            created_at=row.created_at,
            read_at=row.read_at,
        )


@node_resolver("Notification")
async def resolve_notification(info: Info, pk: int) -> Notification | None:
    row = await notification_service.get_mine(info.context.service, pk)
    return Notification.from_row(row) if row else None
