"""Accounts, sessions and role grants."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker import clock
from matchmaker.models import Account, AuthSession, Organization, Region, RoleGrant
from matchmaker.models.enums import AccountStatus, Role
from matchmaker.services import audit
from matchmaker.services.authz import (
    ROLE_SCOPE,
    Actor,
    Capability,
    Grant,
    ScopeKind,
    require,
    require_authenticated,
)
from matchmaker.services.context import ServiceContext
from matchmaker.services.crypto import new_token, token_hash
from matchmaker.services.errors import DomainError, ErrorCode, invalid, not_found
from matchmaker.services.passwords import dummy_hash, hash_password_async, verify_password_async
from matchmaker.services.ratelimit import LoginAttempt, login_keys, password_change_keys
from matchmaker.services.validation import check_text_filter, is_valid_phone, mask_phone

USERNAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{2,31}$")
ACCOUNT_FIELDS = Account.AUDITED


def _audit_snapshot(account: Account) -> dict[str, Any]:
    """The account as the audit log keeps it: the phone masked (PIPL), never in clear."""
    state = audit.snapshot(account, ACCOUNT_FIELDS)
    state["phone"] = mask_phone(account.phone)
    return state


def check_password(password: str, field: str = "password") -> None:
    if len(password) < 8 or len(password) > 128:
        raise invalid(field, "Password must be 8 to 128 characters", ErrorCode.WEAK_PASSWORD)
    if password.isdigit() or password.isalpha():
        raise invalid(field, "Password must mix letters and digits", ErrorCode.WEAK_PASSWORD)


async def _check_login_names(
    session: AsyncSession, *, username: str | None, phone: str | None
) -> None:
    if username is not None:
        if not USERNAME_RE.match(username):
            raise invalid(
                "username", "Username: 3–32 letters, digits, _ . -, starting with a letter"
            )
        if await session.scalar(select(Account.id).where(Account.username == username)):
            raise invalid("username", "This username is taken", ErrorCode.USERNAME_TAKEN)
    if phone is not None:
        if not is_valid_phone(phone):
            raise invalid("phone", "Not a mainland mobile number", ErrorCode.INVALID_PHONE)
        if await session.scalar(select(Account.id).where(Account.phone == phone)):
            raise invalid("phone", "This phone number is already registered", ErrorCode.PHONE_TAKEN)
    if username is None and phone is None:
        raise invalid("phone", "A phone number or a username is required")


async def new_account(
    sc: ServiceContext,
    *,
    username: str | None,
    phone: str | None,
    password: str,
    display_name: str,
) -> Account:
    """Create an account (callers check who may). Validates and audits."""
    display_name = display_name.strip()
    if not 1 <= len(display_name) <= 50:
        raise invalid("displayName", "Display name must be 1 to 50 characters")
    await _check_login_names(sc.session, username=username, phone=phone)
    check_password(password)
    account = Account(
        username=username,
        phone=phone,
        password_hash=await hash_password_async(password),
        display_name=display_name,
        status=AccountStatus.ACTIVE,
    )
    sc.session.add(account)
    await sc.session.flush()
    await audit.record(
        sc,
        action="account.create",
        subject_type="Account",
        subject_id=account.id,
        after=_audit_snapshot(account),
    )
    return account


async def create_account(
    sc: ServiceContext,
    *,
    username: str | None,
    phone: str | None,
    password: str,
    display_name: str,
) -> Account:
    require(sc.actor, Capability.ACCOUNT_MANAGE)
    return await new_account(
        sc, username=username, phone=phone, password=password, display_name=display_name
    )


async def set_account_status(
    sc: ServiceContext, *, account_id: int, status: AccountStatus
) -> Account:
    require(sc.actor, Capability.ACCOUNT_MANAGE)
    account = await sc.session.get(Account, account_id)
    if account is None:
        raise not_found("Account")
    before = _audit_snapshot(account)
    account.status = status
    if status is AccountStatus.DISABLED:
        await sc.session.execute(delete(AuthSession).where(AuthSession.account_id == account_id))
    await sc.session.flush()
    await audit.record(
        sc,
        action="account.status",
        subject_type="Account",
        subject_id=account.id,
        before=before,
        after=_audit_snapshot(account),
    )
    return account


@dataclass(frozen=True, slots=True)
class LoginResult:
    account: Account
    token: str
    expires_at: dt.datetime


async def open_session(
    sc: ServiceContext, account: Account, *, user_agent: str | None
) -> LoginResult:
    token = new_token()
    expires = clock.now() + dt.timedelta(hours=sc.settings.session_ttl_hours)
    sc.session.add(
        AuthSession(
            account_id=account.id,
            token_hash=token_hash(token),
            expires_at=expires,
            user_agent=(user_agent or "")[:255] or None,
            ip=sc.client_ip,
        )
    )
    account.last_login_at = clock.now()
    await sc.session.flush()
    return LoginResult(account=account, token=token, expires_at=expires)


RATE_LIMITED_MESSAGE = "Too many failed attempts; try again in 15 minutes"


async def reserve_login(sc: ServiceContext, *, login: str) -> LoginAttempt | None:
    """Take this attempt's place in the account's and the address's windows, before any
    password is verified (docs/security.md; ``schema.errors.mutate_limited`` keeps the place when
    the login fails). None when no limiter is configured."""
    limiter = sc.login_limiter
    if limiter is None:
        return None
    attempt = await limiter.reserve(login_keys(login, sc.client_ip), sc.session)
    if attempt is None:
        raise DomainError(ErrorCode.RATE_LIMITED, RATE_LIMITED_MESSAGE, "login")
    return attempt


async def login(
    sc: ServiceContext,
    *,
    login: str,
    password: str,
    user_agent: str | None = None,
) -> LoginResult:
    """Log in by phone or username (after :func:`reserve_login`)."""
    login = login.strip()
    account = await sc.session.scalar(
        select(Account).where(or_(Account.phone == login, Account.username == login))
    )
    ok = await verify_password_async(account.password_hash if account else dummy_hash(), password)
    if account is None or not ok:
        raise DomainError(ErrorCode.INVALID_CREDENTIALS, "Wrong login or password", "password")
    if account.status is not AccountStatus.ACTIVE:
        raise DomainError(ErrorCode.ACCOUNT_DISABLED, "This account is disabled", "login")
    result = await open_session(sc, account, user_agent=user_agent)
    await audit.record(
        sc,
        action="account.login",
        subject_type="Account",
        subject_id=account.id,
        actor_id=account.id,
    )
    return result


async def logout(sc: ServiceContext, *, token: str | None) -> bool:
    account_id = require_authenticated(sc.actor)
    if token:
        await sc.session.execute(
            delete(AuthSession).where(
                AuthSession.token_hash == token_hash(token), AuthSession.account_id == account_id
            )
        )
    await audit.record(sc, action="account.logout", subject_type="Account", subject_id=account_id)
    return True


async def reserve_password_change(sc: ServiceContext) -> LoginAttempt | None:
    """Like :func:`reserve_login`, per signed-in account: guessing the current password through
    changePassword (a stolen session) is limited like logins are."""
    account_id = require_authenticated(sc.actor)
    limiter = sc.login_limiter
    if limiter is None:
        return None
    attempt = await limiter.reserve(password_change_keys(account_id), sc.session)
    if attempt is None:
        raise DomainError(ErrorCode.RATE_LIMITED, RATE_LIMITED_MESSAGE, "oldPassword")
    return attempt


async def change_password(
    sc: ServiceContext,
    *,
    old_password: str,
    new_password: str,
    current_token: str | None = None,
) -> Account:
    """Change the caller's password and end their other sessions (a thief's included)."""
    account_id = require_authenticated(sc.actor)
    account = await sc.session.get(Account, account_id)
    assert account is not None
    if not await verify_password_async(account.password_hash, old_password):
        raise DomainError(ErrorCode.INVALID_CREDENTIALS, "Wrong current password", "oldPassword")
    check_password(new_password, "newPassword")
    account.password_hash = await hash_password_async(new_password)
    others = delete(AuthSession).where(AuthSession.account_id == account_id)
    if current_token:
        others = others.where(AuthSession.token_hash != token_hash(current_token))
    await sc.session.execute(others)
    await sc.session.flush()
    await audit.record(sc, action="account.password", subject_type="Account", subject_id=account_id)
    return account


#: Built once (the request path runs it for every call): the session, its account and every
#: grant with its region path, for a token hash that hasn't expired, of an active account.
_ACTOR_FOR_TOKEN = (
    select(
        AuthSession.account_id,
        RoleGrant.role,
        RoleGrant.region_id,
        Region.path,
        RoleGrant.organization_id,
    )
    .join(Account, Account.id == AuthSession.account_id)
    .outerjoin(RoleGrant, RoleGrant.account_id == AuthSession.account_id)
    .outerjoin(Region, Region.id == RoleGrant.region_id)
    .where(
        AuthSession.token_hash == bindparam("token_hash"),
        AuthSession.expires_at > bindparam("now", type_=AuthSession.expires_at.type),
        Account.status == AccountStatus.ACTIVE,
    )
    .order_by(RoleGrant.id)
)


async def actor_for_token(session: AsyncSession, token: str | None) -> Actor:
    """Resolve a session token (cookie or Bearer) to the caller and their grants.

    One statement per request: the session, its account and every grant with its region path.
    """
    if not token:
        return Actor()
    rows = (
        await session.execute(
            _ACTOR_FOR_TOKEN, {"token_hash": token_hash(token), "now": clock.now()}
        )
    ).all()
    if not rows:
        return Actor()
    grants = tuple(
        Grant(
            role=r.role,
            region_id=r.region_id,
            region_path=r.path,
            organization_id=r.organization_id,
        )
        for r in rows
        if r.role is not None
    )
    return Actor(account_id=rows[0].account_id, grants=grants)


async def actor_for_account(session: AsyncSession, account_id: int) -> Actor:
    rows = await session.execute(
        select(RoleGrant.role, RoleGrant.region_id, Region.path, RoleGrant.organization_id)
        .outerjoin(Region, Region.id == RoleGrant.region_id)
        .where(RoleGrant.account_id == account_id)
        .order_by(RoleGrant.id)
    )
    grants = tuple(
        Grant(
            role=r.role,
            region_id=r.region_id,
            region_path=r.path,
            organization_id=r.organization_id,
        )
        for r in rows
    )
    return Actor(account_id=account_id, grants=grants)


GRANT_FIELDS = RoleGrant.AUDITED


async def add_grant(
    sc: ServiceContext,
    *,
    account_id: int,
    role: Role,
    region_id: int | None = None,
    organization_id: int | None = None,
) -> RoleGrant:
    """Attach a role grant (callers check who may); validates the scope the role needs."""
    kind = ROLE_SCOPE[role]
    if kind is ScopeKind.REGION:
        if region_id is None or organization_id is not None:
            raise invalid(
                "regionId", f"{role.value} needs a region scope", ErrorCode.INVALID_ROLE_SCOPE
            )
        region = await sc.session.get(Region, region_id)
        if region is None:
            raise invalid("regionId", "Region not found", ErrorCode.INVALID_ROLE_SCOPE)
    elif kind is ScopeKind.ORGANIZATION:
        if organization_id is None or region_id is not None:
            raise invalid(
                "organizationId",
                f"{role.value} needs an organization",
                ErrorCode.INVALID_ROLE_SCOPE,
            )
        if await sc.session.get(Organization, organization_id) is None:
            raise invalid("organizationId", "Organization not found", ErrorCode.INVALID_ROLE_SCOPE)
    elif region_id is not None or organization_id is not None:
        raise invalid("role", f"{role.value} takes no scope", ErrorCode.INVALID_ROLE_SCOPE)
    if await sc.session.get(Account, account_id) is None:
        raise invalid("accountId", "Account not found", ErrorCode.NOT_FOUND)
    existing = await sc.session.scalar(
        select(RoleGrant).where(
            RoleGrant.account_id == account_id,
            RoleGrant.role == role,
            RoleGrant.region_id.is_(None)
            if region_id is None
            else RoleGrant.region_id == region_id,
            RoleGrant.organization_id.is_(None)
            if organization_id is None
            else RoleGrant.organization_id == organization_id,
        )
    )
    if existing is not None:
        raise DomainError(ErrorCode.CONFLICT, "The account already has this grant", "role")
    grant = RoleGrant(
        account_id=account_id,
        role=role,
        region_id=region_id,
        organization_id=organization_id,
        granted_by_id=sc.actor.account_id,
    )
    sc.session.add(grant)
    await sc.session.flush()
    await audit.record(
        sc,
        action="role_grant.create",
        subject_type="RoleGrant",
        subject_id=grant.id,
        after=audit.snapshot(grant, GRANT_FIELDS),
    )
    return grant


async def grant_role(
    sc: ServiceContext,
    *,
    account_id: int,
    role: Role,
    region_id: int | None = None,
    organization_id: int | None = None,
) -> RoleGrant:
    require(sc.actor, Capability.ROLE_GRANT_MANAGE)
    return await add_grant(
        sc, account_id=account_id, role=role, region_id=region_id, organization_id=organization_id
    )


async def revoke_role(sc: ServiceContext, *, grant_id: int) -> RoleGrant:
    require(sc.actor, Capability.ROLE_GRANT_MANAGE)
    grant = await sc.session.get(RoleGrant, grant_id)
    if grant is None:
        raise not_found("Role grant")
    if grant.role is Role.PLATFORM_ADMIN and grant.account_id == sc.actor.account_id:
        raise DomainError(ErrorCode.CONFLICT, "You can't revoke your own admin grant", "grantId")
    before = audit.snapshot(grant, GRANT_FIELDS)
    await sc.session.delete(grant)
    await sc.session.flush()
    await audit.record(
        sc, action="role_grant.revoke", subject_type="RoleGrant", subject_id=grant_id, before=before
    )
    return grant


async def grants_of(session: AsyncSession, account_id: int) -> list[RoleGrant]:
    return list(
        await session.scalars(
            select(RoleGrant).where(RoleGrant.account_id == account_id).order_by(RoleGrant.id)
        )
    )


def accounts_statement(sc: ServiceContext, *, text: str | None = None):  # type: ignore[no-untyped-def]
    require(sc.actor, Capability.ACCOUNT_MANAGE)
    stmt = select(Account)
    check_text_filter(text)
    if text:
        pattern = f"%{text.strip()}%"
        stmt = stmt.where(
            or_(
                Account.username.ilike(pattern),
                Account.phone.ilike(pattern),
                Account.display_name.ilike(pattern),
            )
        )
    return stmt


async def get_readable(sc: ServiceContext, account_id: int) -> Account | None:
    """The caller's own account, or any account for account managers; else None."""
    if sc.actor.account_id != account_id and not sc.actor.can(Capability.ACCOUNT_MANAGE):
        return None
    return await sc.session.get(Account, account_id)
