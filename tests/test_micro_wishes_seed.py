"""The micro-wish seed step: every state around the demo street, confirmed volunteer time in
the ledger without overlaps, and nothing public naming a resident (docs/demo-data.md)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from matchmaker.models import Account, MicroWish, Region, ServiceRecord, Volunteer
from matchmaker.models.micro_wishes import ClaimantType, MicroWishStatus
from matchmaker.models.volunteering import RecordSource, RecordStatus
from matchmaker.seed import SCALES, STEPS, seed_database
from matchmaker.seed.micro_wishes import RESIDENTS
from matchmaker.services import hours


async def test_the_seed_plants_wishes_in_every_state_with_ledger_entries_for_confirmed_time(
    settings, session
):
    # The steps up to this one (the oversight scan after it audits, it adds nothing here).
    steps = STEPS[: [name for name, _ in STEPS].index("micro_wishes") + 1]
    await seed_database(session, settings, scale=SCALES["small"], seed=1, steps=steps)
    states = set(await session.scalars(select(MicroWish.status).distinct()))
    assert states == set(MicroWishStatus)
    staff = await session.scalar(select(Account.id).where(Account.username == "community"))
    demo_volunteer = await session.scalar(
        select(Volunteer.id)
        .join(Account, Account.id == Volunteer.account_id)
        .where(Account.username == "volunteer")
    )
    # Every wish is in a community of the demo street (the demo staff's grant).
    street_paths = set(
        await session.scalars(
            select(Region.path).join(MicroWish, MicroWish.region_id == Region.id).distinct()
        )
    )
    assert len({p.rsplit("/", 2)[0] for p in street_paths}) == 1
    # The demo volunteer holds one wish and waits for a confirmation on another.
    mine = dict(
        (
            await session.execute(
                select(MicroWish.status, func.count())
                .where(
                    MicroWish.claimant_type == ClaimantType.VOLUNTEER,
                    MicroWish.claimant_id == demo_volunteer,
                )
                .group_by(MicroWish.status)
            )
        ).all()
    )
    assert mine[MicroWishStatus.CLAIMED] >= 1 and mine[MicroWishStatus.FULFILLED] >= 1
    # Each confirmed wish a volunteer gave time to has one approved entry, certified by the
    # demo community staff; no other wish has one.
    confirmed_time = await session.scalar(
        select(func.count())
        .select_from(MicroWish)
        .where(
            MicroWish.status == MicroWishStatus.CONFIRMED,
            MicroWish.claimant_type == ClaimantType.VOLUNTEER,
            MicroWish.minutes_given.is_not(None),
        )
    )
    entries = list(
        await session.scalars(
            select(ServiceRecord).where(ServiceRecord.source == RecordSource.MICRO_WISH)
        )
    )
    assert confirmed_time == len(entries) >= 2
    assert {(e.status, e.decided_by_account_id) for e in entries} == {
        (RecordStatus.APPROVED, staff)
    }
    # The ledger stays free of overlaps and the totals match it.
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
    assert (await hours.reconcile_all(session)).repaired == []
    # Titles and public descriptions name no resident.
    public = " ".join(
        f"{t} {d}"
        for t, d in await session.execute(select(MicroWish.title, MicroWish.public_description))
    )
    for name, address in RESIDENTS:
        assert name not in public and address not in public
    await session.rollback()
