from __future__ import annotations

import datetime as dt

import strawberry

from matchmaker.models import Organization as OrganizationRow
from matchmaker.models import SocialWorker as SocialWorkerRow
from matchmaker.schema.context import Info
from matchmaker.schema.errors import Payload, mutate
from matchmaker.schema.relay import gid, gids, opt_gid
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
from matchmaker.services.social_workers import Invitation


def _ids(values: list[strawberry.ID] | None, type_name: str, field: str) -> list[int] | None:
    """An optional list of ids: ``None`` leaves the list as it is."""
    return None if values is None else gids(values, type_name, field)


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
class OrganizationPayload(Payload):
    organization: Organization | None = None

    @classmethod
    async def of(cls, info: Info, row: OrganizationRow) -> OrganizationPayload:
        return cls(organization=Organization.from_row(row))


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
class StaffInvitationPayload(Payload):
    invitation: StaffInvitation | None = None

    @classmethod
    async def of(cls, info: Info, invitation: Invitation) -> StaffInvitationPayload:
        return cls(invitation=StaffInvitation.from_invitation(invitation))


@strawberry.input
class SetSocialWorkerActiveInput:
    social_worker_id: strawberry.ID
    active: bool


@strawberry.type
class SocialWorkerPayload(Payload):
    social_worker: SocialWorker | None = None

    @classmethod
    async def of(cls, info: Info, row: SocialWorkerRow) -> SocialWorkerPayload:
        return cls(social_worker=SocialWorker.from_row(row))


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
class StaffMemberPayload(Payload):
    organization: Organization | None = None
    social_worker: SocialWorker | None = None

    @classmethod
    async def of(
        cls, info: Info, result: tuple[OrganizationRow, SocialWorkerRow | None]
    ) -> StaffMemberPayload:
        org, worker = result
        return cls(
            organization=Organization.from_row(org),
            social_worker=SocialWorker.from_row(worker) if worker else None,
        )


@strawberry.type
class OrganizationMutations:
    @strawberry.mutation(description="Register an organization (bureau in scope, admins).")
    async def create_organization(
        self, info: Info, input: CreateOrganizationInput
    ) -> OrganizationPayload:
        return await mutate(
            info,
            OrganizationPayload,
            lambda sc: org_service.create_organization(
                sc,
                name=input.name,
                credit_code=input.credit_code,
                kind=input.kind,
                grade=input.grade,
                region_id=gid(input.region_id, "Region", "regionId"),
                service_region_ids=gids(input.service_region_ids, "Region", "serviceRegionIds"),
                categories=input.categories,
                legal_representative=input.legal_representative,
                contact_name=input.contact_name,
                contact_phone=input.contact_phone,
                address=input.address,
                founded_on=input.founded_on,
                description=input.description,
            ),
        )

    @strawberry.mutation(description="Edit an organization's profile (optimistic: `version`).")
    async def update_organization(
        self, info: Info, input: UpdateOrganizationInput
    ) -> OrganizationPayload:
        return await mutate(
            info,
            OrganizationPayload,
            lambda sc: org_service.update_organization(
                sc,
                organization_id=gid(input.organization_id, "Organization", "organizationId"),
                version=input.version,
                name=input.name,
                credit_code=input.credit_code,
                kind=input.kind,
                grade=input.grade,
                region_id=opt_gid(input.region_id, "Region", "regionId"),
                service_region_ids=_ids(input.service_region_ids, "Region", "serviceRegionIds"),
                categories=input.categories,
                legal_representative=input.legal_representative,
                contact_name=input.contact_name,
                contact_phone=input.contact_phone,
                address=input.address,
                founded_on=input.founded_on,
                description=input.description,
            ),
        )

    @strawberry.mutation(description="Deactivate or reactivate an organization.")
    async def set_organization_active(
        self, info: Info, input: SetOrganizationActiveInput
    ) -> OrganizationPayload:
        return await mutate(
            info,
            OrganizationPayload,
            lambda sc: org_service.set_organization_active(
                sc,
                organization_id=gid(input.organization_id, "Organization", "organizationId"),
                active=input.active,
            ),
        )

    @strawberry.mutation(description="Create a social worker's account and hire them.")
    async def create_social_worker(
        self, info: Info, input: CreateSocialWorkerInput
    ) -> SocialWorkerPayload:
        return await mutate(
            info,
            SocialWorkerPayload,
            lambda sc: worker_service.create_social_worker(
                sc,
                organization_id=gid(input.organization_id, "Organization", "organizationId"),
                name=input.name,
                password=input.password,
                phone=input.phone,
                username=input.username,
                specialties=input.specialties,
                home_region_id=opt_gid(input.home_region_id, "Region", "homeRegionId"),
            ),
        )

    @strawberry.mutation(description="Edit a social worker's profile (optimistic: `version`).")
    async def update_social_worker(
        self, info: Info, input: UpdateSocialWorkerInput
    ) -> SocialWorkerPayload:
        return await mutate(
            info,
            SocialWorkerPayload,
            lambda sc: worker_service.update_social_worker(
                sc,
                social_worker_id=gid(input.social_worker_id, "SocialWorker", "socialWorkerId"),
                version=input.version,
                name=input.name,
                specialties=input.specialties,
                home_region_id=opt_gid(input.home_region_id, "Region", "homeRegionId"),
            ),
        )

    @strawberry.mutation(
        description="Record a social worker's level, certificate and registration (bureau)."
    )
    async def set_social_worker_qualification(
        self, info: Info, input: SetSocialWorkerQualificationInput
    ) -> SocialWorkerPayload:
        return await mutate(
            info,
            SocialWorkerPayload,
            lambda sc: worker_service.set_qualification(
                sc,
                social_worker_id=gid(input.social_worker_id, "SocialWorker", "socialWorkerId"),
                version=input.version,
                level=input.level,
                certificate_number=input.certificate_number,
                registered_on=input.registered_on,
            ),
        )

    @strawberry.mutation(description="Deactivate or reactivate a social worker's profile.")
    async def set_social_worker_active(
        self, info: Info, input: SetSocialWorkerActiveInput
    ) -> SocialWorkerPayload:
        return await mutate(
            info,
            SocialWorkerPayload,
            lambda sc: worker_service.set_social_worker_active(
                sc,
                social_worker_id=gid(input.social_worker_id, "SocialWorker", "socialWorkerId"),
                active=input.active,
            ),
        )

    @strawberry.mutation(
        description="Invite a social worker to the organization's staff (they accept or not)."
    )
    async def add_staff_member(
        self, info: Info, input: AddStaffMemberInput
    ) -> StaffInvitationPayload:
        return await mutate(
            info,
            StaffInvitationPayload,
            lambda sc: worker_service.add_staff_member(
                sc,
                organization_id=gid(input.organization_id, "Organization", "organizationId"),
                social_worker_id=opt_gid(input.social_worker_id, "SocialWorker", "socialWorkerId"),
                phone=input.phone,
                name=input.name,
            ),
        )

    @strawberry.mutation(
        description="Accept an invitation to an organization's staff (the worker)."
    )
    async def accept_staff_invitation(
        self, info: Info, input: StaffInvitationIdInput
    ) -> StaffInvitationPayload:
        return await mutate(
            info,
            StaffInvitationPayload,
            lambda sc: worker_service.accept_invitation(
                sc, invitation_id=gid(input.invitation_id, "StaffInvitation", "invitationId")
            ),
        )

    @strawberry.mutation(
        description="Decline an invitation to an organization's staff (the worker)."
    )
    async def decline_staff_invitation(
        self, info: Info, input: StaffInvitationIdInput
    ) -> StaffInvitationPayload:
        return await mutate(
            info,
            StaffInvitationPayload,
            lambda sc: worker_service.decline_invitation(
                sc, invitation_id=gid(input.invitation_id, "StaffInvitation", "invitationId")
            ),
        )

    @strawberry.mutation(description="Remove a social worker from the organization's staff.")
    async def remove_staff_member(
        self, info: Info, input: RemoveStaffMemberInput
    ) -> StaffMemberPayload:
        return await mutate(
            info,
            StaffMemberPayload,
            lambda sc: worker_service.remove_staff_member(
                sc,
                organization_id=gid(input.organization_id, "Organization", "organizationId"),
                social_worker_id=gid(input.social_worker_id, "SocialWorker", "socialWorkerId"),
            ),
        )
