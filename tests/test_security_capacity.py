"""Shift capacity can't drift: every change to a signup's status takes the shift's lock first,
re-reads the signup under it, and recounts the places from the signups that hold one
(docs/volunteering.md, Signups and capacity).

The races are reproduced on PostgreSQL with two sessions interleaved: the first holds the
shift's lock in an open transaction, the second is started and polled until it waits on a
lock, then the first commits.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import func, select, text, update

from matchmaker import clock
from matchmaker.models import AuditEvent, Shift, Signup
from matchmaker.models.volunteering import HOLDS_PLACE, SignupStatus
from matchmaker.services import signups
from matchmaker.services.bootstrap import system_context
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import DomainError, ErrorCode
from tests import factories
from tests.volunteering_helpers import (
    HOUR,
    T0,
    community_activity,
    many_volunteers,
    staff,
    volunteer_actor,
)


async def _as(
    session_factory, settings, account_id: int, action: Callable[[ServiceContext], Awaitable[Any]]
) -> Any:
    """One request: its own session and transaction, committed at the end."""
    async with session_factory() as session, session.begin():
        sc = ServiceContext(session=session, actor=volunteer_actor(account_id), settings=settings)
        return await action(sc)


async def _until_someone_waits_on_a_lock(session_factory) -> None:
    """Bounded polling of pg_stat_activity until a backend is blocked on a row lock."""
    for _ in range(250):
        async with session_factory() as s:
            waiting = await s.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
        if waiting:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("nobody blocked on the lock")


async def _one_place_and_a_waitlist(session, settings, session_factory, waiting: int):
    """A 1-place shift: people[0] holds the place, people[1..waiting] queue in order."""
    clock.freeze(T0)
    w = await factories.world(session)
    organizer = await staff(session, settings, w.street_a)
    _, (shift,) = await community_activity(
        session, settings, organizer, w.community_a1, shifts=[(T0 + 5 * HOUR, T0 + 7 * HOUR, 1)]
    )
    people = await many_volunteers(session, 1 + waiting, w.community_a1)
    ids = []
    for account_id, _ in people:
        s = await _as(
            session_factory, settings, account_id, lambda sc: signups.sign_up(sc, shift_id=shift.id)
        )
        ids.append(s.id)
    return shift, people, ids


async def _places(session_factory, shift_id: int) -> tuple[int, int]:
    """(the shift's counter, the signups that really hold a place)."""
    async with session_factory() as s:
        counter = await s.scalar(select(Shift.confirmed_count).where(Shift.id == shift_id))
        holding = await s.scalar(
            select(func.count())
            .select_from(Signup)
            .where(Signup.shift_id == shift_id, Signup.status.in_(HOLDS_PLACE))
        )
    return int(counter or 0), int(holding or 0)


async def _status(session_factory, signup_id: int) -> SignupStatus:
    async with session_factory() as s:
        status = await s.scalar(select(Signup.status).where(Signup.id == signup_id))
    assert status is not None
    return status


@pytest.mark.postgres_only
async def test_an_offer_expiring_while_its_volunteer_declines_cannot_free_the_place_twice(
    session, settings, session_factory
):
    shift, people, (first, second, third) = await _one_place_and_a_waitlist(
        session, settings, session_factory, waiting=2
    )
    # The holder leaves: the second is offered the place (deadline T0 + 2 h, default window).
    await _as(
        session_factory,
        settings,
        people[0][0],
        lambda sc: signups.cancel_signup(sc, signup_id=first),
    )
    assert await _status(session_factory, second) is SignupStatus.OFFERED
    clock.freeze(T0 + 2 * HOUR + dt.timedelta(minutes=1))  # the offer is past its deadline

    # The expiry job holds the shift's lock: it expires the offer and offers the third.
    async with session_factory() as job_session:
        await job_session.begin()
        assert await signups.expire_offers(system_context(job_session, settings)) == [second]
        # Meanwhile the second volunteer declines the (still OFFERED, as far as they can see)
        # offer; the request waits on the shift's lock.
        declining = asyncio.create_task(
            _as(
                session_factory,
                settings,
                people[1][0],
                lambda sc: signups.cancel_signup(sc, signup_id=second),
            )
        )
        await _until_someone_waits_on_a_lock(session_factory)
        await job_session.commit()
    (outcome,) = await asyncio.gather(declining, return_exceptions=True)

    # Under the lock the decline sees the offer expired already: refused, nothing written.
    assert isinstance(outcome, DomainError) and outcome.code is ErrorCode.INVALID_STATE
    assert await _status(session_factory, second) is SignupStatus.EXPIRED
    assert await _status(session_factory, third) is SignupStatus.OFFERED
    # One place, one holder (the third), and the counter says so: before the fix it said 0
    # and the next signup took a second place on a 1-place shift.
    assert await _places(session_factory, shift.id) == (1, 1)


@pytest.mark.postgres_only
async def test_a_cancellation_racing_a_promotion_audits_the_status_the_signup_really_had(
    session, settings, session_factory
):
    shift, people, (first, second, third) = await _one_place_and_a_waitlist(
        session, settings, session_factory, waiting=2
    )
    # The holder cancels in an open transaction: the second is promoted (WAITLISTED → OFFERED)
    # under the shift's lock...
    async with session_factory() as holder_session:
        await holder_session.begin()
        sc = ServiceContext(
            session=holder_session, actor=volunteer_actor(people[0][0]), settings=settings
        )
        await signups.cancel_signup(sc, signup_id=first)
        # ...while the second, who still sees WAITLISTED, leaves the waitlist.
        leaving = asyncio.create_task(
            _as(
                session_factory,
                settings,
                people[1][0],
                lambda sc: signups.cancel_signup(sc, signup_id=second),
            )
        )
        await _until_someone_waits_on_a_lock(session_factory)
        await holder_session.commit()
    await leaving

    async with session_factory() as s:
        event = await s.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "signup.cancel",
                AuditEvent.subject_type == "Signup",
                AuditEvent.subject_id == second,
            )
        )
    assert event is not None and event.before is not None
    # The signup was OFFERED (holding the place) when it was cancelled, not WAITLISTED.
    assert event.before["status"] == "OFFERED"
    assert event.after is not None and event.after["status"] == "CANCELLED"
    # So the place was freed and passed on to the third: before the fix the counter kept
    # counting the cancelled offer (1) while nobody held the place (0), and the third waited.
    assert await _status(session_factory, third) is SignupStatus.OFFERED
    assert await _places(session_factory, shift.id) == (1, 1)


async def test_a_drifted_place_counter_is_recounted_at_the_next_change_not_trusted(
    session, settings, session_factory
):
    shift, _, (first, _, _) = await _one_place_and_a_waitlist(
        session, settings, session_factory, waiting=2
    )
    # A counter that drifted (say 0 while the first holds the place; the CHECK constraint
    # can't see that) must not hand out a second place on a 1-place shift.
    async with session_factory() as s, s.begin():
        await s.execute(update(Shift).where(Shift.id == shift.id).values(confirmed_count=0))
    late = await many_volunteers(session, 1, await _community_of(session_factory, shift), start=900)
    s4 = await _as(
        session_factory, settings, late[0][0], lambda sc: signups.sign_up(sc, shift_id=shift.id)
    )
    assert s4.status is SignupStatus.WAITLISTED
    assert await _places(session_factory, shift.id) == (1, 1)
    assert await _status(session_factory, first) is SignupStatus.CONFIRMED


async def _community_of(session_factory, shift: Shift) -> Any:
    from matchmaker.models import Activity, Region

    async with session_factory() as s:
        return await s.scalar(
            select(Region)
            .join(Activity, Activity.region_path == Region.path)
            .where(Activity.id == shift.activity_id)
        )
