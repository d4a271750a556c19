"""Operations run from the command line, as the system rather than a logged-in user."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker.config import Settings
from matchmaker.db import create_engine, create_session_factory
from matchmaker.models.enums import Role
from matchmaker.services import accounts, regions
from matchmaker.services.authz import SYSTEM
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import DomainError


def system_context(session: AsyncSession, settings: Settings) -> ServiceContext:
    """The command line's context: the platform itself, request id ``cli`` (jobs use
    ``matchmaker.jobs.context.service_context`` instead)."""
    return ServiceContext(session=session, actor=SYSTEM, settings=settings, request_id="cli")


async def create_platform_admin(
    settings: Settings, *, username: str, password: str, display_name: str
) -> int:
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            sc = system_context(session, settings)
            try:
                account = await accounts.new_account(
                    sc, username=username, phone=None, password=password, display_name=display_name
                )
                await accounts.add_grant(sc, account_id=account.id, role=Role.PLATFORM_ADMIN)
            except DomainError as exc:
                raise ValueError(exc.message) from None
            return account.id
    finally:
        await engine.dispose()


async def import_regions_file(settings: Settings, path: Path) -> regions.ImportReport:
    content = path.read_text(encoding="utf-8")  # noqa: ASYNC240  (CLI, nothing else running)
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            try:
                return await regions.import_csv(system_context(session, settings), text=content)
            except DomainError as exc:
                raise ValueError(exc.message) from None
    finally:
        await engine.dispose()
