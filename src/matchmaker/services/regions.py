"""The tree of administrative divisions (docs/domain.md, Regions)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker.models import Region
from matchmaker.models.enums import RegionLevel
from matchmaker.services import audit
from matchmaker.services.authz import Capability, require
from matchmaker.services.context import ServiceContext
from matchmaker.services.errors import DomainError, ErrorCode, invalid, not_found
from matchmaker.services.validation import check_text_filter

REGION_FIELDS = Region.AUDITED
PARENT_LEVEL = {
    RegionLevel.PROVINCE: None,
    RegionLevel.CITY: RegionLevel.PROVINCE,
    RegionLevel.DISTRICT: RegionLevel.CITY,
    RegionLevel.STREET: RegionLevel.DISTRICT,
    RegionLevel.COMMUNITY: RegionLevel.STREET,
    RegionLevel.GRID: RegionLevel.COMMUNITY,
}


def code_problem(code: str, level: RegionLevel) -> str | None:
    """Why ``code`` is not a valid statistical division code for ``level``, or None.

    12 digits: province (2) city (2) county (2) street (3) community (3); grids add 3 more.
    Street segment 001–099 sub-districts (街道), 100–199 towns; community segment 001–199
    residents' committees (社区), 200–399 villagers' committees (村).
    """
    expected = 15 if level is RegionLevel.GRID else 12
    if len(code) != expected or not code.isdigit():
        return f"a {level.value.lower()} code has {expected} digits"
    province, city, county, street, community = (
        code[0:2],
        code[2:4],
        code[4:6],
        code[6:9],
        code[9:12],
    )
    if province == "00":
        return "the province segment can't be 00"
    if level is RegionLevel.PROVINCE and code[2:] != "0" * 10:
        return "a province code ends in 10 zeros"
    if level is RegionLevel.CITY and (city == "00" or code[4:] != "0" * 8):
        return "a city code is PPCC00000000"
    if level is RegionLevel.DISTRICT and (county == "00" or code[6:] != "0" * 6):
        return "a district code is PPCCDD000000"
    if level is RegionLevel.STREET:
        if community != "000":
            return "a street code ends in 000"
        if not 1 <= int(street) <= 199:
            return "the street segment is 001–099 (街道) or 100–199 (镇)"
    if level is RegionLevel.COMMUNITY:
        if not 1 <= int(street) <= 199:
            return "the street segment is 001–199"
        if not 1 <= int(community) <= 399:
            return "the community segment is 001–199 (社区) or 200–399 (村)"
    if level is RegionLevel.GRID and not 1 <= int(code[12:]) <= 999:
        return "the grid segment is 001–999"
    return None


def parent_prefix_ok(code: str, level: RegionLevel, parent: Region) -> bool:
    keep = {
        RegionLevel.CITY: 2,
        RegionLevel.DISTRICT: 4,
        RegionLevel.STREET: 6,
        RegionLevel.COMMUNITY: 9,
        RegionLevel.GRID: 12,
    }.get(level, 0)
    return code[:keep] == parent.code[:keep]


async def _create(
    session: AsyncSession,
    *,
    code: str,
    name: str,
    level: RegionLevel,
    parent: Region | None,
    latitude: float | None = None,
    longitude: float | None = None,
) -> Region:
    code = code.strip()
    name = name.strip()
    problem = code_problem(code, level)
    if problem:
        raise invalid(
            "code", f"Invalid region code {code}: {problem}", ErrorCode.INVALID_REGION_CODE
        )
    if not 1 <= len(name) <= 100:
        raise invalid("name", "Region name must be 1 to 100 characters")
    expected_parent = PARENT_LEVEL[level]
    if expected_parent is None and parent is not None:
        raise invalid("parentId", "A province has no parent")
    if expected_parent is not None and parent is not None:
        if parent.level is not expected_parent:
            raise invalid("parentId", f"A {level.value} belongs to a {expected_parent.value}")
        if not parent_prefix_ok(code, level, parent):
            raise invalid(
                "code",
                f"Code {code} is not inside its parent {parent.code}",
                ErrorCode.INVALID_REGION_CODE,
            )
    if expected_parent is not None and parent is None and level is not RegionLevel.CITY:
        raise invalid("parentId", f"A {level.value} needs a parent {expected_parent.value}")
    if await session.scalar(select(Region.id).where(Region.code == code)):
        raise invalid("code", f"Region code {code} exists already", ErrorCode.REGION_CODE_TAKEN)
    region = Region(
        code=code,
        name=name,
        level=level,
        parent_id=parent.id if parent else None,
        path=(parent.path if parent else "/") + code + "/",
        latitude=latitude,
        longitude=longitude,
    )
    session.add(region)
    await session.flush()
    return region


async def create_region(
    sc: ServiceContext,
    *,
    code: str,
    name: str,
    level: RegionLevel,
    parent_id: int | None,
    latitude: float | None = None,
    longitude: float | None = None,
) -> Region:
    require(sc.actor, Capability.REGION_MANAGE)
    parent = await sc.session.get(Region, parent_id) if parent_id is not None else None
    if parent_id is not None and parent is None:
        raise invalid("parentId", "Parent region not found", ErrorCode.NOT_FOUND)
    region = await _create(
        sc.session,
        code=code,
        name=name,
        level=level,
        parent=parent,
        latitude=latitude,
        longitude=longitude,
    )
    await audit.record(
        sc,
        action="region.create",
        subject_type="Region",
        subject_id=region.id,
        after=audit.snapshot(region, REGION_FIELDS),
        region_path=region.path,
    )
    return region


async def rename_region(sc: ServiceContext, *, region_id: int, name: str, version: int) -> Region:
    require(sc.actor, Capability.REGION_MANAGE)
    region = await sc.session.get(Region, region_id)
    if region is None:
        raise not_found("Region")
    if region.version != version:
        raise DomainError(
            ErrorCode.STALE_VERSION, "The region was changed by someone else", "version"
        )
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise invalid("name", "Region name must be 1 to 100 characters")
    before = audit.snapshot(region, REGION_FIELDS)
    region.name = name
    await sc.session.flush()
    await audit.record(
        sc,
        action="region.rename",
        subject_type="Region",
        subject_id=region.id,
        before=before,
        after=audit.snapshot(region, REGION_FIELDS),
        region_path=region.path,
    )
    return region


@dataclass(frozen=True, slots=True)
class ImportReport:
    created: int
    unchanged: int


async def import_csv(sc: ServiceContext, *, text: str) -> ImportReport:
    """Import ``code,name,level,parent_code`` rows (parents before children, or in one file).

    All or nothing: the first bad row is reported with its line number and nothing is written.
    """
    require(sc.actor, Capability.REGION_MANAGE)
    return await import_rows(sc, rows=list(csv.DictReader(io.StringIO(text))))


async def import_rows(sc: ServiceContext, *, rows: list[dict[str, Any]]) -> ImportReport:
    created = unchanged = 0
    by_code: dict[str, Region] = {
        r.code: r
        for r in await sc.session.scalars(
            select(Region).where(
                Region.code.in_(
                    {(row.get("parent_code") or "").strip() for row in rows}
                    | {(row.get("code") or "").strip() for row in rows}
                )
            )
        )
    }
    for line, row in enumerate(rows, start=2):
        try:
            code = (row.get("code") or "").strip()
            name = (row.get("name") or "").strip()
            try:
                level = RegionLevel((row.get("level") or "").strip().upper())
            except ValueError:
                raise invalid("level", f"Unknown level {row.get('level')!r}") from None
            parent_code = (row.get("parent_code") or "").strip()
            if code in by_code:
                unchanged += 1
                continue
            parent = by_code.get(parent_code) if parent_code else None
            if parent_code and parent is None:
                raise invalid("parent_code", f"Parent {parent_code} not found")
            lat = float(row["latitude"]) if row.get("latitude") else None
            lng = float(row["longitude"]) if row.get("longitude") else None
            region = await _create(
                sc.session,
                code=code,
                name=name,
                level=level,
                parent=parent,
                latitude=lat,
                longitude=lng,
            )
        except DomainError as exc:
            raise DomainError(exc.code, f"Line {line}: {exc.message}", exc.field) from None
        except ValueError as exc:
            raise invalid("file", f"Line {line}: {exc}") from None
        by_code[code] = region
        created += 1
    await audit.record(
        sc,
        action="region.import",
        subject_type="Region",
        subject_id=None,
        after={"created": created, "unchanged": unchanged},
    )
    return ImportReport(created=created, unchanged=unchanged)


def regions_statement(
    *,
    parent_id: int | None = None,
    level: RegionLevel | None = None,
    under_path: str | None = None,
    text: str | None = None,
    roots: bool = False,
) -> Select[Region]:
    stmt = select(Region)
    if roots:
        stmt = stmt.where(Region.parent_id.is_(None))
    if parent_id is not None:
        stmt = stmt.where(Region.parent_id == parent_id)
    if level is not None:
        stmt = stmt.where(Region.level == level)
    if under_path is not None:
        stmt = stmt.where(Region.path.startswith(under_path, autoescape=True))
    check_text_filter(text)
    if text:
        stmt = stmt.where(Region.name.contains(text.strip(), autoescape=True))
    return stmt


async def get_by_code(session: AsyncSession, code: str) -> Region | None:
    return await session.scalar(select(Region).where(Region.code == code))


async def get(session: AsyncSession, region_id: int) -> Region | None:
    return await session.get(Region, region_id)
