"""Counting micro-wishes (docs/micro_wishes.md, Counting): what the oversight dashboard and the
community staff's workbench show, and the public home's recent results.

Figures follow the wishes **recorded** in a month (Beijing time), whatever happened to them
since: of the wishes recorded in March, how many were claimed, reported fulfilled and confirmed,
and how long they waited. Every figure is an SQL aggregate; the medians use window functions
(``row_number``/``count`` over the group, the middle one or two rows averaged), which both
backends run, so the statement count is the same whatever the number of wishes or months.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, Select, and_, case, cast, func, literal, or_, select

from matchmaker import clock
from matchmaker.db.engine import dialect_name
from matchmaker.models import MicroWish, Region
from matchmaker.models.micro_wishes import MicroWishStatus
from matchmaker.services.authz import Capability, Scope, require
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import not_found

#: What the public home shows at most.
MAX_RESULTS = 20
DONE = (MicroWishStatus.FULFILLED, MicroWishStatus.CONFIRMED)


@dataclass(frozen=True, slots=True)
class WishCounts:
    """One row: a community (or the whole area: ``region_id`` None) in a month (or every
    month: ``month`` None)."""

    region_id: int | None
    month: str | None
    recorded: int
    claimed: int
    fulfilled: int
    confirmed: int
    #: Recorded → (last) claimed, in minutes; None when none was claimed.
    median_minutes_to_claim: float | None
    #: Claimed → reported fulfilled, in minutes; None when none was fulfilled.
    median_minutes_to_fulfil: float | None

    @property
    def share_confirmed(self) -> float | None:
        """Confirmed of recorded (0–1), None for an empty row."""
        return self.confirmed / self.recorded if self.recorded else None


@dataclass(frozen=True, slots=True)
class CountsReport:
    region: Region | None
    total: WishCounts
    months: list[WishCounts]
    communities: list[WishCounts]


def _month(sc: ServiceContext) -> Any:
    """The Beijing month a wish was recorded in, as ``YYYY-MM``."""
    if dialect_name(sc.session) == "postgresql":
        return func.to_char(func.timezone("Asia/Shanghai", MicroWish.created_at), "YYYY-MM")
    return func.strftime("%Y-%m", MicroWish.created_at, "+8 hours")


def _minutes(sc: ServiceContext, later: Any, earlier: Any) -> Any:
    if dialect_name(sc.session) == "postgresql":
        return func.extract("epoch", later - earlier) / 60.0
    return (func.julianday(later) - func.julianday(earlier)) * 1440.0


async def _area(sc: ServiceContext, scope: Scope, region_id: int | None) -> Region | None:
    if region_id is None:
        return None
    region: Region | None = await sc.session.scalar(
        select(Region).where(Region.id == region_id, scope.region_clause(Region.path))
    )
    if region is None:
        raise not_found("Region")
    return region


def _filtered(
    stmt: Select[Any], scope: Scope, region: Region | None, year: int | None
) -> Select[Any]:
    stmt = stmt.where(scope.region_clause(MicroWish.region_path))
    if region is not None:
        stmt = stmt.where(MicroWish.region_path.startswith(region.path, autoescape=True))
    if year is not None:
        start = dt.datetime(year, 1, 1, tzinfo=clock.SHANGHAI)
        end = dt.datetime(year + 1, 1, 1, tzinfo=clock.SHANGHAI)
        stmt = stmt.where(MicroWish.created_at >= start, MicroWish.created_at < end)
    return stmt


async def _medians(
    sc: ServiceContext,
    keys: list[Any],
    duration: Any,
    present: Any,
    where: Any,
) -> dict[tuple[Any, ...], float]:
    """The median of ``duration`` per group of ``keys`` (rows where ``present``), one statement."""
    partition = keys or [literal(1)]
    labelled = [k.label(f"k{i}") for i, k in enumerate(keys)]
    inner = where(
        select(
            *labelled,
            duration.label("d"),
            func.row_number().over(partition_by=partition, order_by=duration).label("rn"),
            func.count().over(partition_by=partition).label("n"),
        ).where(present)
    ).subquery()
    group = [inner.c[f"k{i}"] for i in range(len(keys))]
    stmt = select(*group, func.avg(cast(inner.c.d, Float))).where(
        or_(inner.c.rn == (inner.c.n + 1) // 2, inner.c.rn == (inner.c.n + 2) // 2)
    )
    if group:
        stmt = stmt.group_by(*group)
    return {
        tuple(row[:-1]): round(float(row[-1]), 1)
        for row in (await sc.session.execute(stmt)).all()
        if row[-1] is not None
    }


async def counts(
    sc: ServiceContext, *, region_id: int | None = None, year: int | None = None
) -> CountsReport:
    """Wishes recorded, claimed, fulfilled and confirmed, with the median waits, for the
    caller's area (auditors, bureau officers: their region subtree; community staff: their
    communities) or a region inside it, by community and month, by month and in total."""
    scope = require(sc.actor, Capability.OVERSIGHT_READ)
    region = await _area(sc, scope, region_id)
    month = _month(sc)

    def where(stmt: Select[Any]) -> Select[Any]:
        return _filtered(stmt, scope, region, year)

    rows = (
        await sc.session.execute(
            where(
                select(
                    MicroWish.region_id,
                    month,
                    func.count(),
                    func.count(MicroWish.claimed_at),
                    func.count(MicroWish.fulfilled_at),
                    func.sum(case((MicroWish.status == MicroWishStatus.CONFIRMED, 1), else_=0)),
                ).group_by(MicroWish.region_id, month)
            )
        )
    ).all()
    to_claim = _minutes(sc, MicroWish.claimed_at, MicroWish.created_at)
    to_fulfil = _minutes(sc, MicroWish.fulfilled_at, MicroWish.claimed_at)
    claimed = MicroWish.claimed_at.is_not(None)
    fulfilled = and_(MicroWish.fulfilled_at.is_not(None), MicroWish.claimed_at.is_not(None))
    medians: dict[str, dict[tuple[Any, ...], float]] = {}
    for name, keys in (("cm", [MicroWish.region_id, month]), ("m", [month]), ("t", [])):
        medians[f"claim_{name}"] = await _medians(sc, keys, to_claim, claimed, where)
        medians[f"fulfil_{name}"] = await _medians(sc, keys, to_fulfil, fulfilled, where)

    def row(
        region_key: int | None, month_key: str | None, figures: list[int], key: tuple[Any, ...]
    ) -> WishCounts:
        kind = "cm" if region_key is not None else ("m" if month_key is not None else "t")
        return WishCounts(
            region_id=region_key,
            month=month_key,
            recorded=figures[0],
            claimed=figures[1],
            fulfilled=figures[2],
            confirmed=figures[3],
            median_minutes_to_claim=medians[f"claim_{kind}"].get(key),
            median_minutes_to_fulfil=medians[f"fulfil_{kind}"].get(key),
        )

    communities: list[WishCounts] = []
    by_month: dict[str, list[int]] = {}
    total = [0, 0, 0, 0]
    for rid, mon, *figures in sorted(rows, key=lambda r: (r[1], r[0])):
        numbers = [int(f or 0) for f in figures]
        communities.append(row(int(rid), str(mon), numbers, (rid, mon)))
        month_sum = by_month.setdefault(str(mon), [0, 0, 0, 0])
        for i, n in enumerate(numbers):
            month_sum[i] += n
            total[i] += n
    return CountsReport(
        region=region,
        total=row(None, None, total, ()),
        months=[row(None, m, figures, (m,)) for m, figures in sorted(by_month.items())],
        communities=communities,
    )


def results_statement(sc: ServiceContext, *, region_path: str | None = None) -> Select[Any]:
    """The public home: wishes most recently fulfilled or confirmed, newest first. Public, so
    only the masked fields are ever shown (docs/micro_wishes.md, Who sees what)."""
    require(sc.actor, Capability.MICRO_WISH_READ)
    stmt = select(MicroWish).where(MicroWish.status.in_(DONE))
    if region_path is not None:
        stmt = stmt.where(MicroWish.region_path.startswith(region_path, autoescape=True))
    done_at = func.coalesce(MicroWish.confirmed_at, MicroWish.fulfilled_at)
    return stmt.order_by(done_at.desc(), MicroWish.id.desc())


async def recent_results(
    sc: ServiceContext, *, first: int = 6, region_id: int | None = None
) -> list[MicroWish]:
    region_path = None
    if region_id is not None:
        region = await sc.session.get(Region, region_id)
        if region is None:
            return []
        region_path = region.path
    limit = max(1, min(first, MAX_RESULTS))
    stmt = results_statement(sc, region_path=region_path).limit(limit)
    return list(await sc.session.scalars(stmt))
