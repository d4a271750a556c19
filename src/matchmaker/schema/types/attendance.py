from __future__ import annotations

import datetime as dt
from typing import Self

import strawberry

from matchmaker import models
from matchmaker.schema.types.volunteering_enums import CheckoutBy


@strawberry.type(description="A check-in and check-out on one shift.")
class Attendance:
    id: strawberry.ID
    checked_in_at: dt.datetime
    checked_out_at: dt.datetime | None
    checkout_by: CheckoutBy | None

    @classmethod
    def from_row(cls, row: models.Attendance) -> Self:
        from matchmaker.schema.relay import to_global_id

        return cls(
            id=strawberry.ID(to_global_id("Attendance", row.id)),
            checked_in_at=row.checked_in_at,
            checked_out_at=row.checked_out_at,
            checkout_by=row.checkout_by,
        )
