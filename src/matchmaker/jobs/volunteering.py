"""Volunteering jobs: totals and star levels, reconciliation, offers, reminders, check-outs,
cancellation notices, certificates.

Every job is idempotent (arq delivers at least once): totals are recomputed from the ledger,
notifications carry dedupe keys, sweeps re-check state under the shift's lock. The timed
per-shift jobs are keyed outbox rows; the cron sweeps behind them catch whatever was missed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from pathlib import Path
from typing import Any

from sqlalchemy import select

from matchmaker import clock
from matchmaker.jobs.context import service_context
from matchmaker.models import Activity, Shift, Signup, Volunteer
from matchmaker.models.volunteering import SignupStatus
from matchmaker.queue.registry import JobContext, job
from matchmaker.services import attendance, certificates, hours, notifications, signups
from matchmaker.services.activities import lock_shift

#: Test-only: a directory where the totals job announces itself and waits to be released, so a
#: fault test can kill the worker in the middle of it. Ignored unless MATCHMAKER_ENV=test.
HOLD_DIR_ENV = "MATCHMAKER_TEST_HOLD_TOTALS_DIR"


async def _test_hold(ctx: JobContext) -> None:
    hold_dir = os.environ.get(HOLD_DIR_ENV)
    if not (ctx.settings.is_test and hold_dir):
        return
    path = Path(hold_dir)
    (path / f"totals-{ctx.job_id}.held").write_text("held")
    while not (path / "release").exists():  # noqa: ASYNC110  (a file is the signal here)
        await asyncio.sleep(0.05)


def _report(changes: list[hours.TotalChange], limit: int = 100) -> list[dict[str, int]]:
    return [
        {
            "volunteer_id": c.volunteer_id,
            "minutes_before": c.minutes_before,
            "minutes_after": c.minutes_after,
            "stars_before": c.stars_before,
            "stars_after": c.stars_after,
        }
        for c in changes[:limit]
    ]


@job("recompute_volunteer_totals")
async def recompute_volunteer_totals(ctx: JobContext) -> dict[str, Any]:
    """After approvals: totals and star levels of the given volunteers, from the ledger."""
    ids = [int(v) for v in ctx.args.get("volunteer_ids", [])]
    changes = await hours.recompute_totals(ctx.session, ids)
    await ctx.session.flush()
    await _test_hold(ctx)
    stars = await hours.notify_new_star_levels(ctx.session, changes)
    return {"volunteers": len(ids), "updated": len(changes), "star_notifications": stars}


@job("reconcile_volunteer_totals", cron=True, minute={10}, hour={18})
async def reconcile_volunteer_totals(ctx: JobContext) -> dict[str, Any]:
    """Nightly (02:10 Beijing): recompute the changed volunteers, repair and report drift.

    Reads only the change markers, so its cost follows the number of changed volunteers.
    ``{"full": true}`` checks every volunteer instead (an operator's repair run).
    """
    if ctx.args.get("full"):
        report = await hours.reconcile_all(ctx.session)
    else:
        report = await hours.reconcile_changed(ctx.session)
    await hours.notify_new_star_levels(ctx.session, report.repaired)
    return {
        "checked": report.checked,
        "repaired_count": len(report.repaired),
        "repaired": _report(report.repaired),
    }


@job("expire_waitlist_offers", cron=True)
async def expire_waitlist_offers(ctx: JobContext) -> dict[str, Any]:
    """Every minute: offers not accepted in time pass to the next on the waitlist."""
    expired = await signups.expire_offers(service_context(ctx))
    return {"expired": expired}


@job("close_forgotten_checkouts", cron=True, minute=set(range(0, 60, 5)))
async def close_forgotten_checkouts(ctx: JobContext) -> dict[str, Any]:
    """At a shift's end (keyed per shift), and every 5 minutes as a sweep: close the check-outs
    volunteers forgot, at the shift's end, and flag those records for review."""
    sc = service_context(ctx)
    shift_id = ctx.args.get("shift_id")
    shift_ids = (
        [int(shift_id)]
        if shift_id is not None
        else await attendance.shifts_with_forgotten_checkouts(sc)
    )
    closed = 0
    for sid in shift_ids:
        closed += await attendance.close_forgotten_checkouts(sc, shift_id=sid)
    return {"shifts": len(shift_ids), "closed": closed}


async def _remind(ctx: JobContext, shift_id: int) -> int:
    shift = await lock_shift(ctx.session, shift_id)
    now = clock.now()
    if (
        shift is None
        or shift.is_cancelled
        or shift.reminders_sent_at is not None
        or shift.starts_at <= now
        or shift.starts_at - now > dt.timedelta(hours=24)
    ):
        return 0
    activity = await ctx.session.get(Activity, shift.activity_id)
    assert activity is not None
    rows = (
        await ctx.session.execute(
            select(Signup.id, Volunteer.account_id)
            .join(Volunteer, Volunteer.id == Signup.volunteer_id)
            .where(Signup.shift_id == shift.id, Signup.status == SignupStatus.CONFIRMED)
        )
    ).all()
    start = shift.starts_at.astimezone(clock.SHANGHAI).strftime("%m月%d日 %H:%M")
    for signup_id, account_id in rows:
        await notifications.notify(
            ctx.session,
            [account_id],
            code="shift.reminder",
            params={
                "activity": activity.title,
                "startsAt": shift.starts_at.isoformat(),
                "place": activity.place_name,
            },
            text="活动提醒",
            body=f"「{activity.title}」将于 {start} 在 {activity.place_name} 开始。",
            subject_type="Signup",
            subject_id=signup_id,
            dedupe=f"shift.reminder:{signup_id}",
        )
    shift.reminders_sent_at = now
    return len(rows)


@job("send_shift_reminders", cron=True, minute=set(range(0, 60, 10)))
async def send_shift_reminders(ctx: JobContext) -> dict[str, Any]:
    """24 hours before a shift (keyed per shift), and every 10 minutes as a sweep."""
    shift_id = ctx.args.get("shift_id")
    if shift_id is not None:
        shift_ids = [int(shift_id)]
    else:
        now = clock.now()
        shift_ids = list(
            await ctx.session.scalars(
                select(Shift.id)
                .where(
                    Shift.starts_at > now,
                    Shift.starts_at <= now + dt.timedelta(hours=24),
                    Shift.reminders_sent_at.is_(None),
                    Shift.is_cancelled.is_(False),
                )
                .limit(1000)
            )
        )
    sent = 0
    for sid in shift_ids:
        sent += await _remind(ctx, sid)
    return {"shifts": len(shift_ids), "reminders": sent}


@job("notify_activity_cancelled")
async def notify_activity_cancelled(ctx: JobContext) -> dict[str, Any]:
    activity = await ctx.session.get(Activity, int(ctx.args["activity_id"]))
    if activity is None:
        return {"notified": 0}
    rows = (
        await ctx.session.execute(
            select(Signup.id, Volunteer.account_id)
            .join(Volunteer, Volunteer.id == Signup.volunteer_id)
            .join(Shift, Shift.id == Signup.shift_id)
            .where(Shift.activity_id == activity.id, Signup.status.in_(signups.ACTIVE))
        )
    ).all()
    for signup_id, account_id in rows:
        await notifications.notify(
            ctx.session,
            [account_id],
            code="activity.cancelled",
            params={"activity": activity.title, "reason": activity.cancel_reason or ""},
            text="活动已取消",
            body=f"「{activity.title}」已取消：{activity.cancel_reason or ''}",
            subject_type="Activity",
            subject_id=activity.id,
            dedupe=f"activity.cancelled:{signup_id}",
        )
    return {"notified": len(rows)}


@job("render_certificate")
async def render_certificate(ctx: JobContext) -> dict[str, Any]:
    done = await certificates.render(ctx.session, ctx.settings, int(ctx.args["certificate_id"]))
    return {"rendered": done}
