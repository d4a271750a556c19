"""What every seed step receives: the session, the scale, the shared generators and results."""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

import matchmaker.jobs.tasks  # noqa: F401  (registers every job: steps may schedule jobs, like requests)
from matchmaker.config import Settings
from matchmaker.models.enums import RegionLevel
from matchmaker.seed.bulk import BulkWriter
from matchmaker.seed.names import words
from matchmaker.services.context import ServiceContext


@dataclass(frozen=True, slots=True)
class Scale:
    name: str
    #: How much of the demo city's CSV to load (None: all of it).
    streets_per_district: int | None
    communities_per_street: int | None
    #: Add the other cities of Shandong (synthetic streets and communities).
    other_cities: bool
    organizations: int
    social_workers: int
    volunteers: int
    #: Rows per bulk insert.
    batch: int = 5000


SCALES: dict[str, Scale] = {
    # What `make run` loads: every district of Jinan, a few streets each; seconds on SQLite.
    "small": Scale("small", 3, 4, False, 30, 40, 300),
    # Jinan-like: ~1,700 organizations (1,722 in 2018); volunteers at a tenth of the real 220,000.
    "city": Scale("city", None, None, False, 1_700, 3_000, 20_000),
    # Shandong: 18,800 community organizations, 1.53 million volunteers (domain/003).
    "province": Scale("province", None, None, True, 19_000, 30_000, 1_500_000, batch=20_000),
}


@dataclass(frozen=True, slots=True)
class RegionInfo:
    id: int
    code: str
    name: str
    level: RegionLevel
    path: str
    parent_id: int | None
    latitude: float | None
    longitude: float | None

    @property
    def county(self) -> str:
        return self.code[:6]


@dataclass(slots=True)
class OrgInfo:
    id: int
    name: str
    region: RegionInfo
    street: RegionInfo
    registered: bool
    grade: int
    categories: list[str]
    staff: int = 0


class PhoneBook:
    """Unique, valid, deterministic mainland mobile numbers.

    Number ``i`` is a prefix (cycled) and an affine scramble of ``i`` modulo 10^8 with a
    multiplier coprime to 10^8, so no two ``i`` below 10^8 give the same number.
    """

    PREFIXES = words(
        "130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 "
        "166 170 176 177 178 180 181 182 183 185 186 187 188 189 191 198 199"
    )

    def __init__(self, rng: random.Random) -> None:
        self.prefixes = list(self.PREFIXES)
        rng.shuffle(self.prefixes)
        self.offset = rng.randrange(10**8)
        self.n = 0

    def next(self) -> str:
        i = self.n
        self.n += 1
        prefix = self.prefixes[i % len(self.prefixes)]
        rest = (i * 61_803_399 + self.offset) % 10**8
        return f"{prefix}{rest:08d}"


@dataclass
class SeedContext:
    session: AsyncSession
    settings: Settings
    sc: ServiceContext
    scale: Scale
    seed: int
    writer: BulkWriter
    #: One argon2 hash of the demo password, shared by every seeded account (see README).
    password_hash: str
    quiet: bool = True
    phones: PhoneBook = field(init=False)
    regions: dict[int, RegionInfo] = field(default_factory=dict)
    districts: list[RegionInfo] = field(default_factory=list)
    streets: list[RegionInfo] = field(default_factory=list)
    communities: list[RegionInfo] = field(default_factory=list)
    communities_by_street: dict[int, list[RegionInfo]] = field(default_factory=dict)
    organizations: list[OrgInfo] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    #: Ids that later steps and the demo logins need (e.g. ``demo_org``); steps may add keys.
    shared: dict[str, Any] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)

    def __post_init__(self) -> None:
        self.phones = PhoneBook(self.rng("phones"))

    def rng(self, step: str) -> random.Random:
        """A generator per step, so adding a step never changes what the others produce."""
        return random.Random(f"{self.seed}:{step}")

    def log(self, message: str) -> None:
        if not self.quiet:
            elapsed = time.perf_counter() - self.started
            print(f"  [{elapsed:7.1f}s] {message}", file=sys.stderr, flush=True)

    def count(self, key: str, n: int) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def street_of(self, region: RegionInfo) -> RegionInfo:
        if region.level is RegionLevel.STREET:
            return region
        assert region.parent_id is not None
        return self.regions[region.parent_id]

    def district_of(self, region: RegionInfo) -> RegionInfo:
        while region.level is not RegionLevel.DISTRICT:
            assert region.parent_id is not None
            region = self.regions[region.parent_id]
        return region


Step = Callable[[SeedContext], Awaitable[None]]
