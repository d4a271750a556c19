"""Offline ranking metrics over whole impressions (see docs/matching.md, "Evaluation").

Every impression (``group``) is one list the service showed; its rows are all the candidates it
ranked, never sampled negatives. Relevance is graded: succeeded = 2, engaged = 1, otherwise 0
(:func:`relevance`). NDCG uses the linear gain and the ``1 / log2(rank + 1)`` discount of
``sklearn.metrics.ndcg_score``; tied scores get the average over all orders of the tie (the same
tie rule as scikit-learn), so a baseline with many ties is neither flattered nor punished by an
arbitrary tie break. Both metrics average over the impressions with at least one relevant row.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

if TYPE_CHECKING:
    from matchmaker.matching.model import TrainingSet

FloatArray = NDArray[np.float64]

METRIC_NAMES = ("ndcg@10", "recall@10")


def relevance(engaged: ArrayLike, succeeded: ArrayLike) -> FloatArray:
    """Graded relevance: 2 for succeeded, 1 for engaged only, 0 otherwise."""
    e = np.asarray(engaged, dtype=bool)
    s = np.asarray(succeeded, dtype=bool)
    out: FloatArray = np.where(s, 2.0, np.where(e, 1.0, 0.0))
    return out


def _groups(group: NDArray[np.int64]) -> Iterator[NDArray[np.intp]]:
    order = np.argsort(group, kind="stable")
    sorted_groups = group[order]
    cuts = np.flatnonzero(np.diff(sorted_groups)) + 1
    yield from np.split(order, cuts)


def _tie_blocks(scores: FloatArray) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Positions sorted by score (descending) and the start of each block of equal scores."""
    order = np.argsort(-scores, kind="stable")
    s = scores[order]
    starts = np.r_[0, np.flatnonzero(np.diff(s) != 0) + 1].astype(np.intp)
    return order, starts


def _discounts(n: int, k: int) -> FloatArray:
    d: FloatArray = 1.0 / np.log2(np.arange(n) + 2.0)
    d[k:] = 0.0
    return d


def _dcg(rel: FloatArray, scores: FloatArray, k: int) -> float:
    """DCG@k with each tie block's mean gain spread over the block's discounts."""
    order, starts = _tie_blocks(scores)
    sizes = np.diff(np.r_[starts, len(rel)])
    gain = np.add.reduceat(rel[order], starts) / sizes
    disc = np.add.reduceat(_discounts(len(rel), k), starts)
    return float((gain * disc).sum())


def _check(relevance: ArrayLike, scores: ArrayLike, group: ArrayLike) -> tuple[FloatArray, ...]:
    rel: FloatArray = np.asarray(relevance, dtype=np.float64)
    sc: FloatArray = np.asarray(scores, dtype=np.float64)
    gr = np.asarray(group)
    if not (rel.shape == sc.shape == gr.shape) or rel.ndim != 1:
        raise ValueError(
            f"relevance, scores and group must be 1-D of one length, got {rel.shape}, "
            f"{sc.shape}, {gr.shape}"
        )
    if np.isnan(sc).any():
        raise ValueError("scores contain NaN")
    return rel, sc, gr


def ndcg_at_k(relevance: ArrayLike, scores: ArrayLike, group: ArrayLike, k: int = 10) -> float:
    """Mean NDCG@k over the groups with at least one relevant row (NaN if there is none)."""
    rel, sc, gr = _check(relevance, scores, group)
    values = []
    for idx in _groups(gr.astype(np.int64)):
        r = rel[idx]
        if not (r > 0).any():
            continue
        ideal = float((np.sort(r)[::-1] * _discounts(len(r), k)).sum())
        values.append(_dcg(r, sc[idx], k) / ideal)
    return float(np.mean(values)) if values else float("nan")


def recall_at_k(relevance: ArrayLike, scores: ArrayLike, group: ArrayLike, k: int = 10) -> float:
    """Mean share of a group's relevant rows ranked in its top k (ties shared pro rata)."""
    rel, sc, gr = _check(relevance, scores, group)
    values = []
    for idx in _groups(gr.astype(np.int64)):
        r = rel[idx] > 0
        if not r.any():
            continue
        order, starts = _tie_blocks(sc[idx])
        ends = np.r_[starts[1:], len(idx)]
        # Each block's share inside the top k, given to every row of the block.
        inside = np.clip(np.minimum(ends, k) - starts, 0, None) / (ends - starts)
        relevant_in_block = np.add.reduceat(r[order].astype(np.float64), starts)
        values.append(float((inside * relevant_in_block).sum() / r.sum()))
    return float(np.mean(values)) if values else float("nan")


def ranking_metrics(
    relevance: ArrayLike, scores: ArrayLike, group: ArrayLike, k: int = 10
) -> dict[str, float]:
    return {
        f"ndcg@{k}": ndcg_at_k(relevance, scores, group, k),
        f"recall@{k}": recall_at_k(relevance, scores, group, k),
    }


@dataclass(frozen=True, slots=True)
class EvaluationRow:
    """One line of ``matchmaker matching evaluate``: a ranker and its validation metrics."""

    name: str
    ndcg_at_10: float
    recall_at_10: float


def evaluate(
    ts: TrainingSet, split_time: float | None = None, *, seed: int = 0
) -> list[EvaluationRow]:
    """Train on the rows before ``split_time`` and rank the later impressions with the model and
    every baseline; one row per ranker, the model first."""
    from matchmaker.matching.model import train

    result = train(ts, split_time=split_time, seed=seed)
    return [
        EvaluationRow(name, values["ndcg@10"], values["recall@10"])
        for name, values in result.metrics.items()
    ]
