"""The composition root: one Query and one Mutation built from per-domain mixins."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from strawberry.extensions import DisableIntrospection
from strawberry.schema.config import StrawberryConfig

from matchmaker.schema import prefetch
from matchmaker.schema.errors import ErrorPolicy, MatchmakerSchema
from matchmaker.schema.limits import RequestLimits
from matchmaker.schema.mutations.accounts import AccountMutations
from matchmaker.schema.mutations.audit import AuditMutations
from matchmaker.schema.mutations.jobs import JobMutations
from matchmaker.schema.mutations.matching import MatchingMutations
from matchmaker.schema.mutations.matching_procurement import MatchingProcurementMutations
from matchmaker.schema.mutations.micro_wishes import MicroWishMutations
from matchmaker.schema.mutations.notifications import NotificationMutations
from matchmaker.schema.mutations.organizations import OrganizationMutations
from matchmaker.schema.mutations.oversight import OversightMutations
from matchmaker.schema.mutations.procurement import ProcurementMutations
from matchmaker.schema.mutations.regions import RegionMutations
from matchmaker.schema.mutations.volunteer_teams import VolunteerTeamMutations
from matchmaker.schema.mutations.volunteering import VolunteeringMutations
from matchmaker.schema.mutations.volunteers import VolunteerMutations
from matchmaker.schema.queries.accounts import AccountQueries
from matchmaker.schema.queries.audit import AuditQueries
from matchmaker.schema.queries.jobs import JobQueries
from matchmaker.schema.queries.matching import MatchingQueries
from matchmaker.schema.queries.matching_procurement import MatchingProcurementQueries
from matchmaker.schema.queries.micro_wishes import MicroWishQueries
from matchmaker.schema.queries.node import NodeQueries
from matchmaker.schema.queries.notifications import NotificationQueries
from matchmaker.schema.queries.organizations import OrganizationQueries
from matchmaker.schema.queries.oversight import OversightQueries
from matchmaker.schema.queries.procurement import ProcurementQueries
from matchmaker.schema.queries.regions import RegionQueries
from matchmaker.schema.queries.volunteer_teams import VolunteerTeamQueries
from matchmaker.schema.queries.volunteering import VolunteeringQueries
from matchmaker.schema.queries.volunteers import VolunteerQueries
from matchmaker.schema.queries.workbench import WorkbenchQueries
from matchmaker.schema.scalars import AWARE_DATETIME
from matchmaker.schema.types.account import Account, RoleGrant
from matchmaker.schema.types.audit import AuditEvent
from matchmaker.schema.types.job import Job
from matchmaker.schema.types.matching import MatchingModel, VolunteerInvitation
from matchmaker.schema.types.notification import Notification
from matchmaker.schema.types.organization import Organization
from matchmaker.schema.types.oversight import Finding
from matchmaker.schema.types.procurement_enums import FEN_SCALAR, Fen
from matchmaker.schema.types.procurement_nodes import PROCUREMENT_NODE_TYPES
from matchmaker.schema.types.region import Region
from matchmaker.schema.types.social_worker import SocialWorker
from matchmaker.schema.types.volunteer import Volunteer
from matchmaker.schema.types.volunteer_team import VolunteerTeam, VolunteerTeamMembership
from matchmaker.schema.types.volunteering_nodes import VOLUNTEERING_NODE_TYPES


@strawberry.type
class Query(
    NodeQueries,
    AccountQueries,
    RegionQueries,
    AuditQueries,
    JobQueries,
    NotificationQueries,
    ProcurementQueries,
    VolunteeringQueries,
    VolunteerQueries,
    VolunteerTeamQueries,
    OrganizationQueries,
    MatchingQueries,
    MatchingProcurementQueries,
    OversightQueries,
    MicroWishQueries,
    WorkbenchQueries,
):
    pass


@strawberry.type
class Mutation(
    AccountMutations,
    RegionMutations,
    NotificationMutations,
    ProcurementMutations,
    JobMutations,
    AuditMutations,
    VolunteeringMutations,
    VolunteerMutations,
    VolunteerTeamMutations,
    OrganizationMutations,
    MatchingMutations,
    MatchingProcurementMutations,
    OversightMutations,
    MicroWishMutations,
):
    pass


#: Types reachable only through ``node(id:)`` must be listed so the schema knows them.
NODE_TYPES: list[type] = [
    Account,
    AuditEvent,
    Job,
    Notification,
    Region,
    RoleGrant,
    Volunteer,
    VolunteerTeam,
    VolunteerTeamMembership,
    Organization,
    SocialWorker,
    MatchingModel,
    VolunteerInvitation,
    Finding,
]

NODE_TYPES += PROCUREMENT_NODE_TYPES
NODE_TYPES += VOLUNTEERING_NODE_TYPES


def build_schema(*, production: bool = False) -> strawberry.Schema:
    # Factories, not instances: strawberry builds fresh extensions per request.
    extensions: list[Any] = [
        lambda: ErrorPolicy(hide_suggestions=production),
        # Tokens, depth, aliases, one password check, cost; parse/validation caches keyed by
        # digest; "Did you mean" hidden in production (limits.py, docs/security.md).
        lambda: RequestLimits(hide_suggestions=production),
    ]
    if production:
        extensions.append(DisableIntrospection)
    built = MatchmakerSchema(
        query=Query,
        mutation=Mutation,
        types=NODE_TYPES,
        extensions=extensions,
        config=StrawberryConfig(
            auto_camel_case=True,
            # DateTime refuses naive times (schema/scalars.py).
            scalar_map={Fen: FEN_SCALAR, dt.datetime: AWARE_DATETIME},
            disable_field_suggestions=production,
        ),
    )
    prefetch.install(built)
    return built


schema = build_schema()
