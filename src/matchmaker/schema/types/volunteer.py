from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from matchmaker import models
from matchmaker.schema.context import Info
from matchmaker.schema.dataloaders.regions import region_by_id
from matchmaker.schema.dataloaders.volunteers import phone_by_account, teams_by_volunteer
from matchmaker.schema.relay import Node, node_resolver
from matchmaker.schema.types.enums import DaySlot, ServiceCategory
from matchmaker.schema.types.region import Region, load_region
from matchmaker.services import volunteers as volunteer_service
from matchmaker.services.authz import Actor
from matchmaker.services.crypto import decrypt_pii
from matchmaker.services.validation import mask_phone

if TYPE_CHECKING:
    from matchmaker.schema.types.volunteer_team import VolunteerTeam


@strawberry.type(description="A half-day in a volunteer's weekly availability.")
class AvailabilitySlot:
    day: int = strawberry.field(description="0 = Monday … 6 = Sunday.")
    slot: DaySlot


@strawberry.type(
    description=(
        "A registered volunteer (志愿者). Personal data follows PIPL: the ID number, phone and "
        "coordinates in full only to the volunteer; the real name and age also to community "
        "staff, bureau officers and auditors whose region holds the volunteer's home, and to "
        "platform admins; everyone else sees masked values."
    )
)
class Volunteer(Node):
    volunteer_number: str = strawberry.field(description="Public number (志愿者编号).")
    real_name: str = strawberry.field(description="Full or masked (张*), see the type.")
    is_minor: bool
    age: int | None = strawberry.field(description="Null unless you may see the real name.")
    skills: list[str]
    interests: list[ServiceCategory]
    availability: list[AvailabilitySlot]
    latitude: float | None = strawberry.field(description="Only to the volunteer.")
    longitude: float | None = strawberry.field(description="Only to the volunteer.")
    max_distance_km: int
    guardian_consent: bool
    total_minutes: int = strawberry.field(description="Approved service time, in minutes.")
    star_level: int = strawberry.field(description="星级: 0 (none) to 5.")
    is_active: bool
    personalized_feed: bool | None = strawberry.field(
        description="Only to the volunteer: false = the feed uses no personal characteristics."
    )
    recommendable: bool | None = strawberry.field(
        description="Only to the volunteer: false = never recommended to organizers nor invited."
    )
    version: int
    account_pk: strawberry.Private[int]
    home_region_pk: strawberry.Private[int]
    rule: strawberry.Private[volunteer_service.Disclosure]
    id_number_masked: strawberry.Private[str]
    id_number_encrypted: strawberry.Private[bytes]

    @classmethod
    def from_row(cls, row: models.Volunteer, *, rule: volunteer_service.Disclosure) -> Self:
        return cls(
            pk=row.id,
            volunteer_number=row.volunteer_number,
            real_name=volunteer_service.shown_name(row.real_name, rule),
            is_minor=volunteer_service.is_minor(row.birth_date),
            age=volunteer_service.age(row.birth_date) if rule.birth_details else None,
            skills=list(row.skills),
            interests=[ServiceCategory(i) for i in row.interests],
            availability=[
                AvailabilitySlot(day=day, slot=slot)
                for day, slot in volunteer_service.decode_availability(row.availability)
            ],
            latitude=row.latitude if rule.coordinates else None,
            longitude=row.longitude if rule.coordinates else None,
            max_distance_km=row.max_distance_km,
            guardian_consent=row.guardian_consent,
            total_minutes=row.total_minutes,
            star_level=row.star_level,
            is_active=row.is_active,
            personalized_feed=row.personalized_feed if rule.is_self else None,
            recommendable=row.recommendable if rule.is_self else None,
            version=row.version,
            account_pk=row.account_id,
            home_region_pk=row.home_region_id,
            rule=rule,
            id_number_masked=row.id_number_masked,
            id_number_encrypted=row.id_number_encrypted,
        )

    @strawberry.field(description="Full to the volunteer only, else masked (3701**********123X).")
    def id_number(self, info: Info) -> str:
        if not self.rule.id_number:
            return self.id_number_masked
        return decrypt_pii(info.context.settings.secret_key, self.id_number_encrypted)

    @strawberry.field(description="Approved service hours, a decimal string (12.50).")
    def total_hours(self) -> str:
        return str((Decimal(self.total_minutes) / 60).quantize(Decimal("0.01")))

    @strawberry.field(description="True when you are this volunteer.")
    def is_me(self) -> bool:
        return self.rule.is_self

    @strawberry.field(description="The login phone: full to the volunteer, masked to others.")
    async def phone(self, info: Info) -> str | None:
        phone: str | None = await info.context.loader(phone_by_account).load(self.account_pk)
        return phone if self.rule.phone else mask_phone(phone)

    @strawberry.field
    async def home_region(self, info: Info) -> Region | None:
        return await load_region(info, self.home_region_pk)

    @strawberry.field(description="The teams you may see that this volunteer belongs to.")
    async def teams(
        self, info: Info
    ) -> list[Annotated[VolunteerTeam, strawberry.lazy("matchmaker.schema.types.volunteer_team")]]:
        from matchmaker.schema.types.volunteer_team import VolunteerTeam

        rows = await info.context.loader(teams_by_volunteer).load(self.pk)
        return [VolunteerTeam.from_row(r) for r in rows]


async def volunteer_nodes(
    info: Info, rows: Sequence[models.Volunteer], *, viewer: Actor | None = None
) -> list[Volunteer]:
    """GraphQL objects for rows, each masked for the viewer (the caller unless given).

    The home regions go through the request's region loader, so a nested ``homeRegion``
    costs no further query.
    """
    actor = viewer or info.context.actor
    regions = await info.context.loader(region_by_id).load_many([r.home_region_id for r in rows])
    return [
        Volunteer.from_row(
            row,
            rule=volunteer_service.disclosure(
                actor, account_id=row.account_id, home_region_path=region.path if region else None
            ),
        )
        for row, region in zip(rows, regions, strict=True)
    ]


async def volunteer_node(
    info: Info, row: models.Volunteer | None, *, viewer: Actor | None = None
) -> Volunteer | None:
    if row is None:
        return None
    return (await volunteer_nodes(info, [row], viewer=viewer))[0]


@node_resolver("Volunteer")
async def resolve_volunteer(info: Info, pk: int) -> Volunteer | None:
    row = await volunteer_service.get_readable(info.context.service, pk)
    return await volunteer_node(info, row)
