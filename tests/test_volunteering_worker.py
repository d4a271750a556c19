"""Volunteering on the real job path: outbox → Redis (arq) → ``matchmaker worker`` process.

- a volunteer goes from registration to a verified certificate over GraphQL while a real worker
  runs the totals and certificate jobs;
- the worker is killed in the middle of a totals job and restarted: totals are right and
  nothing is counted twice;
- Redis is down while volunteers check in: check-ins succeed, their jobs wait in the outbox and
  run once a worker reaches Redis.

The worker runs on the real clock; the app under test uses the test clock, so scenarios whose
jobs depend on time put the app's clock in the past instead of moving the worker's.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import datetime as dt
import os
import re
import subprocess
import sys
import time
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

import matchmaker
from matchmaker import clock
from matchmaker.config import Settings
from matchmaker.models import (
    Attendance,
    Certificate,
    Notification,
    OutboxJob,
    ServiceRecord,
    Volunteer,
)
from matchmaker.models.enums import JobStatus
from matchmaker.models.volunteering import CheckoutBy, RecordSource, RecordStatus
from matchmaker.queue.outbox import schedule
from matchmaker.services.activities import current_code
from tests import factories
from tests.conftest import GraphQLClient
from tests.volunteering_helpers import (
    APPROVE,
    CHECK_IN,
    CHECK_OUT,
    HOUR,
    SIGN_UP,
    community_activity,
    gid,
    staff,
    volunteer,
)

pytestmark = [pytest.mark.redis, pytest.mark.slow]
SRC = Path(matchmaker.__file__).resolve().parents[1]
WAIT_SECONDS = 60
#: Worker output files, quoted when a wait times out.
WORKER_LOGS: list[Path] = []


@contextlib.contextmanager
def worker(
    settings: Settings, redis_url: str, **extra_env: str
) -> Iterator[subprocess.Popen[bytes]]:
    """``matchmaker worker`` as a separate process, stopped at the end."""
    env = {
        **os.environ,
        "MATCHMAKER_ENV": "test",
        "MATCHMAKER_DATABASE_URL": settings.database_url,
        "MATCHMAKER_REDIS_URL": redis_url,
        "MATCHMAKER_SECRET_KEY": settings.secret_key,
        "MATCHMAKER_VAR_DIR": str(settings.var_dir),
        "PYTHONPATH": str(SRC),
        **extra_env,
    }
    log = (Path(settings.var_dir) / f"worker-{time.monotonic_ns()}.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-c", "from matchmaker.cli import main; main()", "worker"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    WORKER_LOGS.append(Path(log.name))
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)


async def eventually(check: Callable[[], Awaitable[Any]], what: str) -> Any:
    """Poll ``check`` until it returns something truthy (bounded: the worker is a process)."""
    import asyncio

    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            tail = WORKER_LOGS[-1].read_text(errors="replace")[-3000:] if WORKER_LOGS else ""
            raise AssertionError(f"timed out waiting for {what}; worker log:\n{tail}")
        await asyncio.sleep(0.2)


@contextlib.asynccontextmanager
async def app_client(settings: Settings, redis_url: str | None) -> AsyncIterator[GraphQLClient]:
    """The app with Redis configured: jobs go to the outbox and the relay, never in-process."""
    from matchmaker.web.app import create_app

    app = create_app(dataclasses.replace(settings, redis_url=redis_url), background_jobs=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            client = GraphQLClient(http)
            client.http = http
            yield client


async def _fresh(session_factory, stmt):
    async with session_factory() as s:
        return (await s.execute(stmt)).all()


def _pdf_code(pdf: bytes) -> str:
    text = b""
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        data = m.group(1).strip()
        with contextlib.suppress(ValueError, zlib.error):
            text += zlib.decompress(base64.a85decode(data.removesuffix(b"~>")))
    found = re.search(rb"code=([A-Z0-9]{10})", text)
    assert found is not None, "no verification code in the PDF"
    return found.group(1).decode()


REGISTER = """mutation($i: RegisterVolunteerInput!) { registerVolunteer(input: $i) {
  token volunteer { id } errors { code field message } } }"""


async def test_a_volunteer_goes_from_registration_to_a_verified_certificate(
    session, settings, session_factory, redis_url, engine
):
    # The app lives 3 hours in the past, so that after the shift (which the test clock skips
    # over) the jobs it schedules are already due by the worker's real clock.
    clock.freeze(clock.now() - 3 * HOUR)
    w = await factories.world(session)
    organizer = await staff(session, settings, w.street_a)
    start = clock.now() + dt.timedelta(minutes=20)
    async with app_client(settings, redis_url) as gql:
        with worker(settings, redis_url):
            reg = await gql(
                REGISTER,
                {
                    "i": {
                        "realName": "赵志远",
                        "idNumber": factories.valid_id_number(777, birth="19950505"),
                        "homeRegionId": gid("Region", w.community_a1.id),
                        "phone": "13912345678",
                        "password": "volunteer-passw0rd",
                    }
                },
            )
            assert reg["registerVolunteer"]["errors"] == [], reg
            token = reg["registerVolunteer"]["token"]

            created = await gql(
                """mutation($i: CreateActivityInput!) { createActivity(input: $i) {
                  activity { id shifts { id } } errors { code message } } }""",
                {
                    "i": {
                        "title": "社区图书角整理",
                        "placeName": "朝山街社区图书室",
                        "category": "CULTURE_SPORT",
                        "regionId": gid("Region", w.community_a1.id),
                        "shifts": [
                            {
                                "startsAt": start.isoformat(),
                                "endsAt": (start + 2 * HOUR).isoformat(),
                                "capacity": 5,
                            }
                        ],
                    }
                },
                token=organizer.token,
            )
            shift_id = created["createActivity"]["activity"]["shifts"][0]["id"]
            signed = await gql(SIGN_UP, {"i": {"shiftId": shift_id}}, token=token)
            assert signed["signUp"]["signup"]["status"] == "CONFIRMED"

            code = (
                await gql(
                    "query($s: ID!) { shiftCheckinCode(shiftId: $s) { code qrPayload } }",
                    {"s": shift_id},
                    token=organizer.token,
                )
            )["shiftCheckinCode"]
            assert code["qrPayload"].endswith(f"code={code['code']}")
            checked_in = await gql(
                CHECK_IN,
                {"i": {"shiftId": shift_id, "code": code["code"], "idempotencyKey": "journey-001"}},
                token=token,
            )
            assert checked_in["checkIn"]["errors"] == []

            clock.advance(2 * HOUR + dt.timedelta(minutes=25))  # the shift is over
            code_now = (
                await gql(
                    "query($s: ID!) { shiftCheckinCode(shiftId: $s) { code } }",
                    {"s": shift_id},
                    token=organizer.token,
                )
            )["shiftCheckinCode"]["code"]
            out = await gql(CHECK_OUT, {"i": {"shiftId": shift_id, "code": code_now}}, token=token)
            record = out["checkOut"]["record"]
            assert record["minutes"] == 120

            approved = await gql(
                APPROVE, {"i": {"recordIds": [record["id"]]}}, token=organizer.token
            )
            assert approved["approveServiceRecords"]["errors"] == []

            async def totals() -> Any:
                rows = await _fresh(
                    session_factory,
                    select(Volunteer.total_minutes).where(
                        Volunteer.account_id.in_(
                            select(Notification.account_id).where(
                                Notification.kind == "hours.approved"
                            )
                        )
                    ),
                )
                return rows and rows[0][0] == 120

            await eventually(totals, "the worker to recompute the totals")

            today = clock.today_shanghai()
            requested = await gql(
                """mutation($i: RequestCertificateInput!) { requestCertificate(input: $i) {
                  certificate { id serial } errors { code } } }""",
                {
                    "i": {
                        "periodStart": (today - dt.timedelta(days=2)).isoformat(),
                        "periodEnd": today.isoformat(),
                    }
                },
                token=token,
            )
            serial = requested["requestCertificate"]["certificate"]["serial"]

            async def ready() -> Any:
                rows = await _fresh(
                    session_factory,
                    select(Certificate.id, Certificate.minutes).where(
                        Certificate.serial == serial, Certificate.status == "READY"
                    ),
                )
                return rows[0] if rows else None

            cert_id, minutes = await eventually(ready, "the worker to render the certificate")
            assert minutes == 120
            pdf = await gql.http.get(
                f"/certificates/{cert_id}.pdf", headers={"Authorization": f"Bearer {token}"}
            )
            assert pdf.status_code == 200
            verified = await gql(
                """query($s: String!, $c: String!) { verifyCertificate(serial: $s, code: $c) {
                  valid nameMasked minutes } }""",
                {"s": serial, "c": _pdf_code(pdf.content)},
            )
            assert verified["verifyCertificate"] == {
                "valid": True,
                "nameMasked": "赵**",
                "minutes": 120,
            }


async def test_a_worker_killed_in_a_totals_job_counts_nothing_twice_after_restart(
    session, settings, session_factory, redis_url, tmp_path
):
    w = await factories.world(session)
    organizer = await staff(session, settings, w.street_a)
    activity, _ = await community_activity(session, settings, organizer, w.community_a1)
    v = await volunteer(session, settings)
    base = clock.now() - dt.timedelta(days=30)
    session.add_all(
        ServiceRecord(
            volunteer_id=v.volunteer.id,
            activity_id=activity.id,
            region_path=activity.region_path,
            starts_at=base + dt.timedelta(days=k),
            ends_at=base + dt.timedelta(days=k, hours=10),
            minutes=600,
            source=RecordSource.MANUAL,
            status=RecordStatus.APPROVED,
        )
        for k in range(10)
    )
    job_id = await schedule(
        session, "recompute_volunteer_totals", {"volunteer_ids": [v.volunteer.id]}
    )
    await session.commit()

    with worker(settings, redis_url, MATCHMAKER_TEST_HOLD_TOTALS_DIR=str(tmp_path)) as proc:
        held = tmp_path / f"totals-{job_id}.held"

        async def is_held() -> bool:
            return held.exists()

        await eventually(is_held, "the totals job to start")
        proc.kill()  # SIGKILL in the middle of the job: its transaction never commits
        proc.wait(timeout=10)

    totals = await _fresh(
        session_factory, select(Volunteer.total_minutes).where(Volunteer.id == v.volunteer.id)
    )
    status = await _fresh(session_factory, select(OutboxJob.status).where(OutboxJob.id == job_id))
    assert (totals, status) == ([(0,)], [(JobStatus.RUNNING,)])
    # The dead worker's claim goes stale after STALE_RUNNING_AFTER; pretend that time passed.
    async with session_factory() as s, s.begin():
        await s.execute(
            update(OutboxJob)
            .where(OutboxJob.id == job_id)
            .values(started_at=clock.now() - dt.timedelta(hours=1))
        )

    with worker(settings, redis_url):

        async def done() -> Any:
            r = await _fresh(
                session_factory, select(OutboxJob.status).where(OutboxJob.id == job_id)
            )
            return r[0][0] is JobStatus.DONE

        await eventually(done, "the restarted worker to finish the job")

    rows = await _fresh(
        session_factory,
        select(Volunteer.total_minutes, Volunteer.star_level).where(Volunteer.id == v.volunteer.id),
    )
    assert rows == [(6000, 1)]
    stars = await _fresh(
        session_factory,
        select(Notification.id).where(Notification.kind == "volunteer.star_level"),
    )
    assert len(stars) == 1


async def test_check_ins_succeed_while_redis_is_down_and_their_jobs_run_when_it_is_back(
    session, settings, session_factory, redis_url
):
    # The app's clock is 3 hours behind: the shift is over in real (worker) time.
    clock.freeze(clock.now() - 3 * HOUR)
    w = await factories.world(session)
    organizer = await staff(session, settings, w.street_a)
    start = clock.now() + dt.timedelta(minutes=10)
    _, (shift,) = await community_activity(
        session, settings, organizer, w.community_a1, shifts=[(start, start + HOUR, 10)]
    )
    people = [await volunteer(session, settings) for _ in range(3)]
    async with app_client(settings, "redis://127.0.0.1:1/0") as gql:  # nothing listens there
        for p in people:
            await gql(SIGN_UP, {"i": {"shiftId": gid("Shift", shift.id)}}, token=p.token)
        clock.advance(dt.timedelta(minutes=15))
        for p in people:
            data = await gql(
                CHECK_IN,
                {
                    "i": {
                        "shiftId": gid("Shift", shift.id),
                        "code": current_code(shift.secret, clock.now()),
                    }
                },
                token=p.token,
            )
            assert data["checkIn"]["errors"] == []
    waiting = await _fresh(
        session_factory,
        select(OutboxJob.id).where(
            OutboxJob.name == "close_forgotten_checkouts",
            OutboxJob.status == JobStatus.QUEUED,
            OutboxJob.enqueued_at.is_(None),
        ),
    )
    assert len(waiting) == 1  # one keyed job for the shift, still in the outbox

    with worker(settings, redis_url):

        async def closed() -> Any:
            rows = await _fresh(
                session_factory,
                select(Attendance.checkout_by).where(Attendance.shift_id == shift.id),
            )
            return len(rows) == 3 and all(r[0] is CheckoutBy.SYSTEM for r in rows)

        await eventually(closed, "the worker to close the forgotten check-outs")

    records = await _fresh(
        session_factory, select(ServiceRecord.needs_review, ServiceRecord.minutes)
    )
    assert sorted(records) == [(True, 55)] * 3
