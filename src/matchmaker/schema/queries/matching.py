"""Matching queries of the volunteer directions and the model store (docs/matching.md)."""

from __future__ import annotations

from typing import Any

import strawberry
from sqlalchemy import Select

from matchmaker.models import MatchingModel as MatchingModelRow
from matchmaker.models import VolunteerInvitation as VolunteerInvitationRow
from matchmaker.schema.context import Info
from matchmaker.schema.relay import Connection, connection, decode_id
from matchmaker.schema.types.matching import (
    MatchingDirection,
    MatchingModel,
    ShiftRecommendations,
    VolunteerInvitation,
    VolunteerInvitationStatus,
    VolunteerRecommendations,
    invitation_nodes,
    shift_recommendations,
    volunteer_recommendations,
)
from matchmaker.services.matching import store as matching_store
from matchmaker.services.matching import volunteering as matching_service
from matchmaker.services.pagination import paginate


async def _invitation_connection(
    info: Info, stmt: Select[Any], first: int | None, after: str | None
) -> Connection[VolunteerInvitation]:
    page = await paginate(
        info.context.session,
        stmt,
        VolunteerInvitationRow.id,
        first=first,
        after=after,
        descending=True,
    )
    nodes = await invitation_nodes(info, page.items)
    by_id = {n.pk: n for n in nodes}
    return connection(page, lambda row: by_id[row.id])


@strawberry.type
class MatchingQueries:
    @strawberry.field(
        description="Volunteers to invite to a shift you organize, best first, with reasons. "
        "Volunteers who turned recommendations off never appear."
    )
    async def recommended_volunteers(
        self, info: Info, shift_id: strawberry.ID, first: int = 20
    ) -> VolunteerRecommendations:
        ctx = info.context
        result = await matching_service.recommended_volunteers(
            ctx.service, shift_id=decode_id(shift_id, "Shift", "shiftId"), first=first
        )
        return await volunteer_recommendations(info, result)

    @strawberry.field(
        description="Your feed of shifts (volunteers), best first, with reasons; not personalized "
        "when you turned `personalizedFeed` off."
    )
    async def recommended_shifts(self, info: Info, first: int = 20) -> ShiftRecommendations:
        result = await matching_service.recommended_shifts(info.context.service, first=first)
        return shift_recommendations(result)

    @strawberry.field(description="Invitations you received (volunteers), newest first.")
    async def my_volunteer_invitations(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        status: VolunteerInvitationStatus | None = None,  # type: ignore[valid-type]
    ) -> Connection[VolunteerInvitation]:
        stmt = matching_service.my_invitations_statement(info.context.service, status=status)
        return await _invitation_connection(info, stmt, first, after)

    @strawberry.field(description="A shift's invitations (its organizer), newest first.")
    async def shift_invitations(
        self,
        info: Info,
        shift_id: strawberry.ID,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[VolunteerInvitation]:
        stmt = await matching_service.shift_invitations_statement(
            info.context.service, shift_id=decode_id(shift_id, "Shift", "shiftId")
        )
        return await _invitation_connection(info, stmt, first, after)

    @strawberry.field(description="Trained model versions, newest first (platform admins).")
    async def matching_models(
        self,
        info: Info,
        direction: MatchingDirection | None = None,  # type: ignore[valid-type]
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[MatchingModel]:
        ctx = info.context
        stmt = matching_store.models_statement(
            ctx.service, direction=direction.value if direction is not None else None
        )
        page = await paginate(
            ctx.session, stmt, MatchingModelRow.id, first=first, after=after, descending=True
        )
        return connection(page, MatchingModel.from_row)
