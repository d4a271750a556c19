"""Step ``regions``: the demo city from its CSV, and the rest of Shandong at province scale."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from sqlalchemy import select

from matchmaker.models import Region
from matchmaker.models.enums import RegionLevel
from matchmaker.seed.bulk import table_of
from matchmaker.seed.context import RegionInfo, SeedContext
from matchmaker.seed.geography import other_city_places
from matchmaker.services import regions
from matchmaker.services.errors import ErrorCode, invalid

JINAN_CSV = Path(__file__).resolve().parents[1] / "data" / "jinan_regions.csv"


def jinan_rows(
    *, streets_per_district: int | None, communities_per_street: int | None
) -> list[dict[str, Any]]:
    """The CSV's rows, trimmed to the first N streets per district and M communities per street."""
    with JINAN_CSV.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    kept: list[dict[str, Any]] = []
    streets_seen: dict[str, int] = {}
    communities_seen: dict[str, int] = {}
    kept_codes: set[str] = set()
    for row in rows:
        level, parent = row["level"], row["parent_code"]
        if level == "STREET" and streets_per_district is not None:
            streets_seen[parent] = streets_seen.get(parent, 0) + 1
            if streets_seen[parent] > streets_per_district:
                continue
        if level == "COMMUNITY":
            if parent not in kept_codes:
                continue
            communities_seen[parent] = communities_seen.get(parent, 0) + 1
            if (
                communities_per_street is not None
                and communities_seen[parent] > communities_per_street
            ):
                continue
        kept.append(row)
        kept_codes.add(row["code"])
    return kept


async def _bulk_other_cities(ctx: SeedContext) -> int:
    """Thousands of synthetic regions: validated with the service's code rules, written in bulk."""
    table = table_of(Region)
    known: dict[str, tuple[int, str]] = {
        r.code: (r.id, r.path)
        for r in (await ctx.session.execute(select(Region.id, Region.code, Region.path))).all()
    }
    batch: list[dict[str, Any]] = []
    created = 0
    for place in other_city_places():
        if place.code in known:
            continue
        level = RegionLevel(place.level)
        parent_id, parent_path = known[place.parent_code]
        problem = regions.code_problem(place.code, level)
        if problem is None and not regions.parent_prefix_ok(
            place.code, level, Region(code=place.parent_code)
        ):
            problem = f"not inside its parent {place.parent_code}"
        if problem:
            raise invalid("code", f"{place.code}: {problem}", ErrorCode.INVALID_REGION_CODE)
        region_id = await ctx.writer.new_id(table)
        path = parent_path + place.code + "/"
        known[place.code] = (region_id, path)
        batch.append(
            {
                "id": region_id,
                "code": place.code,
                "name": place.name,
                "level": level,
                "parent_id": parent_id,
                "path": path,
                "latitude": place.latitude,
                "longitude": place.longitude,
            }
        )
        if len(batch) >= ctx.scale.batch:
            created += await ctx.writer.insert(table, batch)
            batch = []
    created += await ctx.writer.insert(table, batch)
    return created


async def seed_regions(ctx: SeedContext) -> None:
    rows = jinan_rows(
        streets_per_district=ctx.scale.streets_per_district,
        communities_per_street=ctx.scale.communities_per_street,
    )
    report = await regions.import_rows(ctx.sc, rows=rows)
    created = report.created
    ctx.log(f"regions: demo city {report.created} created, {report.unchanged} already there")
    if ctx.scale.other_cities:
        n = await _bulk_other_cities(ctx)
        created += n
        ctx.log(f"regions: {n} synthetic regions in the other cities of Shandong")
    ctx.count("regions", created)
    await load_regions(ctx)


async def load_regions(ctx: SeedContext) -> None:
    """Index every region for the later steps (tens of thousands at most)."""
    result = await ctx.session.execute(
        select(
            Region.id,
            Region.code,
            Region.name,
            Region.level,
            Region.path,
            Region.parent_id,
            Region.latitude,
            Region.longitude,
        ).order_by(Region.code)
    )
    for row in result.all():
        info = RegionInfo(*row)
        ctx.regions[info.id] = info
        if info.level is RegionLevel.DISTRICT:
            ctx.districts.append(info)
        elif info.level is RegionLevel.STREET:
            ctx.streets.append(info)
        elif info.level is RegionLevel.COMMUNITY:
            ctx.communities.append(info)
            assert info.parent_id is not None
            ctx.communities_by_street.setdefault(info.parent_id, []).append(info)
    if not ctx.communities:
        raise RuntimeError("no communities to seed into")
