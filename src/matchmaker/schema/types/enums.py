"""Domain enums exposed to GraphQL.

``strawberry.enum`` registers the model enum itself (it returns the same class), so resolvers
and services share one Python type and mypy sees a real class, not a variable.
"""

from __future__ import annotations

import strawberry

from matchmaker.models.enums import (
    AccountStatus,
    DaySlot,
    JobStatus,
    OrganizationKind,
    RegionLevel,
    Role,
    ServiceCategory,
    WorkerLevel,
)
from matchmaker.models.organizations import OrganizationGrade

strawberry.enum(AccountStatus, description="Whether an account may log in.")
strawberry.enum(DaySlot, description="Morning, afternoon or evening in weekly availability.")
strawberry.enum(JobStatus, description="State of a background job.")
strawberry.enum(OrganizationKind, description="登记 (registered) or 备案 (filed with the street).")
strawberry.enum(RegionLevel, description="Level of an administrative division.")
strawberry.enum(Role, description="A role a grant gives (docs/domain.md, Roles).")
strawberry.enum(ServiceCategory, description="Service category of projects and profiles.")
strawberry.enum(WorkerLevel, description="Social worker certification level.")
strawberry.enum(OrganizationGrade, description="社会组织评估等级: none or 1A–5A.")

__all__ = [
    "AccountStatus",
    "DaySlot",
    "JobStatus",
    "OrganizationGrade",
    "OrganizationKind",
    "RegionLevel",
    "Role",
    "ServiceCategory",
    "WorkerLevel",
]
