from __future__ import annotations

import datetime as dt

import strawberry

from matchmaker import models
from matchmaker.http_auth import SESSION_COOKIE
from matchmaker.schema.context import Info
from matchmaker.schema.errors import Payload, mutate, mutate_limited
from matchmaker.schema.relay import gid, opt_gid
from matchmaker.schema.types.account import Account, RoleGrant
from matchmaker.schema.types.enums import AccountStatus, Role
from matchmaker.services import accounts as account_service
from matchmaker.services.errors import ErrorCode

#: Refusals that count as a guess (docs/security.md); others give the attempt back.
WRONG_PASSWORD = frozenset({ErrorCode.INVALID_CREDENTIALS})


def set_session_cookie(info: Info, token: str, expires_at: dt.datetime) -> None:
    """httpOnly + SameSite=Lax: scripts can't read it and cross-site posts don't carry it."""
    ctx = info.context
    ctx.response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=ctx.settings.session_ttl_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=ctx.settings.is_production,
        path="/",
    )


@strawberry.input
class LoginInput:
    login: str = strawberry.field(description="Phone number or username.")
    password: str


@strawberry.type
class LoginPayload(Payload):
    account: Account | None = None
    token: str | None = strawberry.field(
        default=None,
        description="Session token for API clients (Bearer). Browsers get an httpOnly cookie.",
    )

    @classmethod
    async def of(cls, info: Info, result: account_service.LoginResult) -> LoginPayload:
        set_session_cookie(info, result.token, result.expires_at)
        return cls(
            account=Account.from_row(result.account, viewer_id=result.account.id),
            token=result.token,
        )


@strawberry.type
class LogoutPayload(Payload):
    ok: bool = False

    @classmethod
    async def of(cls, info: Info, ok: bool) -> LogoutPayload:
        if ok:
            info.context.response.delete_cookie(SESSION_COOKIE, path="/")
        return cls(ok=ok)


@strawberry.input
class ChangePasswordInput:
    old_password: str
    new_password: str


@strawberry.type
class AccountPayload(Payload):
    account: Account | None = None

    @classmethod
    async def of(cls, info: Info, row: models.Account) -> AccountPayload:
        return cls(account=Account.from_row(row, viewer_id=info.context.actor.account_id))


@strawberry.input
class CreateAccountInput:
    display_name: str
    password: str
    username: str | None = None
    phone: str | None = None


@strawberry.input
class SetAccountStatusInput:
    account_id: strawberry.ID
    status: AccountStatus


@strawberry.input
class GrantRoleInput:
    account_id: strawberry.ID
    role: Role
    region_id: strawberry.ID | None = None
    organization_id: strawberry.ID | None = None


@strawberry.type
class RoleGrantPayload(Payload):
    grant: RoleGrant | None = None

    @classmethod
    async def of(cls, info: Info, row: models.RoleGrant) -> RoleGrantPayload:
        return cls(grant=RoleGrant.from_row(row))


@strawberry.input
class RevokeRoleInput:
    grant_id: strawberry.ID


@strawberry.type
class AccountMutations:
    @strawberry.mutation(description="Log in by phone or username; sets the session cookie.")
    async def login(self, info: Info, input: LoginInput) -> LoginPayload:
        user_agent = info.context.request.headers.get("user-agent")
        return await mutate_limited(
            info,
            LoginPayload,
            lambda sc: account_service.reserve_login(sc, login=input.login),
            lambda sc: account_service.login(
                sc, login=input.login, password=input.password, user_agent=user_agent
            ),
            wrong_secret=WRONG_PASSWORD,
        )

    @strawberry.mutation(description="End the current session.")
    async def logout(self, info: Info) -> LogoutPayload:
        token = info.context.token
        return await mutate(info, LogoutPayload, lambda sc: account_service.logout(sc, token=token))

    @strawberry.mutation
    async def change_password(self, info: Info, input: ChangePasswordInput) -> AccountPayload:
        return await mutate_limited(
            info,
            AccountPayload,
            account_service.reserve_password_change,
            lambda sc: account_service.change_password(
                sc,
                old_password=input.old_password,
                new_password=input.new_password,
                current_token=info.context.token,
            ),
            wrong_secret=WRONG_PASSWORD,
        )

    @strawberry.mutation(description="Platform admins create staff accounts.")
    async def create_account(self, info: Info, input: CreateAccountInput) -> AccountPayload:
        return await mutate(
            info,
            AccountPayload,
            lambda sc: account_service.create_account(
                sc,
                username=input.username,
                phone=input.phone,
                password=input.password,
                display_name=input.display_name,
            ),
        )

    @strawberry.mutation
    async def set_account_status(self, info: Info, input: SetAccountStatusInput) -> AccountPayload:
        return await mutate(
            info,
            AccountPayload,
            lambda sc: account_service.set_account_status(
                sc,
                account_id=gid(input.account_id, "Account", "accountId"),
                status=input.status,
            ),
        )

    @strawberry.mutation(description="Give an account a role with its scope (platform admins).")
    async def grant_role(self, info: Info, input: GrantRoleInput) -> RoleGrantPayload:
        return await mutate(
            info,
            RoleGrantPayload,
            lambda sc: account_service.grant_role(
                sc,
                account_id=gid(input.account_id, "Account", "accountId"),
                role=input.role,
                region_id=opt_gid(input.region_id, "Region", "regionId"),
                organization_id=opt_gid(input.organization_id, "Organization", "organizationId"),
            ),
        )

    @strawberry.mutation
    async def revoke_role(self, info: Info, input: RevokeRoleInput) -> RoleGrantPayload:
        return await mutate(
            info,
            RoleGrantPayload,
            lambda sc: account_service.revoke_role(
                sc, grant_id=gid(input.grant_id, "RoleGrant", "grantId")
            ),
        )
