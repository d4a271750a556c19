"""Matching in the service layer (docs/matching.md): retrieval in SQL, features as arrays, the
pure core (``matchmaker.matching``) to score and explain, and the impression log.

- ``store``: the impression log, outcomes, the model store (candidate → promoted → retired,
  rollback) and the per-process scorer cache;
- ``volunteering``: volunteers for a shift, shifts for a volunteer, invitations;
- ``training``: the training job over every direction registered in ``TRAINING_SETS``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import BigInteger, BindParameter, ColumnElement, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker.db.engine import dialect_name

#: Subject and candidate type names written to the impression log.
SHIFT = "shift"
VOLUNTEER = "volunteer"
PROJECT = "project"
ORGANIZATION = "organization"
SOCIAL_WORKER = "social_worker"

#: Most items one recommendation list returns (``first``).
MAX_FIRST = 50


def id_in(
    column: Any, ids: Sequence[int] | BindParameter[Any], dialect: str
) -> ColumnElement[bool]:
    """``column IN ids`` for the hundreds of candidate ids a request passes around.

    On PostgreSQL one array parameter (``column = ANY(:ids)``): as an IN list, a thousand ids are
    a thousand bind parameters, and rendering and parsing them cost more than running the query
    (docs/benchmarks.md). SQLite gets the plain IN list. A statement that tests several columns
    against the same ids passes :func:`ids_param` to each, so the array is sent once.
    """
    if dialect == "postgresql":
        param = ids if isinstance(ids, BindParameter) else ids_param(ids, dialect)
        result: ColumnElement[bool] = column == any_(param)
    else:
        values = ids.value if isinstance(ids, BindParameter) else ids
        result = column.in_(values)
    return result


def ids_param(ids: Sequence[int], dialect: str) -> Any:
    """The ids as one array parameter (PostgreSQL) to share between the :func:`id_in` tests of
    one statement; the plain list on SQLite."""
    values = [int(i) for i in ids]
    if dialect != "postgresql":
        return values
    return bindparam(None, values, type_=ARRAY(BigInteger), unique=True)


async def plan_for_latency(session: AsyncSession) -> None:
    """PostgreSQL: no JIT compilation and no parallel workers for the rest of the transaction.

    A recommendation reads a few thousand rows in milliseconds, but the estimated cost of its
    retrieval can pass ``jit_above_cost``, and compiling the query then takes longer (70–140 ms
    measured at province scale) than running it; parallel workers cost more to start than they
    save on such a scan (docs/benchmarks.md). SQLite: nothing to do.
    """
    if dialect_name(session) == "postgresql":
        await session.execute(
            select(
                func.set_config("jit", "off", True),
                func.set_config("max_parallel_workers_per_gather", "0", True),
            )
        )
