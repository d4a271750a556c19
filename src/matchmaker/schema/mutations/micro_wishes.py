from __future__ import annotations

import datetime as dt

import strawberry

from matchmaker import models
from matchmaker.models.micro_wishes import MicroWishKind, MicroWishNeed
from matchmaker.schema.context import Info
from matchmaker.schema.errors import Payload, mutate
from matchmaker.schema.mutations.procurement import EvidenceFileInput, evidence_file_spec
from matchmaker.schema.relay import gid, opt_gid
from matchmaker.schema.types.enums import ServiceCategory
from matchmaker.schema.types.micro_wish import MicroWish, wish_from_row
from matchmaker.services import micro_wishes as service


@strawberry.type
class MicroWishPayload(Payload):
    micro_wish: MicroWish | None = None

    @classmethod
    async def of(cls, info: Info, row: models.MicroWish) -> MicroWishPayload:
        return cls(micro_wish=await wish_from_row(info.context.service, row))


def _wish(wish_id: strawberry.ID) -> int:
    return gid(wish_id, "MicroWish", "wishId")


@strawberry.input
class RecordMicroWishInput:
    region_id: strawberry.ID = strawberry.field(description="The community.")
    kind: MicroWishKind
    category: ServiceCategory
    title: str
    description: str = strawberry.field(description="Full text; staff and claimant only.")
    public_description: str = strawberry.field(description="Shown to everyone; no name.")
    needs: MicroWishNeed
    deadline: dt.datetime
    beneficiary_name: str
    beneficiary_address: str


@strawberry.input
class MicroWishIdInput:
    wish_id: strawberry.ID


@strawberry.input
class ClaimMicroWishInput:
    wish_id: strawberry.ID
    team_id: strawberry.ID | None = strawberry.field(
        default=None, description="Claim for a team you manage."
    )
    organization_id: strawberry.ID | None = strawberry.field(
        default=None, description="Claim for the organization you administer."
    )


@strawberry.input
class MicroWishReasonInput:
    wish_id: strawberry.ID
    reason: str


@strawberry.input
class ReportMicroWishFulfilmentInput:
    wish_id: strawberry.ID
    report: str
    minutes: int | None = strawberry.field(
        default=None, description="A volunteer's time given, for a wish that needs TIME."
    )
    started_at: dt.datetime | None = strawberry.field(
        default=None,
        description="When the time given began (with `minutes`); by default it ended at the "
        "report. Confirmed, it becomes the volunteer's service record (docs/micro_wishes.md).",
    )
    files: list[EvidenceFileInput] = strawberry.field(
        default_factory=list,
        description="Optional photos (JPEG, PNG; at most 10 MB each, 10 per wish), checked like a "
        "progress report's evidence; send them through /graphql/upload (docs/micro_wishes.md).",
    )


@strawberry.input
class EscalateMicroWishInput:
    wish_id: strawberry.ID
    project_id: strawberry.ID = strawberry.field(description="A project draft of the community.")


@strawberry.type
class MicroWishMutations:
    @strawberry.mutation(description="Record a micro-wish for a community in your grant.")
    async def record_micro_wish(self, info: Info, input: RecordMicroWishInput) -> MicroWishPayload:
        return await mutate(
            info,
            MicroWishPayload,
            lambda sc: service.record(
                sc,
                region_id=gid(input.region_id, "Region", "regionId"),
                kind=input.kind,
                category=input.category,
                title=input.title,
                description=input.description,
                public_description=input.public_description,
                needs=input.needs,
                deadline=input.deadline,
                beneficiary_name=input.beneficiary_name,
                beneficiary_address=input.beneficiary_address,
            ),
        )

    @strawberry.mutation(description="Take an unclaimed wish off the board.")
    async def withdraw_micro_wish(
        self, info: Info, input: MicroWishReasonInput
    ) -> MicroWishPayload:
        return await mutate(
            info,
            MicroWishPayload,
            lambda sc: service.withdraw(sc, wish_id=_wish(input.wish_id), reason=input.reason),
        )

    @strawberry.mutation(
        description="Claim an open wish: for yourself, a team you manage, or your organization."
    )
    async def claim_micro_wish(self, info: Info, input: ClaimMicroWishInput) -> MicroWishPayload:
        return await mutate(
            info,
            MicroWishPayload,
            lambda sc: service.claim(
                sc,
                wish_id=_wish(input.wish_id),
                team_id=opt_gid(input.team_id, "VolunteerTeam", "teamId"),
                organization_id=opt_gid(input.organization_id, "Organization", "organizationId"),
            ),
        )

    @strawberry.mutation(description="Give back a wish you claimed, before reporting it done.")
    async def release_micro_wish(self, info: Info, input: MicroWishIdInput) -> MicroWishPayload:
        return await mutate(
            info, MicroWishPayload, lambda sc: service.release(sc, wish_id=_wish(input.wish_id))
        )

    @strawberry.mutation(description="Report a wish you hold as fulfilled.")
    async def report_micro_wish_fulfilment(
        self, info: Info, input: ReportMicroWishFulfilmentInput
    ) -> MicroWishPayload:
        return await mutate(
            info,
            MicroWishPayload,
            lambda sc: service.report_fulfilment(
                sc,
                wish_id=_wish(input.wish_id),
                report=input.report,
                minutes=input.minutes,
                started_at=input.started_at,
                files=[evidence_file_spec(f) for f in input.files],
            ),
        )

    @strawberry.mutation(
        description="Confirm a reported fulfilment (the community's staff); a volunteer's "
        "minutes become an approved service record in their hours ledger."
    )
    async def confirm_micro_wish(self, info: Info, input: MicroWishIdInput) -> MicroWishPayload:
        return await mutate(
            info, MicroWishPayload, lambda sc: service.confirm(sc, wish_id=_wish(input.wish_id))
        )

    @strawberry.mutation(description="Send a fulfilment report back to the claimant, with why.")
    async def return_micro_wish_fulfilment(
        self, info: Info, input: MicroWishReasonInput
    ) -> MicroWishPayload:
        return await mutate(
            info,
            MicroWishPayload,
            lambda sc: service.return_fulfilment(
                sc, wish_id=_wish(input.wish_id), reason=input.reason
            ),
        )

    @strawberry.mutation(description="Link an open wish to a project draft (实事微项目).")
    async def escalate_micro_wish(
        self, info: Info, input: EscalateMicroWishInput
    ) -> MicroWishPayload:
        return await mutate(
            info,
            MicroWishPayload,
            lambda sc: service.escalate(
                sc,
                wish_id=_wish(input.wish_id),
                project_id=gid(input.project_id, "Project", "projectId"),
            ),
        )
