""".xlsx exports of oversight (docs/oversight.md, "Exports").

Four exports, each in the caller's scope and exactly what the matching screen shows (names of
volunteers masked): the spending summary (one sheet per breakdown), the spending ledger (the
projects behind a figure with their contracts, milestones and payments), the findings queue
(with status and notes) and one project's evidence chain. Headers are Chinese, money is a
number of yuan formatted as such, times are Beijing time.

A scope of at most ``oversight_export_direct_max_rows`` rows downloads at once from
``GET /oversight/exports/{kind}.xlsx``; a larger one is written by the ``oversight_export``
job, which stores the file for its requester and notifies them with its link. The job is
idempotent: a retried run finds the file it wrote.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlencode

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select

from matchmaker import clock
from matchmaker.models import Contract, Finding, Milestone, Organization, Payment, Project
from matchmaker.models.enums import ServiceCategory
from matchmaker.models.oversight import FindingStatus, OversightExport
from matchmaker.queue.outbox import schedule
from matchmaker.services import audit, notifications
from matchmaker.services.authz import Capability, require, require_authenticated
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import DomainError, ErrorCode, invalid, not_found
from matchmaker.services.oversight.evidence import EvidenceChain, evidence_chain
from matchmaker.services.oversight.findings import findings_statement, region_path_in_scope
from matchmaker.services.oversight.rules import RULES
from matchmaker.services.oversight.summary import (
    Breakdown,
    SpendingSummary,
    spending_projects,
    spending_summary,
)

KINDS = ("spending", "projects", "findings", "evidence")
_FILE_TITLES = {
    "spending": "资金总览",
    "projects": "项目清单",
    "findings": "审计发现",
    "evidence": "证据链",
}

CATEGORY_ZH = {
    "ELDERLY": "为老服务",
    "CHILDREN_YOUTH": "青少年儿童",
    "DISABILITY": "助残服务",
    "FAMILY": "家庭服务",
    "COMMUNITY_INTEGRATION": "社区融入",
    "REHABILITATION": "社区康复",
    "EMPLOYMENT": "就业帮扶",
    "PSYCHOLOGICAL": "心理疏导",
    "HARDSHIP_RELIEF": "困难救助",
    "DISPUTE_MEDIATION": "矛盾调解",
    "CULTURE_SPORT": "文体活动",
    "ENVIRONMENT": "环境保护",
    "OTHER": "其他",
}
FUNDING_ZH = {
    "GOVERNMENT_PURCHASE": "政府购买服务",
    "VENTURE_PHILANTHROPY": "公益创投",
    "SUBSIDY": "补贴",
    "COMMUNITY_FUND": "社区基金",
}
STATUS_ZH = {
    "DRAFT": "草稿",
    "PENDING_APPROVAL": "待审批",
    "OPEN_FOR_BIDS": "招标中",
    "BIDS_OPENED": "已开标",
    "AWARDED": "已定标",
    "IN_PROGRESS": "实施中",
    "COMPLETED": "已完成",
    "EVALUATED": "已评价",
    "FAILED": "流标",
    "CANCELLED": "已取消",
}
FINDING_STATUS_ZH = {"OPEN": "待处理", "CONFIRMED": "已确认", "DISMISSED": "已排除"}
SEVERITY_ZH = {"HIGH": "高", "MEDIUM": "中", "LOW": "低"}

#: Cell formats: a column's kind decides how its values are written.
YUAN_FORMAT = '"¥"#,##0.00'
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
SHARE_FORMAT = "0.0%"


def _zh(table: dict[str, str], code: Any) -> str:
    key = code.value if hasattr(code, "value") else str(code)
    return table.get(key, key)


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """What to export: the kind and the same filters as its screen."""

    kind: str
    region_id: int | None = None
    year: int | None = None
    category: str | None = None
    funding_source: str | None = None
    rule: str | None = None
    status: str | None = None
    project_id: int | None = None

    def params(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> ExportRequest:
        return cls(**{k: v for k, v in params.items() if k in cls.__dataclass_fields__})

    def query_string(self) -> str:
        """The GET route's query (ids as plain numbers, like the route reads them)."""
        params = {k: v for k, v in self.params().items() if k != "kind"}
        names = {
            "region_id": "regionId",
            "funding_source": "fundingSource",
            "project_id": "projectId",
        }
        return urlencode({names.get(k, k): v for k, v in params.items()})

    def filename(self) -> str:
        stamp = clock.now().astimezone(clock.SHANGHAI).strftime("%Y%m%d-%H%M")
        suffix = f"-{self.project_id}" if self.project_id is not None else ""
        return f"{_FILE_TITLES[self.kind]}{suffix}-{stamp}.xlsx"


def validate(request: ExportRequest) -> None:
    if request.kind not in KINDS:
        raise invalid("kind", f"An export is one of {', '.join(KINDS)}")
    if request.kind == "evidence" and request.project_id is None:
        raise invalid("projectId", "Say which project's evidence chain to export")
    if request.status is not None and request.status not in FindingStatus.__members__:
        raise invalid("status", "A finding status is OPEN, CONFIRMED or DISMISSED")
    if request.rule is not None and request.rule not in RULES:
        raise invalid("rule", "Unknown rule code")
    if request.category is not None and request.category not in ServiceCategory.__members__:
        raise invalid("category", "Unknown service category")
    if request.funding_source is not None and request.funding_source not in FUNDING_ZH:
        raise invalid("fundingSource", "Unknown funding source")


# --- sheets ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    kind: str = "text"  # text | int | yuan | date | datetime | share | minutes→hours


@dataclass(frozen=True, slots=True)
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Any]]


def _cell(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "yuan":
        return int(value) / 100
    if kind == "hours":
        return round(int(value) / 60, 2)
    if kind == "datetime":
        # Beijing time, without a zone (Excel has none).
        moment = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return moment.astimezone(clock.SHANGHAI).replace(tzinfo=None)
    return value


_FORMATS = {
    "yuan": YUAN_FORMAT,
    "date": DATE_FORMAT,
    "datetime": DATETIME_FORMAT,
    "share": SHARE_FORMAT,
    "hours": "0.00",
}


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """One worksheet per sheet: a bold header row, then the rows with typed cells."""
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        ws = wb.create_sheet(title=sheet.title[:31])
        ws.append([c.header for c in sheet.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            ws.append([_cell(c.kind, v) for c, v in zip(sheet.columns, row, strict=True)])
        for index, column in enumerate(sheet.columns, start=1):
            letter = get_column_letter(index)
            fmt = _FORMATS.get(column.kind)
            if fmt:
                for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = fmt
            ws.column_dimensions[letter].width = max(10, min(40, len(column.header) * 2 + 4))
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


_MONEY_COLUMNS = (
    Column("项目数", "int"),
    Column("预算金额（元）", "yuan"),
    Column("合同金额（元）", "yuan"),
    Column("已支付（元）", "yuan"),
    Column("核定志愿服务时长（小时）", "hours"),
)


def _breakdown_sheet(title: str, first: str, slices: list[Breakdown], labels: Any) -> Sheet:
    return Sheet(
        title,
        (Column(first), *_MONEY_COLUMNS),
        [
            (
                labels(b),
                b.projects,
                b.budgeted_fen,
                b.contracted_fen,
                b.paid_fen,
                b.approved_service_minutes,
            )
            for b in slices
        ],
    )


def spending_sheets(s: SpendingSummary) -> list[Sheet]:
    c, k = s.competition, s.concentration
    figures: list[tuple[str, str, Any]] = [
        ("项目数", "int", s.projects),
        ("预算金额（元）", "yuan", s.budgeted_fen),
        ("合同金额（元）", "yuan", s.contracted_fen),
        ("已支付（元）", "yuan", s.paid_fen),
        ("未支付（元）", "yuan", s.outstanding_fen),
        ("核定志愿服务时长（小时）", "hours", s.approved_service_minutes),
        ("开展活动次数", "int", s.activities_held),
        ("服务人数", "int", s.beneficiaries),
        ("人均成本（元）", "yuan", s.cost_per_beneficiary_fen),
        ("每服务小时成本（元）", "yuan", s.cost_per_service_hour_fen),
        ("开标项目数", "int", c.tenders),
        ("公开招标占比", "share", c.open_tender_share),
        ("单一有效投标占比（按数量）", "share", c.single_bid_share),
        ("单一有效投标占比（按金额）", "share", c.single_bid_value_share),
        ("有效投标数中位数", "number", c.median_valid_bids),
        ("流标项目数", "int", c.failed_tenders),
        ("中标金额（元）", "yuan", k.awarded_fen),
        ("赫芬达尔指数（HHI）", "int", k.hhi),
        ("最大中标机构", "text", k.top_organization_name),
        ("最大中标机构占比", "share", k.top_share),
        ("小型或新成立机构中标占比", "share", k.small_or_new_share),
    ]
    # The overview sheet mixes kinds: one column per kind keeps each cell's format right.
    overview = Sheet(
        "总览",
        (Column("指标"), Column("数值"), Column("金额（元）", "yuan"), Column("占比", "share")),
        [
            (
                label,
                value if kind in ("int", "number", "text", "hours") else None,
                value if kind == "yuan" else None,
                value if kind == "share" else None,
            )
            if kind != "hours"
            else (label, round(value / 60, 2), None, None)
            for label, kind, value in figures
        ],
    )
    return [
        overview,
        _breakdown_sheet("按地区", "地区", s.by_region, lambda b: b.label),
        _breakdown_sheet(
            "按服务类别", "服务类别", s.by_category, lambda b: _zh(CATEGORY_ZH, b.key)
        ),
        _breakdown_sheet(
            "按资金来源", "资金来源", s.by_funding_source, lambda b: _zh(FUNDING_ZH, b.key)
        ),
        Sheet(
            "按月支付",
            (Column("月份"), Column("已支付（元）", "yuan")),
            [(m.month, m.paid_fen) for m in s.by_month],
        ),
        Sheet(
            "项目状态",
            (Column("状态"), Column("项目数", "int")),
            [(_zh(STATUS_ZH, st), n) for st, n in sorted(s.projects_by_state.items())],
        ),
    ]


PROJECT_COLUMNS = (
    Column("项目编号", "int"),
    Column("项目名称"),
    Column("状态"),
    Column("服务类别"),
    Column("资金来源"),
    Column("社区"),
    Column("承接机构"),
    Column("预算控制价（元）", "yuan"),
    Column("计入预算（元）", "yuan"),
    Column("合同金额（元）", "yuan"),
    Column("已支付（元）", "yuan"),
    Column("核定志愿服务时长（小时）", "hours"),
    Column("服务人数", "int"),
)


CONTRACT_COLUMNS = (
    Column("合同编号", "int"),
    Column("项目编号", "int"),
    Column("项目名称"),
    Column("承接机构"),
    Column("统一社会信用代码"),
    Column("合同金额（元）", "yuan"),
    Column("已支付（元）", "yuan"),
    Column("开始日期", "date"),
    Column("结束日期", "date"),
    Column("状态"),
)
MILESTONE_COLUMNS = (
    Column("里程碑编号", "int"),
    Column("合同编号", "int"),
    Column("项目编号", "int"),
    Column("序号", "int"),
    Column("里程碑"),
    Column("比例", "share"),
    Column("金额（元）", "yuan"),
    Column("已支付（元）", "yuan"),
    Column("到期日", "date"),
    Column("状态"),
    Column("验收时间", "datetime"),
)
PAYMENT_COLUMNS = (
    Column("付款编号", "int"),
    Column("合同编号", "int"),
    Column("里程碑编号", "int"),
    Column("项目编号", "int"),
    Column("金额（元）", "yuan"),
    Column("付款日期", "date"),
    Column("凭证号"),
)
CONTRACT_STATUS_ZH = {"ACTIVE": "履行中", "COMPLETED": "已完成"}
MILESTONE_STATUS_ZH = {
    "PENDING": "未开始",
    "REPORTED": "已报告",
    "ACCEPTED": "已验收",
    "PAID": "已支付",
}
#: Ids per IN list when the ledger sheets read the projects' contracts (a job may export a
#: whole province).
_LEDGER_BATCH = 5_000


async def ledger_sheets(sc: ServiceContext, project_ids: Sequence[int]) -> list[Sheet]:
    """The contracts, milestones and payments of these projects (already scoped by the
    caller's figures): one sheet per table, three statements per batch of ids."""
    contracts: list[tuple[Any, ...]] = []
    milestones: list[tuple[Any, ...]] = []
    payments: list[tuple[Any, ...]] = []
    for start in range(0, len(project_ids), _LEDGER_BATCH):
        ids = list(project_ids[start : start + _LEDGER_BATCH])
        for c in await sc.session.execute(
            select(
                Contract.id,
                Contract.project_id,
                Project.title,
                Organization.name,
                Organization.credit_code,
                Contract.amount_fen,
                Contract.paid_fen,
                Contract.start_date,
                Contract.end_date,
                Contract.status,
            )
            .join(Project, Project.id == Contract.project_id)
            .join(Organization, Organization.id == Contract.organization_id)
            .where(Contract.project_id.in_(ids))
            .order_by(Contract.id)
        ):
            contracts.append((*c[:9], _zh(CONTRACT_STATUS_ZH, c[9])))
        for m in await sc.session.execute(
            select(
                Milestone.id,
                Milestone.contract_id,
                Contract.project_id,
                Milestone.sequence,
                Milestone.title,
                Milestone.share_bp,
                Milestone.amount_fen,
                Milestone.paid_fen,
                Milestone.due_date,
                Milestone.status,
                Milestone.accepted_at,
            )
            .join(Contract, Contract.id == Milestone.contract_id)
            .where(Contract.project_id.in_(ids))
            .order_by(Milestone.contract_id, Milestone.sequence)
        ):
            milestones.append(
                (*m[:5], m[5] / 10_000, *m[6:9], _zh(MILESTONE_STATUS_ZH, m[9]), m[10])
            )
        for pay in await sc.session.execute(
            select(
                Payment.id,
                Payment.contract_id,
                Payment.milestone_id,
                Contract.project_id,
                Payment.amount_fen,
                Payment.paid_on,
                Payment.voucher_number,
            )
            .join(Contract, Contract.id == Payment.contract_id)
            .where(Contract.project_id.in_(ids))
            .order_by(Payment.paid_on, Payment.id)
        ):
            payments.append(tuple(pay))
    return [
        Sheet("合同", CONTRACT_COLUMNS, contracts),
        Sheet("里程碑", MILESTONE_COLUMNS, milestones),
        Sheet("付款", PAYMENT_COLUMNS, payments),
    ]


async def project_sheets(sc: ServiceContext, r: ExportRequest, limit: int | None) -> list[Sheet]:
    """The spending ledger: the projects behind the figure, then their contracts, milestones
    and payments."""
    _, rows = await spending_projects(
        sc,
        region_id=r.region_id,
        year=r.year,
        category=r.category,
        funding_source=r.funding_source,
        limit=limit,
    )
    return [
        Sheet(
            "项目清单",
            PROJECT_COLUMNS,
            [
                (
                    p.project_id,
                    p.title,
                    _zh(STATUS_ZH, p.status),
                    _zh(CATEGORY_ZH, p.category),
                    _zh(FUNDING_ZH, p.funding_source),
                    p.region_name,
                    p.organization_name or "",
                    p.budget_ceiling_fen,
                    p.budgeted_fen,
                    p.contracted_fen,
                    p.paid_fen,
                    p.approved_service_minutes,
                    p.beneficiaries,
                )
                for p in rows
            ],
        ),
        *await ledger_sheets(sc, [p.project_id for p in rows]),
    ]


FINDING_COLUMNS = (
    Column("编号", "int"),
    Column("规则"),
    Column("规则说明"),
    Column("严重程度"),
    Column("状态"),
    Column("仍然成立"),
    Column("对象类型"),
    Column("对象编号", "int"),
    Column("对象"),
    Column("涉及金额（元）", "yuan"),
    Column("证据"),
    Column("首次发现", "datetime"),
    Column("最近发现", "datetime"),
    Column("审计意见"),
    Column("处理时间", "datetime"),
)


def _finding_row(f: Finding) -> tuple[Any, ...]:
    spec = RULES.get(f.rule)
    return (
        f.id,
        f.rule,
        spec.title if spec else f.rule,
        _zh(SEVERITY_ZH, f.severity),
        _zh(FINDING_STATUS_ZH, f.status),
        "是" if f.holds else "否",
        f.subject_type,
        f.subject_id,
        f.subject_label,
        f.money_fen,
        json.dumps(f.evidence, ensure_ascii=False, sort_keys=True),
        f.first_seen_at,
        f.last_seen_at,
        f.note or "",
        f.decided_at,
    )


async def _findings_stmt(sc: ServiceContext, r: ExportRequest) -> Any:
    path = (
        await region_path_in_scope(sc, r.region_id, Capability.FINDING_READ)
        if r.region_id is not None
        else None
    )
    return findings_statement(
        sc,
        rule=r.rule,
        status=FindingStatus(r.status) if r.status else None,
        region_path=path,
    )


async def finding_sheets(sc: ServiceContext, r: ExportRequest, limit: int | None) -> list[Sheet]:
    stmt = (await _findings_stmt(sc, r)).order_by(Finding.queue_key.desc())
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = [_finding_row(f) for f in await sc.session.scalars(stmt)]
    return [Sheet("审计发现", FINDING_COLUMNS, rows)]


def evidence_sheets(chain: EvidenceChain) -> list[Sheet]:
    p, t = chain.project, chain.totals
    project = Sheet(
        "项目",
        (Column("项目"), Column("内容"), Column("金额（元）", "yuan")),
        [
            ("项目编号", str(p.id), None),
            ("项目名称", p.title, None),
            ("社区", chain.region_name, None),
            ("状态", _zh(STATUS_ZH, p.status), None),
            ("服务类别", _zh(CATEGORY_ZH, p.category), None),
            ("资金来源", _zh(FUNDING_ZH, p.funding_source), None),
            ("服务期", f"{p.service_start.isoformat()} 至 {p.service_end.isoformat()}", None),
            ("预算控制价", "", t.budget_ceiling_fen),
            ("合同金额", "", t.contracted_fen),
            ("已支付", "", t.paid_fen),
            ("未支付", "", t.outstanding_fen),
            ("已验收里程碑", str(t.milestones_accepted), None),
            ("已通过报告服务人数", str(t.accepted_beneficiaries), None),
            ("核定志愿服务时长（小时）", f"{t.approved_minutes / 60:.2f}", None),
            ("志愿者人数", str(t.volunteers), None),
        ],
    )
    needs = Sheet(
        "需求",
        (
            Column("需求编号", "int"),
            Column("服务类别"),
            Column("服务对象"),
            Column("描述"),
            Column("涉及人数", "int"),
        ),
        [
            (n.id, _zh(CATEGORY_ZH, n.category), n.target_group, n.description, n.people_affected)
            for n in chain.needs
        ],
    )
    bids = Sheet(
        "投标",
        (
            Column("投标编号", "int"),
            Column("投标机构"),
            Column("报价（元）", "yuan"),
            Column("状态"),
            Column("排名", "int"),
            Column("总分", "number"),
            Column("中标"),
            Column("开标时间", "datetime"),
            Column("废标原因"),
        ),
        [
            (
                b.id,
                b.organization_name,
                b.price_fen,
                b.status.value,
                b.rank,
                b.total_score_centi / 100 if b.total_score_centi is not None else None,
                "是" if b.awarded else "",
                b.opened_at,
                b.disqualified_reason or "",
            )
            for b in chain.bids
        ],
    )
    c = chain.contract
    contract = Sheet(
        "合同",
        (
            Column("合同编号", "int"),
            Column("承接机构"),
            Column("合同金额（元）", "yuan"),
            Column("开始日期", "date"),
            Column("结束日期", "date"),
            Column("状态"),
        ),
        [(c.id, c.organization_name, c.amount_fen, c.start_date, c.end_date, c.status.value)]
        if c
        else [],
    )
    milestones = Sheet(
        "里程碑",
        (
            Column("里程碑编号", "int"),
            Column("序号", "int"),
            Column("名称"),
            Column("金额（元）", "yuan"),
            Column("到期日", "date"),
            Column("状态"),
            Column("验收时间", "datetime"),
        ),
        [
            (m.id, m.sequence, m.title, m.amount_fen, m.due_date, m.status.value, m.accepted_at)
            for m in chain.milestones
        ],
    )
    payments = Sheet(
        "支付",
        (
            Column("支付编号", "int"),
            Column("里程碑编号", "int"),
            Column("金额（元）", "yuan"),
            Column("支付日期", "date"),
            Column("凭证号"),
        ),
        [(x.id, x.milestone_id, x.amount_fen, x.paid_on, x.voucher_number) for x in chain.payments],
    )
    reports = Sheet(
        "进度报告",
        (
            Column("报告编号", "int"),
            Column("里程碑编号", "int"),
            Column("状态"),
            Column("开展活动次数", "int"),
            Column("服务人数", "int"),
            Column("志愿服务时长（小时）", "hours"),
            Column("提交时间", "datetime"),
            Column("佐证材料"),
        ),
        [
            (
                r.id,
                r.milestone_id,
                r.status.value,
                r.activities_held,
                r.beneficiaries_served,
                r.volunteer_minutes,
                r.submitted_at,
                "；".join(f.filename for f in r.files),
            )
            for r in chain.reports
        ],
    )
    hours = Sheet(
        "服务时长",
        (
            Column("活动编号", "int"),
            Column("活动"),
            Column("志愿者"),
            Column("记录数", "int"),
            Column("核定时长（小时）", "hours"),
        ),
        [
            (a.id, a.title, v.name_masked, v.records, v.minutes)
            for a in chain.activities
            for v in a.volunteers
        ]
        + [(None, "合计", "", t.approved_records, t.approved_minutes)],
    )
    sheets = [project, needs, bids, contract, milestones, payments, reports, hours]
    if chain.findings_visible:
        sheets.append(Sheet("审计发现", FINDING_COLUMNS, [_finding_row(f) for f in chain.findings]))
    return sheets


# --- size, building, requests ----------------------------------------------------------------


async def export_size(sc: ServiceContext, r: ExportRequest) -> int:
    """How many rows the export's main table has (checks the caller's scope on the way)."""
    if r.kind in ("spending", "projects"):
        total, _ = await spending_projects(
            sc,
            region_id=r.region_id,
            year=r.year,
            category=r.category,
            funding_source=r.funding_source,
            limit=0,
        )
        return total
    if r.kind == "findings":
        stmt = await _findings_stmt(sc, r)
        return int(await sc.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
    # One project's chain: scoped by evidence_chain itself when built.
    return 1


async def build_workbook(sc: ServiceContext, r: ExportRequest) -> tuple[str, bytes]:
    """The file name and the bytes of the export, in the caller's scope."""
    validate(r)
    if r.kind == "spending":
        sheets = spending_sheets(await spending_summary(sc, region_id=r.region_id, year=r.year))
    elif r.kind == "projects":
        sheets = await project_sheets(sc, r, None)
    elif r.kind == "findings":
        sheets = await finding_sheets(sc, r, None)
    else:
        assert r.project_id is not None
        sheets = evidence_sheets(await evidence_chain(sc, r.project_id))
    return r.filename(), workbook_bytes(sheets)


async def direct_workbook(sc: ServiceContext, r: ExportRequest) -> tuple[str, bytes]:
    """``GET /oversight/exports/{kind}.xlsx``: only for scopes within the direct limit."""
    validate(r)
    size = await export_size(sc, r)
    if size > sc.settings.oversight_export_direct_max_rows:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            f"{size} rows: request this export as a job (requestOversightExport)",
            "kind",
        )
    return await build_workbook(sc, r)


@dataclass(frozen=True, slots=True)
class ExportTicket:
    """Either a URL to download now, or the job that will write the file."""

    url: str | None
    job_id: int | None
    rows: int


async def request_export(sc: ServiceContext, r: ExportRequest) -> ExportTicket:
    """``requestOversightExport``: a download URL for a small scope; a queued job (audited,
    one per requester, export and Beijing day) for a large one."""
    account_id = require_authenticated(sc.actor)
    validate(r)
    capability = Capability.FINDING_READ if r.kind == "findings" else Capability.OVERSIGHT_READ
    require(sc.actor, capability)
    if r.kind == "evidence":
        assert r.project_id is not None
        await evidence_chain(sc, r.project_id)  # NOT_FOUND outside the scope
    size = await export_size(sc, r)
    if size <= sc.settings.oversight_export_direct_max_rows:
        query = r.query_string()
        return ExportTicket(
            url=f"/oversight/exports/{r.kind}.xlsx" + (f"?{query}" if query else ""),
            job_id=None,
            rows=size,
        )
    params = r.params()
    key = json.dumps(params, sort_keys=True)
    job_id = await schedule(
        sc.session,
        "oversight_export",
        {"account_id": account_id, "params": params},
        key=f"oversight_export:{account_id}:{clock.today_shanghai().isoformat()}:{key}",
    )
    await audit.record(
        sc,
        action="oversight.export_requested",
        subject_type="Job",
        subject_id=job_id,
        after={"job_id": job_id, "rows": size, **params},
    )
    return ExportTicket(url=None, job_id=job_id, rows=size)


def export_file_url(export_id: int) -> str:
    return f"/oversight/exports/files/{export_id}.xlsx"


async def write_export(sc: ServiceContext, *, job_id: int, params: dict[str, Any]) -> int:
    """The ``oversight_export`` job's work, as its requester (``sc.actor``): build the file,
    store it and notify them. A retried job returns the file it already wrote."""
    account_id = require_authenticated(sc.actor)
    existing = await sc.session.scalar(
        select(OversightExport.id).where(OversightExport.job_id == job_id)
    )
    if existing is not None:
        return int(existing)
    r = ExportRequest.from_params(params)
    rows = await export_size(sc, r)
    filename, data = await build_workbook(sc, r)
    row = OversightExport(
        account_id=account_id,
        job_id=job_id,
        kind=r.kind,
        params=params,
        filename=filename,
        rows=rows,
        data=data,
    )
    sc.session.add(row)
    await sc.session.flush()
    await notifications.notify(
        sc,
        [account_id],
        code="oversight.export_ready",
        params={"filename": filename, "rows": rows, "url": export_file_url(row.id)},
        text="导出文件已生成",
        body=f"{filename}（{rows} 行）：{export_file_url(row.id)}",
        subject_type="OversightExport",
        subject_id=row.id,
        dedupe=f"oversight.export_ready:{row.id}",
    )
    return row.id


async def get_export_file(sc: ServiceContext, export_id: int) -> OversightExport:
    """A stored export, for its requester only (NOT_FOUND for anyone else)."""
    account_id = require_authenticated(sc.actor)
    row = await sc.session.scalar(
        select(OversightExport).where(
            OversightExport.id == export_id, OversightExport.account_id == account_id
        )
    )
    if row is None:
        raise not_found("OversightExport")
    return row


__all__ = [
    "KINDS",
    "ExportRequest",
    "ExportTicket",
    "Sheet",
    "build_workbook",
    "direct_workbook",
    "evidence_sheets",
    "export_file_url",
    "export_size",
    "get_export_file",
    "request_export",
    "spending_sheets",
    "workbook_bytes",
    "write_export",
]
