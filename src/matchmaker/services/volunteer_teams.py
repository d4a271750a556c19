"""Volunteer service teams (志愿服务队) of a community or an organization, and their members.

Who manages a team depends on whom it belongs to: a community team (no organization) is managed
by community staff whose region subtree holds the team's region; an organization's team by that
organization's admins (community staff can read it, not run it); platform admins manage all.
Reading follows TEAM_READ: the region subtree, the organization, or the teams one is a member of.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, or_, select, true
from sqlalchemy.orm import aliased

from matchmaker.models import Organization, Region, TeamMembership, Volunteer, VolunteerTeam
from matchmaker.models.enums import RegionLevel
from matchmaker.services import audit
from matchmaker.services.authz import Capability, Scope, require
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import DomainError, ErrorCode, invalid, not_found
from matchmaker.services.validation import check_text_filter

TEAM_LEVELS = (RegionLevel.STREET, RegionLevel.COMMUNITY, RegionLevel.GRID)
TEAM_FIELDS = ("name", "region_id", "organization_id", "description", "is_active")
MAX_NAME = 100
MAX_DESCRIPTION = 2000


def _team_region_path() -> Any:
    """The team's region path, correlated to the team only (the outer query may join Region)."""
    region = aliased(Region)
    return (
        select(region.path)
        .where(region.id == VolunteerTeam.region_id)
        .correlate(VolunteerTeam)
        .scalar_subquery()
    )


def _member_clause(scope: Scope) -> ColumnElement[bool]:
    """Teams the caller (as a volunteer) belongs to."""
    if scope.self_account_id is None:
        return false()
    return exists(
        select(TeamMembership.id)
        .join(Volunteer, Volunteer.id == TeamMembership.volunteer_id)
        .where(
            TeamMembership.team_id == VolunteerTeam.id,
            Volunteer.account_id == scope.self_account_id,
        )
    )


def readable_clause(scope: Scope) -> ColumnElement[bool]:
    if scope.unrestricted:
        return true()
    return or_(
        scope.region_clause(_team_region_path()),
        scope.organization_clause(VolunteerTeam.organization_id),  # type: ignore[arg-type]
        _member_clause(scope),
    )


def readable_teams(scope: Scope) -> Select[Any]:
    return select(VolunteerTeam).where(readable_clause(scope))


def manageable_clause(scope: Scope) -> ColumnElement[bool]:
    if scope.unrestricted:
        return true()
    return or_(
        and_(
            VolunteerTeam.organization_id.is_(None),
            scope.region_clause(_team_region_path()),
        ),
        scope.organization_clause(VolunteerTeam.organization_id),  # type: ignore[arg-type]
    )


def teams_statement(
    sc: ServiceContext,
    *,
    under_path: str | None = None,
    organization_id: int | None = None,
    text: str | None = None,
    is_active: bool | None = None,
) -> Select[Any]:
    stmt = readable_teams(require(sc.actor, Capability.TEAM_READ))
    if under_path is not None:
        stmt = stmt.where(_team_region_path().startswith(under_path, autoescape=True))
    if organization_id is not None:
        stmt = stmt.where(VolunteerTeam.organization_id == organization_id)
    if is_active is not None:
        stmt = stmt.where(VolunteerTeam.is_active.is_(is_active))
    check_text_filter(text)
    if text and text.strip():
        stmt = stmt.where(VolunteerTeam.name.contains(text.strip(), autoescape=True))
    return stmt


async def get_readable(sc: ServiceContext, team_id: int) -> VolunteerTeam:
    scope = require(sc.actor, Capability.TEAM_READ)
    row: VolunteerTeam | None = await sc.session.scalar(
        readable_teams(scope).where(VolunteerTeam.id == team_id)
    )
    if row is None:
        raise not_found("Volunteer team")
    return row


async def _manageable(sc: ServiceContext, team_id: int) -> tuple[VolunteerTeam, str]:
    scope = require(sc.actor, Capability.TEAM_MANAGE)
    row = (
        await sc.session.execute(
            select(VolunteerTeam, Region.path)
            .join(Region, Region.id == VolunteerTeam.region_id)
            .where(VolunteerTeam.id == team_id, manageable_clause(scope))
        )
    ).first()
    if row is None:
        raise not_found("Volunteer team")
    return row[0], row[1]


def _clean_name(name: str) -> str:
    name = name.strip()
    if not 1 <= len(name) <= MAX_NAME:
        raise invalid("name", f"Team name must be 1 to {MAX_NAME} characters")
    return name


def _clean_description(description: str) -> str:
    description = description.strip()
    if len(description) > MAX_DESCRIPTION:
        raise invalid("description", f"Description is at most {MAX_DESCRIPTION} characters")
    return description


async def _check_name_free(
    sc: ServiceContext, *, region_id: int, name: str, team_id: int | None = None
) -> None:
    stmt = select(VolunteerTeam.id).where(
        VolunteerTeam.region_id == region_id, VolunteerTeam.name == name
    )
    if team_id is not None:
        stmt = stmt.where(VolunteerTeam.id != team_id)
    if await sc.session.scalar(stmt):
        raise invalid("name", "A team of this name exists in the region", ErrorCode.CONFLICT)


async def create_team(
    sc: ServiceContext,
    *,
    name: str,
    region_id: int,
    organization_id: int | None = None,
    description: str = "",
) -> VolunteerTeam:
    scope = require(sc.actor, Capability.TEAM_MANAGE)
    name = _clean_name(name)
    description = _clean_description(description)
    region = await sc.session.get(Region, region_id)
    if region is None:
        raise invalid("regionId", "Region not found", ErrorCode.NOT_FOUND)
    if region.level not in TEAM_LEVELS:
        raise invalid("regionId", "A team belongs to a street, a community or a grid")
    if organization_id is not None:
        if not scope.covers_organization(organization_id):
            raise not_found("Organization")
        if await sc.session.get(Organization, organization_id) is None:
            raise not_found("Organization")
    elif not (scope.unrestricted or (scope.region_paths and scope.covers_region(region.path))):
        raise DomainError(
            ErrorCode.FORBIDDEN, "You can create teams only in your own region", "regionId"
        )
    await _check_name_free(sc, region_id=region.id, name=name)
    team = VolunteerTeam(
        name=name,
        region_id=region.id,
        organization_id=organization_id,
        description=description,
        is_active=True,
    )
    sc.session.add(team)
    await sc.session.flush()
    await audit.record(
        sc,
        action="volunteer_team.create",
        subject_type="VolunteerTeam",
        subject_id=team.id,
        after=audit.snapshot(team, TEAM_FIELDS),
        region_path=region.path,
    )
    return team


def _check_version(team: VolunteerTeam, version: int) -> None:
    if team.version != version:
        raise DomainError(
            ErrorCode.STALE_VERSION, "The team was changed by someone else", "version"
        )


async def update_team(
    sc: ServiceContext,
    *,
    team_id: int,
    version: int,
    name: str | None = None,
    description: str | None = None,
) -> VolunteerTeam:
    team, path = await _manageable(sc, team_id)
    _check_version(team, version)
    before = audit.snapshot(team, TEAM_FIELDS)
    if name is not None:
        cleaned = _clean_name(name)
        await _check_name_free(sc, region_id=team.region_id, name=cleaned, team_id=team.id)
        team.name = cleaned
    if description is not None:
        team.description = _clean_description(description)
    await sc.session.flush()
    await audit.record(
        sc,
        action="volunteer_team.update",
        subject_type="VolunteerTeam",
        subject_id=team.id,
        before=before,
        after=audit.snapshot(team, TEAM_FIELDS),
        region_path=path,
    )
    return team


async def set_team_active(
    sc: ServiceContext, *, team_id: int, active: bool, version: int | None = None
) -> VolunteerTeam:
    team, path = await _manageable(sc, team_id)
    if version is not None:
        _check_version(team, version)
    if team.is_active is active:
        return team
    before = audit.snapshot(team, TEAM_FIELDS)
    team.is_active = active
    await sc.session.flush()
    await audit.record(
        sc,
        action="volunteer_team.activate" if active else "volunteer_team.deactivate",
        subject_type="VolunteerTeam",
        subject_id=team.id,
        before=before,
        after=audit.snapshot(team, TEAM_FIELDS),
        region_path=path,
    )
    return team


async def _volunteer_for_membership(
    sc: ServiceContext, *, volunteer_id: int | None, volunteer_number: str | None
) -> Volunteer:
    """The volunteer to add, by id or by public number.

    Managers such as org admins can't browse volunteers (no VOLUNTEER_READ); a volunteer tells
    them their public number. Missing and inactive answer alike, so numbers can't be probed
    for status.
    """
    if (volunteer_id is None) == (volunteer_number is None):
        raise invalid("volunteerId", "Give a volunteer id or a volunteer number")
    stmt = select(Volunteer)
    if volunteer_id is not None:
        stmt = stmt.where(Volunteer.id == volunteer_id)
    else:
        assert volunteer_number is not None
        stmt = stmt.where(Volunteer.volunteer_number == volunteer_number.strip().upper())
    volunteer = await sc.session.scalar(stmt)
    if volunteer is None or not volunteer.is_active:
        raise not_found("Volunteer")
    return volunteer


async def add_member(
    sc: ServiceContext,
    *,
    team_id: int,
    volunteer_id: int | None = None,
    volunteer_number: str | None = None,
) -> VolunteerTeam:
    team, path = await _manageable(sc, team_id)
    if not team.is_active:
        raise DomainError(ErrorCode.CONFLICT, "The team is inactive", "teamId")
    volunteer = await _volunteer_for_membership(
        sc, volunteer_id=volunteer_id, volunteer_number=volunteer_number
    )
    already = await sc.session.scalar(
        select(TeamMembership.id).where(
            TeamMembership.team_id == team.id, TeamMembership.volunteer_id == volunteer.id
        )
    )
    if already:
        raise DomainError(
            ErrorCode.ALREADY_MEMBER, "The volunteer is a member already", "volunteerId"
        )
    membership = TeamMembership(team_id=team.id, volunteer_id=volunteer.id)
    sc.session.add(membership)
    await sc.session.flush()
    await audit.record(
        sc,
        action="volunteer_team.add_member",
        subject_type="VolunteerTeam",
        subject_id=team.id,
        after={"volunteer_number": volunteer.volunteer_number},
        region_path=path,
    )
    return team


async def remove_member(
    sc: ServiceContext,
    *,
    team_id: int,
    volunteer_id: int | None = None,
    volunteer_number: str | None = None,
) -> VolunteerTeam:
    team, path = await _manageable(sc, team_id)
    if (volunteer_id is None) == (volunteer_number is None):
        raise invalid("volunteerId", "Give a volunteer id or a volunteer number")
    stmt = (
        select(TeamMembership, Volunteer.volunteer_number)
        .join(Volunteer, Volunteer.id == TeamMembership.volunteer_id)
        .where(TeamMembership.team_id == team.id)
    )
    if volunteer_id is not None:
        stmt = stmt.where(Volunteer.id == volunteer_id)
    else:
        assert volunteer_number is not None
        stmt = stmt.where(Volunteer.volunteer_number == volunteer_number.strip().upper())
    row = (await sc.session.execute(stmt)).first()
    if row is None:
        raise not_found("Team member")
    membership, number = row
    await sc.session.delete(membership)
    await sc.session.flush()
    await audit.record(
        sc,
        action="volunteer_team.remove_member",
        subject_type="VolunteerTeam",
        subject_id=team.id,
        before={"volunteer_number": number},
        region_path=path,
    )
    return team


# --- batch reads for the API ----------------------------------------------------------------------


async def members_of(sc: ServiceContext, team_ids: Sequence[int]) -> dict[int, list[Volunteer]]:
    """Members of each team the caller may read (others map to nothing), by join order."""
    scope = require(sc.actor, Capability.TEAM_READ)
    rows = await sc.session.execute(
        select(TeamMembership.team_id, Volunteer)
        .join(Volunteer, Volunteer.id == TeamMembership.volunteer_id)
        .join(VolunteerTeam, VolunteerTeam.id == TeamMembership.team_id)
        .where(TeamMembership.team_id.in_(set(team_ids)), readable_clause(scope))
        .order_by(TeamMembership.id)
    )
    found: dict[int, list[Volunteer]] = {}
    for team_id, volunteer in rows:
        found.setdefault(team_id, []).append(volunteer)
    return found


async def member_counts(sc: ServiceContext, team_ids: Sequence[int]) -> dict[int, int]:
    scope = require(sc.actor, Capability.TEAM_READ)
    rows = await sc.session.execute(
        select(TeamMembership.team_id, func.count())
        .join(VolunteerTeam, VolunteerTeam.id == TeamMembership.team_id)
        .where(TeamMembership.team_id.in_(set(team_ids)), readable_clause(scope))
        .group_by(TeamMembership.team_id)
    )
    return {team_id: count for team_id, count in rows}


async def teams_of_volunteers(
    sc: ServiceContext, volunteer_ids: Sequence[int]
) -> dict[int, list[VolunteerTeam]]:
    """The teams of each volunteer, limited to the teams the caller may read."""
    scope = sc.actor.scope(Capability.TEAM_READ)
    if scope.is_empty:
        return {}
    rows = await sc.session.execute(
        select(TeamMembership.volunteer_id, VolunteerTeam)
        .join(VolunteerTeam, VolunteerTeam.id == TeamMembership.team_id)
        .where(TeamMembership.volunteer_id.in_(set(volunteer_ids)), readable_clause(scope))
        .order_by(VolunteerTeam.id)
    )
    found: dict[int, list[VolunteerTeam]] = {}
    for volunteer_id, team in rows:
        found.setdefault(volunteer_id, []).append(team)
    return found
