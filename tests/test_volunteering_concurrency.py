"""Concurrent signups, cancellations and check-ins on PostgreSQL (row locks under load)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import select

from matchmaker import clock
from matchmaker.models import Attendance, Shift, Signup
from matchmaker.models.volunteering import SignupStatus
from matchmaker.services import attendance, signups
from matchmaker.services.activities import current_code
from matchmaker.services.context import ServiceContext
from tests import factories
from tests.volunteering_helpers import (
    HOUR,
    T0,
    community_activity,
    many_volunteers,
    staff,
    volunteer_actor,
)

pytestmark = pytest.mark.postgres_only


async def _as(
    session_factory, settings, account_id: int, action: Callable[[ServiceContext], Awaitable[Any]]
) -> Any:
    """One request: its own session and transaction, committed at the end."""
    async with session_factory() as session, session.begin():
        sc = ServiceContext(session=session, actor=volunteer_actor(account_id), settings=settings)
        return await action(sc)


async def _shift(session, settings, capacity: int) -> tuple[Any, Shift]:
    clock.freeze(T0)
    w = await factories.world(session)
    organizer = await staff(session, settings, w.street_a)
    _, (shift,) = await community_activity(
        session, settings, organizer, w.community_a1, shifts=[(T0 + HOUR, T0 + 3 * HOUR, capacity)]
    )
    return w, shift


async def test_200_concurrent_signups_fill_50_places_and_queue_150_in_arrival_order(
    session, settings, session_factory
):
    w, shift = await _shift(session, settings, 50)
    people = await many_volunteers(session, 200, w.community_a1)
    await asyncio.gather(
        *(
            _as(
                session_factory,
                settings,
                account_id,
                lambda sc: signups.sign_up(sc, shift_id=shift.id),
            )
            for account_id, _ in people
        )
    )
    rows = list(await session.scalars(select(Signup).order_by(Signup.id)))
    confirmed = [r for r in rows if r.status is SignupStatus.CONFIRMED]
    waitlisted = [r for r in rows if r.status is SignupStatus.WAITLISTED]
    assert (len(confirmed), len(waitlisted)) == (50, 150)
    # Arrival order is the order the shift's lock was taken: ids and positions agree.
    assert [r.waitlist_position for r in waitlisted] == list(range(1, 151))
    assert max(r.id for r in confirmed) < min(r.id for r in waitlisted)
    fresh = await session.scalar(
        select(Shift).where(Shift.id == shift.id).execution_options(populate_existing=True)
    )
    assert fresh is not None and fresh.confirmed_count == 50


async def test_concurrent_cancellations_each_promote_the_next_waitlisted(
    session, settings, session_factory
):
    w, shift = await _shift(session, settings, 10)
    people = await many_volunteers(session, 20, w.community_a1)
    for account_id, _ in people:  # in order: 10 places, then positions 1..10
        await _as(
            session_factory, settings, account_id, lambda sc: signups.sign_up(sc, shift_id=shift.id)
        )
    holders = {
        s.volunteer_id: s.id
        for s in await session.scalars(
            select(Signup).where(Signup.status == SignupStatus.CONFIRMED)
        )
    }
    await session.commit()
    leaving = [(a, holders[v]) for a, v in people[:5]]
    await asyncio.gather(
        *(
            _as(
                session_factory,
                settings,
                a,
                lambda sc, sid=sid: signups.cancel_signup(sc, signup_id=sid),
            )
            for a, sid in leaving
        )
    )
    rows = list(await session.scalars(select(Signup).execution_options(populate_existing=True)))
    offered = sorted(r.waitlist_position or 0 for r in rows if r.status is SignupStatus.OFFERED)
    still_waiting = sorted(
        r.waitlist_position or 0 for r in rows if r.status is SignupStatus.WAITLISTED
    )
    assert offered == [1, 2, 3, 4, 5]
    assert still_waiting == [6, 7, 8, 9, 10]
    fresh = await session.scalar(
        select(Shift).where(Shift.id == shift.id).execution_options(populate_existing=True)
    )
    assert fresh is not None and fresh.confirmed_count == 10


async def test_concurrent_check_ins_with_one_idempotency_key_create_one_record(
    session, settings, session_factory
):
    w, shift = await _shift(session, settings, 5)
    ((account_id, _),) = await many_volunteers(session, 1, w.community_a1)
    await _as(
        session_factory, settings, account_id, lambda sc: signups.sign_up(sc, shift_id=shift.id)
    )
    clock.advance(HOUR)  # the shift starts
    code = current_code(shift.secret, clock.now())
    results = await asyncio.gather(
        *(
            _as(
                session_factory,
                settings,
                account_id,
                lambda sc: attendance.check_in(
                    sc, shift_id=shift.id, code=code, idempotency_key="bad-network-retry-1"
                ),
            )
            for _ in range(10)
        )
    )
    assert len({r.id for r in results}) == 1
    rows = list(await session.scalars(select(Attendance)))
    assert len(rows) == 1
