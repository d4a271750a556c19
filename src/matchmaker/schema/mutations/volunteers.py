from __future__ import annotations

from typing import Any

import strawberry

from matchmaker.models.enums import Role
from matchmaker.schema.context import Info
from matchmaker.schema.errors import UserError, run_mutation
from matchmaker.schema.mutations.accounts import set_session_cookie
from matchmaker.schema.relay import decode_id
from matchmaker.schema.types.enums import DaySlot, ServiceCategory
from matchmaker.schema.types.volunteer import Volunteer, volunteer_node
from matchmaker.schema.types.volunteer_team import VolunteerTeam
from matchmaker.services import volunteer_teams as team_service
from matchmaker.services import volunteers as volunteer_service
from matchmaker.services.authz import Actor, Grant
from matchmaker.services.context import ServiceContext
from matchmaker.services.volunteers import KEEP, ProfileInput


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
        home_region_id=decode_id(input.home_region_id, "Region", "homeRegionId"),
        skills=input.skills,
        interests=input.interests,
        availability=_slots(input.availability),
        latitude=input.latitude,
        longitude=input.longitude,
        max_distance_km=input.max_distance_km,
        guardian_consent=input.guardian_consent,
    )


@strawberry.type
class RegisterVolunteerPayload:
    volunteer: Volunteer | None = None
    token: str | None = strawberry.field(
        default=None,
        description="Session token for API clients (Bearer). Browsers get an httpOnly cookie.",
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class VolunteerPayload:
    volunteer: Volunteer | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


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


def _given(value: Any) -> bool:
    """Set and not null: for fields where null can only mean "leave as is"."""
    return value is not strawberry.UNSET and value is not None


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
class VolunteerTeamPayload:
    team: VolunteerTeam | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


def _team_payload(row: Any, errors: list[UserError]) -> VolunteerTeamPayload:
    return VolunteerTeamPayload(team=VolunteerTeam.from_row(row) if row else None, errors=errors)


@strawberry.type
class VolunteerMutations:
    @strawberry.mutation(
        description="Register as a volunteer (no login needed); logs the new account in."
    )
    async def register_volunteer(
        self, info: Info, input: RegisterVolunteerInput
    ) -> RegisterVolunteerPayload:
        user_agent = info.context.request.headers.get("user-agent")

        async def action(sc: ServiceContext) -> volunteer_service.Registration:
            return await volunteer_service.register(
                sc,
                phone=input.phone,
                password=input.password,
                profile=_profile(input),
                user_agent=user_agent,
            )

        result, errors = await run_mutation(info, action)
        if result is None:
            return RegisterVolunteerPayload(errors=errors)
        set_session_cookie(info, result.session.token, result.session.expires_at)
        # The caller was anonymous; the payload is shown to the new volunteer.
        viewer = Actor(account_id=result.volunteer.account_id, grants=(Grant(Role.VOLUNTEER),))
        return RegisterVolunteerPayload(
            volunteer=await volunteer_node(info, result.volunteer, viewer=viewer),
            token=result.session.token,
        )

    @strawberry.mutation(description="Register the logged-in account as a volunteer too.")
    async def become_volunteer(self, info: Info, input: BecomeVolunteerInput) -> VolunteerPayload:
        async def action(sc: ServiceContext) -> Any:
            return await volunteer_service.become_volunteer(sc, profile=_profile(input))

        row, errors = await run_mutation(info, action)
        return VolunteerPayload(volunteer=await volunteer_node(info, row), errors=errors)

    @strawberry.mutation(
        description="Change skills, interests, availability, home and travel distance "
        "(the volunteer or a platform admin). Omitted fields stay as they are."
    )
    async def update_volunteer_profile(
        self, info: Info, input: UpdateVolunteerProfileInput
    ) -> VolunteerPayload:
        async def action(sc: ServiceContext) -> Any:
            coordinates: Any = KEEP
            if input.latitude is not strawberry.UNSET or input.longitude is not strawberry.UNSET:
                coordinates = (
                    None if input.latitude is strawberry.UNSET else input.latitude,
                    None if input.longitude is strawberry.UNSET else input.longitude,
                )
            return await volunteer_service.update_profile(
                sc,
                volunteer_id=decode_id(input.volunteer_id, "Volunteer", "volunteerId"),
                version=input.version,
                skills=input.skills if _given(input.skills) else KEEP,  # type: ignore[arg-type]
                interests=input.interests if _given(input.interests) else KEEP,  # type: ignore[arg-type]
                availability=_slots(input.availability)  # type: ignore[arg-type]
                if _given(input.availability)
                else KEEP,
                home_region_id=decode_id(input.home_region_id, "Region", "homeRegionId")  # type: ignore[arg-type]
                if _given(input.home_region_id)
                else KEEP,
                coordinates=coordinates,
                max_distance_km=input.max_distance_km  # type: ignore[arg-type]
                if _given(input.max_distance_km)
                else KEEP,
                guardian_consent=input.guardian_consent  # type: ignore[arg-type]
                if _given(input.guardian_consent)
                else KEEP,
                personalized_feed=input.personalized_feed  # type: ignore[arg-type]
                if _given(input.personalized_feed)
                else KEEP,
                recommendable=input.recommendable  # type: ignore[arg-type]
                if _given(input.recommendable)
                else KEEP,
            )

        row, errors = await run_mutation(info, action)
        return VolunteerPayload(volunteer=await volunteer_node(info, row), errors=errors)

    @strawberry.mutation(
        description="Deactivate or reactivate a volunteer (the volunteer may withdraw; "
        "community staff of the home region and platform admins either way)."
    )
    async def set_volunteer_active(
        self, info: Info, input: SetVolunteerActiveInput
    ) -> VolunteerPayload:
        async def action(sc: ServiceContext) -> Any:
            return await volunteer_service.set_active(
                sc,
                volunteer_id=decode_id(input.volunteer_id, "Volunteer", "volunteerId"),
                active=input.active,
                version=input.version,
            )

        row, errors = await run_mutation(info, action)
        return VolunteerPayload(volunteer=await volunteer_node(info, row), errors=errors)

    @strawberry.mutation(
        description="Create a community team (community staff) or an organization's team "
        "(its org admin)."
    )
    async def create_volunteer_team(
        self, info: Info, input: CreateVolunteerTeamInput
    ) -> VolunteerTeamPayload:
        async def action(sc: ServiceContext) -> Any:
            return await team_service.create_team(
                sc,
                name=input.name,
                region_id=decode_id(input.region_id, "Region", "regionId"),
                organization_id=decode_id(input.organization_id, "Organization", "organizationId")
                if input.organization_id
                else None,
                description=input.description,
            )

        return _team_payload(*await run_mutation(info, action))

    @strawberry.mutation
    async def update_volunteer_team(
        self, info: Info, input: UpdateVolunteerTeamInput
    ) -> VolunteerTeamPayload:
        async def action(sc: ServiceContext) -> Any:
            return await team_service.update_team(
                sc,
                team_id=decode_id(input.team_id, "VolunteerTeam", "teamId"),
                version=input.version,
                name=input.name,
                description=input.description,
            )

        return _team_payload(*await run_mutation(info, action))

    @strawberry.mutation
    async def set_volunteer_team_active(
        self, info: Info, input: SetVolunteerTeamActiveInput
    ) -> VolunteerTeamPayload:
        async def action(sc: ServiceContext) -> Any:
            return await team_service.set_team_active(
                sc,
                team_id=decode_id(input.team_id, "VolunteerTeam", "teamId"),
                active=input.active,
                version=input.version,
            )

        return _team_payload(*await run_mutation(info, action))

    @strawberry.mutation(
        description=(
            "Remove a member (by id or number) or withdraw an invitation (by number). Members "
            "join by invitation or code: see inviteVolunteerTeamMember."
        )
    )
    async def remove_volunteer_team_member(
        self, info: Info, input: VolunteerTeamMemberInput
    ) -> VolunteerTeamPayload:
        async def action(sc: ServiceContext) -> Any:
            return await team_service.remove_member(
                sc,
                team_id=decode_id(input.team_id, "VolunteerTeam", "teamId"),
                volunteer_id=decode_id(input.volunteer_id, "Volunteer", "volunteerId")
                if input.volunteer_id
                else None,
                volunteer_number=input.volunteer_number,
            )

        return _team_payload(*await run_mutation(info, action))
