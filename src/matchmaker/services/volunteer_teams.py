"""Volunteer service teams (志愿服务队) of a community or an organization, and their members.

Who manages a team depends on whom it belongs to: a community team (no organization) is managed
by community staff whose region subtree holds the team's region; an organization's team by that
organization's admins (community staff can read it, not run it); platform admins manage all.
Reading follows TEAM_READ: the region subtree, the organization, or the teams one is a member of.

Membership needs the volunteer's consent: a manager invites by the public volunteer number and
the volunteer accepts, or the volunteer joins with the team's code. Until then the team sees
the number typed and the invitation's status, nothing of the profile; only ACTIVE members are
listed (docs/volunteering.md, Volunteer teams).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, or_, select, true
from sqlalchemy.orm import aliased

from matchmaker import clock
from matchmaker.models import Organization, Region, TeamMembership, Volunteer, VolunteerTeam
from matchmaker.models.enums import RegionLevel
from matchmaker.models.volunteers import TeamMembershipStatus
from matchmaker.services import audit, notifications
from matchmaker.services.activities import my_volunteer
from matchmaker.services.authz import Capability, Scope, require
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import DomainError, ErrorCode, invalid, not_found
from matchmaker.services.validation import check_text_filter

TEAM_LEVELS = (RegionLevel.STREET, RegionLevel.COMMUNITY, RegionLevel.GRID)
TEAM_FIELDS = VolunteerTeam.AUDITED
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
    """Teams the caller (as a volunteer) is an ACTIVE member of."""
    if scope.self_account_id is None:
        return false()
    return exists(
        select(TeamMembership.id)
        .join(Volunteer, Volunteer.id == TeamMembership.volunteer_id)
        .where(
            TeamMembership.team_id == VolunteerTeam.id,
            TeamMembership.status == TeamMembershipStatus.ACTIVE,
            Volunteer.account_id == scope.self_account_id,
        )
    )


def scope_clause(scope: Scope) -> ColumnElement[bool]:
    if scope.unrestricted:
        return true()
    return or_(
        scope.region_clause(_team_region_path()),
        scope.organization_clause(VolunteerTeam.organization_id),  # type: ignore[arg-type]
        _member_clause(scope),
    )


def readable(sc: ServiceContext) -> Select[VolunteerTeam]:
    """Every team the caller may read (TEAM_READ), unfiltered."""
    return select(VolunteerTeam).where(scope_clause(require(sc.actor, Capability.TEAM_READ)))


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
    stmt: Select[Any] = readable(sc)
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


async def get_readable(sc: ServiceContext, team_id: int) -> VolunteerTeam | None:
    """One team the caller may read, or None (missing and out of scope look the same)."""
    row: VolunteerTeam | None = await sc.session.scalar(
        readable(sc).where(VolunteerTeam.id == team_id)
    )
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
        join_code=new_join_code(),
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


# --- membership: an invitation the volunteer accepts, or a join by the team's code -------------

JOIN_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read out loud safely
JOIN_CODE_LENGTH = 10  # 31^10 ≈ 8 × 10^14 codes: not guessable by trying
#: Open invitations a team may have at once: walking through volunteer numbers to notify
#: strangers in bulk stops here (answers, withdrawals and the join code free places).
MAX_OPEN_INVITATIONS = 100


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def _normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def can_manage(scope: Scope, team: VolunteerTeam, region_path: str) -> bool:
    """Python twin of ``manageable_clause`` for one loaded team."""
    if scope.unrestricted:
        return True
    if team.organization_id is None:
        return bool(scope.region_paths) and scope.covers_region(region_path)
    return scope.covers_organization(team.organization_id)


async def _audit_membership(
    sc: ServiceContext,
    action: str,
    team: VolunteerTeam,
    membership: TeamMembership,
    number: str,
    before: TeamMembershipStatus | None,
) -> None:
    path = await sc.session.scalar(select(Region.path).where(Region.id == team.region_id))
    await audit.record(
        sc,
        action=action,
        subject_type="VolunteerTeam",
        subject_id=team.id,
        before=None if before is None else {"volunteer_number": number, "status": before.value},
        after={"volunteer_number": number, "status": membership.status.value},
        region_path=path,
    )


async def invite_member(
    sc: ServiceContext, *, team_id: int, volunteer_number: str
) -> tuple[TeamMembership, str]:
    """Invite a volunteer by their public number; they accept or decline.

    Nothing about the volunteer is shown to the team until they accept: the answer carries the
    number typed and the invitation's status. An unknown number, a deactivated volunteer and one
    who asked not to be invited (``recommendable`` off) all answer NOT_FOUND alike.
    """
    team, _ = await _manageable(sc, team_id)
    if not team.is_active:
        raise DomainError(ErrorCode.CONFLICT, "The team is inactive", "teamId")
    number = volunteer_number.strip().upper()
    volunteer = await sc.session.scalar(
        select(Volunteer).where(Volunteer.volunteer_number == number)
    )
    if volunteer is None or not volunteer.is_active or not volunteer.recommendable:
        raise invalid("volunteerNumber", "No volunteer with this number", ErrorCode.NOT_FOUND)
    membership = await sc.session.scalar(
        select(TeamMembership).where(
            TeamMembership.team_id == team.id, TeamMembership.volunteer_id == volunteer.id
        )
    )
    before = membership.status if membership is not None else None
    if before is TeamMembershipStatus.ACTIVE:
        raise DomainError(
            ErrorCode.ALREADY_MEMBER, "The volunteer is a member already", "volunteerNumber"
        )
    if membership is not None and before is TeamMembershipStatus.INVITED:
        return membership, number  # invited already: the same answer, nothing new
    if before is TeamMembershipStatus.DECLINED:
        # No pestering: after a refusal the volunteer comes back by the team's code, if at all.
        raise DomainError(
            ErrorCode.INVALID_STATE,
            "The volunteer declined this team's invitation; they may join with the team's code",
            "volunteerNumber",
        )
    open_invitations = await sc.session.scalar(
        select(func.count())
        .select_from(TeamMembership)
        .where(
            TeamMembership.team_id == team.id,
            TeamMembership.status == TeamMembershipStatus.INVITED,
        )
    )
    if (open_invitations or 0) >= MAX_OPEN_INVITATIONS:
        raise DomainError(
            ErrorCode.RATE_LIMITED,
            f"The team has {MAX_OPEN_INVITATIONS} open invitations; wait for answers or "
            "withdraw some",
            "teamId",
        )
    if membership is None:
        membership = TeamMembership(team_id=team.id, volunteer_id=volunteer.id)
        sc.session.add(membership)
    membership.status = TeamMembershipStatus.INVITED
    membership.invited_by_account_id = sc.actor.account_id
    membership.responded_at = None
    await sc.session.flush()
    await _audit_membership(sc, "volunteer_team.invite", team, membership, number, before)
    await notifications.notify(
        sc,
        [volunteer.account_id],
        code="team.invited",
        params={"team": team.name},
        text="志愿服务队邀请",
        body=f"「{team.name}」邀请您加入，请在“我的服务队”中接受或谢绝。",
        subject_type="TeamMembership",
        subject_id=membership.id,
        dedupe=f"team.invited:{membership.id}:{membership.updated_at.isoformat()}",
    )
    return membership, number


async def _my_membership(
    sc: ServiceContext, *, membership_id: int | None = None, team_id: int | None = None
) -> tuple[TeamMembership, VolunteerTeam, Volunteer]:
    volunteer = await my_volunteer(sc, lock=True)
    stmt = (
        select(TeamMembership, VolunteerTeam)
        .join(VolunteerTeam, VolunteerTeam.id == TeamMembership.team_id)
        .where(TeamMembership.volunteer_id == volunteer.id)
    )
    if membership_id is not None:
        stmt = stmt.where(TeamMembership.id == membership_id)
    if team_id is not None:
        stmt = stmt.where(TeamMembership.team_id == team_id)
    row = (await sc.session.execute(stmt)).first()
    if row is None:
        raise not_found("Team membership")
    return row[0], row[1], volunteer


async def respond_to_invitation(
    sc: ServiceContext, *, membership_id: int, accept: bool
) -> TeamMembership:
    """The invited volunteer accepts (becoming a member, visible to the team) or declines."""
    membership, team, volunteer = await _my_membership(sc, membership_id=membership_id)
    if membership.status is not TeamMembershipStatus.INVITED:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            f"This invitation is {membership.status.value.lower()}, not open",
            "membershipId",
        )
    if accept and not team.is_active:
        raise DomainError(ErrorCode.CONFLICT, "The team is inactive", "membershipId")
    before = membership.status
    membership.status = TeamMembershipStatus.ACTIVE if accept else TeamMembershipStatus.DECLINED
    membership.responded_at = clock.now()
    await sc.session.flush()
    await _audit_membership(
        sc,
        "volunteer_team.accept" if accept else "volunteer_team.decline",
        team,
        membership,
        volunteer.volunteer_number,
        before,
    )
    return membership


async def join_by_code(sc: ServiceContext, *, code: str) -> TeamMembership:
    """The volunteer joins the team whose code they were given (their consent is the act)."""
    volunteer = await my_volunteer(sc, lock=True)
    normalised = _normalise_code(code)
    team = None
    if len(normalised) == JOIN_CODE_LENGTH:
        team = await sc.session.scalar(
            select(VolunteerTeam).where(
                VolunteerTeam.join_code == normalised, VolunteerTeam.is_active.is_(True)
            )
        )
    if team is None:
        raise invalid("code", "No active team has this code", ErrorCode.NOT_FOUND)
    membership = await sc.session.scalar(
        select(TeamMembership).where(
            TeamMembership.team_id == team.id, TeamMembership.volunteer_id == volunteer.id
        )
    )
    before = membership.status if membership is not None else None
    if before is TeamMembershipStatus.ACTIVE:
        raise DomainError(ErrorCode.ALREADY_MEMBER, "You are a member already", "code")
    if membership is None:
        membership = TeamMembership(team_id=team.id, volunteer_id=volunteer.id)
        sc.session.add(membership)
    membership.status = TeamMembershipStatus.ACTIVE
    membership.responded_at = clock.now()
    await sc.session.flush()
    await _audit_membership(
        sc, "volunteer_team.join", team, membership, volunteer.volunteer_number, before
    )
    return membership


async def leave_team(sc: ServiceContext, *, team_id: int) -> TeamMembership:
    """The volunteer leaves a team: the team no longer sees their profile."""
    membership, team, volunteer = await _my_membership(sc, team_id=team_id)
    if membership.status is not TeamMembershipStatus.ACTIVE:
        raise not_found("Team membership")
    membership.status = TeamMembershipStatus.LEFT
    membership.responded_at = clock.now()
    await sc.session.flush()
    await _audit_membership(
        sc,
        "volunteer_team.leave",
        team,
        membership,
        volunteer.volunteer_number,
        TeamMembershipStatus.ACTIVE,
    )
    return membership


async def rotate_join_code(sc: ServiceContext, *, team_id: int) -> VolunteerTeam:
    """A new join code for the team; the old one stops working (e.g. it was passed around)."""
    team, path = await _manageable(sc, team_id)
    team.join_code = new_join_code()
    await sc.session.flush()
    await audit.record(
        sc,
        action="volunteer_team.rotate_join_code",
        subject_type="VolunteerTeam",
        subject_id=team.id,
        after={"join_code_rotated": True},  # the code itself stays out of the log
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
    """A manager removes a member or withdraws an invitation.

    By node id only an ACTIVE member (whose profile the manager sees); by number also an
    invitation, so a node id can't be matched to an invited number.
    """
    team, path = await _manageable(sc, team_id)
    if (volunteer_id is None) == (volunteer_number is None):
        raise invalid("volunteerId", "Give a volunteer id or a volunteer number")
    stmt = (
        select(TeamMembership, Volunteer.volunteer_number)
        .join(Volunteer, Volunteer.id == TeamMembership.volunteer_id)
        .where(TeamMembership.team_id == team.id)
    )
    if volunteer_id is not None:
        stmt = stmt.where(
            Volunteer.id == volunteer_id, TeamMembership.status == TeamMembershipStatus.ACTIVE
        )
    else:
        assert volunteer_number is not None
        stmt = stmt.where(
            Volunteer.volunteer_number == volunteer_number.strip().upper(),
            TeamMembership.status.in_((TeamMembershipStatus.ACTIVE, TeamMembershipStatus.INVITED)),
        )
    row = (await sc.session.execute(stmt)).first()
    if row is None:
        raise not_found("Team member")
    membership, number = row
    status = membership.status
    await sc.session.delete(membership)
    await sc.session.flush()
    await audit.record(
        sc,
        action="volunteer_team.remove_member",
        subject_type="VolunteerTeam",
        subject_id=team.id,
        before={"volunteer_number": number, "status": status.value},
        region_path=path,
    )
    return team


# --- batch reads for the API ----------------------------------------------------------------------


async def members_of(sc: ServiceContext, team_ids: Sequence[int]) -> dict[int, list[Volunteer]]:
    """ACTIVE members of each team the caller may read (others map to nothing), by join order.

    Invited, declined and departed volunteers are never here: their profile is shown to a team
    only with their consent (docs/volunteering.md, Volunteer teams).
    """
    scope = require(sc.actor, Capability.TEAM_READ)
    rows = await sc.session.execute(
        select(TeamMembership.team_id, Volunteer)
        .join(Volunteer, Volunteer.id == TeamMembership.volunteer_id)
        .join(VolunteerTeam, VolunteerTeam.id == TeamMembership.team_id)
        .where(
            TeamMembership.team_id.in_(set(team_ids)),
            TeamMembership.status == TeamMembershipStatus.ACTIVE,
            scope_clause(scope),
        )
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
        .where(
            TeamMembership.team_id.in_(set(team_ids)),
            TeamMembership.status == TeamMembershipStatus.ACTIVE,
            scope_clause(scope),
        )
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
        .where(
            TeamMembership.volunteer_id.in_(set(volunteer_ids)),
            TeamMembership.status == TeamMembershipStatus.ACTIVE,
            scope_clause(scope),
        )
        .order_by(VolunteerTeam.id)
    )
    found: dict[int, list[VolunteerTeam]] = {}
    for volunteer_id, team in rows:
        found.setdefault(volunteer_id, []).append(team)
    return found


@dataclass(frozen=True, slots=True)
class MembershipView:
    """A membership as its two parties see it: the volunteer's public number, never more."""

    membership: TeamMembership
    volunteer_number: str
    team: VolunteerTeam


async def invitations_of(
    sc: ServiceContext, team_ids: Sequence[int]
) -> dict[int, list[MembershipView]]:
    """Open and declined invitations of each team the caller manages (others map to nothing)."""
    scope = sc.actor.scope(Capability.TEAM_MANAGE)
    if scope.is_empty:
        return {}
    rows = await sc.session.execute(
        select(TeamMembership, Volunteer.volunteer_number, VolunteerTeam)
        .join(Volunteer, Volunteer.id == TeamMembership.volunteer_id)
        .join(VolunteerTeam, VolunteerTeam.id == TeamMembership.team_id)
        .where(
            TeamMembership.team_id.in_(set(team_ids)),
            TeamMembership.status.in_(
                (TeamMembershipStatus.INVITED, TeamMembershipStatus.DECLINED)
            ),
            manageable_clause(scope),
        )
        .order_by(TeamMembership.id)
    )
    found: dict[int, list[MembershipView]] = {}
    for membership, number, team in rows:
        found.setdefault(team.id, []).append(MembershipView(membership, number, team))
    return found


async def join_codes_of(sc: ServiceContext, team_ids: Sequence[int]) -> dict[int, str | None]:
    """The join code of each team the caller manages (others map to nothing)."""
    scope = sc.actor.scope(Capability.TEAM_MANAGE)
    if scope.is_empty:
        return {}
    rows = await sc.session.execute(
        select(VolunteerTeam.id, VolunteerTeam.join_code).where(
            VolunteerTeam.id.in_(set(team_ids)), manageable_clause(scope)
        )
    )
    return {team_id: code for team_id, code in rows}


MAX_MY_MEMBERSHIPS = 200


async def my_memberships(
    sc: ServiceContext, *, status: TeamMembershipStatus | None = None
) -> list[MembershipView]:
    """The caller's memberships and invitations (as a volunteer), newest first."""
    require(sc.actor, Capability.VOLUNTEERING_PARTICIPATE)
    stmt = (
        select(TeamMembership, Volunteer.volunteer_number, VolunteerTeam)
        .join(Volunteer, Volunteer.id == TeamMembership.volunteer_id)
        .join(VolunteerTeam, VolunteerTeam.id == TeamMembership.team_id)
        .where(Volunteer.account_id == sc.actor.account_id)
        .order_by(TeamMembership.updated_at.desc(), TeamMembership.id.desc())
        .limit(MAX_MY_MEMBERSHIPS)
    )
    if status is not None:
        stmt = stmt.where(TeamMembership.status == status)
    return [MembershipView(m, n, t) for m, n, t in await sc.session.execute(stmt)]


async def get_membership(sc: ServiceContext, membership_id: int) -> MembershipView:
    """One membership: the volunteer's own, or one of a team the caller manages.

    To a manager, an ACTIVE membership only (its profile is visible anyway) or an invitation.
    """
    rows = (
        await sc.session.execute(
            select(TeamMembership, Volunteer.volunteer_number, VolunteerTeam, Region.path)
            .join(Volunteer, Volunteer.id == TeamMembership.volunteer_id)
            .join(VolunteerTeam, VolunteerTeam.id == TeamMembership.team_id)
            .join(Region, Region.id == VolunteerTeam.region_id)
            .where(TeamMembership.id == membership_id)
        )
    ).first()
    if rows is None:
        raise not_found("Team membership")
    membership, number, team, path = rows
    own = sc.actor.account_id is not None and (
        await sc.session.scalar(
            select(Volunteer.account_id).where(Volunteer.id == membership.volunteer_id)
        )
        == sc.actor.account_id
    )
    manage = sc.actor.scope(Capability.TEAM_MANAGE)
    if own or (
        not manage.is_empty
        and can_manage(manage, team, path)
        and membership.status is not TeamMembershipStatus.LEFT
    ):
        return MembershipView(membership, number, team)
    raise not_found("Team membership")
