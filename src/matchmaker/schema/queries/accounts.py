from __future__ import annotations

import strawberry

from matchmaker.models import Account as AccountRow
from matchmaker.schema.context import Info
from matchmaker.schema.relay import Connection, connection
from matchmaker.schema.types.account import Account
from matchmaker.services import accounts as account_service
from matchmaker.services.pagination import paginate


@strawberry.type
class AccountQueries:
    @strawberry.field(description="The logged-in account, or null.")
    async def me(self, info: Info) -> Account | None:
        ctx = info.context
        if ctx.actor.account_id is None:
            return None
        row = await ctx.session.get(AccountRow, ctx.actor.account_id)
        return Account.from_row(row, viewer_id=ctx.actor.account_id) if row else None

    @strawberry.field(description="All accounts (platform admins).")
    async def accounts(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        text: str | None = None,
    ) -> Connection[Account]:
        ctx = info.context
        stmt = account_service.accounts_statement(ctx.service, text=text)
        page = await paginate(ctx.session, stmt, AccountRow.id, first=first, after=after)
        viewer = ctx.actor.account_id
        return connection(page, lambda row: Account.from_row(row, viewer_id=viewer))
