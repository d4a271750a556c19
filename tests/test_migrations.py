"""The migrations build the schema the models describe, and tear it down again."""

from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from matchmaker.db import Base, create_engine
from matchmaker.db.migrate import current_revision, downgrade, head_revision, upgrade
from tests.scratch_db import scratch_database


def _diff(connection) -> list[object]:  # type: ignore[no-untyped-def]
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "render_as_batch": True}
    )
    return list(compare_metadata(context, Base.metadata))


def _tables(connection) -> set[str]:  # type: ignore[no-untyped-def]
    return set(inspect(connection).get_table_names())


async def test_upgrade_to_head_matches_the_models_and_downgrade_returns_to_empty(tmp_path):
    async with scratch_database(tmp_path) as url:
        engine = create_engine(url)
        try:
            # Alembic's env runs its own event loop (asyncio.run), so it gets a thread.
            await asyncio.to_thread(upgrade, url, "head")
            assert await current_revision(engine) == head_revision(url)
            async with engine.connect() as conn:
                diff = await conn.run_sync(_diff)
                tables = await conn.run_sync(_tables)
            assert set(Base.metadata.tables) <= tables
            assert diff == [], (
                "the models and migrations/versions disagree; add a new revision (never edit an "
                "existing one; docs/architecture.md, Migration policy):\n"
                + "\n".join(map(str, diff))
            )

            await asyncio.to_thread(downgrade, url, "base")
            async with engine.connect() as conn:
                assert await conn.run_sync(_tables) <= {"alembic_version"}
            assert await current_revision(engine) is None
        finally:
            await engine.dispose()


async def test_upgrading_twice_is_a_no_op(tmp_path):
    async with scratch_database(tmp_path) as url:
        await asyncio.to_thread(upgrade, url, "head")
        await asyncio.to_thread(upgrade, url, "head")
        engine = create_engine(url)
        try:
            assert await current_revision(engine) == head_revision(url)
        finally:
            await engine.dispose()
