from __future__ import annotations

from typing import TypeVar

import strawberry

from matchmaker import models
from matchmaker.models.enums import Role
from matchmaker.schema.context import Info
from matchmaker.schema.errors import Payload, mutate
from matchmaker.schema.mutations.accounts import set_session_cookie
from matchmaker.schema.relay import gid, opt_gid
from matchmaker.schema.types.enums import DaySlot, ServiceCategory
from matchmaker.schema.types.volunteer import Volunteer, volunteer_node
from matchmaker.schema.types.volunteer_team import VolunteerTeam
from matchmaker.services import volunteer_teams as team_service
from matchmaker.services import volunteers as volunteer_service
from matchmaker.services.authz import Actor, Grant
from matchmaker.services.context import ServiceContext
from matchmaker.services.volunteers import KEEP, ProfileInput, _Keep

T = TypeVar("T")


@strawberry.input
class AvailabilitySlotInput:
    day: int = strawberry.field(description="0 = Monday … 6 = Sunday.")
    slot: DaySlot


def _slots(slots: list[AvailabilitySlotInput]) -> list[tuple[int, DaySlot]]:
    return [(s.day, s.slot) for s in slots]


@strawberry.input
class BecomeVolunteerInput:
    real_name: str
    id_number: str = strawberry.field(description="Resident ID number (居民身份证号码).")
    home_region_id: strawberry.ID = strawberry.field(description="A community or grid.")
    skills: list[str] = strawberry.field(default_factory=list)
    interests: list[ServiceCategory] = strawberry.field(default_factory=list)
    availability: list[AvailabilitySlotInput] = strawberry.field(default_factory=list)
    latitude: float | None = None
    longitude: float | None = None
    max_distance_km: int = 5
    guardian_consent: bool = strawberry.field(
        default=False, description="Required for volunteers under 18."
    )


@strawberry.input
class RegisterVolunteerInput(BecomeVolunteerInput):
    phone: str = strawberry.field(description="Mainland mobile number; becomes the login.")
    password: str


def _profile(input: BecomeVolunteerInput) -> ProfileInput:
    return ProfileInput(
        real_name=input.real_name,
        id_number=input.id_number,
        home_region_id=gid(input.home_region_id, "Region", "homeRegionId"),
        skills=input.skills,
        interests=input.interests,
        availability=_slots(input.availability),
        latitude=input.latitude,
        longitude=input.longitude,
        max_distance_km=input.max_distance_km,
        guardian_consent=input.guardian_consent,
    )


@strawberry.type
class RegisterVolunteerPayload(Payload):
    volunteer: Volunteer | None = None
    token: str | None = strawberry.field(
        default=None,
        description="Session token for API clients (Bearer). Browsers get an httpOnly cookie.",
    )

    @classmethod
    async def of(
        cls, info: Info, result: volunteer_service.Registration
    ) -> RegisterVolunteerPayload:
        set_session_cookie(info, result.session.token, result.session.expires_at)
        # The caller was anonymous; the payload is shown to the new volunteer.
        viewer = Actor(account_id=result.volunteer.account_id, grants=(Grant(Role.VOLUNTEER),))
        return cls(
            volunteer=await volunteer_node(info, result.volunteer, viewer=viewer),
            token=result.session.token,
        )


@strawberry.type
class VolunteerPayload(Payload):
    volunteer: Volunteer | None = None

    @classmethod
    async def of(cls, info: Info, row: models.Volunteer) -> VolunteerPayload:
        return cls(volunteer=await volunteer_node(info, row))


@strawberry.input
class UpdateVolunteerProfileInput:
    volunteer_id: strawberry.ID
    version: int
    skills: list[str] | None = strawberry.UNSET
    interests: list[ServiceCategory] | None = strawberry.UNSET
    availability: list[AvailabilitySlotInput] | None = strawberry.UNSET
    home_region_id: strawberry.ID | None = strawberry.UNSET
    latitude: float | None = strawberry.field(
        default=strawberry.UNSET, description="Give with longitude; null both to clear."
    )
    longitude: float | None = strawberry.UNSET
    max_distance_km: int | None = strawberry.UNSET
    guardian_consent: bool | None = strawberry.UNSET
    personalized_feed: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="Yours only: false = a feed without personal characteristics.",
    )
    recommendable: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="Yours only: false = never recommended to organizers nor invited.",
    )


def _or_keep(value: T | None) -> T | _Keep:
    """The value when given (set and not null), else KEEP: for fields where null can only mean
    "leave as is"."""
    if value is None or value is strawberry.UNSET:
        return KEEP
    return value


@strawberry.input
class SetVolunteerActiveInput:
    volunteer_id: strawberry.ID
    active: bool
    version: int | None = None


@strawberry.input
class CreateVolunteerTeamInput:
    name: str
    region_id: strawberry.ID = strawberry.field(description="A street, community or grid.")
    organization_id: strawberry.ID | None = strawberry.field(
        default=None, description="For an organization's team; omit for a community team."
    )
    description: str = ""


@strawberry.input
class UpdateVolunteerTeamInput:
    team_id: strawberry.ID
    version: int
    name: str | None = None
    description: str | None = None


@strawberry.input
class SetVolunteerTeamActiveInput:
    team_id: strawberry.ID
    active: bool
    version: int | None = None


@strawberry.input
class VolunteerTeamMemberInput:
    team_id: strawberry.ID
    volunteer_id: strawberry.ID | None = None
    volunteer_number: str | None = strawberry.field(
        default=None, description="The public number; an alternative to volunteerId."
    )


@strawberry.type
class VolunteerTeamPayload(Payload):
    team: VolunteerTeam | None = None

    @classmethod
    async def of(cls, info: Info, row: models.VolunteerTeam) -> VolunteerTeamPayload:
        return cls(team=VolunteerTeam.from_row(row))


@strawberry.type
class VolunteerMutations:
    @strawberry.mutation(
        description="Register as a volunteer (no login needed); logs the new account in."
    )
    async def register_volunteer(
        self, info: Info, input: RegisterVolunteerInput
    ) -> RegisterVolunteerPayload:
        user_agent = info.context.request.headers.get("user-agent")
        return await mutate(
            info,
            RegisterVolunteerPayload,
            lambda sc: volunteer_service.register(
                sc,
                phone=input.phone,
                password=input.password,
                profile=_profile(input),
                user_agent=user_agent,
            ),
        )

    @strawberry.mutation(description="Register the logged-in account as a volunteer too.")
    async def become_volunteer(self, info: Info, input: BecomeVolunteerInput) -> VolunteerPayload:
        return await mutate(
            info,
            VolunteerPayload,
            lambda sc: volunteer_service.become_volunteer(sc, profile=_profile(input)),
        )

    @strawberry.mutation(
        description="Change skills, interests, availability, home and travel distance "
        "(the volunteer or a platform admin). Omitted fields stay as they are."
    )
    async def update_volunteer_profile(
        self, info: Info, input: UpdateVolunteerProfileInput
    ) -> VolunteerPayload:
        async def action(sc: ServiceContext) -> models.Volunteer:
            coordinates: tuple[float | None, float | None] | _Keep = KEEP
            if input.latitude is not strawberry.UNSET or input.longitude is not strawberry.UNSET:
                coordinates = (
                    None if input.latitude is strawberry.UNSET else input.latitude,
                    None if input.longitude is strawberry.UNSET else input.longitude,
                )
            availability = _or_keep(input.availability)
            home_region_id = _or_keep(input.home_region_id)
            return await volunteer_service.update_profile(
                sc,
                volunteer_id=gid(input.volunteer_id, "Volunteer", "volunteerId"),
                version=input.version,
                skills=_or_keep(input.skills),
                interests=_or_keep(input.interests),
                availability=KEEP if isinstance(availability, _Keep) else _slots(availability),
                home_region_id=KEEP
                if isinstance(home_region_id, _Keep)
                else gid(home_region_id, "Region", "homeRegionId"),
                coordinates=coordinates,
                max_distance_km=_or_keep(input.max_distance_km),
                guardian_consent=_or_keep(input.guardian_consent),
                personalized_feed=_or_keep(input.personalized_feed),
                recommendable=_or_keep(input.recommendable),
            )

        return await mutate(info, VolunteerPayload, action)

    @strawberry.mutation(
        description="Deactivate or reactivate a volunteer (the volunteer may withdraw; "
        "community staff of the home region and platform admins either way)."
    )
    async def set_volunteer_active(
        self, info: Info, input: SetVolunteerActiveInput
    ) -> VolunteerPayload:
        return await mutate(
            info,
            VolunteerPayload,
            lambda sc: volunteer_service.set_active(
                sc,
                volunteer_id=gid(input.volunteer_id, "Volunteer", "volunteerId"),
                active=input.active,
                version=input.version,
            ),
        )

    @strawberry.mutation(
        description="Create a community team (community staff) or an organization's team "
        "(its org admin)."
    )
    async def create_volunteer_team(
        self, info: Info, input: CreateVolunteerTeamInput
    ) -> VolunteerTeamPayload:
        return await mutate(
            info,
            VolunteerTeamPayload,
            lambda sc: team_service.create_team(
                sc,
                name=input.name,
                region_id=gid(input.region_id, "Region", "regionId"),
                organization_id=opt_gid(input.organization_id, "Organization", "organizationId"),
                description=input.description,
            ),
        )

    @strawberry.mutation
    async def update_volunteer_team(
        self, info: Info, input: UpdateVolunteerTeamInput
    ) -> VolunteerTeamPayload:
        return await mutate(
            info,
            VolunteerTeamPayload,
            lambda sc: team_service.update_team(
                sc,
                team_id=gid(input.team_id, "VolunteerTeam", "teamId"),
                version=input.version,
                name=input.name,
                description=input.description,
            ),
        )

    @strawberry.mutation
    async def set_volunteer_team_active(
        self, info: Info, input: SetVolunteerTeamActiveInput
    ) -> VolunteerTeamPayload:
        return await mutate(
            info,
            VolunteerTeamPayload,
            lambda sc: team_service.set_team_active(
                sc,
                team_id=gid(input.team_id, "VolunteerTeam", "teamId"),
                active=input.active,
                version=input.version,
            ),
        )

    @strawberry.mutation(
        description=(
            "Remove a member (by id or number) or withdraw an invitation (by number). Members "
            "join by invitation or code: see inviteVolunteerTeamMember."
        )
    )
    async def remove_volunteer_team_member(
        self, info: Info, input: VolunteerTeamMemberInput
    ) -> VolunteerTeamPayload:
        return await mutate(
            info,
            VolunteerTeamPayload,
            lambda sc: team_service.remove_member(
                sc,
                team_id=gid(input.team_id, "VolunteerTeam", "teamId"),
                volunteer_id=opt_gid(input.volunteer_id, "Volunteer", "volunteerId"),
                volunteer_number=input.volunteer_number,
            ),
        )
