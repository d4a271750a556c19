"""An empty database of the backend under test, for migration and readiness tests."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import text

from matchmaker.db import create_engine
from tests.conftest import BACKEND, PG_ADMIN_URL


@asynccontextmanager
async def scratch_database(tmp_dir: Path) -> AsyncIterator[str]:
    """Yield the URL of a new, empty database; drop it afterwards."""
    if BACKEND != "postgresql":
        yield f"sqlite+aiosqlite:///{tmp_dir / f'scratch-{uuid.uuid4().hex[:8]}.db'}"
        return
    name = f"mm_scratch_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", pool_size=1, max_overflow=0)
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()
