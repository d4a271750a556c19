"""Bulk inserts for seeding: millions of rows without the ORM.

Ids are assigned here (from the table's current maximum), so rows can reference each other
before they are written and nothing has to be read back. On PostgreSQL rows go through
``COPY … FROM STDIN`` on the session's own connection (same transaction), and the id sequences
are moved past the new rows at the end; on SQLite through Core ``insert()`` executemany.

Rows are dicts of *Python* values (lists for TagSet columns, aware datetimes, enums), exactly
what the ORM would be given; the PostgreSQL path applies the column types' bind processing
itself, since COPY bypasses SQLAlchemy.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import TypeDecorator

from matchmaker import clock
from matchmaker.db.types import UTCDateTime


def _bind(typ: TypeDecorator[Any], dialect: Dialect, value: Any) -> Any:
    return typ.process_bind_param(value, dialect)


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def table_of(model: Any) -> Table:
    """The Core table of an ORM model (typed as a plain FromClause by SQLAlchemy)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


class BulkWriter:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.dialect = session.get_bind().dialect
        self.is_postgresql = self.dialect.name == "postgresql"
        self._next_id: dict[str, int] = {}
        self._tables: dict[str, Table] = {}
        self._converters: dict[str, list[Callable[[Any], Any]]] = {}
        self.now = clock.now()
        self.inserted: dict[str, int] = {}

    async def _start(self, table: Table) -> None:
        if table.name not in self._next_id:
            self._tables[table.name] = table
            current = await self.session.scalar(select(func.max(table.c.id)))
            self._next_id[table.name] = int(current or 0) + 1

    async def ids(self, table: Table, count: int) -> range:
        """Reserve ``count`` consecutive ids of ``table``."""
        await self._start(table)
        first = self._next_id[table.name]
        self._next_id[table.name] = first + count
        return range(first, first + count)

    async def new_id(self, table: Table) -> int:
        return (await self.ids(table, 1))[0]

    def _complete(self, table: Table, row: dict[str, Any]) -> dict[str, Any]:
        """Fill timestamps, version and scalar defaults; a missing required column is a bug."""
        for col in table.columns:
            if col.name in row:
                continue
            if col.name in ("created_at", "updated_at"):
                row[col.name] = self.now
            elif col.name == "version":
                row[col.name] = 1
            elif col.default is not None and getattr(col.default, "is_scalar", False):
                row[col.name] = col.default.arg  # type: ignore[attr-defined]
            elif col.nullable:
                row[col.name] = None
            else:
                raise ValueError(f"seed row for {table.name} lacks {col.name}")
        return row

    def _converter(self, table: Table) -> list[Callable[[Any], Any]]:
        if table.name not in self._converters:
            convs: list[Callable[[Any], Any]] = []
            for col in table.columns:
                typ = col.type
                if isinstance(typ, TypeDecorator) and not isinstance(typ, UTCDateTime):
                    convs.append(partial(_bind, typ, self.dialect))
                else:
                    convs.append(_plain)
            self._converters[table.name] = convs
        return self._converters[table.name]

    async def insert(self, table: Table, rows: Iterable[dict[str, Any]]) -> int:
        batch = [self._complete(table, dict(r)) for r in rows]
        if not batch:
            return 0
        if self.is_postgresql:
            await self._copy(table, batch)
        else:
            await self.session.execute(insert(table), batch)
        self.inserted[table.name] = self.inserted.get(table.name, 0) + len(batch)
        return len(batch)

    async def _copy(self, table: Table, batch: list[dict[str, Any]]) -> None:
        names = [c.name for c in table.columns]
        convs = self._converter(table)
        conn = await self.session.connection()
        raw = await conn.get_raw_connection()
        pg: Any = raw.driver_connection
        columns = ", ".join(f'"{n}"' for n in names)
        sql = f'COPY "{table.name}" ({columns}) FROM STDIN'
        async with pg.cursor() as cur, cur.copy(sql) as copy:
            for row in batch:
                await copy.write_row([conv(row[n]) for conv, n in zip(convs, names, strict=True)])

    async def finish(self) -> None:
        """Agree with the ORM on every table's next id, in both directions.

        Called between seed steps as well as at the end, because a step may add rows through
        the ORM (which takes ids from PostgreSQL's sequence, or SQLite's max + 1) after or
        before rows written here: the next id this writer hands out moves past the rows the
        ORM wrote, and PostgreSQL's sequence moves past the ids this writer handed out.
        """
        for name, table in self._tables.items():
            current = await self.session.scalar(select(func.max(table.c.id)))
            next_value = max(self._next_id[name], int(current or 0) + 1)
            self._next_id[name] = next_value
            if self.is_postgresql:
                await self.session.execute(
                    select(
                        func.setval(
                            func.pg_get_serial_sequence(table.name, "id"), next_value, False
                        )
                    )
                )
