"""Attacks on the HTTP/GraphQL surface and the limits that stop them (docs/security.md)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import DocumentNode, FragmentDefinitionNode, OperationDefinitionNode, parse

from matchmaker import clock
from matchmaker.config import ConfigError, Environment, load_settings
from matchmaker.models.enums import Role
from matchmaker.schema import build_schema
from matchmaker.schema.limits import (
    MAX_DOCUMENT_CHARS,
    MAX_QUERY_COST,
    MAX_QUERY_COST_ANONYMOUS,
    parse_bounded,
    query_cost,
)
from matchmaker.schema.permissions import OPERATIONS
from matchmaker.services.authz import POLICY
from tests import factories

FRONTEND = Path(__file__).resolve().parents[1] / "frontend" / "src"
KB = 1024


async def _chunks(body: bytes, events: list[str], *, pause: asyncio.Event | None = None) -> Any:
    """Stream ``body`` in 64 KB chunks, noting when the last one went out."""
    chunk = 64 * KB
    for start in range(0, len(body), chunk):
        if pause is not None and start == chunk:
            await asyncio.wait_for(pause.wait(), timeout=10)
        yield body[start : start + chunk]
    events.append("body fully sent")


def _two_megabyte_query() -> bytes:
    # One long string literal: a single token, so the token limit alone doesn't stop it.
    literal = "x" * (2 * KB * KB)
    return json.dumps(
        {"query": f'{{ verifyCertificate(serial: "{literal}", code: "x") {{ valid }} }}'}
    ).encode()


# --- item 1: unbounded parse before any limit ----------------------------------------------


async def test_healthz_answers_while_an_anonymous_2mb_body_is_refused_before_it_is_read(http):
    events: list[str] = []
    healthz_answered = asyncio.Event()

    async def big_post() -> httpx.Response:
        response = await http.post(
            "/graphql",
            content=_chunks(_two_megabyte_query(), events, pause=healthz_answered),
            headers={"content-type": "application/json"},
        )
        events.append("2 MB post answered")
        return response

    async def health() -> httpx.Response:
        response = await http.get("/healthz")
        events.append("healthz answered")
        healthz_answered.set()
        return response

    refused, healthy = await asyncio.gather(big_post(), health())
    assert healthy.status_code == 200
    assert refused.status_code == 413
    assert refused.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    # The server answered the big body after 256 KB of it, never buffering (or parsing) 2 MB.
    assert events.index("healthz answered") < events.index("2 MB post answered")
    assert "body fully sent" not in events


async def test_a_long_string_literal_under_the_body_cap_is_refused_before_parsing(http):
    literal = "x" * (MAX_DOCUMENT_CHARS + 1)
    response = await http.post(
        "/graphql",
        json={"query": f'{{ verifyCertificate(serial: "{literal}", code: "x") {{ valid }} }}'},
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "DOCUMENT_TOO_LARGE"


async def test_an_anonymous_caller_cannot_send_a_large_body_to_the_upload_route(http):
    events: list[str] = []
    response = await http.post(
        "/graphql/upload",
        content=_chunks(_two_megabyte_query(), events),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "body fully sent" not in events  # refused before the body was read


SUBMIT = """mutation($input: SubmitProgressReportInput!) {
  submitProgressReport(input: $input) { report { id } errors { code field } } }"""


async def test_the_upload_route_runs_submit_progress_report_only(http, session, settings):
    user = await factories.account(session, settings, role=Role.VOLUNTEER)
    auth = {"Authorization": f"Bearer {user.token}"}
    for query in (
        "{ me { id } }",
        "mutation { logout { ok } }",
        SUBMIT.replace("submitProgressReport(", "a: logout { ok } submitProgressReport("),
    ):
        response = await http.post("/graphql/upload", json={"query": query}, headers=auth)
        assert response.status_code == 400, query
        assert response.json()["errors"][0]["extensions"]["code"] == "UPLOAD_OPERATION_ONLY"


async def test_a_signed_in_evidence_upload_over_the_small_cap_reaches_the_mutation(
    http, session, settings
):
    user = await factories.account(session, settings, role=Role.VOLUNTEER)
    variables = {
        "input": {
            "milestoneId": "TWlsZXN0b25lOjk5OQ==",
            "narrative": "月度服务",
            "activitiesHeld": 1,
            "beneficiariesServed": 1,
            "files": [
                {
                    "filename": "evidence.pdf",
                    "contentType": "application/pdf",
                    "contentBase64": "A" * (1024 * KB),  # 1 MB: over /graphql's 256 KB
                }
            ],
        }
    }
    body = {"query": SUBMIT, "variables": variables}
    auth = {"Authorization": f"Bearer {user.token}"}
    small = await http.post("/graphql", json=body, headers=auth)
    assert small.status_code == 413
    upload = await http.post("/graphql/upload", json=body, headers=auth)
    assert upload.status_code == 200
    # It ran: a volunteer may not report on a milestone (a typed refusal, not a size error).
    assert upload.json()["data"]["submitProgressReport"]["errors"]


def test_the_parse_cache_is_bounded_and_keyed_by_digest_not_by_document_text():
    from matchmaker.schema import limits

    for n in range(600):
        parse_bounded(f"{{ f{n} }}")
    assert len(limits._PARSED) <= 512
    assert all(isinstance(k, bytes) and len(k) == 32 for k in limits._PARSED._data)


# --- item 11: unbounded result size --------------------------------------------------------

CYCLIC = """{ activities(first: 100) { nodes { shifts { activity { shifts {
  activity { shifts { id } } } } } } } }"""


async def test_a_cyclic_activities_shifts_document_is_refused_as_too_costly(http):
    response = await http.post("/graphql", json={"query": CYCLIC})
    body = response.json()
    assert body.get("data") is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    # 100 activities × 50 shifts × 50 shifts × 50 shifts and their activities.
    assert error["extensions"]["cost"] > 12_000_000


async def test_a_page_of_activities_with_their_shifts_is_within_the_anonymous_cost(http):
    response = await http.post(
        "/graphql", json={"query": "{ activities(first: 20) { nodes { id shifts { id } } } }"}
    )
    assert "errors" not in response.json()


def _front_end_operations() -> list[tuple[str, DocumentNode]]:
    """Each operation of frontend/src/api/operations with the fragments it may use."""
    definitions = [
        d
        for path in sorted((FRONTEND / "api" / "operations").glob("*.graphql"))
        for d in parse(path.read_text()).definitions
    ]
    fragments = [d for d in definitions if isinstance(d, FragmentDefinitionNode)]
    return [
        (op.name.value if op.name else "?", DocumentNode(definitions=(op, *fragments)))
        for op in definitions
        if isinstance(op, OperationDefinitionNode)
    ]


def _page_sizes() -> dict[str, int]:
    """The largest `first` each screen passes to an operation (`XDocument, { first: N`)."""
    sizes: dict[str, int] = {}
    pattern = re.compile(r"(\w+)Document,\s*\{[^}]*?\bfirst:\s*(\d+)")
    for path in FRONTEND.rglob("*.ts*"):
        if path.name == "generated.ts":
            continue
        for match in pattern.finditer(path.read_text()):
            sizes[match[1]] = max(sizes.get(match[1], 0), int(match[2]))
    return sizes


def _public(document: DocumentNode) -> bool:
    """Every root field open to anonymous callers (POLICY: no capability or a public one)."""
    for op in document.definitions:
        if isinstance(op, OperationDefinitionNode):
            for field in op.selection_set.selections:
                capability = OPERATIONS.get(field.name.value)  # type: ignore[union-attr]
                if capability is not None and None not in POLICY[capability]:
                    return False
    return True


def test_every_front_end_operation_is_within_the_cost_limit_at_the_page_size_it_uses():
    schema = build_schema()._schema
    sizes = _page_sizes()
    operations = _front_end_operations()
    assert len(operations) > 50
    over = {}
    for name, document in operations:
        first = sizes.get(name)
        cost = query_cost(schema, document, {"first": first} if first else {})
        limit = MAX_QUERY_COST_ANONYMOUS if _public(document) else MAX_QUERY_COST
        if cost > limit:
            over[name] = (cost, limit)
    assert over == {}


# --- item 15: field suggestions reveal the schema ------------------------------------------


async def test_production_errors_do_not_suggest_field_type_or_enum_names(app_factory):
    production = await app_factory(env=Environment.PRODUCTION)
    development = await app_factory(env=Environment.DEVELOPMENT)
    probes = [
        "{ mee { id } }",
        "{ activities(first: 1, statu: OPEN) { nodes { id } } }",
        "query($s: ActivityStatu) { activities(first: 1, status: $s) { nodes { id } } }",
    ]
    for probe in probes:
        dev = (await development.post("/graphql", json={"query": probe})).json()
        assert "Did you mean" in dev["errors"][0]["message"], probe  # the probe does probe
        prod = (await production.post("/graphql", json={"query": probe})).json()
        assert prod["errors"] and all("Did you mean" not in e["message"] for e in prod["errors"])


# --- item 16: the environment defaults to development ---------------------------------------


def test_a_postgresql_deployment_without_matchmaker_env_refuses_to_start(tmp_path):
    with pytest.raises(ConfigError, match="MATCHMAKER_ENV must be set explicitly"):
        load_settings(
            {
                "MATCHMAKER_DATABASE_URL": "postgresql://mm@db/mm",
                "MATCHMAKER_VAR_DIR": str(tmp_path),
            }
        )
    # The embedded SQLite default (`make run`) still needs no variable.
    assert load_settings({"MATCHMAKER_VAR_DIR": str(tmp_path)}).env is Environment.DEVELOPMENT


def test_the_test_clock_switch_is_refused_outside_the_test_environment(tmp_path):
    with pytest.raises(ConfigError, match="MATCHMAKER_TEST_CLOCK is only allowed"):
        load_settings(
            {
                "MATCHMAKER_ENV": "production",
                "MATCHMAKER_TEST_CLOCK": "1",
                "MATCHMAKER_SECRET_KEY": "s" * 40,
                "MATCHMAKER_VAR_DIR": str(tmp_path),
            }
        )


async def test_matchmaker_env_test_alone_does_not_mount_the_test_clock(app_factory):
    client = await app_factory(test_clock=False)
    response = await client.post("/__test__/clock", json={"advance_seconds": 86400})
    assert response.status_code in (404, 405)


# --- item 18: over-long text filters answered INTERNAL ----------------------------------------

TEXT_FILTERS = [
    "publishedProjects(text: $t) { nodes { id } }",
    "activities(text: $t) { nodes { id } }",
    "regions(text: $t) { nodes { id } }",
    "organizations(text: $t) { nodes { id } }",
    "socialWorkers(text: $t) { nodes { id } }",
    "volunteerTeams(text: $t) { nodes { id } }",
    "volunteers(text: $t) { nodes { id } }",
    "volunteers(skill: $t) { nodes { id } }",
    "accounts(text: $t) { nodes { id } }",
]


@pytest.mark.parametrize("field", TEXT_FILTERS, ids=lambda f: f.split(")")[0])
async def test_a_200_kb_text_filter_is_text_too_long_before_any_sql(gql, session, settings, field):
    admin = await factories.account(session, settings, role=Role.PLATFORM_ADMIN)
    query = f"query($t: String) {{ {field} }}"
    body = await gql(query, {"t": "长" * (200 * KB // 3)}, token=admin.token, expect_errors=True)
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "TEXT_TOO_LONG", error
    assert error["extensions"]["field"] in ("text", "skill")
    # The documented length itself is fine.
    ok = await gql(query, {"t": "长" * 100}, token=admin.token, expect_errors=True)
    assert "errors" not in ok, ok


# --- item 19: out-of-range money, naive times, the radius leak ------------------------------


async def _signed_up_volunteer(session: Any, settings: Any, gql: Any, *, radius: int | None = None):
    from tests.volunteering_helpers import (
        HOUR,
        SIGN_UP,
        T0,
        community_activity,
        gid,
        staff,
        volunteer,
    )

    clock.freeze(T0)
    w = await factories.world(session)
    organizer = await staff(session, settings, w.street_a)
    start = T0 + dt.timedelta(minutes=20)
    _, (shift,) = await community_activity(
        session,
        settings,
        organizer,
        w.community_a1,
        shifts=[(start, start + 2 * HOUR, 5)],
        radius=radius,
    )
    v = await volunteer(session, settings)
    data = await gql(SIGN_UP, {"i": {"shiftId": gid("Shift", shift.id)}}, token=v.token)
    return organizer, shift, v, data["signUp"]["signup"]["id"]


async def test_a_budget_beyond_the_money_columns_is_a_typed_input_error_not_internal(
    gql, session, settings
):
    from tests.procurement_support import city, gid, spec

    c = await city(session, settings, bidders=0)
    body = await gql(
        """mutation($i: CreateProjectInput!) { createProject(input: $i) { project { id } } }""",
        {
            "i": {
                "regionId": gid("Region", c.community.id),
                "project": spec(budgetCeilingFen=10**20),
            }
        },
        token=c.staff.token,
        expect_errors=True,
    )
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "INVALID_INPUT"
    assert "at most 1000000000000000 fen" in error["message"]


async def test_a_naive_datetime_is_a_typed_input_error_not_internal(gql, session, settings):
    organizer, _, _, signup_id = await _signed_up_volunteer(session, settings, gql)
    body = await gql(
        """mutation($i: MarkAttendedInput!) { markAttended(input: $i) { errors { code } } }""",
        {"i": {"signupId": signup_id, "checkInAt": "2026-03-02T09:25:00"}},  # no offset
        token=organizer.token,
        expect_errors=True,
    )
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "INVALID_INPUT"
    assert "time zone offset" in error["message"]


async def test_a_check_in_outside_the_radius_does_not_reveal_how_far_the_activity_is(
    gql, session, settings
):
    from matchmaker.services.activities import current_code
    from tests.volunteering_helpers import CHECK_IN, LAT, LNG, T0, gid

    _, shift, v, _ = await _signed_up_volunteer(session, settings, gql, radius=200)
    # A stranger's probe 1.1 km north: the answer must not say "1112 m".
    data = await gql(
        CHECK_IN,
        {
            "i": {
                "shiftId": gid("Shift", shift.id),
                "code": current_code(shift.secret, T0),
                "latitude": LAT + 0.01,
                "longitude": LNG,
            }
        },
        token=v.token,
    )
    (error,) = data["checkIn"]["errors"]
    assert error["code"] == "OUTSIDE_RADIUS"
    assert not re.search(r"\d", error["message"])


# --- item 13: SQL parameters in logs -----------------------------------------------------------


async def test_a_unique_violation_logs_its_constraint_but_never_the_phone(
    gql, session, settings, monkeypatch, caplog
):
    import logging

    from matchmaker.logging import JsonFormatter
    from matchmaker.models import Account
    from matchmaker.models.enums import AccountStatus
    from matchmaker.services import accounts as account_service

    admin = await factories.account(session, settings, role=Role.PLATFORM_ADMIN)
    await factories.account(session, settings, phone="13912345678")

    async def racing_create(sc: Any, **_: Any) -> Any:
        # What a lost race looks like: the phone was free at the check, taken at the INSERT.
        row = Account(
            username="racer",
            phone="13912345678",
            password_hash="$argon2id$secret-hash",
            display_name="抢注",
            status=AccountStatus.ACTIVE,
        )
        sc.session.add(row)
        await sc.session.flush()
        return row

    monkeypatch.setattr(account_service, "create_account", racing_create)
    caplog.set_level(logging.INFO)
    data = await gql(
        """mutation($i: CreateAccountInput!) { createAccount(input: $i) { errors { code } } }""",
        {"i": {"displayName": "抢注", "password": "abc12345", "phone": "13912345678"}},
        token=admin.token,
    )
    assert [e["code"] for e in data["createAccount"]["errors"]] == ["CONFLICT"]
    formatter = JsonFormatter()
    logged = "\n".join(formatter.format(r) for r in caplog.records)
    assert "integrity error turned into CONFLICT" in logged
    assert "phone" in logged  # the constraint (or SQLite's column list) is named
    assert "13912345678" not in logged and "secret-hash" not in logged
