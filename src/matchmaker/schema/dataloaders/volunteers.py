"""Batch loads for volunteers and teams. Each one filters by the caller's scope in its query."""

from __future__ import annotations

from collections.abc import Sequence

from matchmaker.models import Volunteer, VolunteerTeam
from matchmaker.schema.context import Context
from matchmaker.services import volunteer_teams as team_service
from matchmaker.services import volunteers as volunteer_service


async def phone_by_account(ctx: Context, keys: Sequence[int]) -> list[str | None]:
    """Account phones; the Volunteer type decides whether to show or mask them."""
    phones = await volunteer_service.phones_of(ctx.session, keys)
    return [phones.get(k) for k in keys]


async def teams_by_volunteer(ctx: Context, keys: Sequence[int]) -> list[list[VolunteerTeam]]:
    found = await team_service.teams_of_volunteers(ctx.service, keys)
    return [found.get(k, []) for k in keys]


async def members_by_team(ctx: Context, keys: Sequence[int]) -> list[list[Volunteer]]:
    found = await team_service.members_of(ctx.service, keys)
    return [found.get(k, []) for k in keys]


async def member_count_by_team(ctx: Context, keys: Sequence[int]) -> list[int]:
    found = await team_service.member_counts(ctx.service, keys)
    return [found.get(k, 0) for k in keys]


async def invitations_by_team(
    ctx: Context, keys: Sequence[int]
) -> list[list[team_service.MembershipView]]:
    """Open and declined invitations, for the team's managers only."""
    found = await team_service.invitations_of(ctx.service, keys)
    return [found.get(k, []) for k in keys]


async def join_code_by_team(ctx: Context, keys: Sequence[int]) -> list[str | None]:
    """Join codes, for the team's managers only."""
    found = await team_service.join_codes_of(ctx.service, keys)
    return [found.get(k) for k in keys]
