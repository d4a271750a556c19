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


PROJECTS = "query($r: ID) { spendingProjects(regionId: $r) { total projects { id } } }"


async def _projects_in(env: MatrixEnv, role, region: Region):
    from tests.procurement_support import make_project

    await make_project(env.session, env.world.community_a1)
    body = await env.gql(
        PROJECTS, {"r": gid("Region", region.id)}, token=env.token(role), expect_errors=True
    )
    if refused_by_error(body):
        return Outcome(allowed=False, detail=body["errors"])
    return Outcome(allowed=body["data"]["spendingProjects"]["total"] == 1)


async def _projects(env: MatrixEnv, role):
    return await _projects_in(env, role, env.in_scope_region)


case("spendingProjects", REGIONAL, allowed=True)(_projects)
case("spendingProjects", [r for r in ROLES if r not in REGIONAL], allowed=False)(_projects)


@case("spendingProjects", REGIONAL, allowed=False, name="other_street_refused")
async def projects_out_of_scope(env: MatrixEnv, role):
    return await _projects_in(env, role, env.out_of_scope_region)


CHAIN = "query($p: ID!) { evidenceChain(projectId: $p) { projectId totals { paidFen } } }"


async def _chain_in(env: MatrixEnv, role, region: Region):
    from tests.procurement_support import make_project

    project = await make_project(env.session, region)
    body = await env.gql(
        CHAIN, {"p": gid("Project", project.id)}, token=env.token(role), expect_errors=True
    )
    if refused_by_error(body):
        return Outcome(allowed=False, detail=body["errors"])
    return Outcome(allowed=body["data"]["evidenceChain"]["projectId"] == gid("Project", project.id))


async def _chain(env: MatrixEnv, role):
    return await _chain_in(env, role, env.world.community_a1)


case("evidenceChain", REGIONAL, allowed=True)(_chain)
case("evidenceChain", [r for r in ROLES if r not in REGIONAL], allowed=False)(_chain)


@case("evidenceChain", REGIONAL, allowed=False, name="other_street_not_found")
async def chain_out_of_scope(env: MatrixEnv, role):
    return await _chain_in(env, role, env.world.community_b1)


EXPORT = """mutation($i: OversightExportInput!) { requestOversightExport(input: $i) {
  url errors { code field } } }"""


async def _export_in(env: MatrixEnv, role, region: Region):
    body = await env.gql(
        EXPORT,
        {"i": {"kind": "SPENDING", "regionId": gid("Region", region.id)}},
        token=env.token(role),
        expect_errors=True,
    )
    return payload_outcome(body, "requestOversightExport")


async def _export(env: MatrixEnv, role):
    return await _export_in(env, role, env.in_scope_region)


case("requestOversightExport", REGIONAL, allowed=True)(_export)
case("requestOversightExport", [r for r in ROLES if r not in REGIONAL], allowed=False)(_export)


@case("requestOversightExport", REGIONAL, allowed=False, name="other_street_not_found")
async def export_out_of_scope(env: MatrixEnv, role):
    return await _export_in(env, role, env.out_of_scope_region)
