"""The procurement kernel: what every procurement service shares about a project.

Its states, loading a project inside the caller's scope (``NOT_FOUND`` outside it, with the
row lock for transitions), the state check every transition makes, and the opening job's key.
``projects``, ``bids``, ``evaluation``, ``evaluator_panel``, ``contracts`` and ``reports``
build on it; it imports no other service (docs/procurement.md).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker.db.engine import dialect_name
from matchmaker.models import Bid, Contract, Project, Region
from matchmaker.models.procurement import ProjectStatus
from matchmaker.services.authz import Scope
from matchmaker.services.errors import DomainError, ErrorCode, not_found

RUNNING_STATES = (
    ProjectStatus.AWARDED,
    ProjectStatus.IN_PROGRESS,
    ProjectStatus.COMPLETED,
    ProjectStatus.EVALUATED,
)
#: States the public may see: everything from publication on.
PUBLISHED_STATES = (
    ProjectStatus.OPEN_FOR_BIDS,
    ProjectStatus.BIDS_OPENED,
    ProjectStatus.FAILED,
    *RUNNING_STATES,
)


async def running_organization_id(session: AsyncSession, project_id: int) -> int | None:
    """The organization running the project: its contract's, else its confirmed award's.

    None unless the project is AWARDED, IN_PROGRESS, COMPLETED or EVALUATED. Stable API: the
    volunteering domain uses it to decide who organizes a project's activities.
    """
    project = await session.get(Project, project_id)
    if project is None or project.status not in RUNNING_STATES:
        return None
    org_id = await session.scalar(
        select(Contract.organization_id).where(Contract.project_id == project_id)
    )
    if org_id is not None:
        return org_id
    if project.awarded_bid_id is None:
        return None
    return await session.scalar(select(Bid.organization_id).where(Bid.id == project.awarded_bid_id))


async def load_in_scope(
    session: AsyncSession,
    project_id: int,
    scope: Scope,
    *,
    for_update: bool = False,
) -> tuple[Project, str]:
    """The project and its region path if ``scope`` covers its community, else NOT_FOUND.

    ``for_update`` takes the row lock on PostgreSQL, so transitions that race serialise.
    """
    stmt = (
        select(Project, Region.path)
        .join(Region, Region.id == Project.region_id)
        .where(Project.id == project_id, scope.region_clause(Region.path))
    )
    if for_update and dialect_name(session) == "postgresql":
        stmt = stmt.with_for_update(of=Project)
    if for_update:
        stmt = stmt.execution_options(populate_existing=True)
    row = (await session.execute(stmt)).first()
    if row is None:
        raise not_found("Project")
    return row[0], row[1]


async def region_path_of(session: AsyncSession, project: Project) -> str:
    path = await session.scalar(select(Region.path).where(Region.id == project.region_id))
    return path or ""


def deadline_key(project_id: int, deadline: dt.datetime) -> str:
    """The opening job's key: one per project and deadline, however often it is scheduled."""
    return f"open_bids:{project_id}:{deadline.isoformat()}"


def expect_state(project: Project, *states: ProjectStatus) -> None:
    if project.status not in states:
        allowed = ", ".join(s.value for s in states)
        raise DomainError(
            ErrorCode.INVALID_STATE,
            f"The project is {project.status.value}; this needs {allowed}",
            "status",
        )
