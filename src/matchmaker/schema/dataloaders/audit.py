"""Batch functions for the audit log page: each event's actor and region name.

They are only reached through events the caller may read (``services.audit``'s scope), so they
add no scope of their own.
"""

from __future__ import annotations

from collections.abc import Sequence

from matchmaker.schema.context import Context
from matchmaker.services import audit as audit_service
from matchmaker.services.audit import EventActor


async def event_actor_by_id(ctx: Context, keys: Sequence[int]) -> list[EventActor | None]:
    found = await audit_service.actors_by_id(ctx.session, keys)
    return [found.get(k) for k in keys]


async def region_name_by_path(ctx: Context, keys: Sequence[str]) -> list[str | None]:
    found = await audit_service.region_names_by_path(ctx.session, keys)
    return [found.get(k) for k in keys]
