"""Engines and sessions for PostgreSQL (psycopg 3) and SQLite (aiosqlite)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    # Errors and logs show statements without their parameters: phones, password hashes and ID
    # numbers must not reach logs or a job's lastError (docs/security.md).
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        engine = _create_async_engine(url, connect_args={"timeout": 30}, **kwargs)
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_pre_ping", True)
    return _create_async_engine(url, **kwargs)


def _configure_sqlite(engine: AsyncEngine) -> None:
    """WAL, foreign keys, and real transactions.

    The sqlite3 module defers BEGIN until the first write, which breaks SAVEPOINT and lets two
    readers of one transaction see different data. We take BEGIN ourselves (SQLAlchemy's
    documented recipe) and make it IMMEDIATE: a request takes the write lock up front instead
    of failing with SQLITE_BUSY when it tries to upgrade later. The embedded default is for a
    single small deployment; PostgreSQL is the backend for concurrency.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


def dialect_name(session: AsyncSession) -> str:
    """``postgresql`` or ``sqlite``: the few places that differ (locks, upserts) ask this."""
    bind = session.get_bind()
    return bind.dialect.name
