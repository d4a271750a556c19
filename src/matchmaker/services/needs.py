"""Residents' needs (居民需求), recorded by community staff; projects cite them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from matchmaker.models import Need, Region
from matchmaker.models.enums import RegionLevel, ServiceCategory
from matchmaker.services import audit
from matchmaker.services.authz import Capability, require
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import ErrorCode, invalid

NEED_FIELDS = Need.AUDITED


async def record_need(
    sc: ServiceContext,
    *,
    region_id: int,
    category: ServiceCategory,
    target_group: str,
    description: str,
    people_affected: int,
) -> Need:
    """Record a need for a community in the caller's scope (community staff)."""
    scope = require(sc.actor, Capability.NEED_MANAGE)
    region = await sc.session.scalar(
        select(Region).where(Region.id == region_id, scope.region_clause(Region.path))
    )
    if region is None:
        raise invalid("regionId", "Community not found in your scope", ErrorCode.NOT_FOUND)
    if region.level is not RegionLevel.COMMUNITY:
        raise invalid("regionId", "Needs are recorded for a community")
    target_group = target_group.strip()
    description = description.strip()
    if not 1 <= len(target_group) <= 100:
        raise invalid("targetGroup", "The target group is 1 to 100 characters")
    if not 1 <= len(description) <= 5000:
        raise invalid("description", "The description is 1 to 5000 characters")
    if not 1 <= people_affected <= 10_000_000:
        raise invalid("peopleAffected", "At least one person is affected")
    need = Need(
        region_id=region.id,
        category=category,
        target_group=target_group,
        description=description,
        people_affected=people_affected,
        created_by_id=sc.actor.account_id,
    )
    sc.session.add(need)
    await sc.session.flush()
    await audit.record(
        sc,
        action="need.record",
        subject_type="Need",
        subject_id=need.id,
        after=audit.snapshot(need, NEED_FIELDS),
        region_path=region.path,
    )
    return need


def needs_statement(
    sc: ServiceContext,
    *,
    region_id: int | None = None,
    category: ServiceCategory | None = None,
) -> Select[Any]:
    scope = require(sc.actor, Capability.NEED_READ)
    stmt = select(Need).where(
        Need.region_id.in_(select(Region.id).where(scope.region_clause(Region.path)))
    )
    if region_id is not None:
        stmt = stmt.where(Need.region_id == region_id)
    if category is not None:
        stmt = stmt.where(Need.category == category)
    return stmt


async def get_readable(sc: ServiceContext, need_id: int) -> Need | None:
    if sc.actor.scope(Capability.NEED_READ).is_empty:
        return None
    need: Need | None = await sc.session.scalar(needs_statement(sc).where(Need.id == need_id))
    return need
