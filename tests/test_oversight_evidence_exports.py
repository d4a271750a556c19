"""The evidence chain of a project, the projects behind a figure and the .xlsx exports:
hand-computed figures, scope and masking refusals, sealed bids, a constant statement count, the
export job for large scopes (docs/oversight.md, "Evidence chain" and "Exports")."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from typing import Any

import openpyxl
from sqlalchemy import event, select

from matchmaker import clock
from matchmaker.models import (
    Activity,
    EvidenceFile,
    Finding,
    Need,
    Notification,
    ProgressReport,
    ProjectNeed,
    ServiceRecord,
)
from matchmaker.models.enums import Role, ServiceCategory
from matchmaker.models.oversight import FindingSeverity, FindingStatus, OversightExport
from matchmaker.models.procurement import ReportStatus
from matchmaker.models.volunteering import RecordSource, RecordStatus
from tests import factories
from tests.procurement_support import YUAN, gid
from tests.test_oversight_summary import Dataset, _pay, dataset

CHAIN = """query($p: ID!) { evidenceChain(projectId: $p) {
  projectId title status regionName sealed budgetCeilingFen
  needs { id targetGroup peopleAffected }
  bids { organizationName priceFen status awarded }
  contract { id amountFen organizationName }
  milestones { id sequence amountFen status }
  payments { amountFen paidOn voucherNumber }
  reports { status beneficiariesServed files { pk filename size } }
  activities { title approvedMinutes approvedRecords volunteers { nameMasked minutes records } }
  totals { budgetCeilingFen contractedFen paidFen outstandingFen milestonesAccepted
    acceptedBeneficiaries approvedMinutes approvedRecords volunteers }
  findingsVisible openFindings { rule subject { type } regionName }
} }"""


async def _finding(
    session: Any, subject_type: str, subject_id: int, path: str, **kw: Any
) -> Finding:
    now = clock.now()
    f = Finding(
        rule=kw.pop("rule", "CONTRACT_ABOVE_BUDGET"),
        severity=FindingSeverity.HIGH,
        subject_type=subject_type,
        subject_id=subject_id,
        subject_label=kw.pop("label", "测试对象"),
        region_path=path,
        evidence=kw.pop("evidence", {"excessFen": 100}),
        money_fen=100,
        first_seen_at=now,
        last_seen_at=now,
        queue_key=subject_id,
        **kw,
    )
    session.add(f)
    await session.commit()
    return f


async def _chain_dataset(session: Any, settings: Any) -> Dataset:
    """The summary's dataset, plus for P1 a need, an evidence file and a finding per subject."""
    d = await dataset(session, settings)
    w = d.c.world
    need = Need(
        region_id=w.community_a1.id,
        category=ServiceCategory.ELDERLY,
        target_group="独居老人",
        description="独居老人缺少探访",
        people_affected=40,
    )
    session.add(need)
    await session.flush()
    session.add(ProjectNeed(project_id=d.p1.id, need_id=need.id))
    report = await session.scalar(
        select(ProgressReport).where(ProgressReport.status == ReportStatus.ACCEPTED)
    )
    assert report is not None
    session.add(
        EvidenceFile(
            report_id=report.id,
            filename="签到表.pdf",
            content_type="application/pdf",
            size=4,
            sha256="0" * 64,
            data=b"%PDF",
        )
    )
    await session.commit()
    from matchmaker.models import Contract

    contract = await session.scalar(select(Contract).where(Contract.project_id == d.p1.id))
    assert contract is not None
    await _finding(session, "Contract", contract.id, w.community_a1.path)
    # A decided finding and one on another project are not shown.
    await _finding(
        session,
        "Project",
        d.p1.id,
        w.community_a1.path,
        rule="SINGLE_VALID_BID",
        status=FindingStatus.DISMISSED,
    )
    await _finding(session, "Project", d.p2.id, w.community_a2.path, rule="SINGLE_VALID_BID")
    return d


async def test_the_evidence_chain_runs_from_the_need_to_the_hours_with_the_open_findings(
    gql, session, settings
):
    d = await _chain_dataset(session, settings)
    c = (await gql(CHAIN, {"p": gid("Project", d.p1.id)}, token=d.c.auditor.token))["evidenceChain"]
    assert c["regionName"] == d.c.world.community_a1.name and c["sealed"] is False
    assert [(n["targetGroup"], n["peopleAffected"]) for n in c["needs"]] == [("独居老人", 40)]
    assert sorted((b["priceFen"], b["awarded"]) for b in c["bids"]) == [
        (180_000 * YUAN, True),
        (190_000 * YUAN, False),
        (195_000 * YUAN, False),
    ]
    assert c["contract"]["amountFen"] == 180_000 * YUAN
    assert [p["amountFen"] for p in c["payments"]] == [50_000 * YUAN, 40_000 * YUAN]
    accepted = [r for r in c["reports"] if r["status"] == "ACCEPTED"]
    assert accepted[0]["files"][0]["filename"] == "签到表.pdf"
    (activity,) = c["activities"]
    # 120 + 180 approved minutes of one volunteer; pending and rejected records don't count.
    assert (activity["approvedMinutes"], activity["approvedRecords"]) == (300, 2)
    (volunteer,) = activity["volunteers"]
    assert volunteer["minutes"] == 300 and volunteer["nameMasked"].endswith("*")
    t = c["totals"]
    assert (t["contractedFen"], t["paidFen"], t["outstandingFen"]) == (
        180_000 * YUAN,
        90_000 * YUAN,
        90_000 * YUAN,
    )
    assert (t["acceptedBeneficiaries"], t["approvedMinutes"], t["volunteers"]) == (60, 300, 1)
    assert c["findingsVisible"] is True
    assert [(f["rule"], f["subject"]["type"]) for f in c["openFindings"]] == [
        ("CONTRACT_ABOVE_BUDGET", "Contract")
    ]
    assert c["openFindings"][0]["regionName"] == d.c.world.community_a1.name


async def test_a_sealed_project_shows_no_bid_in_its_chain(gql, session, settings):
    d = await dataset(session, settings)
    c = (await gql(CHAIN, {"p": gid("Project", d.p4.id)}, token=d.c.auditor.token))["evidenceChain"]
    assert c["sealed"] is True and c["bids"] == [] and c["contract"] is None


async def test_the_chain_is_scoped_like_the_figures(gql, session, settings):
    d = await _chain_dataset(session, settings)
    w = d.c.world
    auditor_b = await factories.account(session, settings, role=Role.AUDITOR, region=w.street_b)
    body = await gql(
        CHAIN, {"p": gid("Project", d.p1.id)}, token=auditor_b.token, expect_errors=True
    )
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    # Community staff read it, without findings (they may not read them).
    c = (await gql(CHAIN, {"p": gid("Project", d.p1.id)}, token=d.c.staff.token))["evidenceChain"]
    assert c["findingsVisible"] is False and c["openFindings"] == []
    assert c["totals"]["paidFen"] == 90_000 * YUAN
    body = await gql(
        CHAIN, {"p": gid("Project", d.p1.id)}, token=d.c.volunteer.token, expect_errors=True
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_the_chain_costs_the_same_statements_for_a_small_or_a_large_project(
    gql, session, settings, app
):
    d = await _chain_dataset(session, settings)
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    async def run() -> int:
        statements.clear()
        event.listen(app.state.mm.engine.sync_engine, "before_cursor_execute", count)
        try:
            await gql(CHAIN, {"p": gid("Project", d.p1.id)}, token=d.c.auditor.token)
        finally:
            event.remove(app.state.mm.engine.sync_engine, "before_cursor_execute", count)
        return len(statements)

    few = await run()
    from matchmaker.models import Contract, Milestone

    contract = await session.scalar(select(Contract).where(Contract.project_id == d.p1.id))
    milestones = list(
        await session.scalars(select(Milestone).where(Milestone.contract_id == contract.id))
    )
    w = d.c.world
    for i in range(6):
        await _pay(session, contract, milestones[0], 100 + i, dt.date(2027, 7, 1 + i), 10 + i)
        _, vol = await factories.volunteer(session, settings, home=w.community_a1)
        activity = Activity(
            title=f"活动{i}",
            project_id=d.p1.id,
            region_id=w.community_a1.id,
            region_path=w.community_a1.path,
            created_by_account_id=d.c.staff.account.id,
            place_name="社区服务站",
            category=ServiceCategory.ELDERLY,
        )
        session.add(activity)
        await session.flush()
        start = dt.datetime(2027, 4, 1 + i, 1, 0, tzinfo=dt.UTC)
        session.add(
            ServiceRecord(
                volunteer_id=vol.id,
                activity_id=activity.id,
                region_path=w.community_a1.path,
                starts_at=start,
                ends_at=start + dt.timedelta(minutes=60),
                minutes=60,
                source=RecordSource.MANUAL,
                status=RecordStatus.APPROVED,
            )
        )
        session.add(
            ProgressReport(
                milestone_id=milestones[1].id,
                organization_id=contract.organization_id,
                narrative="补充报告",
                activities_held=1,
                beneficiaries_served=1,
                status=ReportStatus.SUBMITTED,
                submitted_at=clock.now(),
            )
        )
        await _finding(session, "Payment", 10_000 + i, w.community_a1.path)
        await session.commit()
    assert await run() == few


# --- the projects behind a figure ------------------------------------------------------------

PROJECTS = """query($r: ID, $y: Int, $c: ServiceCategory, $f: FundingSource) {
  spendingProjects(regionId: $r, year: $y, category: $c, fundingSource: $f) {
    total projects { id title regionName budgetedFen contractedFen paidFen
      approvedServiceMinutes organizationName } } }"""


async def test_the_projects_behind_a_figure_add_up_to_it(gql, session, settings):
    d = await dataset(session, settings)
    data = (await gql(PROJECTS, {"y": 2027}, token=d.c.auditor.token))["spendingProjects"]
    assert data["total"] == 5
    assert sum(p["budgetedFen"] for p in data["projects"]) == 650_000 * YUAN
    assert sum(p["paidFen"] for p in data["projects"]) == 120_000 * YUAN
    assert data["projects"][0]["id"] == gid("Project", d.p1.id)  # the largest contract first
    one = (await gql(PROJECTS, {"y": 2027, "c": "CHILDREN_YOUTH"}, token=d.c.auditor.token))[
        "spendingProjects"
    ]
    assert one["total"] == 1 and one["projects"][0]["contractedFen"] == 90_000 * YUAN


# --- xlsx -------------------------------------------------------------------------------------


def _book(content: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(content))


def _rows(ws: Any) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


async def _get(http: Any, path: str, token: str | None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return await http.get(path, headers=headers)


async def test_the_spending_workbook_has_a_sheet_per_breakdown_and_the_dashboards_totals(
    http, session, settings
):
    d = await dataset(session, settings)
    response = await _get(http, "/oversight/exports/spending.xlsx?year=2027", d.c.auditor.token)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = _book(response.content)
    assert book.sheetnames == ["总览", "按地区", "按服务类别", "按资金来源", "按月支付", "项目状态"]
    overview = {row[0]: row[1:] for row in _rows(book["总览"])[1:]}
    assert overview["项目数"][0] == 5
    assert overview["预算金额（元）"][1] == 650_000  # yuan, a number
    assert overview["已支付（元）"][1] == 120_000
    assert overview["核定志愿服务时长（小时）"][0] == 5  # 300 minutes
    assert book["总览"]["C3"].number_format == '"¥"#,##0.00'
    regions = _rows(book["按地区"])
    assert regions[0] == (
        "地区",
        "项目数",
        "预算金额（元）",
        "合同金额（元）",
        "已支付（元）",
        "核定志愿服务时长（小时）",
    )
    assert sum(r[4] for r in regions[1:]) == 120_000
    months = _rows(book["按月支付"])[1:]
    assert months == [("2027-02", 80_000), ("2027-06", 40_000)]
    categories = {r[0]: r for r in _rows(book["按服务类别"])[1:]}
    assert categories["青少年儿童"][3] == 90_000


async def test_the_ledger_workbook_has_a_sheet_per_table_adding_up_to_the_project_list(
    http, session, settings
):
    d = await dataset(session, settings)
    response = await _get(http, "/oversight/exports/projects.xlsx?year=2027", d.c.auditor.token)
    assert response.status_code == 200, response.text
    book = _book(response.content)
    assert book.sheetnames == ["项目清单", "合同", "里程碑", "付款"]
    projects = _rows(book["项目清单"])[1:]
    contracts = _rows(book["合同"])
    milestones = _rows(book["里程碑"])
    payments = _rows(book["付款"])
    assert contracts[0][:6] == (
        "合同编号",
        "项目编号",
        "项目名称",
        "承接机构",
        "统一社会信用代码",
        "合同金额（元）",
    )
    # Every contracted project has its contract; the contract sheet adds up to the list.
    contracted = {p[0]: p[9] for p in projects if p[9]}
    assert {c[1]: c[5] for c in contracts[1:]} == contracted
    # Every milestone belongs to a listed contract; the payments add up to the paid figure
    # (120,000 yuan) and each names its milestone.
    contract_ids = {c[0] for c in contracts[1:]}
    assert milestones[1:] and {m[1] for m in milestones[1:]} <= contract_ids
    assert {p[2] for p in payments[1:]} <= {m[0] for m in milestones[1:]}
    assert sum(p[4] for p in payments[1:]) == 120_000
    assert {p[3] for p in payments[1:]} <= set(contracted)
    assert book["里程碑"]["F2"].number_format == "0.0%"


async def test_the_ledger_workbook_of_another_street_holds_none_of_these_contracts(
    http, session, settings
):
    d = await dataset(session, settings)
    auditor_b = await factories.account(
        session, settings, role=Role.AUDITOR, region=d.c.world.street_b
    )
    path = "/oversight/exports/projects.xlsx?year=2027"
    whole = _book((await _get(http, path, d.c.auditor.token)).content)
    mine = _book((await _get(http, path, auditor_b.token)).content)
    # Street B holds only P4, still taking bids: no contract, milestone or payment of street A.
    assert [p[0] for p in _rows(mine["项目清单"])[1:]] == [d.p4.id]
    assert len(_rows(whole["合同"])) == 3  # header + P1's and P2's contracts
    for sheet in ("合同", "里程碑", "付款"):
        assert len(_rows(mine[sheet])) == 1, sheet  # the header alone


async def test_the_findings_workbook_carries_status_and_notes_in_scope(http, session, settings):
    d = await dataset(session, settings)
    w = d.c.world
    await _finding(
        session,
        "Project",
        d.p1.id,
        w.community_a1.path,
        status=FindingStatus.CONFIRMED,
        note="凭证已核对",
    )
    await _finding(session, "Project", d.p4.id, w.community_b1.path, rule="SINGLE_VALID_BID")
    response = await _get(http, "/oversight/exports/findings.xlsx", d.c.auditor.token)
    rows = _rows(_book(response.content)["审计发现"])
    assert rows[0][:5] == ("编号", "规则", "规则说明", "严重程度", "状态")
    assert len(rows) == 3
    confirmed = next(r for r in rows[1:] if r[4] == "已确认")
    assert confirmed[13] == "凭证已核对" and confirmed[9] == 1  # ¥1.00 at stake
    assert isinstance(confirmed[11], dt.datetime)  # Beijing time, a real date cell
    # An auditor of street B gets B's finding only; street A's region is out of scope.
    auditor_b = await factories.account(session, settings, role=Role.AUDITOR, region=w.street_b)
    rows_b = _rows(
        _book((await _get(http, "/oversight/exports/findings.xlsx", auditor_b.token)).content)[
            "审计发现"
        ]
    )
    assert [r[1] for r in rows_b[1:]] == ["SINGLE_VALID_BID"]
    refused = await _get(
        http, f"/oversight/exports/findings.xlsx?regionId={w.street_a.id}", auditor_b.token
    )
    assert refused.status_code == 404
    # Community staff read figures but not findings; anonymous callers nothing.
    assert (
        await _get(http, "/oversight/exports/findings.xlsx", d.c.staff.token)
    ).status_code == 404
    assert (await _get(http, "/oversight/exports/spending.xlsx", None)).status_code == 401
    assert (
        await _get(http, "/oversight/exports/nonsense.xlsx", d.c.auditor.token)
    ).status_code == 400
    for query in ("category=NOPE", "fundingSource=NOPE", "year=abc", "status=MAYBE"):
        bad = await _get(http, f"/oversight/exports/findings.xlsx?{query}", d.c.auditor.token)
        assert bad.status_code == 400, query


async def test_the_evidence_workbook_masks_volunteers_and_leaves_out_sealed_bids(
    http, session, settings
):
    d = await _chain_dataset(session, settings)
    response = await _get(
        http, f"/oversight/exports/evidence.xlsx?projectId={d.p1.id}", d.c.auditor.token
    )
    book = _book(response.content)
    assert book.sheetnames == [
        "项目",
        "需求",
        "投标",
        "合同",
        "里程碑",
        "支付",
        "进度报告",
        "服务时长",
        "审计发现",
    ]
    hours = _rows(book["服务时长"])
    assert hours[0] == ("活动编号", "活动", "志愿者", "记录数", "核定时长（小时）")
    name = hours[1][2]
    assert name.endswith("*") and len(set(name[1:])) == 1  # 张* as on screen
    assert hours[-1][1:] == ("合计", None, 2, 5)  # an empty cell reads back as None
    assert sum(r[2] for r in _rows(book["支付"])[1:]) == 90_000
    sealed = await _get(
        http, f"/oversight/exports/evidence.xlsx?projectId={d.p4.id}", d.c.auditor.token
    )
    assert _rows(_book(sealed.content)["投标"])[1:] == []
    auditor_b = await factories.account(
        session, settings, role=Role.AUDITOR, region=d.c.world.street_b
    )
    refused = await _get(
        http, f"/oversight/exports/evidence.xlsx?projectId={d.p1.id}", auditor_b.token
    )
    assert refused.status_code == 404


EXPORT = """mutation($i: OversightExportInput!) { requestOversightExport(input: $i) {
  url jobId rows errors { code field } } }"""


async def test_a_small_scope_gets_a_url_and_a_large_one_a_job_that_notifies_its_requester(
    gql, session, settings, session_factory, app_factory
):
    from matchmaker.jobs import tasks  # noqa: F401  (registers the jobs)
    from matchmaker.models.jobs import JobStatus
    from matchmaker.queue.runner import execute
    from matchmaker.schema.relay import from_global_id

    d = await dataset(session, settings)
    small = (await gql(EXPORT, {"i": {"kind": "PROJECTS", "year": 2027}}, token=d.c.auditor.token))[
        "requestOversightExport"
    ]
    assert small == {
        "url": "/oversight/exports/projects.xlsx?year=2027",
        "jobId": None,
        "rows": 5,
        "errors": [],
    }

    tight = dataclasses.replace(settings, oversight_export_direct_max_rows=2)
    client = await app_factory(oversight_export_direct_max_rows=2)
    headers = {"Authorization": f"Bearer {d.c.auditor.token}"}
    body = (
        await client.post(
            "/graphql",
            json={"query": EXPORT, "variables": {"i": {"kind": "PROJECTS", "year": 2027}}},
            headers=headers,
        )
    ).json()["data"]["requestOversightExport"]
    assert body["url"] is None and body["rows"] == 5
    # Asked for twice the same day: the same job.
    again = (
        await client.post(
            "/graphql",
            json={"query": EXPORT, "variables": {"i": {"kind": "PROJECTS", "year": 2027}}},
            headers=headers,
        )
    ).json()["data"]["requestOversightExport"]
    assert again["jobId"] == body["jobId"]
    direct = await client.get("/oversight/exports/projects.xlsx?year=2027", headers=headers)
    assert direct.status_code == 400  # too large to build in the request

    _, job_id = from_global_id(body["jobId"])
    assert await execute(session_factory, tight, job_id) is JobStatus.DONE
    stored = list(await session.scalars(select(OversightExport)))
    assert len(stored) == 1 and stored[0].rows == 5
    note = await session.scalar(
        select(Notification).where(Notification.kind == "oversight.export_ready")
    )
    assert note is not None and note.account_id == d.c.auditor.account.id
    assert f"/oversight/exports/files/{stored[0].id}.xlsx" in note.body

    # A retried run writes nothing new.
    from matchmaker.models import OutboxJob

    job = await session.get(OutboxJob, job_id)
    job.status = JobStatus.QUEUED
    await session.commit()
    assert await execute(session_factory, tight, job_id) is JobStatus.DONE
    session.expire_all()
    assert len(list(await session.scalars(select(OversightExport)))) == 1
    await session.commit()

    url = f"/oversight/exports/files/{stored[0].id}.xlsx"
    got = await client.get(url, headers=headers)
    rows = _rows(_book(got.content)["项目清单"])
    assert len(rows) == 6 and sum(r[8] for r in rows[1:]) == 650_000
    other = await client.get(url, headers={"Authorization": f"Bearer {d.c.bureau.token}"})
    assert other.status_code == 404


FINDING_NAMES = """{ findings(first: 10) { edges { node { regionName
  evidenceProjects { id title } } } } }"""


async def test_a_finding_names_its_region_and_the_projects_in_scope_it_is_about(
    gql, session, settings
):
    d = await dataset(session, settings)
    w = d.c.world
    # Evidence naming a project of street B: an auditor of street A doesn't get its title.
    await _finding(
        session,
        "Project",
        d.p1.id,
        w.community_a1.path,
        rule="SPLIT_PURCHASE",
        evidence={"projectIds": [d.p1.id, d.p2.id, d.p4.id]},
    )
    auditor_a = await factories.account(session, settings, role=Role.AUDITOR, region=w.street_a)
    edges = (await gql(FINDING_NAMES, token=auditor_a.token))["findings"]["edges"]
    (node,) = [e["node"] for e in edges]
    assert node["regionName"] == w.community_a1.name
    assert node["evidenceProjects"] == [
        {"id": gid("Project", d.p1.id), "title": d.p1.title},
        {"id": gid("Project", d.p2.id), "title": d.p2.title},
    ]


async def test_region_names_and_project_titles_cost_the_same_statements_for_2_or_10_findings(
    gql, session, settings, app
):
    d = await dataset(session, settings)
    w = d.c.world
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    async def run() -> int:
        statements.clear()
        event.listen(app.state.mm.engine.sync_engine, "before_cursor_execute", count)
        try:
            await gql(FINDING_NAMES, token=d.c.auditor.token)
        finally:
            event.remove(app.state.mm.engine.sync_engine, "before_cursor_execute", count)
        return len(statements)

    communities = [w.community_a1, w.community_a2, w.community_b1]
    projects = [d.p1, d.p2, d.p4]
    for i in range(2):
        await _finding(
            session, "Project", projects[i].id, communities[i].path, rule="SPLIT_PURCHASE"
        )
    few = await run()
    for i in range(2, 10):
        await _finding(
            session,
            "Payment",
            1000 + i,
            communities[i % 3].path,
            evidence={"projectId": projects[i % 3].id},
        )
    assert await run() == few
