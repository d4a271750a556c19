"""Certificates: requested, rendered to a Chinese PDF by a job, downloaded, verified, revoked."""

from __future__ import annotations

import base64
import datetime as dt
import re
import zlib

from sqlalchemy import select

from matchmaker import clock
from matchmaker.models import Certificate, Notification, ServiceRecord
from matchmaker.models.enums import Role
from matchmaker.models.volunteering import RecordSource, RecordStatus
from tests import factories
from tests.volunteering_helpers import T0, community_activity, count, gid, staff, volunteer

REQUEST = """mutation($i: RequestCertificateInput!) { requestCertificate(input: $i) {
  certificate { id serial status downloadUrl } errors { code field } } }"""
VERIFY = """query($s: String!, $c: String!) { verifyCertificate(serial: $s, code: $c) {
  valid status nameMasked volunteerNumberMasked minutes issuer revokedAt } }"""


async def _served(session, settings):
    clock.freeze(T0)
    w = await factories.world(session)
    organizer = await staff(session, settings, w.street_a)
    activity, _ = await community_activity(session, settings, organizer, w.community_a1)
    v = await volunteer(session, settings, name="张三丰")
    for day in (3, 4):
        start = dt.datetime(2026, 2, day, 1, tzinfo=dt.UTC)
        session.add(
            ServiceRecord(
                volunteer_id=v.volunteer.id,
                activity_id=activity.id,
                region_path=activity.region_path,
                starts_at=start,
                ends_at=start + dt.timedelta(hours=3),
                minutes=180,
                source=RecordSource.MANUAL,
                status=RecordStatus.APPROVED,
            )
        )
    await session.commit()
    return w, organizer, v


async def _certificate(session):
    row = await session.scalar(select(Certificate).execution_options(populate_existing=True))
    await session.commit()  # end the read: on SQLite it holds the write lock
    return row


def _pdf_text(pdf: bytes) -> bytes:
    """The PDF's content streams, decoded (ASCII85 then Flate, as reportlab writes them)."""
    out = b""
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        data = m.group(1).strip()
        try:
            out += zlib.decompress(base64.a85decode(data.removesuffix(b"~>")))
        except (ValueError, zlib.error):
            out += data
    return out


async def test_a_volunteer_gets_a_rendered_certificate_and_the_public_can_verify_it(
    session, settings, gql, http, run_jobs
):
    _, _, v = await _served(session, settings)
    data = await gql(
        REQUEST, {"i": {"periodStart": "2026-02-01", "periodEnd": "2026-02-28"}}, token=v.token
    )
    cert = data["requestCertificate"]["certificate"]
    assert cert["status"] == "PENDING" and cert["downloadUrl"] is None
    await run_jobs()
    row = await _certificate(session)
    assert row is not None and row.minutes == 360
    assert await count(session, Notification, Notification.kind == "certificate.ready") == 1

    response = await http.get(
        f"/certificates/{row.id}.pdf", headers={"Authorization": f"Bearer {v.token}"}
    )
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    code = re.search(rb"code=([A-Z0-9]{10})", _pdf_text(response.content))
    assert code is not None

    result = await gql(VERIFY, {"s": row.serial, "c": code.group(1).decode()})
    assert result["verifyCertificate"] == {
        "valid": True,
        "status": "READY",
        "nameMasked": "张**",
        "volunteerNumberMasked": v.volunteer.volunteer_number[:3]
        + "*" * (len(v.volunteer.volunteer_number) - 6)
        + v.volunteer.volunteer_number[-3:],
        "minutes": 360,
        "issuer": "四社联动志愿服务平台",
        "revokedAt": None,
    }


async def test_a_wrong_code_does_not_verify_and_reveals_nothing(session, settings, gql, run_jobs):
    _, _, v = await _served(session, settings)
    await gql(
        REQUEST, {"i": {"periodStart": "2026-02-01", "periodEnd": "2026-02-28"}}, token=v.token
    )
    await run_jobs()
    row = await _certificate(session)
    assert row is not None
    result = await gql(VERIFY, {"s": row.serial, "c": "WRONGCODE1"})
    assert result["verifyCertificate"]["valid"] is False
    assert result["verifyCertificate"]["nameMasked"] is None


async def test_a_revoked_certificate_says_so(session, settings, gql, http, run_jobs):
    w, _, v = await _served(session, settings)
    await gql(
        REQUEST, {"i": {"periodStart": "2026-02-01", "periodEnd": "2026-02-28"}}, token=v.token
    )
    await run_jobs()
    row = await _certificate(session)
    assert row is not None
    await session.commit()
    response = await http.get(
        f"/certificates/{row.id}.pdf", headers={"Authorization": f"Bearer {v.token}"}
    )
    code = re.search(rb"code=([A-Z0-9]{10})", _pdf_text(response.content))
    assert code is not None
    bureau = await factories.account(session, settings, role=Role.BUREAU_OFFICER, region=w.district)
    revoked = await gql(
        """mutation($i: RevokeCertificateInput!) { revokeCertificate(input: $i) {
          certificate { status } errors { code } } }""",
        {"i": {"certificateId": gid("Certificate", row.id), "reason": "时长记录有误"}},
        token=bureau.token,
    )
    assert revoked["revokeCertificate"]["certificate"]["status"] == "REVOKED"
    result = await gql(VERIFY, {"s": row.serial, "c": code.group(1).decode()})
    assert result["verifyCertificate"]["valid"] is False
    assert result["verifyCertificate"]["status"] == "REVOKED"
    assert result["verifyCertificate"]["revokedAt"] is not None


async def test_someone_else_can_not_download_the_pdf(session, settings, http, gql, run_jobs):
    _, _, v = await _served(session, settings)
    other = await volunteer(session, settings)
    await gql(
        REQUEST, {"i": {"periodStart": "2026-02-01", "periodEnd": "2026-02-28"}}, token=v.token
    )
    await run_jobs()
    row = await _certificate(session)
    assert row is not None
    await session.commit()
    for headers in ({"Authorization": f"Bearer {other.token}"}, {}):
        response = await http.get(f"/certificates/{row.id}.pdf", headers=headers)
        assert response.status_code in (401, 404)


async def test_an_organizer_requests_a_certificate_covering_their_activities(
    session, settings, gql, run_jobs
):
    _, organizer, v = await _served(session, settings)
    data = await gql(
        REQUEST,
        {
            "i": {
                "periodStart": "2026-02-01",
                "periodEnd": "2026-02-28",
                "volunteerId": gid("Volunteer", v.volunteer.id),
            }
        },
        token=organizer.token,
    )
    assert data["requestCertificate"]["errors"] == []
    await run_jobs()
    row = await _certificate(session)
    assert row is not None and row.issuer.endswith("志愿服务站") and row.minutes == 360


async def test_a_period_in_the_future_or_reversed_is_refused(session, settings, gql):
    _, _, v = await _served(session, settings)
    for start, end in (("2026-02-01", "2026-01-01"), ("2026-02-01", "2026-12-31")):
        data = await gql(REQUEST, {"i": {"periodStart": start, "periodEnd": end}}, token=v.token)
        assert [e["code"] for e in data["requestCertificate"]["errors"]] == ["INVALID_PERIOD"]
    assert await count(session, Certificate) == 0
