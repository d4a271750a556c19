"""Photos with a micro-wish's fulfilment report (docs/micro_wishes.md, Photo evidence): sent
by the current claimant through /graphql/upload with the checks of a progress report's
evidence, seen and downloaded by the community's staff and the claimant only."""

from __future__ import annotations

import base64
from typing import Any

from sqlalchemy import select

from matchmaker.models import AuditEvent, EvidenceFile
from matchmaker.schema.relay import decode_id
from matchmaker.services import reports
from tests.test_micro_wishes import CLAIM, _recorded, _refused, _setup
from tests.volunteering_helpers import count

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x01" * 64
PDF = b"%PDF-1.4\n%%EOF\n"

REPORT = """mutation($i: ReportMicroWishFulfilmentInput!) { reportMicroWishFulfilment(input: $i) {
  microWish { id status evidenceFiles { id filename contentType size url } }
  errors { code field message } } }"""
WISH = """query($id: ID!) { node(id: $id) { ... on MicroWish {
  evidenceFiles { filename url } } } }"""
BOARD = """{ microWishes(first: 20) { edges { node { id evidenceFiles { url } } } } }"""


def _file(name: str, data: bytes, content_type: str) -> dict[str, str]:
    return {
        "filename": name,
        "contentType": content_type,
        "contentBase64": base64.b64encode(data).decode(),
    }


def _report(wish: str, *files: dict[str, str]) -> dict[str, Any]:
    return {"i": {"wishId": wish, "report": "已上门更换灯泡，拍照留存", "files": list(files)}}


async def _claimed(gql, s) -> str:
    wish = await _recorded(gql, s)
    claimed = (await gql(CLAIM, {"i": {"wishId": wish}}, token=s["vol"].token))["claimMicroWish"]
    assert claimed["errors"] == []
    return wish


async def _download(http, url: str, token: str | None) -> int:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return (await http.get(url, headers=headers)).status_code


async def test_the_claimant_reports_with_photos_that_staff_and_claimant_see_and_download(
    session, settings, gql, http
):
    s = await _setup(session, settings)
    wish = await _claimed(gql, s)
    data = await gql(
        REPORT,
        _report(wish, _file("灯.png", PNG, "image/png"), _file("门.jpg", JPEG, "image/jpeg")),
        token=s["vol"].token,
    )
    payload = data["reportMicroWishFulfilment"]
    assert payload["errors"] == []
    assert payload["microWish"]["status"] == "FULFILLED"
    files = payload["microWish"]["evidenceFiles"]
    assert [(f["filename"], f["contentType"], f["size"]) for f in files] == [
        ("灯.png", "image/png", len(PNG)),
        ("门.jpg", "image/jpeg", len(JPEG)),
    ]
    # Audited like a progress report's evidence: names and digests, never the bytes.
    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "micro_wish.report"))
    await session.commit()
    assert event is not None
    assert [f["name"] for f in event.after["files"]] == ["灯.png", "门.jpg"]

    url = files[0]["url"]
    for token in (s["vol"].token, s["staff"].token):
        seen = (await gql(WISH, {"id": wish}, token=token))["node"]["evidenceFiles"]
        assert [f["url"] for f in seen] == [f["url"] for f in files]
        assert await _download(http, url, token) == 200
    body = await http.get(url, headers={"Authorization": f"Bearer {s['staff'].token}"})
    assert body.content == PNG
    assert body.headers["content-disposition"].startswith("attachment")

    # Another volunteer, staff of another street and the public: no list, no download.
    for token in (s["other"].token, s["staff_b"].token, None):
        seen = (await gql(WISH, {"id": wish}, token=token))["node"]["evidenceFiles"]
        assert seen == []
        assert await _download(http, url, token) == 404
        board = (await gql(BOARD, token=token))["microWishes"]["edges"]
        assert all(e["node"]["evidenceFiles"] == [] for e in board)


async def test_only_the_current_claimant_may_send_photos_and_a_refusal_writes_nothing(
    session, settings, gql
):
    s = await _setup(session, settings)
    wish = await _claimed(gql, s)
    photo = _file("灯.png", PNG, "image/png")
    await _refused(session, gql, REPORT, _report(wish, photo), s["other"].token, "FORBIDDEN")
    await _refused(session, gql, REPORT, _report(wish, photo), s["staff_b"].token, "FORBIDDEN")
    assert await count(session, EvidenceFile) == 0


async def test_a_file_that_is_no_photo_or_too_large_is_refused_and_nothing_is_written(
    session, settings, gql
):
    s = await _setup(session, settings)
    wish = await _claimed(gql, s)
    token = s["vol"].token
    # A PDF is progress-report evidence but no photo; a "PNG" of text is neither.
    await _refused(
        session,
        gql,
        REPORT,
        _report(wish, _file("收据.pdf", PDF, "application/pdf")),
        token,
        "FILE_TYPE_NOT_ALLOWED",
    )
    await _refused(
        session,
        gql,
        REPORT,
        _report(wish, _file("灯.png", b"not a picture", "image/png")),
        token,
        "FILE_TYPE_NOT_ALLOWED",
    )
    big = PNG + b"\x00" * reports.MAX_FILE_BYTES
    await _refused(
        session,
        gql,
        REPORT,
        _report(wish, _file("大.png", big, "image/png")),
        token,
        "FILE_TOO_LARGE",
    )
    eleven = [_file(f"{i}.png", PNG, "image/png") for i in range(reports.MAX_FILES + 1)]
    await _refused(session, gql, REPORT, _report(wish, *eleven), token, "INVALID_INPUT")
    assert await count(session, EvidenceFile) == 0
    # The wish is still claimed: the same report without the bad file goes through.
    ok = (await gql(REPORT, _report(wish, _file("灯.png", PNG, "image/png")), token=token))[
        "reportMicroWishFulfilment"
    ]
    assert ok["errors"] == []
    stored = await session.scalar(select(EvidenceFile))
    await session.commit()
    assert stored is not None
    assert stored.micro_wish_id == decode_id(wish, "MicroWish")
    assert stored.report_id is None
