"""Fair ranking and load spreading (see docs/matching.md, "Fairness and load").

- :func:`fair_topk` — FA*IR (Zehlike et al., CIKM 2017): every top-i prefix holds at least
  ``binom.ppf(alpha, i, p)`` protected candidates (e.g. small, new community organizations).
- :func:`exposure_penalty` — SmartSort-style (VolunteerMatch): a score is divided by
  ``1 + strength · count`` so what already got many connections/invitations moves down.
- :func:`exposure_share` — the protected share of position-weighted exposure in top-k lists.
- :func:`subjects_engaged_per_week` — the number of distinct subjects (e.g. shifts) with at least
  one engaged candidate among the recommended top-k, per week: the number SmartSort raised.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

WEEK_SECONDS = 7 * 24 * 3600
#: 1970-01-01 was a Thursday; weeks here start on Monday 00:00 UTC.
_MONDAY_OFFSET = 3 * 24 * 3600


def binom_ppf(q: float, n: int, p: float) -> int:
    """Smallest m with P(Binomial(n, p) ≤ m) ≥ q, never below 0 (``scipy.stats.binom.ppf``;
    SciPy comes with scikit-learn)."""
    from scipy.stats import binom  # type: ignore[import-untyped]

    if not 0.0 <= q <= 1.0 or not 0.0 <= p <= 1.0 or n < 0:
        raise ValueError(f"binom_ppf needs 0 ≤ q, p ≤ 1 and n ≥ 0, got q={q}, p={p}, n={n}")
    return max(0, int(binom.ppf(q, n, p)))


@lru_cache(maxsize=256)
def minimum_protected(k: int, p: float, alpha: float) -> tuple[int, ...]:
    """FA*IR's table: the minimum protected count in each prefix 1..k."""
    return tuple(binom_ppf(alpha, i, p) for i in range(1, k + 1))


def fair_topk(
    scores: ArrayLike, protected: ArrayLike, k: int, p: float, alpha: float = 0.1
) -> NDArray[np.intp]:
    """FA*IR order of all candidates: the top ``k`` meet the prefix minimums, the rest follow by
    score. Where the score order already meets them it is returned unchanged; when too few
    protected candidates exist, the prefix takes all there are."""
    s = np.asarray(scores, dtype=np.float64)
    prot = np.asarray(protected, dtype=bool)
    if s.shape != prot.shape or s.ndim != 1:
        raise ValueError(f"scores {s.shape} and protected {prot.shape} must be 1-D of one length")
    by_score = np.argsort(-s, kind="stable")
    k = min(k, len(s))
    need = minimum_protected(k, float(p), float(alpha)) if k else ()
    queue_p = [int(i) for i in by_score if prot[i]]
    queue_n = [int(i) for i in by_score if not prot[i]]
    qp = qn = 0  # heads of the two queues (each already in score order)
    order: list[int] = []
    taken_protected = 0
    for i in range(k):
        take_protected = qp < len(queue_p) and (
            taken_protected < need[i]
            or qn >= len(queue_n)
            or (s[queue_p[qp]], -queue_p[qp]) >= (s[queue_n[qn]], -queue_n[qn])
        )
        if take_protected:
            order.append(queue_p[qp])
            qp += 1
            taken_protected += 1
        else:
            order.append(queue_n[qn])
            qn += 1
    rest = heapq.merge(queue_p[qp:], queue_n[qn:], key=lambda j: (-s[j], j))
    order.extend(rest)
    return np.asarray(order, dtype=np.intp)


def exposure_penalty(scores: ArrayLike, counts: ArrayLike, strength: float) -> NDArray[np.float64]:
    """``score / (1 + strength · count)``: each past connection/invitation pushes a candidate
    down; ``strength`` 0 changes nothing."""
    s = np.asarray(scores, dtype=np.float64)
    c = np.maximum(np.asarray(counts, dtype=np.float64), 0.0)
    out: NDArray[np.float64] = s / (1.0 + strength * c)
    return out


def _position_weights(k: int) -> NDArray[np.float64]:
    out: NDArray[np.float64] = 1.0 / np.log2(np.arange(k) + 2.0)
    return out


def exposure_share(
    orders: Sequence[ArrayLike],
    protected: ArrayLike | Sequence[ArrayLike],
    k: int,
) -> float:
    """Share of the exposure (``1 / log2(rank + 1)``) in the top ``k`` of every list that goes
    to protected candidates.

    ``protected`` is one boolean array the orders index into, or one array per list.
    """
    per_list = not (isinstance(protected, np.ndarray) and protected.ndim == 1)
    weights = _position_weights(k)
    total = got = 0.0
    for n, order in enumerate(orders):
        top = np.asarray(order, dtype=np.intp)[:k]
        prot = np.asarray(protected[n] if per_list else protected, dtype=bool)  # type: ignore[index]
        w = weights[: len(top)]
        total += float(w.sum())
        got += float(w[prot[top]].sum())
    return got / total if total else float("nan")


def week_start(epoch_seconds: ArrayLike) -> NDArray[np.int64]:
    """Monday 00:00 UTC of the week of each time, in epoch seconds."""
    t = np.asarray(epoch_seconds, dtype=np.float64)
    weeks = np.floor((t + _MONDAY_OFFSET) / WEEK_SECONDS).astype(np.int64)
    out: NDArray[np.int64] = weeks * WEEK_SECONDS - _MONDAY_OFFSET
    return out


def subjects_engaged_per_week(
    subject: ArrayLike,
    group: ArrayLike,
    time: ArrayLike,
    engaged: ArrayLike,
    scores: ArrayLike,
    k: int = 10,
) -> dict[int, int]:
    """Per week (Monday 00:00 UTC, epoch seconds): how many distinct subjects had at least one
    engaged row among the top ``k`` of some list when each list (``group``) is ordered by
    ``scores``.

    ``subject`` is the id counted per row: the shift for both volunteer directions (the subject
    of VOLUNTEERS_FOR_SHIFT, the candidate of SHIFTS_FOR_VOLUNTEER). A replay of the logged
    outcomes: a row the original list did not show has no outcome and cannot count.
    """
    subj = np.asarray(subject)
    grp = np.asarray(group)
    t = np.asarray(time, dtype=np.float64)
    eng = np.asarray(engaged, dtype=bool)
    sc = np.asarray(scores, dtype=np.float64)
    if not (subj.shape == grp.shape == t.shape == eng.shape == sc.shape):
        raise ValueError("subject, group, time, engaged and scores must have one length")
    # Rank within each group: sort by group, then by score descending.
    order = np.lexsort((-sc, grp))
    g_sorted = grp[order]
    starts = np.r_[0, np.flatnonzero(g_sorted[1:] != g_sorted[:-1]) + 1]
    first = np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    rank = np.arange(len(order)) - first
    in_top = np.zeros(len(order), dtype=bool)
    in_top[order[rank < k]] = True
    hit = in_top & eng
    weeks = week_start(t[hit])
    out: dict[int, set[object]] = {}
    for w, s in zip(weeks.tolist(), subj[hit].tolist(), strict=True):
        out.setdefault(int(w), set()).add(s)
    return {w: len(s) for w, s in sorted(out.items())}
