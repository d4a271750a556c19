from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from matchmaker.models import Region
from matchmaker.schema.context import Context


async def region_by_id(ctx: Context, keys: Sequence[int]) -> list[Region | None]:
    """Regions are public reference data: no scope filter."""
    rows = await ctx.session.scalars(select(Region).where(Region.id.in_(set(keys))))
    by_id = {r.id: r for r in rows}
    return [by_id.get(k) for k in keys]
