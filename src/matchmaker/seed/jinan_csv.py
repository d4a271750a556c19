"""Write the demo city's regions as CSV: ``python -m matchmaker.seed.jinan_csv > FILE``.

``src/matchmaker/data/jinan_regions.csv`` was produced by this module; edit the CSV by hand to
correct a name, or change :mod:`matchmaker.seed.geography` and regenerate.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable
from typing import TextIO

from matchmaker.seed.geography import Place, jinan_places

COLUMNS = ("code", "name", "level", "parent_code", "latitude", "longitude")


def write_csv(places: Iterable[Place], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for p in places:
        writer.writerow(
            (
                p.code,
                p.name,
                p.level,
                p.parent_code,
                "" if p.latitude is None else f"{p.latitude:.5f}",
                "" if p.longitude is None else f"{p.longitude:.5f}",
            )
        )


if __name__ == "__main__":
    write_csv(jinan_places(), sys.stdout)
