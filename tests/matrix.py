"""The permissions matrix harness.

Every GraphQL root field gets, for every role, a refused case (out of the role's scope, or the
role lacks the capability) and, where ``POLICY`` gives the role the capability, an allowed
case. Domains register cases in ``tests/matrix_cases/<domain>.py`` with :func:`case`;
``tests/test_permissions_matrix.py`` runs them all and checks coverage against the schema and
``matchmaker.schema.permissions.OPERATIONS``.

A case receives a fresh :class:`MatrixEnv` — a small world where every role holds a grant
scoped to street A (or organization A, or itself) — and returns an :class:`Outcome` saying
whether the operation went through. Refusals must be real refusals: a typed
FORBIDDEN/UNAUTHENTICATED/NOT_FOUND error, or data filtered to exclude the out-of-scope target.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker.config import Settings
from matchmaker.models import Region
from matchmaker.models.enums import Role
from tests import factories

#: Roles in the matrix; ``None`` is the anonymous caller.
ROLES: list[Role | None] = [*Role, None]


@dataclass
class Outcome:
    allowed: bool
    detail: Any = None


@dataclass
class MatrixEnv:
    session: AsyncSession
    settings: Settings
    gql: Any
    world: factories.World
    tokens: dict[Role, str]
    logins: dict[Role, factories.Login]
    extra: dict[str, Any] = field(default_factory=dict)

    def token(self, role: Role | None) -> str | None:
        return None if role is None else self.tokens[role]

    @property
    def in_scope_region(self) -> Region:
        return self.world.street_a

    @property
    def out_of_scope_region(self) -> Region:
        return self.world.street_b


CaseFn = Callable[[MatrixEnv, Role | None], Awaitable[Outcome]]


@dataclass(frozen=True)
class Case:
    operation: str
    role: Role | None
    expect_allowed: bool
    run: CaseFn
    name: str

    @property
    def id(self) -> str:
        who = self.role.value if self.role else "ANONYMOUS"
        verdict = "allowed" if self.expect_allowed else "refused"
        return f"{self.operation}-{who}-{verdict}-{self.name}"


CASES: list[Case] = []


def case(
    operation: str, roles: list[Role | None], *, allowed: bool, name: str = ""
) -> Callable[[CaseFn], CaseFn]:
    """Register ``fn`` as the allowed (or refused) case of ``operation`` for each role."""

    def register(fn: CaseFn) -> CaseFn:
        for role in roles:
            CASES.append(Case(operation, role, allowed, fn, name or fn.__name__))
        return fn

    return register


REFUSAL_CODES = {"FORBIDDEN", "UNAUTHENTICATED", "NOT_FOUND"}


def refused_by_error(body: dict[str, Any]) -> bool:
    """A query refused with a typed error in ``errors[].extensions.code``.

    Only a refusal counts: a top-level error with any other code (a crash is ``INTERNAL``, an
    invalid document has none) fails the test instead of passing as "refused".
    """
    errors = body.get("errors") or []
    codes = [(e.get("extensions") or {}).get("code") for e in errors]
    assert all(c in REFUSAL_CODES for c in codes), f"not a refusal: {errors}"
    return bool(errors)


def payload_outcome(body: dict[str, Any], field_name: str) -> Outcome:
    """A mutation payload: allowed when it has no errors; refused on a refusal code (in the
    payload or at the top level); any other error fails the test."""
    if refused_by_error(body):
        return Outcome(allowed=False, detail=body["errors"])
    errors = body["data"][field_name]["errors"]
    if not errors:
        return Outcome(allowed=True)
    codes = {e["code"] for e in errors}
    assert codes <= REFUSAL_CODES, f"{field_name} failed for another reason: {errors}"
    return Outcome(allowed=False, detail=errors)


async def build_env(session: AsyncSession, settings: Settings, gql: Any) -> MatrixEnv:
    """Every role's account, scoped to street A / organization A / itself."""
    from matchmaker.models import Organization
    from matchmaker.models.enums import OrganizationKind

    w = await factories.world(session)
    org_a = Organization(
        name="历下区阳光社工服务中心",
        credit_code=factories.valid_credit_code(1),
        kind=OrganizationKind.REGISTERED,
        grade=4,
        region_id=w.street_a.id,
        categories=["ELDERLY"],
        legal_representative="王建国",
        contact_name="李梅",
        contact_phone="13800000001",
    )
    org_b = Organization(
        name="千佛山社区服务社",
        credit_code=factories.valid_credit_code(2),
        kind=OrganizationKind.FILED,
        grade=0,
        region_id=w.street_b.id,
        categories=["CHILDREN_YOUTH"],
        legal_representative="赵强",
        contact_name="孙丽",
        contact_phone="13800000002",
    )
    session.add_all([org_a, org_b])
    await session.commit()
    w.extra.update(org_a=org_a, org_b=org_b)
    logins: dict[Role, factories.Login] = {}
    for role in Role:
        if role in (Role.ORG_ADMIN, Role.SOCIAL_WORKER):
            logins[role] = await factories.account(
                session, settings, role=role, organization_id=org_a.id
            )
        elif role in (Role.VOLUNTEER, Role.PLATFORM_ADMIN):
            logins[role] = await factories.account(session, settings, role=role)
        else:
            logins[role] = await factories.account(session, settings, role=role, region=w.street_a)
    return MatrixEnv(
        session=session,
        settings=settings,
        gql=gql,
        world=w,
        tokens={r: login.token for r, login in logins.items()},
        logins=logins,
    )
