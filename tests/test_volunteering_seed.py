"""The volunteering seed step: a consistent ledger the demo logins can work with."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from matchmaker.models import Account, Activity, ServiceRecord, Shift, Signup
from matchmaker.models.volunteering import RecordStatus
from matchmaker.seed import run_seed
from matchmaker.services import hours


async def test_seeded_ledger_is_consistent_and_the_demo_organizer_has_hours_to_approve(
    settings, session
):
    await run_seed(settings, scale="small", seed=1, quiet=True)
    assert await session.scalar(select(func.count()).select_from(ServiceRecord)) > 100
    # Totals were computed from the ledger: a full reconciliation finds nothing to repair.
    report = await hours.reconcile_all(session)
    assert report.checked > 0 and report.repaired == []
    # Places never exceed capacity, and the counters match the signups.
    over = await session.scalar(
        select(func.count()).select_from(Shift).where(Shift.confirmed_count > Shift.capacity)
    )
    assert over == 0
    # No volunteer has two approved records at the same time.
    other = aliased(ServiceRecord)
    overlaps = await session.scalar(
        select(func.count())
        .select_from(ServiceRecord)
        .join(
            other,
            (other.volunteer_id == ServiceRecord.volunteer_id)
            & (other.id > ServiceRecord.id)
            & (other.starts_at < ServiceRecord.ends_at)
            & (other.ends_at > ServiceRecord.starts_at),
        )
        .where(ServiceRecord.status == RecordStatus.APPROVED, other.status == RecordStatus.APPROVED)
    )
    assert overlaps == 0
    demo_staff = await session.scalar(select(Account.id).where(Account.username == "community"))
    pending = await session.scalar(
        select(func.count())
        .select_from(ServiceRecord)
        .join(Activity, Activity.id == ServiceRecord.activity_id)
        .where(
            Activity.created_by_account_id == demo_staff,
            ServiceRecord.status == RecordStatus.PENDING,
        )
    )
    assert pending > 0
    assert await session.scalar(select(func.count()).select_from(Signup)) > 0
    await session.rollback()
