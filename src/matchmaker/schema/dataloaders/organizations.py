"""Batch functions for organizations and social workers.

Each returns rows only when the request's caller may read them, so a nested path (a grant's
organization, a worker's organizations, an organization's staff) never reaches beyond the
caller's scope.
"""

from __future__ import annotations

from collections.abc import Sequence

from matchmaker.models import Organization, Region, SocialWorker
from matchmaker.schema.context import Context
from matchmaker.services import organizations as org_service
from matchmaker.services import social_workers as worker_service
from matchmaker.services.social_workers import Invitation


async def organization_by_id(ctx: Context, keys: Sequence[int]) -> list[Organization | None]:
    found = await org_service.readable_by_ids(ctx.service, keys)
    return [found.get(k) for k in keys]


async def staff_count_by_organization(ctx: Context, keys: Sequence[int]) -> list[int]:
    """One grouped COUNT for every organization on the page."""
    counts = await org_service.staff_counts(ctx.session, keys)
    return [counts.get(k, 0) for k in keys]


async def service_regions_by_organization(ctx: Context, keys: Sequence[int]) -> list[list[Region]]:
    found = await org_service.service_regions_of(ctx.session, keys)
    return [found.get(k, []) for k in keys]


async def active_staff_by_organization(
    ctx: Context, keys: Sequence[int]
) -> list[list[SocialWorker]]:
    found = await worker_service.readable_staff(
        ctx.actor, ctx.session, keys, include_inactive=False
    )
    return [found.get(k, []) for k in keys]


async def all_staff_by_organization(ctx: Context, keys: Sequence[int]) -> list[list[SocialWorker]]:
    found = await worker_service.readable_staff(ctx.actor, ctx.session, keys, include_inactive=True)
    return [found.get(k, []) for k in keys]


async def organization_ids_by_worker(ctx: Context, keys: Sequence[int]) -> list[list[int]]:
    found = await worker_service.organization_ids_of(ctx.session, keys)
    return [found.get(k, []) for k in keys]


async def staff_invitations_by_organization(
    ctx: Context, keys: Sequence[int]
) -> list[list[Invitation]]:
    found = await worker_service.pending_invitations_by_organization(ctx.actor, ctx.session, keys)
    return [found.get(k, []) for k in keys]
