"""Matching mutations of the volunteer directions and the model store (docs/matching.md)."""

from __future__ import annotations

import strawberry

from matchmaker import models
from matchmaker.models import Signup as SignupRow
from matchmaker.schema.context import Info
from matchmaker.schema.errors import Payload, mutate
from matchmaker.schema.relay import gid, gids, to_global_id
from matchmaker.schema.types.matching import (
    MatchingDirection,
    MatchingModel,
    VolunteerInvitation,
    invitation_nodes,
)
from matchmaker.schema.types.signup import Signup
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import invalid
from matchmaker.services.matching import store as matching_store
from matchmaker.services.matching import training as matching_training
from matchmaker.services.matching import volunteering as matching_service


@strawberry.input
class TrainMatchingModelsInput:
    direction: MatchingDirection | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="One direction; all of them when left out."
    )


@strawberry.type
class TrainMatchingModelsPayload(Payload):
    job_id: strawberry.ID | None = strawberry.field(
        default=None, description="The queued training job (see `job(id:)`)."
    )

    @classmethod
    async def of(cls, info: Info, job_id: int) -> TrainMatchingModelsPayload:
        return cls(job_id=strawberry.ID(to_global_id("Job", job_id)))


@strawberry.input
class PromoteMatchingModelInput:
    model_id: strawberry.ID


@strawberry.input
class RollbackMatchingModelInput:
    direction: MatchingDirection  # type: ignore[valid-type]


@strawberry.type
class MatchingModelPayload(Payload):
    model: MatchingModel | None = None

    @classmethod
    async def of(cls, info: Info, row: models.MatchingModel) -> MatchingModelPayload:
        return cls(model=MatchingModel.from_row(row))


@strawberry.input
class InviteVolunteersInput:
    shift_id: strawberry.ID
    volunteer_ids: list[strawberry.ID]


@strawberry.type
class InviteVolunteersPayload(Payload):
    invitations: list[VolunteerInvitation] = strawberry.field(default_factory=list)

    @classmethod
    async def of(
        cls, info: Info, rows: list[models.VolunteerInvitation]
    ) -> InviteVolunteersPayload:
        return cls(invitations=await invitation_nodes(info, rows))


@strawberry.input
class RespondToVolunteerInvitationInput:
    invitation_id: strawberry.ID
    accept: bool


@strawberry.type
class VolunteerInvitationPayload(Payload):
    invitation: VolunteerInvitation | None = None
    signup: Signup | None = strawberry.field(
        default=None, description="Accepted: the signup (confirmed, or on the waitlist)."
    )

    @classmethod
    async def of(cls, info: Info, row: models.VolunteerInvitation) -> VolunteerInvitationPayload:
        signup = await info.context.session.get(SignupRow, row.signup_id) if row.signup_id else None
        return cls(
            invitation=(await invitation_nodes(info, [row]))[0],
            signup=Signup.from_row(signup) if signup else None,
        )


@strawberry.type
class MatchingMutations:
    @strawberry.mutation(
        description="Queue a training run of the matching models (platform admins). A version "
        "is trained only when its data changed, and promoted only when it beats the active "
        "model and the baselines."
    )
    async def train_matching_models(
        self, info: Info, input: TrainMatchingModelsInput
    ) -> TrainMatchingModelsPayload:
        direction = input.direction.value if input.direction is not None else None
        return await mutate(
            info,
            TrainMatchingModelsPayload,
            lambda sc: matching_training.request_training(sc, direction=direction),
        )

    @strawberry.mutation(description="Make a stored model version the active one (audited).")
    async def promote_matching_model(
        self, info: Info, input: PromoteMatchingModelInput
    ) -> MatchingModelPayload:
        return await mutate(
            info,
            MatchingModelPayload,
            lambda sc: matching_store.promote(
                sc, model_id=gid(input.model_id, "MatchingModel", "modelId")
            ),
        )

    @strawberry.mutation(
        description="Return a direction to the version promoted before the active one (audited)."
    )
    async def rollback_matching_model(
        self, info: Info, input: RollbackMatchingModelInput
    ) -> MatchingModelPayload:
        direction = str(input.direction.value)  # type: ignore[attr-defined]
        return await mutate(
            info,
            MatchingModelPayload,
            lambda sc: matching_store.rollback(sc, direction=direction),
        )

    @strawberry.mutation(
        description="Invite volunteers to a shift you organize; each is notified. Volunteers "
        "who can't be invited (out of reach, opted out, invited already, at the weekly cap) "
        "are refused together with one answer: NOT_FOUND on volunteerIds."
    )
    async def invite_volunteers(
        self, info: Info, input: InviteVolunteersInput
    ) -> InviteVolunteersPayload:
        async def action(sc: ServiceContext) -> list[models.VolunteerInvitation]:
            if len(input.volunteer_ids) > matching_service.MAX_INVITEES:
                raise invalid(
                    "volunteerIds", f"Invite 1 to {matching_service.MAX_INVITEES} volunteers"
                )
            return await matching_service.invite_volunteers(
                sc,
                shift_id=gid(input.shift_id, "Shift", "shiftId"),
                volunteer_ids=gids(input.volunteer_ids, "Volunteer", "volunteerIds"),
            )

        return await mutate(info, InviteVolunteersPayload, action)

    @strawberry.mutation(
        description="Accept (a normal signup: capacity and the waitlist apply) or decline an "
        "invitation you received."
    )
    async def respond_to_volunteer_invitation(
        self, info: Info, input: RespondToVolunteerInvitationInput
    ) -> VolunteerInvitationPayload:
        return await mutate(
            info,
            VolunteerInvitationPayload,
            lambda sc: matching_service.respond_to_invitation(
                sc,
                invitation_id=gid(input.invitation_id, "VolunteerInvitation", "invitationId"),
                accept=input.accept,
            ),
        )
