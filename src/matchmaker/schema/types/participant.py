from __future__ import annotations

import strawberry

from matchmaker.schema.context import Info
from matchmaker.schema.dataloaders.volunteering import volunteer_brief_by_id
from matchmaker.services.volunteers import disclosure, shown_name


@strawberry.type(
    description="Who a signup or a record belongs to: the volunteer number, and the name as "
    "the PIPL policy allows (full to the volunteer and to officials whose region holds their "
    "home; masked, 张*, to others)."
)
class Participant:
    volunteer_number: str
    name: str
    is_me: bool


async def load_participant(info: Info, volunteer_id: int) -> Participant | None:
    brief = await info.context.loader(volunteer_brief_by_id).load(volunteer_id)
    if brief is None:
        return None
    account_id, real_name, number, home_path = brief
    rule = disclosure(info.context.actor, account_id=account_id, home_region_path=home_path)
    return Participant(
        volunteer_number=number, name=shown_name(real_name, rule), is_me=rule.is_self
    )
