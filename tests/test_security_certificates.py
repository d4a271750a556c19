"""Hardening of certificates (docs/security.md): named after the attack each test stops.

A certificate is one PDF for all its readers, so one an organizer requests for someone else
prints the name as the app shows it to them (张*), and it belongs to the region where the
service happened, not to the organizing organization's base.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from matchmaker import clock
from matchmaker.models import Certificate, ServiceRecord
from matchmaker.models.enums import Role
from matchmaker.models.volunteering import RecordSource, RecordStatus
from matchmaker.services import certificate_pdf
from matchmaker.services import certificates as certificate_service
from matchmaker.services.certificates import common_region_path
from tests import factories
from tests.volunteering_helpers import (
    T0,
    community_activity,
    gid,
    organization,
    staff,
    volunteer,
)

REQUEST = """mutation($i: RequestCertificateInput!) { requestCertificate(input: $i) {
  certificate { id } errors { code field } } }"""
CERTIFICATES = """query { certificates(first: 10) { edges { node { id } } } }"""
FEBRUARY = {"periodStart": "2026-02-01", "periodEnd": "2026-02-28"}


@pytest.fixture
def printed(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What each rendered PDF prints (the arguments of ``render_pdf``)."""
    calls: list[dict[str, Any]] = []
    real = certificate_pdf.render_pdf

    def spy(**kwargs: Any) -> bytes:
        calls.append(kwargs)
        return real(**kwargs)

    # services/certificates.py imported the name: patch it where it is called.
    monkeypatch.setattr(certificate_service, "render_pdf", spy)
    return calls


async def _served(session, settings, *, organization_id: int | None = None):
    """张三丰 (home: community B1) served 2 × 3 h in community A1 in February 2026."""
    clock.freeze(T0)
    w = await factories.world(session)
    organizer = await staff(session, settings, w.street_a)
    activity, _ = await community_activity(session, settings, organizer, w.community_a1)
    v = await volunteer(session, settings, name="张三丰", region=w.community_b1)
    for day in (3, 4):
        start = dt.datetime(2026, 2, day, 1, tzinfo=dt.UTC)
        session.add(
            ServiceRecord(
                volunteer_id=v.volunteer.id,
                activity_id=activity.id,
                region_path=activity.region_path,
                organization_id=organization_id,
                starts_at=start,
                ends_at=start + dt.timedelta(hours=3),
                minutes=180,
                source=RecordSource.MANUAL,
                status=RecordStatus.APPROVED,
            )
        )
    await session.commit()
    return w, organizer, v


async def test_an_organizer_cannot_read_a_volunteers_full_name_off_a_certificate_they_request(
    session, settings, gql, run_jobs, printed
):
    # Street A's staff see 张** for a volunteer living in street B; the certificate they ask
    # for prints the same, while the volunteer's own certificate prints 张三丰.
    _, organizer, v = await _served(session, settings)
    body = await gql(
        REQUEST,
        {"i": {**FEBRUARY, "volunteerId": gid("Volunteer", v.volunteer.id)}},
        token=organizer.token,
    )
    assert body["requestCertificate"]["errors"] == []
    await run_jobs()
    body = await gql(REQUEST, {"i": FEBRUARY}, token=v.token)
    assert body["requestCertificate"]["errors"] == []
    await run_jobs()
    assert [(call["name"], call["minutes"]) for call in printed] == [
        ("张**", 360),
        ("张三丰", 360),
    ]


async def test_an_organization_cannot_expose_a_certificate_to_the_regional_roles_of_its_base(
    session, settings, gql, run_jobs
):
    # The organization is based in street B but the volunteer served it in community A1: the
    # certificate its social worker requests belongs to A1, so street A's staff read it and
    # street B's (the base's) don't.
    w, _, _ = await _served(session, settings)
    org = await organization(session, w.street_b, 1)
    records = list(await session.scalars(select(ServiceRecord)))
    for record in records:
        record.organization_id = org.id
    v_id = records[0].volunteer_id
    await session.commit()
    worker = await factories.account(
        session, settings, role=Role.SOCIAL_WORKER, organization_id=org.id
    )
    body = await gql(
        REQUEST, {"i": {**FEBRUARY, "volunteerId": gid("Volunteer", v_id)}}, token=worker.token
    )
    assert body["requestCertificate"]["errors"] == []
    await run_jobs()
    cert = await session.scalar(select(Certificate))
    await session.commit()
    assert cert is not None and cert.minutes == 360
    assert cert.region_path == w.community_a1.path

    async def readable(login) -> int:
        body = await gql(CERTIFICATES, token=login.token)
        return len(body["certificates"]["edges"])

    assert await readable(await staff(session, settings, w.street_a)) == 1
    assert await readable(await staff(session, settings, w.street_b)) == 0
    assert await readable(worker) == 1  # the organization keeps reading its own


def test_the_served_region_is_the_deepest_region_holding_every_record():
    assert common_region_path(["/37/3701/370102/a/a1/", "/37/3701/370102/a/a2/"]) == (
        "/37/3701/370102/a/"
    )
    assert common_region_path(["/37/3701/370102/a/a1/"]) == "/37/3701/370102/a/a1/"
    assert common_region_path(["/37/a/", "/38/b/"]) == "/"
