from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Self

import strawberry
from sqlalchemy import select

from matchmaker import models
from matchmaker.schema.context import Info
from matchmaker.schema.relay import Node, node_resolver
from matchmaker.schema.types.participant import Participant, load_participant
from matchmaker.schema.types.volunteering_enums import SignupStatus
from matchmaker.services import signups as signup_service
from matchmaker.services.authz import Capability

if TYPE_CHECKING:
    from matchmaker.schema.types.shift import Shift


@strawberry.type(description="A volunteer's place on a shift, or their waitlist position.")
class Signup(Node):
    status: SignupStatus
    waitlist_position: int | None
    offer_expires_at: dt.datetime | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    shift_pk: strawberry.Private[int]
    volunteer_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.Signup) -> Self:
        return cls(
            pk=row.id,
            status=row.status,
            waitlist_position=row.waitlist_position,
            offer_expires_at=row.offer_expires_at,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            shift_pk=row.shift_id,
            volunteer_pk=row.volunteer_id,
        )

    @strawberry.field
    async def shift(
        self, info: Info
    ) -> Annotated[Shift, strawberry.lazy("matchmaker.schema.types.shift")] | None:
        from matchmaker.schema.types.shift import load_shift

        return await load_shift(info, self.shift_pk)

    @strawberry.field
    async def participant(self, info: Info) -> Participant | None:
        return await load_participant(info, self.volunteer_pk)


@node_resolver("Signup")
async def resolve_signup(info: Info, pk: int) -> Signup | None:
    sc = info.context.service
    row = None
    if sc.actor.can(Capability.VOLUNTEERING_PARTICIPATE):
        row = await sc.session.scalar(
            signup_service.my_signups_statement(sc).where(models.Signup.id == pk)
        )
    if row is None and sc.actor.can(Capability.HOURS_READ):
        shift_id = await sc.session.scalar(
            select(models.Signup.shift_id).where(models.Signup.id == pk)
        )
        if shift_id is not None:
            row = await sc.session.scalar(
                signup_service.roster_statement(sc, shift_id=shift_id).where(models.Signup.id == pk)
            )
    return Signup.from_row(row) if row else None
