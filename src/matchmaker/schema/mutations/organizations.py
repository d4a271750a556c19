from __future__ import annotations

import datetime as dt

import strawberry

from matchmaker.models import Organization as OrganizationRow
from matchmaker.models import SocialWorker as SocialWorkerRow
from matchmaker.schema.context import Info
from matchmaker.schema.errors import UserError, run_mutation
from matchmaker.schema.relay import decode_id
from matchmaker.schema.types.enums import (
    OrganizationGrade,
    OrganizationKind,
    ServiceCategory,
    WorkerLevel,
)
from matchmaker.schema.types.organization import Organization
from matchmaker.schema.types.social_worker import SocialWorker, StaffInvitation
from matchmaker.services import organizations as org_service
from matchmaker.services import social_workers as worker_service
from matchmaker.services.context import ServiceContext
from matchmaker.services.social_workers import Invitation


def _ids(values: list[strawberry.ID] | None, type_name: str, field: str) -> list[int] | None:
    if values is None:
        return None
    return [decode_id(v, type_name, field) for v in values]


def _id(value: strawberry.ID | None, type_name: str, field: str) -> int | None:
    return decode_id(value, type_name, field) if value is not None else None


@strawberry.input
class CreateOrganizationInput:
    name: str
    credit_code: str
    kind: OrganizationKind
    region_id: strawberry.ID = strawberry.field(description="The base region.")
    legal_representative: str
    contact_name: str
    contact_phone: str
    grade: OrganizationGrade = OrganizationGrade.NONE
    service_region_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    categories: list[ServiceCategory] = strawberry.field(default_factory=list)
    address: str = ""
    founded_on: dt.date | None = None
    description: str = ""


@strawberry.input(
    description="Fields left null stay as they are. Credit code, kind, grade and base region "
    "are changed by the civil-affairs bureau only."
)
class UpdateOrganizationInput:
    organization_id: strawberry.ID
    version: int
    name: str | None = None
    credit_code: str | None = None
    kind: OrganizationKind | None = None
    grade: OrganizationGrade | None = None
    region_id: strawberry.ID | None = None
    service_region_ids: list[strawberry.ID] | None = None
    categories: list[ServiceCategory] | None = None
    legal_representative: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    address: str | None = None
    founded_on: dt.date | None = None
    description: str | None = None


@strawberry.input
class SetOrganizationActiveInput:
    organization_id: strawberry.ID
    active: bool


@strawberry.type
class OrganizationPayload:
    organization: Organization | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input(
    description="A new account with a social-worker profile, hired by the org. The worker starts "
    "uncertified: the bureau records level, certificate and registration "
    "(setSocialWorkerQualification)."
)
class CreateSocialWorkerInput:
    organization_id: strawberry.ID
    name: str
    password: str = strawberry.field(description="Initial password (letters and digits, 8+).")
    phone: str | None = None
    username: str | None = None
    specialties: list[ServiceCategory] = strawberry.field(default_factory=list)
    home_region_id: strawberry.ID | None = None


@strawberry.input(
    description="Fields left null stay. Qualifications are the bureau's: "
    "setSocialWorkerQualification."
)
class UpdateSocialWorkerInput:
    social_worker_id: strawberry.ID
    version: int
    name: str | None = None
    specialties: list[ServiceCategory] | None = None
    home_region_id: strawberry.ID | None = None


@strawberry.input(
    description="A worker's certification as the bureau verified it; replaces all three. A "
    "certified level needs a certificate number; without a registration date the worker is not "
    "registered (and counts for no bid's required workers)."
)
class SetSocialWorkerQualificationInput:
    social_worker_id: strawberry.ID
    version: int
    level: WorkerLevel
    certificate_number: str | None = None
    registered_on: dt.date | None = strawberry.field(
        default=None, description="Registration date; the registration lasts 3 years."
    )


@strawberry.input
class StaffInvitationIdInput:
    invitation_id: strawberry.ID


@strawberry.type
class StaffInvitationPayload:
    invitation: StaffInvitation | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class SetSocialWorkerActiveInput:
    social_worker_id: strawberry.ID
    active: bool


@strawberry.type
class SocialWorkerPayload:
    social_worker: SocialWorker | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input(
    description="Invite a social worker you can already see by id, or anyone by their login "
    "phone and name together. They join the staff when they accept."
)
class AddStaffMemberInput:
    organization_id: strawberry.ID
    social_worker_id: strawberry.ID | None = None
    phone: str | None = None
    name: str | None = None


@strawberry.input
class RemoveStaffMemberInput:
    organization_id: strawberry.ID
    social_worker_id: strawberry.ID


@strawberry.type
class StaffMemberPayload:
    organization: Organization | None = None
    social_worker: SocialWorker | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


def _org_payload(row: OrganizationRow | None, errors: list[UserError]) -> OrganizationPayload:
    return OrganizationPayload(
        organization=Organization.from_row(row) if row else None, errors=errors
    )


def _worker_payload(row: SocialWorkerRow | None, errors: list[UserError]) -> SocialWorkerPayload:
    return SocialWorkerPayload(
        social_worker=SocialWorker.from_row(row) if row else None, errors=errors
    )


def _staff_payload(
    result: tuple[OrganizationRow, SocialWorkerRow | None] | None, errors: list[UserError]
) -> StaffMemberPayload:
    if result is None:
        return StaffMemberPayload(errors=errors)
    org, worker = result
    return StaffMemberPayload(
        organization=Organization.from_row(org),
        social_worker=SocialWorker.from_row(worker) if worker else None,
    )


def _invitation_payload(
    result: Invitation | None, errors: list[UserError]
) -> StaffInvitationPayload:
    return StaffInvitationPayload(
        invitation=StaffInvitation.from_invitation(result) if result else None, errors=errors
    )


@strawberry.type
class OrganizationMutations:
    @strawberry.mutation(description="Register an organization (bureau in scope, admins).")
    async def create_organization(
        self, info: Info, input: CreateOrganizationInput
    ) -> OrganizationPayload:
        async def action(sc: ServiceContext) -> OrganizationRow:
            return await org_service.create_organization(
                sc,
                name=input.name,
                credit_code=input.credit_code,
                kind=input.kind,
                grade=input.grade,
                region_id=decode_id(input.region_id, "Region", "regionId"),
                service_region_ids=_ids(input.service_region_ids, "Region", "serviceRegionIds")
                or [],
                categories=input.categories,
                legal_representative=input.legal_representative,
                contact_name=input.contact_name,
                contact_phone=input.contact_phone,
                address=input.address,
                founded_on=input.founded_on,
                description=input.description,
            )

        return _org_payload(*await run_mutation(info, action))

    @strawberry.mutation(description="Edit an organization's profile (optimistic: `version`).")
    async def update_organization(
        self, info: Info, input: UpdateOrganizationInput
    ) -> OrganizationPayload:
        async def action(sc: ServiceContext) -> OrganizationRow:
            return await org_service.update_organization(
                sc,
                organization_id=decode_id(input.organization_id, "Organization", "organizationId"),
                version=input.version,
                name=input.name,
                credit_code=input.credit_code,
                kind=input.kind,
                grade=input.grade,
                region_id=_id(input.region_id, "Region", "regionId"),
                service_region_ids=_ids(input.service_region_ids, "Region", "serviceRegionIds"),
                categories=input.categories,
                legal_representative=input.legal_representative,
                contact_name=input.contact_name,
                contact_phone=input.contact_phone,
                address=input.address,
                founded_on=input.founded_on,
                description=input.description,
            )

        return _org_payload(*await run_mutation(info, action))

    @strawberry.mutation(description="Deactivate or reactivate an organization.")
    async def set_organization_active(
        self, info: Info, input: SetOrganizationActiveInput
    ) -> OrganizationPayload:
        async def action(sc: ServiceContext) -> OrganizationRow:
            return await org_service.set_organization_active(
                sc,
                organization_id=decode_id(input.organization_id, "Organization", "organizationId"),
                active=input.active,
            )

        return _org_payload(*await run_mutation(info, action))

    @strawberry.mutation(description="Create a social worker's account and hire them.")
    async def create_social_worker(
        self, info: Info, input: CreateSocialWorkerInput
    ) -> SocialWorkerPayload:
        async def action(sc: ServiceContext) -> SocialWorkerRow:
            return await worker_service.create_social_worker(
                sc,
                organization_id=decode_id(input.organization_id, "Organization", "organizationId"),
                name=input.name,
                password=input.password,
                phone=input.phone,
                username=input.username,
                specialties=input.specialties,
                home_region_id=_id(input.home_region_id, "Region", "homeRegionId"),
            )

        return _worker_payload(*await run_mutation(info, action))

    @strawberry.mutation(description="Edit a social worker's profile (optimistic: `version`).")
    async def update_social_worker(
        self, info: Info, input: UpdateSocialWorkerInput
    ) -> SocialWorkerPayload:
        async def action(sc: ServiceContext) -> SocialWorkerRow:
            return await worker_service.update_social_worker(
                sc,
                social_worker_id=decode_id(
                    input.social_worker_id, "SocialWorker", "socialWorkerId"
                ),
                version=input.version,
                name=input.name,
                specialties=input.specialties,
                home_region_id=_id(input.home_region_id, "Region", "homeRegionId"),
            )

        return _worker_payload(*await run_mutation(info, action))

    @strawberry.mutation(
        description="Record a social worker's level, certificate and registration (bureau)."
    )
    async def set_social_worker_qualification(
        self, info: Info, input: SetSocialWorkerQualificationInput
    ) -> SocialWorkerPayload:
        async def action(sc: ServiceContext) -> SocialWorkerRow:
            return await worker_service.set_qualification(
                sc,
                social_worker_id=decode_id(
                    input.social_worker_id, "SocialWorker", "socialWorkerId"
                ),
                version=input.version,
                level=input.level,
                certificate_number=input.certificate_number,
                registered_on=input.registered_on,
            )

        return _worker_payload(*await run_mutation(info, action))

    @strawberry.mutation(description="Deactivate or reactivate a social worker's profile.")
    async def set_social_worker_active(
        self, info: Info, input: SetSocialWorkerActiveInput
    ) -> SocialWorkerPayload:
        async def action(sc: ServiceContext) -> SocialWorkerRow:
            return await worker_service.set_social_worker_active(
                sc,
                social_worker_id=decode_id(
                    input.social_worker_id, "SocialWorker", "socialWorkerId"
                ),
                active=input.active,
            )

        return _worker_payload(*await run_mutation(info, action))

    @strawberry.mutation(
        description="Invite a social worker to the organization's staff (they accept or not)."
    )
    async def add_staff_member(
        self, info: Info, input: AddStaffMemberInput
    ) -> StaffInvitationPayload:
        async def action(sc: ServiceContext) -> Invitation:
            return await worker_service.add_staff_member(
                sc,
                organization_id=decode_id(input.organization_id, "Organization", "organizationId"),
                social_worker_id=_id(input.social_worker_id, "SocialWorker", "socialWorkerId"),
                phone=input.phone,
                name=input.name,
            )

        return _invitation_payload(*await run_mutation(info, action))

    @strawberry.mutation(
        description="Accept an invitation to an organization's staff (the worker)."
    )
    async def accept_staff_invitation(
        self, info: Info, input: StaffInvitationIdInput
    ) -> StaffInvitationPayload:
        async def action(sc: ServiceContext) -> Invitation:
            return await worker_service.accept_invitation(
                sc, invitation_id=decode_id(input.invitation_id, "StaffInvitation", "invitationId")
            )

        return _invitation_payload(*await run_mutation(info, action))

    @strawberry.mutation(
        description="Decline an invitation to an organization's staff (the worker)."
    )
    async def decline_staff_invitation(
        self, info: Info, input: StaffInvitationIdInput
    ) -> StaffInvitationPayload:
        async def action(sc: ServiceContext) -> Invitation:
            return await worker_service.decline_invitation(
                sc, invitation_id=decode_id(input.invitation_id, "StaffInvitation", "invitationId")
            )

        return _invitation_payload(*await run_mutation(info, action))

    @strawberry.mutation(description="Remove a social worker from the organization's staff.")
    async def remove_staff_member(
        self, info: Info, input: RemoveStaffMemberInput
    ) -> StaffMemberPayload:
        async def action(sc: ServiceContext) -> tuple[OrganizationRow, SocialWorkerRow | None]:
            return await worker_service.remove_staff_member(
                sc,
                organization_id=decode_id(input.organization_id, "Organization", "organizationId"),
                social_worker_id=decode_id(
                    input.social_worker_id, "SocialWorker", "socialWorkerId"
                ),
            )

        return _staff_payload(*await run_mutation(info, action))
