"""Counting the SQL statements a request runs: the N+1 guard of list queries.

A list query must run the same number of statements at 10 rows as at 50 (docs/architecture.md):
each test builds the rows, then asks ``await statements.at(run, 10, 50)`` for the counts of
``run(10)`` and ``run(50)`` and asserts they are equal (and, where it matters, small).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


class StatementLog:
    """The statements run on ``engine`` while recording; ``last`` keeps the latest run's SQL
    for assertion messages."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine.sync_engine
        self.last: list[str] = []

    @contextmanager
    def recording(self) -> Iterator[list[str]]:
        seen: list[str] = []

        def on_execute(*args: Any) -> None:
            seen.append(args[2])  # (conn, cursor, statement, parameters, context, executemany)

        event.listen(self.engine, "before_cursor_execute", on_execute)
        try:
            yield seen
        finally:
            event.remove(self.engine, "before_cursor_execute", on_execute)
            self.last = seen

    async def count(self, run: Callable[[], Awaitable[Any]]) -> int:
        """How many statements ``run()`` executed."""
        with self.recording() as seen:
            await run()
        return len(seen)

    async def at(self, run: Callable[[int], Awaitable[Any]], *sizes: int) -> list[int]:
        """The statement count of ``run(n)`` for each size, in order (``run`` asserts it got n)."""
        counts = []
        for n in sizes:
            counted = await self.count(lambda n=n: run(n))
            # Nothing counted means the log listens to another engine than the app's.
            assert counted > 0, f"no statement recorded for run({n})"
            counts.append(counted)
        return counts


@pytest.fixture
def statements(app: Any) -> StatementLog:
    """The statement log of the app's engine (the one ``gql`` requests run on)."""
    return StatementLog(app.state.mm.engine)
