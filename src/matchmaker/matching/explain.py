"""Reasons: the top positive contributions of a score, in Chinese (see docs/matching.md).

The service passes per-row ``facts`` (e.g. ``distance_km``, ``skills_matched``, ``slot_label``,
``attendance_rate``, ``times_here``); each feature's ``template_zh`` is formatted with them, and
its ``fallback_zh`` is used when a fact is missing or empty.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from matchmaker.matching.directions import FeatureSpec, direction_spec

COLD_START_TEXT = "新模型尚在积累数据，按通用规则推荐"
#: A positive contribution below this share of the row's positive total is not named.
MIN_SHARE = 0.1


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    text: str
    weight: float


def _fact(value: Any) -> Any:
    """A fact ready for ``str.format``: lists joined with 、, missing values as None."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.generic):
        return _fact(value.item())
    if isinstance(value, Collection) and not isinstance(value, str | bytes):
        items = [str(v) for v in value]
        return "、".join(items) if items else None
    return value


def render(feature: FeatureSpec, row_facts: Mapping[str, Any]) -> str:
    """The feature's template with this row's facts, or its fallback text."""
    facts = {k: _fact(v) for k, v in row_facts.items()}
    facts = {k: v for k, v in facts.items() if v is not None and v != ""}
    try:
        return feature.template_zh.format(**facts)
    except (KeyError, ValueError, TypeError, IndexError):
        return feature.fallback_zh or feature.template_zh


def reasons(
    direction: str,
    contributions: ArrayLike,
    facts: Mapping[str, Sequence[Any]] | None = None,
    top: int = 3,
    *,
    cold_start: bool = False,
    min_share: float = MIN_SHARE,
) -> list[list[Reason]]:
    """Up to ``top`` reasons per row from its positive contributions, strongest first.

    A contribution below ``min_share`` of the row's total positive contribution is not a reason:
    a factor the model barely uses should not be named as why. ``facts[name][i]`` is row i's
    value of that fact. A cold-start list (``cold_start=True``) ends each row with a COLD_START
    reason of weight 0 saying the ranking uses prior rules.
    """
    spec = direction_spec(direction)
    c = np.asarray(contributions, dtype=np.float64)
    if c.ndim != 2 or c.shape[1] != len(spec.features):
        raise ValueError(
            f"{direction} contributions must have {len(spec.features)} columns, got {c.shape}"
        )
    facts = facts or {}
    for name, values in facts.items():
        if len(values) != c.shape[0]:
            raise ValueError(f"fact {name!r} has {len(values)} values for {c.shape[0]} rows")
    out: list[list[Reason]] = []
    for i, row in enumerate(c):
        row_facts = {name: values[i] for name, values in facts.items()}
        order = np.argsort(-row, kind="stable")
        floor = min_share * float(row[row > 0].sum())
        picked = [
            Reason(spec.features[j].code, render(spec.features[j], row_facts), float(row[j]))
            for j in order[:top]
            if row[j] > 0 and row[j] >= floor
        ]
        if cold_start:
            picked.append(Reason("COLD_START", COLD_START_TEXT, 0.0))
        out.append(picked)
    return out
