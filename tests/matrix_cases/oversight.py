"""Matrix cases for oversight: spending figures, findings, decisions, the scan (docs/oversight.md)."""

from __future__ import annotations

from matchmaker import clock
from matchmaker.models import Finding, Region
from matchmaker.models.enums import Role
from matchmaker.models.oversight import FindingSeverity
from tests.matrix import ROLES, MatrixEnv, Outcome, case, payload_outcome, refused_by_error
from tests.procurement_support import gid

REGIONAL = [Role.AUDITOR, Role.BUREAU_OFFICER, Role.COMMUNITY_STAFF]
FINDING_READERS = [Role.AUDITOR, Role.BUREAU_OFFICER]
SCANNERS = [Role.PLATFORM_ADMIN, Role.AUDITOR]


async def _finding(env: MatrixEnv, region: Region, subject_id: int = 1) -> Finding:
    now = clock.now()
    f = Finding(
        rule="CONTRACT_ABOVE_BUDGET",
        severity=FindingSeverity.HIGH,
        subject_type="Contract",
        subject_id=subject_id,
        subject_label="测试合同",
        region_path=region.path,
        evidence={"excessFen": 100},
        money_fen=100,
        first_seen_at=now,
        last_seen_at=now,
        queue_key=subject_id,
    )
    env.session.add(f)
    await env.session.commit()
    return f


SUMMARY = "query($r: ID) { spendingSummary(regionId: $r) { projects budgetedFen } }"


async def _summary(env: MatrixEnv, role):
    body = await env.gql(
        SUMMARY,
        {"r": gid("Region", env.in_scope_region.id)},
        token=env.token(role),
        expect_errors=True,
    )
    if refused_by_error(body):
        return Outcome(allowed=False, detail=body["errors"])
    return Outcome(allowed=body["data"]["spendingSummary"]["projects"] == 0)


case("spendingSummary", REGIONAL, allowed=True)(_summary)
case("spendingSummary", [r for r in ROLES if r not in REGIONAL], allowed=False)(_summary)


@case("spendingSummary", REGIONAL, allowed=False, name="other_street_refused")
async def summary_out_of_scope(env: MatrixEnv, role):
    body = await env.gql(
        SUMMARY,
        {"r": gid("Region", env.out_of_scope_region.id)},
        token=env.token(role),
        expect_errors=True,
    )
    return Outcome(allowed=not refused_by_error(body), detail=body.get("errors"))


FINDINGS = "{ findings(first: 10) { edges { node { id rule subject { type } } } } }"


async def _findings(env: MatrixEnv, role):
    await _finding(env, env.world.community_a1)
    body = await env.gql(FINDINGS, token=env.token(role), expect_errors=True)
    if refused_by_error(body):
        return Outcome(allowed=False, detail=body["errors"])
    return Outcome(allowed=len(body["data"]["findings"]["edges"]) == 1)


case("findings", FINDING_READERS, allowed=True)(_findings)
case("findings", [r for r in ROLES if r not in FINDING_READERS], allowed=False)(_findings)


@case("findings", FINDING_READERS, allowed=False, name="other_street_hidden")
async def findings_out_of_scope(env: MatrixEnv, role):
    await _finding(env, env.world.community_b1)
    data = await env.gql(FINDINGS, token=env.token(role))
    return Outcome(allowed=len(data["findings"]["edges"]) > 0)


DECIDE = """mutation($i: DecideFindingInput!) { decideFinding(input: $i) {
  finding { status note } errors { code field } } }"""


async def _decide_in(env: MatrixEnv, role, region: Region):
    f = await _finding(env, region)
    body = await env.gql(
        DECIDE,
        {"i": {"findingId": gid("Finding", f.id), "decision": "CONFIRM", "note": "凭证已核对"}},
        token=env.token(role),
        expect_errors=True,
    )
    return payload_outcome(body, "decideFinding")


async def _decide(env: MatrixEnv, role):
    return await _decide_in(env, role, env.world.community_a1)


case("decideFinding", [Role.AUDITOR], allowed=True)(_decide)
case("decideFinding", [r for r in ROLES if r is not Role.AUDITOR], allowed=False)(_decide)


@case("decideFinding", [Role.AUDITOR], allowed=False, name="other_street_not_found")
async def decide_out_of_scope(env: MatrixEnv, role):
    return await _decide_in(env, role, env.world.community_b1)


SCAN = "mutation { runAuditScan { jobId errors { code } } }"


async def _scan(env: MatrixEnv, role):
    body = await env.gql(SCAN, token=env.token(role), expect_errors=True)
    return payload_outcome(body, "runAuditScan")


case("runAuditScan", SCANNERS, allowed=True)(_scan)
case("runAuditScan", [r for r in ROLES if r not in SCANNERS], allowed=False)(_scan)
