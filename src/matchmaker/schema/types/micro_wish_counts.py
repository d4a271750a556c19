"""Counting micro-wishes (docs/micro_wishes.md, Counting)."""

from __future__ import annotations

import strawberry

from matchmaker.schema.context import Info
from matchmaker.schema.types.region import Region, load_region
from matchmaker.services import micro_wish_counts as service


def _hours(minutes: float | None) -> float | None:
    return None if minutes is None else round(minutes / 60, 2)


@strawberry.type(
    description="Wishes recorded in a month (Beijing time) in a community, or in the whole "
    "area (`region` null), and what became of them."
)
class MicroWishCountRow:
    month: str | None = strawberry.field(description="YYYY-MM; null for every month.")
    recorded: int
    claimed: int = strawberry.field(description="Claimed (and still held, fulfilled or confirmed).")
    fulfilled: int = strawberry.field(description="Reported fulfilled (confirmed or not).")
    confirmed: int
    share_confirmed: float | None = strawberry.field(
        description="confirmed / recorded (0–1); null when nothing was recorded."
    )
    median_hours_to_claim: float | None = strawberry.field(
        description="From recording to the (last) claim."
    )
    median_hours_to_fulfil: float | None = strawberry.field(
        description="From the claim to the fulfilment report."
    )
    region_pk: strawberry.Private[int | None]

    @classmethod
    def of(cls, row: service.WishCounts) -> MicroWishCountRow:
        return cls(
            month=row.month,
            recorded=row.recorded,
            claimed=row.claimed,
            fulfilled=row.fulfilled,
            confirmed=row.confirmed,
            share_confirmed=None if row.share_confirmed is None else round(row.share_confirmed, 4),
            median_hours_to_claim=_hours(row.median_minutes_to_claim),
            median_hours_to_fulfil=_hours(row.median_minutes_to_fulfil),
            region_pk=row.region_id,
        )

    @strawberry.field(description="The community; null for the whole area.")
    async def region(self, info: Info) -> Region | None:
        if self.region_pk is None:
            return None
        return await load_region(info, self.region_pk)


@strawberry.type(description="Micro-wish figures of an area: in total, by month, by community.")
class MicroWishCounts:
    total: MicroWishCountRow
    months: list[MicroWishCountRow]
    communities: list[MicroWishCountRow] = strawberry.field(
        description="By community and month, oldest month first."
    )

    @classmethod
    def of(cls, report: service.CountsReport) -> MicroWishCounts:
        return cls(
            total=MicroWishCountRow.of(report.total),
            months=[MicroWishCountRow.of(r) for r in report.months],
            communities=[MicroWishCountRow.of(r) for r in report.communities],
        )
