"""Batch loaders for volunteering types. Activities and shifts are public notices; everything
personal is loaded through the services' scoped statements."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select

from matchmaker.models import Activity, Region, ServiceRecord, Shift, Signup, Volunteer
from matchmaker.schema.context import Context
from matchmaker.services import signups as signup_service


async def activity_by_id(ctx: Context, keys: Sequence[int]) -> list[Activity | None]:
    rows = await ctx.session.scalars(select(Activity).where(Activity.id.in_(set(keys))))
    by_id = {r.id: r for r in rows}
    return [by_id.get(k) for k in keys]


async def shift_by_id(ctx: Context, keys: Sequence[int]) -> list[Shift | None]:
    rows = await ctx.session.scalars(select(Shift).where(Shift.id.in_(set(keys))))
    by_id = {r.id: r for r in rows}
    return [by_id.get(k) for k in keys]


async def shifts_by_activity(ctx: Context, keys: Sequence[int]) -> list[list[Shift]]:
    rows = await ctx.session.scalars(
        select(Shift).where(Shift.activity_id.in_(set(keys))).order_by(Shift.starts_at, Shift.id)
    )
    grouped: dict[int, list[Shift]] = defaultdict(list)
    for row in rows:
        grouped[row.activity_id].append(row)
    return [grouped.get(k, []) for k in keys]


async def my_signup_by_shift(ctx: Context, keys: Sequence[int]) -> list[Signup | None]:
    """The caller's own signup on each shift (None when anonymous or not signed up)."""
    if ctx.actor.account_id is None:
        return [None for _ in keys]
    rows = await ctx.session.scalars(
        signup_service.my_signup_for_shifts_statement(ctx.actor.account_id, list(set(keys)))
    )
    by_shift = {r.shift_id: r for r in rows}
    return [by_shift.get(k) for k in keys]


async def volunteer_brief_by_id(
    ctx: Context, keys: Sequence[int]
) -> list[tuple[int, str, str, str | None] | None]:
    """(account id, real name, volunteer number, home region path) per volunteer; callers
    apply the PIPL disclosure policy to the name."""
    rows = await ctx.session.execute(
        select(
            Volunteer.id,
            Volunteer.account_id,
            Volunteer.real_name,
            Volunteer.volunteer_number,
            Region.path,
        )
        .outerjoin(Region, Region.id == Volunteer.home_region_id)
        .where(Volunteer.id.in_(set(keys)))
    )
    by_id = {r[0]: (r[1], r[2], r[3], r[4]) for r in rows}
    return [by_id.get(k) for k in keys]


async def record_by_id(ctx: Context, keys: Sequence[int]) -> list[ServiceRecord | None]:
    """Service records the caller may read (scope filter in SQL)."""
    from matchmaker.services import hours as hours_service

    rows = await ctx.session.scalars(
        hours_service.readable(ctx.service).where(ServiceRecord.id.in_(set(keys)))
    )
    by_id = {r.id: r for r in rows}
    return [by_id.get(k) for k in keys]
