"""The command line acts as the SYSTEM actor: a platform admin without an account."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from matchmaker.models import AuditEvent, Region
from matchmaker.services.authz import SYSTEM, Capability
from matchmaker.services.bootstrap import import_regions_file


def test_system_actor_holds_platform_admin_capabilities():
    assert SYSTEM.can(Capability.REGION_MANAGE)
    assert SYSTEM.can(Capability.ROLE_GRANT_MANAGE)


async def test_import_regions_command_imports_a_csv_file(settings, session, tmp_path):
    path = tmp_path / "regions.csv"
    path.write_text(
        "code,name,level,parent_code\n"
        "370000000000,山东省,PROVINCE,\n"
        "370100000000,济南市,CITY,370000000000\n"
        "370102000000,历下区,DISTRICT,370100000000\n",
        encoding="utf-8",
    )
    report = await asyncio.to_thread(lambda: asyncio.run(import_regions_file(settings, path)))
    assert (report.created, report.unchanged) == (3, 0)
    assert await session.scalar(select(func.count()).select_from(Region)) == 3
    imported = await session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "region.import")
    )
    assert imported == 1
