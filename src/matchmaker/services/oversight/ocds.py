"""The public OCDS 1.1 release package of published projects (docs/oversight.md, "OCDS").

One release per published project (from ``OPEN_FOR_BIDS`` on, failed ones included): planning
(the budget), tender, the bids extension's details **only once the bids are opened**, the award,
the contract with its milestones, and its payments as implementation transactions. Parties are
the community (buyer and procuring entity) and the organizations that bid, identified by their
unified social credit code. Everything here is already public in the app (published projects,
award announcements); nothing sealed, nothing personal. A fixed number of statements however
many projects (one per table, batched by id).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker import clock
from matchmaker.config import Settings
from matchmaker.models import Bid, Contract, Milestone, Organization, Payment, Project, Region
from matchmaker.models.procurement import (
    BidStatus,
    ContractStatus,
    MilestoneStatus,
    ProcurementMethod,
    ProjectStatus,
)
from matchmaker.services.procurement import PUBLISHED_STATES

#: Replace with the prefix registered with the Open Contracting Partnership before publishing
#: to third parties (https://standard.open-contracting.org/latest/en/schema/identifiers/).
OCID_PREFIX = "ocds-mm4sld"
BIDS_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/"
    "v1.1.5/extension.json"
)
#: Our label for the unified social credit code (统一社会信用代码) as an identifier scheme.
CREDIT_CODE_SCHEME = "CN-USCC"

METHOD = {
    ProcurementMethod.OPEN_TENDER: "open",
    ProcurementMethod.INVITED_TENDER: "selective",
    ProcurementMethod.COMPETITIVE_NEGOTIATION: "limited",
    ProcurementMethod.COMPETITIVE_CONSULTATION: "limited",
    ProcurementMethod.SINGLE_SOURCE: "direct",
}
METHOD_DETAILS = {
    ProcurementMethod.OPEN_TENDER: "公开招标",
    ProcurementMethod.INVITED_TENDER: "邀请招标",
    ProcurementMethod.COMPETITIVE_NEGOTIATION: "竞争性谈判",
    ProcurementMethod.COMPETITIVE_CONSULTATION: "竞争性磋商",
    ProcurementMethod.SINGLE_SOURCE: "单一来源",
}
_AWARDED = (
    ProjectStatus.AWARDED,
    ProjectStatus.IN_PROGRESS,
    ProjectStatus.COMPLETED,
    ProjectStatus.EVALUATED,
)
_BID_STATUS = {
    BidStatus.OPENED: "valid",
    BidStatus.AWARDED: "valid",
    BidStatus.LOST: "valid",
    BidStatus.DISQUALIFIED: "disqualified",
}


def _value(fen: int) -> dict[str, Any]:
    return {"amount": fen / 100, "currency": "CNY"}


def _at(value: dt.datetime | dt.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return dt.datetime.combine(value, dt.time(), tzinfo=clock.SHANGHAI).isoformat()


def _tender_status(status: ProjectStatus) -> str:
    if status is ProjectStatus.FAILED:
        return "unsuccessful"
    if status in _AWARDED:
        return "complete"
    return "active"


def _org_id(org_id: int) -> str:
    return f"org-{org_id}"


def _region_id(region: Region) -> str:
    return f"region-{region.code}"


async def release_package(session: AsyncSession, settings: Settings) -> dict[str, Any]:
    """The release package of every published project (public: no caller needed)."""
    rows = (
        await session.execute(
            select(Project, Region)
            .join(Region, Region.id == Project.region_id)
            .where(Project.status.in_(PUBLISHED_STATES))
            .order_by(Project.id)
        )
    ).all()
    project_ids = [p.id for p, _ in rows]
    # Opened bids only: a sealed bid is not even loaded.
    bids = list(
        await session.scalars(
            select(Bid)
            .where(
                Bid.project_id.in_(project_ids),
                Bid.opened_at.is_not(None),
                Bid.status.in_(list(_BID_STATUS)),
            )
            .order_by(Bid.id)
        )
    )
    contracts = list(
        await session.scalars(select(Contract).where(Contract.project_id.in_(project_ids)))
    )
    contract_ids = [c.id for c in contracts]
    milestones = list(
        await session.scalars(
            select(Milestone)
            .where(Milestone.contract_id.in_(contract_ids))
            .order_by(Milestone.sequence)
        )
    )
    payments = list(
        await session.scalars(
            select(Payment).where(Payment.contract_id.in_(contract_ids)).order_by(Payment.id)
        )
    )
    org_ids = {b.organization_id for b in bids} | {c.organization_id for c in contracts}
    orgs = {
        o.id: o
        for o in await session.scalars(select(Organization).where(Organization.id.in_(org_ids)))
    }
    bids_by_project: dict[int, list[Bid]] = defaultdict(list)
    for b in bids:
        bids_by_project[b.project_id].append(b)
    contract_by_project = {c.project_id: c for c in contracts}
    milestones_by_contract: dict[int, list[Milestone]] = defaultdict(list)
    for m in milestones:
        milestones_by_contract[m.contract_id].append(m)
    payments_by_contract: dict[int, list[Payment]] = defaultdict(list)
    for pay in payments:
        payments_by_contract[pay.contract_id].append(pay)

    releases = [
        _release(
            project,
            region,
            bids_by_project.get(project.id, []),
            contract_by_project.get(project.id),
            milestones_by_contract,
            payments_by_contract,
            orgs,
        )
        for project, region in rows
    ]
    return {
        "uri": f"{settings.public_base_url.rstrip('/')}/ocds/release-package.json",
        "version": "1.1",
        "extensions": [BIDS_EXTENSION],
        "publishedDate": _at(clock.now()),
        "publisher": {"name": "matchmaker 四社联动平台"},
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "releases": releases,
    }


def _org_ref(org: Organization) -> dict[str, Any]:
    return {"id": _org_id(org.id), "name": org.name}


def _release(
    project: Project,
    region: Region,
    bids: list[Bid],
    contract: Contract | None,
    milestones_by_contract: dict[int, list[Milestone]],
    payments_by_contract: dict[int, list[Payment]],
    orgs: dict[int, Organization],
) -> dict[str, Any]:
    ocid = f"{OCID_PREFIX}-{project.id}"
    buyer = {"id": _region_id(region), "name": region.name}
    opened = project.opened_at is not None
    roles: dict[int, set[str]] = defaultdict(set)
    tags = ["tender"]
    release: dict[str, Any] = {
        "ocid": ocid,
        "id": f"{ocid}-{project.version}",
        "date": _at(project.updated_at),
        "tag": tags,
        "initiationType": "tender",
        "language": "zh",
        "buyer": buyer,
        "planning": {
            "budget": {
                "description": project.funding_source.value,
                "amount": _value(project.budget_ceiling_fen),
            }
        },
        "tender": {
            "id": f"tender-{project.id}",
            "title": project.title,
            "description": project.description,
            "status": _tender_status(project.status),
            "procuringEntity": buyer,
            "value": _value(project.budget_ceiling_fen),
            "procurementMethod": METHOD[project.procurement_method],
            "procurementMethodDetails": METHOD_DETAILS[project.procurement_method],
            "mainProcurementCategory": "services",
            "tenderPeriod": {
                "startDate": _at(project.published_at),
                "endDate": _at(project.bid_deadline),
            },
            "contractPeriod": {
                "startDate": _at(project.service_start),
                "endDate": _at(project.service_end),
            },
        },
    }
    if opened:
        details = []
        for b in bids:
            roles[b.organization_id].add("tenderer")
            details.append(
                {
                    "id": f"bid-{b.id}",
                    "date": _at(b.submitted_at),
                    "status": _BID_STATUS[b.status],
                    "tenderers": [_org_ref(orgs[b.organization_id])],
                    "value": _value(b.price_fen),
                }
            )
        release["bids"] = {"details": details}
        release["tender"]["numberOfTenderers"] = len(details)
        release["tender"]["tenderers"] = [_org_ref(orgs[b.organization_id]) for b in bids]
    awarded = next((b for b in bids if b.id == project.awarded_bid_id), None)
    if awarded is not None and project.status in _AWARDED:
        tags.append("award")
        roles[awarded.organization_id].add("supplier")
        release["awards"] = [
            {
                "id": f"award-{project.id}",
                "status": "active",
                "date": _at(project.awarded_at),
                "value": _value(awarded.price_fen),
                "suppliers": [_org_ref(orgs[awarded.organization_id])],
                "relatedBid": f"bid-{awarded.id}",
            }
        ]
    if contract is not None and awarded is not None:
        tags.append("contract")
        paid = payments_by_contract.get(contract.id, [])
        ocds_contract: dict[str, Any] = {
            "id": f"contract-{contract.id}",
            "awardID": f"award-{project.id}",
            "title": project.title,
            "status": "terminated" if contract.status is ContractStatus.COMPLETED else "active",
            "period": {
                "startDate": _at(contract.start_date),
                "endDate": _at(contract.end_date),
            },
            "value": _value(contract.amount_fen),
            "dateSigned": _at(contract.created_at),
            "milestones": [
                {
                    "id": f"milestone-{m.id}",
                    "title": m.title,
                    "type": "delivery",
                    "dueDate": _at(m.due_date),
                    "status": "met"
                    if m.status in (MilestoneStatus.ACCEPTED, MilestoneStatus.PAID)
                    else "scheduled",
                    **({"dateMet": _at(m.accepted_at)} if m.accepted_at else {}),
                }
                for m in milestones_by_contract.get(contract.id, [])
            ],
        }
        if paid:
            tags.append("implementation")
            ocds_contract["implementation"] = {
                "transactions": [
                    {
                        "id": f"payment-{pay.id}",
                        "date": _at(pay.paid_on),
                        "value": _value(pay.amount_fen),
                        "payer": buyer,
                        "payee": _org_ref(orgs[contract.organization_id]),
                    }
                    for pay in paid
                ]
            }
        release["contracts"] = [ocds_contract]
    release["parties"] = [
        {"id": buyer["id"], "name": region.name, "roles": ["buyer", "procuringEntity", "payer"]},
        *(
            {
                "id": _org_id(org_id),
                "name": orgs[org_id].name,
                "identifier": {
                    "scheme": CREDIT_CODE_SCHEME,
                    "id": orgs[org_id].credit_code,
                    "legalName": orgs[org_id].name,
                },
                "roles": sorted(r | ({"payee"} if "supplier" in r and contract else set())),
            }
            for org_id, r in sorted(roles.items())
        ),
    ]
    return release
