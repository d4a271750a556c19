"""Community projects: drafting, approval, publishing and the project state machine."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker.models import Contract, Project
from matchmaker.models.procurement import Bid, ProjectStatus

RUNNING_STATES = (
    ProjectStatus.AWARDED,
    ProjectStatus.IN_PROGRESS,
    ProjectStatus.COMPLETED,
    ProjectStatus.EVALUATED,
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
