"""Batch functions for oversight: the names a page of findings shows (docs/oversight.md)."""

from __future__ import annotations

from collections.abc import Sequence

from matchmaker.schema.context import Context
from matchmaker.services.oversight import evidence as evidence_service


async def region_name_by_path(ctx: Context, keys: Sequence[str]) -> list[str | None]:
    """One statement for every finding's region on the page."""
    found = await evidence_service.region_names(ctx.session, keys)
    return [found.get(k) for k in keys]


async def project_title_by_id(ctx: Context, keys: Sequence[int]) -> list[str | None]:
    """Titles of the projects findings name, in the caller's finding scope (one statement)."""
    found = await evidence_service.finding_project_titles(ctx.service, keys)
    return [found.get(k) for k in keys]
