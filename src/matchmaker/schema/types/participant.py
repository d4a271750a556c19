from __future__ import annotations

import strawberry

from matchmaker.schema.context import Info
from matchmaker.schema.dataloaders.volunteering import volunteer_brief_by_id
from matchmaker.services.validation import mask_name


@strawberry.type(
    description="Who a signup or a record belongs to: the volunteer number, and the name "
    "masked (张*) except to the volunteer themself."
)
class Participant:
    volunteer_number: str
    name: str
    is_me: bool


async def load_participant(info: Info, volunteer_id: int) -> Participant | None:
    brief = await info.context.loader(volunteer_brief_by_id).load(volunteer_id)
    if brief is None:
        return None
    account_id, real_name, number = brief
    me = account_id == info.context.actor.account_id
    return Participant(
        volunteer_number=number, name=real_name if me else mask_name(real_name), is_me=me
    )
