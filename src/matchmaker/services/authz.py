"""Who may do what, in one place.

``POLICY`` maps each capability to the roles that have it and the kind of scope each role's
grant gives. Services call :func:`require` to get the caller's :class:`Scope` for a
capability and turn it into SQL with the ``*_clause`` helpers, so a row outside the scope is
never loaded. ``docs/permissions.md`` is generated from ``POLICY`` and checked in CI.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute

from matchmaker.models.enums import Role
from matchmaker.models.volunteers import Volunteer
from matchmaker.services.errors import DomainError, ErrorCode


class Capability(StrEnum):
    REGION_READ = "region.read"
    REGION_MANAGE = "region.manage"
    ACCOUNT_MANAGE = "account.manage"
    ROLE_GRANT_MANAGE = "role_grant.manage"
    ORGANIZATION_READ = "organization.read"
    ORGANIZATION_CREATE = "organization.create"
    ORGANIZATION_UPDATE = "organization.update"
    ORGANIZATION_DEACTIVATE = "organization.deactivate"
    ORGANIZATION_STAFF_MANAGE = "organization.staff.manage"
    SOCIAL_WORKER_READ = "social_worker.read"
    SOCIAL_WORKER_MANAGE = "social_worker.manage"
    SOCIAL_WORKER_QUALIFY = "social_worker.qualify"
    VOLUNTEER_READ = "volunteer.read"
    VOLUNTEER_UPDATE = "volunteer.update"
    VOLUNTEER_DEACTIVATE = "volunteer.deactivate"
    TEAM_READ = "team.read"
    TEAM_MANAGE = "team.manage"
    AUDIT_READ = "audit.read"
    AUDIT_VERIFY = "audit.verify"
    JOB_READ = "job.read"
    JOB_RUN = "job.run"
    # procurement (docs/procurement.md)
    NEED_READ = "need.read"
    NEED_MANAGE = "need.manage"
    PROJECT_READ = "project.read"  # published projects and award announcements: public
    PROJECT_PIPELINE_READ = "project.pipeline_read"  # every state, drafts included, in scope
    PROJECT_MANAGE = "project.manage"
    PROJECT_APPROVE = "project.approve"
    BID_READ = "bid.read"
    BID_SUBMIT = "bid.submit"
    EVALUATOR_ASSIGN = "evaluator.assign"
    EVALUATE = "evaluate"
    AWARD_CONFIRM = "award.confirm"
    CONTRACT_READ = "contract.read"
    CONTRACT_MANAGE = "contract.manage"
    PAYMENT_RECORD = "payment.record"
    REPORT_SUBMIT = "report.submit"
    REPORT_REVIEW = "report.review"
    PERFORMANCE_EVALUATE = "performance.evaluate"
    TRACK_RECORD_READ = "track_record.read"
    #: Procurement matching: see recommended organizations for a project and invite them.
    ORGANIZATION_INVITE = "organization.invite"

    # volunteering (docs/volunteering.md)
    ACTIVITY_READ = "activity.read"
    ACTIVITY_MANAGE = "activity.manage"
    VOLUNTEERING_PARTICIPATE = "volunteering.participate"
    HOURS_READ = "hours.read"
    HOURS_APPROVE = "hours.approve"
    CERTIFICATE_REQUEST = "certificate.request"
    CERTIFICATE_READ = "certificate.read"
    CERTIFICATE_REVOKE = "certificate.revoke"
    CERTIFICATE_VERIFY = "certificate.verify"

    # matching (docs/matching.md)
    MATCHING_MANAGE = "matching.manage"  # train, promote, roll back models; read their metrics

    # oversight (docs/oversight.md)
    OVERSIGHT_READ = "oversight.read"  # spending figures of a region
    FINDING_READ = "finding.read"
    FINDING_DECIDE = "finding.decide"
    AUDIT_SCAN_RUN = "audit_scan.run"

    # micro-wishes (docs/micro_wishes.md)
    MICRO_WISH_READ = "micro_wish.read"  # the public notice board (masked)
    MICRO_WISH_MANAGE = "micro_wish.manage"  # record, withdraw, confirm, return, escalate
    MICRO_WISH_CLAIM = "micro_wish.claim"  # claim, release, report fulfilment


class ScopeKind(StrEnum):
    PUBLIC = "public"  # anyone, without login
    GLOBAL = "global"  # everything
    REGION = "region"  # the grant's region subtree
    ORGANIZATION = "organization"  # the grant's organization
    SELF = "self"  # the caller's own records


R = Role
S = ScopeKind
_REGIONAL: dict[Role | None, ScopeKind] = {
    R.BUREAU_OFFICER: S.REGION,
    R.AUDITOR: S.REGION,
    R.COMMUNITY_STAFF: S.REGION,
}

POLICY: dict[Capability, dict[Role | None, ScopeKind]] = {
    Capability.REGION_READ: {None: S.PUBLIC},
    Capability.REGION_MANAGE: {R.PLATFORM_ADMIN: S.GLOBAL},
    Capability.ACCOUNT_MANAGE: {R.PLATFORM_ADMIN: S.GLOBAL},
    Capability.ROLE_GRANT_MANAGE: {R.PLATFORM_ADMIN: S.GLOBAL},
    Capability.ORGANIZATION_READ: {
        R.PLATFORM_ADMIN: S.GLOBAL,
        **_REGIONAL,
        R.ORG_ADMIN: S.ORGANIZATION,
        R.SOCIAL_WORKER: S.ORGANIZATION,
    },
    Capability.ORGANIZATION_CREATE: {R.PLATFORM_ADMIN: S.GLOBAL, R.BUREAU_OFFICER: S.REGION},
    Capability.ORGANIZATION_UPDATE: {
        R.PLATFORM_ADMIN: S.GLOBAL,
        R.BUREAU_OFFICER: S.REGION,
        R.ORG_ADMIN: S.ORGANIZATION,
    },
    Capability.ORGANIZATION_DEACTIVATE: {R.PLATFORM_ADMIN: S.GLOBAL, R.BUREAU_OFFICER: S.REGION},
    # Creating social workers and adding/removing staff: the organization hires, nobody else.
    Capability.ORGANIZATION_STAFF_MANAGE: {R.PLATFORM_ADMIN: S.GLOBAL, R.ORG_ADMIN: S.ORGANIZATION},
    Capability.SOCIAL_WORKER_READ: {
        R.PLATFORM_ADMIN: S.GLOBAL,
        **_REGIONAL,
        R.ORG_ADMIN: S.ORGANIZATION,
        R.SOCIAL_WORKER: S.SELF,
    },
    # Level, certificate number and registration are bid qualifications: the bureau records
    # them, never the worker or their employer (docs/procurement.md).
    Capability.SOCIAL_WORKER_QUALIFY: {R.PLATFORM_ADMIN: S.GLOBAL, R.BUREAU_OFFICER: S.REGION},
    Capability.SOCIAL_WORKER_MANAGE: {
        R.PLATFORM_ADMIN: S.GLOBAL,
        R.ORG_ADMIN: S.ORGANIZATION,
        R.SOCIAL_WORKER: S.SELF,
    },
    Capability.VOLUNTEER_READ: {R.PLATFORM_ADMIN: S.GLOBAL, **_REGIONAL, R.VOLUNTEER: S.SELF},
    Capability.VOLUNTEER_UPDATE: {R.PLATFORM_ADMIN: S.GLOBAL, R.VOLUNTEER: S.SELF},
    Capability.VOLUNTEER_DEACTIVATE: {
        R.PLATFORM_ADMIN: S.GLOBAL,
        R.COMMUNITY_STAFF: S.REGION,
        R.VOLUNTEER: S.SELF,
    },
    Capability.TEAM_READ: {
        R.PLATFORM_ADMIN: S.GLOBAL,
        **_REGIONAL,
        R.ORG_ADMIN: S.ORGANIZATION,
        R.VOLUNTEER: S.SELF,
    },
    Capability.TEAM_MANAGE: {
        R.PLATFORM_ADMIN: S.GLOBAL,
        R.COMMUNITY_STAFF: S.REGION,
        R.ORG_ADMIN: S.ORGANIZATION,
    },
    Capability.AUDIT_READ: {R.PLATFORM_ADMIN: S.GLOBAL, R.AUDITOR: S.REGION},
    # The chain is one sequence: verifying it reveals no record, so any auditor may run it.
    Capability.AUDIT_VERIFY: {R.PLATFORM_ADMIN: S.GLOBAL, R.AUDITOR: S.GLOBAL},
    Capability.JOB_READ: {R.PLATFORM_ADMIN: S.GLOBAL},
    Capability.JOB_RUN: {R.PLATFORM_ADMIN: S.GLOBAL},
    # Volunteering (docs/volunteering.md). Activities are public notices; organizing is for
    # community staff (their communities) and social workers (their organization's projects);
    # on top of the scope, only an activity's own organizer manages it and certifies its hours
    # ("谁组织谁记录，谁记录谁证明"), so platform admins don't approve hours.
    Capability.ACTIVITY_READ: {None: S.PUBLIC},
    Capability.ACTIVITY_MANAGE: {R.COMMUNITY_STAFF: S.REGION, R.SOCIAL_WORKER: S.ORGANIZATION},
    Capability.VOLUNTEERING_PARTICIPATE: {R.VOLUNTEER: S.SELF},
    Capability.HOURS_READ: {
        R.PLATFORM_ADMIN: S.GLOBAL,
        **_REGIONAL,
        R.SOCIAL_WORKER: S.ORGANIZATION,
        R.VOLUNTEER: S.SELF,
    },
    Capability.HOURS_APPROVE: {R.COMMUNITY_STAFF: S.REGION, R.SOCIAL_WORKER: S.ORGANIZATION},
    Capability.CERTIFICATE_REQUEST: {
        R.COMMUNITY_STAFF: S.REGION,
        R.SOCIAL_WORKER: S.ORGANIZATION,
        R.VOLUNTEER: S.SELF,
    },
    Capability.CERTIFICATE_READ: {
        R.PLATFORM_ADMIN: S.GLOBAL,
        **_REGIONAL,
        R.SOCIAL_WORKER: S.ORGANIZATION,
        R.VOLUNTEER: S.SELF,
    },
    Capability.CERTIFICATE_REVOKE: {R.PLATFORM_ADMIN: S.GLOBAL, R.BUREAU_OFFICER: S.REGION},
    Capability.CERTIFICATE_VERIFY: {None: S.PUBLIC},
    # Oversight (docs/oversight.md): figures for the regional roles (community staff read their
    # own communities); findings for the bureau and auditors; only auditors decide them. A scan
    # reveals nothing by itself (its findings are read in scope), so any auditor may start one.
    Capability.OVERSIGHT_READ: dict(_REGIONAL),
    Capability.FINDING_READ: {R.AUDITOR: S.REGION, R.BUREAU_OFFICER: S.REGION},
    Capability.FINDING_DECIDE: {R.AUDITOR: S.REGION},
    Capability.AUDIT_SCAN_RUN: {R.PLATFORM_ADMIN: S.GLOBAL, R.AUDITOR: S.GLOBAL},
    # Matching models are platform infrastructure: only platform admins train and promote them.
    Capability.MATCHING_MANAGE: {R.PLATFORM_ADMIN: S.GLOBAL},
    # procurement (docs/procurement.md). Writes on the money path belong to the roles that own
    # them; the platform admin manages accounts, not purchases, so it only reads.
    Capability.NEED_READ: {R.PLATFORM_ADMIN: S.GLOBAL, **_REGIONAL},
    Capability.NEED_MANAGE: {R.COMMUNITY_STAFF: S.REGION},
    Capability.PROJECT_READ: {None: S.PUBLIC},
    Capability.PROJECT_PIPELINE_READ: {R.PLATFORM_ADMIN: S.GLOBAL, **_REGIONAL},
    Capability.PROJECT_MANAGE: {R.COMMUNITY_STAFF: S.REGION},
    Capability.PROJECT_APPROVE: {R.BUREAU_OFFICER: S.REGION},
    # Sealed fields are decided separately (services.bids.may_read_sealed), whatever the scope.
    Capability.BID_READ: {
        R.PLATFORM_ADMIN: S.GLOBAL,
        **_REGIONAL,
        R.EXPERT: S.REGION,
        R.ORG_ADMIN: S.ORGANIZATION,
        R.SOCIAL_WORKER: S.ORGANIZATION,
    },
    Capability.BID_SUBMIT: {R.ORG_ADMIN: S.ORGANIZATION},
    Capability.EVALUATOR_ASSIGN: {R.BUREAU_OFFICER: S.REGION},
    # Scoring also needs an evaluator assignment on the project.
    Capability.EVALUATE: {
        R.COMMUNITY_STAFF: S.REGION,
        R.BUREAU_OFFICER: S.REGION,
        R.EXPERT: S.REGION,
    },
    Capability.AWARD_CONFIRM: {R.BUREAU_OFFICER: S.REGION},
    Capability.CONTRACT_READ: {
        R.PLATFORM_ADMIN: S.GLOBAL,
        **_REGIONAL,
        R.ORG_ADMIN: S.ORGANIZATION,
        R.SOCIAL_WORKER: S.ORGANIZATION,
    },
    Capability.CONTRACT_MANAGE: {R.BUREAU_OFFICER: S.REGION},
    Capability.PAYMENT_RECORD: {R.BUREAU_OFFICER: S.REGION},
    Capability.REPORT_SUBMIT: {R.ORG_ADMIN: S.ORGANIZATION, R.SOCIAL_WORKER: S.ORGANIZATION},
    Capability.REPORT_REVIEW: {R.COMMUNITY_STAFF: S.REGION},
    Capability.PERFORMANCE_EVALUATE: {R.BUREAU_OFFICER: S.REGION},
    Capability.TRACK_RECORD_READ: {
        R.PLATFORM_ADMIN: S.GLOBAL,
        **_REGIONAL,
        R.ORG_ADMIN: S.ORGANIZATION,
    },
    # The purchaser's side: community staff design the project, the bureau runs the tender.
    Capability.ORGANIZATION_INVITE: {R.COMMUNITY_STAFF: S.REGION, R.BUREAU_OFFICER: S.REGION},
    # Micro-wishes (docs/micro_wishes.md): staff of the community run the board; a volunteer
    # claims for themself, an org admin for their organization, a team's manager (community
    # staff or org admin, TEAM_MANAGE) for the team.
    Capability.MICRO_WISH_READ: {None: S.PUBLIC},
    Capability.MICRO_WISH_MANAGE: {R.COMMUNITY_STAFF: S.REGION},
    Capability.MICRO_WISH_CLAIM: {
        R.VOLUNTEER: S.SELF,
        R.ORG_ADMIN: S.ORGANIZATION,
        R.COMMUNITY_STAFF: S.REGION,
    },
}

#: Which scope kind each role's grant must carry.
ROLE_SCOPE: dict[Role, ScopeKind] = {
    R.COMMUNITY_STAFF: S.REGION,
    R.BUREAU_OFFICER: S.REGION,
    R.AUDITOR: S.REGION,
    R.EXPERT: S.REGION,
    R.ORG_ADMIN: S.ORGANIZATION,
    R.SOCIAL_WORKER: S.ORGANIZATION,
    R.VOLUNTEER: S.SELF,
    R.PLATFORM_ADMIN: S.GLOBAL,
}


@dataclass(frozen=True, slots=True)
class Grant:
    role: Role
    region_id: int | None = None
    region_path: str | None = None
    organization_id: int | None = None


@dataclass(frozen=True, slots=True)
class Scope:
    """What one capability lets the caller reach. Empty means refused."""

    is_global: bool = False
    is_public: bool = False
    region_paths: tuple[str, ...] = ()
    organization_ids: tuple[int, ...] = ()
    self_account_id: int | None = None

    @property
    def is_empty(self) -> bool:
        return not (
            self.is_global
            or self.is_public
            or self.region_paths
            or self.organization_ids
            or self.self_account_id is not None
        )

    @property
    def unrestricted(self) -> bool:
        return self.is_global or self.is_public

    def covers_region(self, path: str | None) -> bool:
        if self.unrestricted:
            return True
        return path is not None and any(path.startswith(p) for p in self.region_paths)

    def covers_organization(self, organization_id: int | None) -> bool:
        return self.unrestricted or (
            organization_id is not None and organization_id in self.organization_ids
        )

    def covers_self(self, account_id: int | None) -> bool:
        return self.unrestricted or (account_id is not None and account_id == self.self_account_id)

    # SQL helpers: each returns a boolean clause for the part of the scope it understands.
    def region_clause(
        self,
        path_col: InstrumentedAttribute[str]
        | InstrumentedAttribute[str | None]
        | ColumnElement[str],
    ) -> ColumnElement[bool]:
        if self.unrestricted:
            return true()
        if not self.region_paths:
            return false()
        return or_(*(path_col.startswith(p, autoescape=True) for p in _minimal(self.region_paths)))

    def organization_clause(
        self, org_col: InstrumentedAttribute[int] | ColumnElement[int]
    ) -> ColumnElement[bool]:
        if self.unrestricted:
            return true()
        if not self.organization_ids:
            return false()
        return org_col.in_(self.organization_ids)

    def self_clause(
        self, account_col: InstrumentedAttribute[int] | ColumnElement[int]
    ) -> ColumnElement[bool]:
        if self.unrestricted:
            return true()
        if self.self_account_id is None:
            return false()
        return account_col == self.self_account_id

    def any_of(
        self,
        *,
        region: InstrumentedAttribute[str]
        | InstrumentedAttribute[str | None]
        | ColumnElement[str]
        | None = None,
        organization: InstrumentedAttribute[int]
        | InstrumentedAttribute[int | None]
        | ColumnElement[int]
        | None = None,
        account: InstrumentedAttribute[int] | ColumnElement[int] | None = None,
        volunteer: InstrumentedAttribute[int] | ColumnElement[int] | None = None,
    ) -> ColumnElement[bool]:
        """Rows the scope reaches through any of the columns given: a region path in one of its
        subtrees, one of its organizations, the caller's own account, or the caller's own
        volunteer profile. ``true()`` when unrestricted, ``false()`` when nothing applies.

        ``volunteer`` is a column holding a volunteer id (hours, certificates): matched as
        ``IN (the caller's volunteer ids)``, which keeps the index on that column usable.
        """
        if self.unrestricted:
            return true()
        clauses: list[ColumnElement[bool]] = []
        if region is not None and self.region_paths:
            clauses.append(self.region_clause(region))
        if organization is not None and self.organization_ids:
            clauses.append(organization.in_(self.organization_ids))
        if self.self_account_id is not None:
            if account is not None:
                clauses.append(account == self.self_account_id)
            if volunteer is not None:
                clauses.append(
                    volunteer.in_(
                        select(Volunteer.id).where(Volunteer.account_id == self.self_account_id)
                    )
                )
        if not clauses:
            return false()
        return clauses[0] if len(clauses) == 1 else or_(*clauses)


def _minimal(paths: Iterable[str]) -> list[str]:
    """Drop paths nested in another path of the list."""
    ordered = sorted(set(paths), key=len)
    kept: list[str] = []
    for p in ordered:
        if not any(p.startswith(k) for k in kept):
            kept.append(p)
    return kept


@dataclass(frozen=True, slots=True)
class Actor:
    """The caller: an account and its grants, or anonymous."""

    account_id: int | None = None
    grants: tuple[Grant, ...] = field(default_factory=tuple)

    @property
    def is_authenticated(self) -> bool:
        return self.account_id is not None

    def has_role(self, role: Role) -> bool:
        return any(g.role is role for g in self.grants)

    def scope(self, capability: Capability) -> Scope:
        rules = POLICY[capability]
        if None in rules:
            return Scope(is_public=True)
        if not self.is_authenticated and not self.grants:
            # Anonymous. (The command-line SYSTEM actor has grants but no account.)
            return Scope()
        is_global = False
        paths: list[str] = []
        orgs: list[int] = []
        self_id: int | None = None
        for grant in self.grants:
            kind = rules.get(grant.role)
            if kind is None:
                continue
            if kind is ScopeKind.GLOBAL:
                is_global = True
            elif kind is ScopeKind.REGION and grant.region_path:
                paths.append(grant.region_path)
            elif kind is ScopeKind.ORGANIZATION and grant.organization_id is not None:
                orgs.append(grant.organization_id)
            elif kind is ScopeKind.SELF:
                self_id = self.account_id
        return Scope(
            is_global=is_global,
            region_paths=tuple(sorted(set(paths))),
            organization_ids=tuple(sorted(set(orgs))),
            self_account_id=self_id,
        )

    def can(self, capability: Capability) -> bool:
        return not self.scope(capability).is_empty


ANONYMOUS = Actor()
#: The platform itself: no account, a platform admin's reach. The command line and background
#: jobs act as it; their audit rows show no actor and name the source in the request id
#: (``cli``, ``job:<id>``).
SYSTEM = Actor(account_id=None, grants=(Grant(role=Role.PLATFORM_ADMIN),))


def require(actor: Actor, capability: Capability) -> Scope:
    """The caller's scope for ``capability``, or a typed refusal."""
    scope = actor.scope(capability)
    if scope.is_empty:
        if not actor.is_authenticated:
            raise DomainError(ErrorCode.UNAUTHENTICATED, "Log in first")
        raise DomainError(ErrorCode.FORBIDDEN, f"Your roles do not allow {capability.value}")
    return scope


def require_authenticated(actor: Actor) -> int:
    if actor.account_id is None:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "Log in first")
    return actor.account_id
