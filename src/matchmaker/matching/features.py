"""Feature functions: pure, vectorized, NumPy in and NumPy out (see docs/matching.md).

Every function returns a float64 array in [0, 1] where higher means a better fit, except
:func:`haversine_km` (kilometres) and :func:`slot_mask` (availability bits).

The rule that keeps offline evaluation honest: a feature of a recommendation shown at time t is
computed only from what was known before t (counts, rates and loads as of the impression). The
service layer guarantees this when it builds the X rows it logs; these functions never look at
a clock or at outcomes.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

EARTH_RADIUS_KM = 6371.0088

#: Weekly availability layout (``models/volunteers.py``): bit ``day * 3 + slot``, day 0 = Monday
#: … 6 = Sunday, slot 0 = morning, 1 = afternoon, 2 = evening; 21 bits in all.
DAYS = 7
SLOTS_PER_DAY = 3
#: Local (Beijing) hours of each slot: morning until 12:00, afternoon 12:00–18:00, evening
#: 18:00–24:00.
SLOT_START_HOURS = (0, 12, 18)
SLOT_END_HOURS = (12, 18, 24)


def _f(x: ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


def haversine_km(lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike) -> FloatArray:
    """Great-circle distance in km; NaN where any coordinate is missing (NaN)."""
    p1, p2 = np.radians(_f(lat1)), np.radians(_f(lat2))
    dphi = p2 - p1
    dlmb = np.radians(_f(lon2) - _f(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    out: FloatArray = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return out


def distance_fit(distance_km: ArrayLike, max_km: ArrayLike) -> FloatArray:
    """1 at 0 km falling linearly to 0 at ``max_km`` and beyond; 0.5 where the distance is unknown.

    ``max_km`` may be one number or one per row (a volunteer's own travel limit). A limit of 0 km
    or less accepts only distance 0.
    """
    d = _f(distance_km)
    m = np.broadcast_to(_f(max_km), d.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        fit = np.where(m > 0, 1.0 - d / np.where(m > 0, m, 1.0), (d <= 0).astype(np.float64))
    fit = np.clip(fit, 0.0, 1.0)
    return np.where(np.isnan(d), 0.5, fit)


def slot_mask(
    weekday: ArrayLike, start_minute: ArrayLike, end_minute: ArrayLike
) -> NDArray[np.int64]:
    """Availability bits a shift needs: every slot of its day its local time span overlaps.

    ``weekday`` 0 = Monday; minutes are local (Beijing) minutes after midnight of the start day.
    A shift running past midnight also needs the next day's slots it overlaps. A shift of zero
    length needs the slot it starts in.
    """
    day = np.asarray(weekday, dtype=np.int64)
    start = np.asarray(start_minute, dtype=np.int64)
    end = np.maximum(np.asarray(end_minute, dtype=np.int64), start + 1)
    day, start, end = np.broadcast_arrays(day, start, end)
    mask = np.zeros(day.shape, dtype=np.int64)
    for offset in (0, 1):
        for slot in range(SLOTS_PER_DAY):
            lo = (offset * 24 + SLOT_START_HOURS[slot]) * 60
            hi = (offset * 24 + SLOT_END_HOURS[slot]) * 60
            hit = (start < hi) & (end > lo)
            bit = ((day + offset) % DAYS) * SLOTS_PER_DAY + slot
            mask = np.where(hit, mask | (np.int64(1) << bit), mask)
    return mask


def _popcount(x: NDArray[np.int64]) -> NDArray[np.int64]:
    count = np.zeros(x.shape, dtype=np.int64)
    for bit in range(DAYS * SLOTS_PER_DAY):
        count += (x >> bit) & 1
    return count


def time_fit(slot_masks_needed: ArrayLike, availability: ArrayLike) -> FloatArray:
    """Share of the bits a shift needs that the volunteer's weekly availability has.

    1.0 when the shift needs no bit (unknown time); 0 when the volunteer is available at none.
    """
    need = np.asarray(slot_masks_needed, dtype=np.int64)
    have = np.asarray(availability, dtype=np.int64)
    n_need = _popcount(need)
    n_hit = _popcount(need & have)
    return np.where(n_need > 0, n_hit / np.maximum(n_need, 1), 1.0).astype(np.float64)


def overlap(required: Sequence[Collection[str]], have: Sequence[Collection[str]]) -> FloatArray:
    """Share of the required items present (1.0 when nothing is required)."""
    if len(required) != len(have):
        raise ValueError(f"overlap: {len(required)} required sets but {len(have)} candidate sets")
    out = np.empty(len(required), dtype=np.float64)
    for i, (req, got) in enumerate(zip(required, have, strict=True)):
        need = set(req)
        out[i] = 1.0 if not need else len(need & set(got)) / len(need)
    return out


def category_affinity(
    counts_in_category: ArrayLike,
    counts_total: ArrayLike,
    prior: float = 0.1,
    prior_weight: float = 2.0,
) -> FloatArray:
    """Smoothed share of past items in this category: ``(c + w·prior) / (n + w)``.

    With no history the result is ``prior``; each past item pulls it toward the observed share.
    """
    c, n = _f(counts_in_category), _f(counts_total)
    return np.clip((c + prior_weight * prior) / (n + prior_weight), 0.0, 1.0)


def reliability(
    successes: ArrayLike, trials: ArrayLike, prior_mean: float, prior_weight: float
) -> FloatArray:
    """Beta-smoothed success rate ``(s + w·m) / (t + w)``: the prior mean for newcomers."""
    s, t = _f(successes), _f(trials)
    return np.clip((s + prior_weight * prior_mean) / (t + prior_weight), 0.0, 1.0)


def load(current: ArrayLike, cap: ArrayLike) -> FloatArray:
    """1 when idle, falling linearly to 0 at or over the cap (a cap ≤ 0 means no room)."""
    cur = _f(current)
    c = np.broadcast_to(_f(cap), cur.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        room = np.where(c > 0, 1.0 - cur / np.where(c > 0, c, 1.0), 0.0)
    return np.clip(room, 0.0, 1.0)


def familiarity(count_here: ArrayLike, scale: float = 3.0) -> FloatArray:
    """Saturating ``1 - exp(-n / scale)``: 0 for a first visit, 0.63 after 3, 0.95 after 9."""
    return 1.0 - np.exp(-np.maximum(_f(count_here), 0.0) / scale)


def exposure(count_recent: ArrayLike, cap: ArrayLike) -> FloatArray:
    """1 when not exposed yet, 0 at the cap: recent invitations count against being shown again."""
    return load(count_recent, cap)


def share(part: ArrayLike, whole: ArrayLike) -> FloatArray:
    """``part / whole`` clipped to [0, 1]; 0 when ``whole`` ≤ 0 (e.g. free places / capacity)."""
    p = _f(part)
    w = np.broadcast_to(_f(whole), p.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(w > 0, p / np.where(w > 0, w, 1.0), 0.0)
    return np.clip(out, 0.0, 1.0)


def text_similarity(queries: Sequence[str], docs: Sequence[str]) -> FloatArray:
    """Cosine of character 1–3-gram TF-IDF vectors between ``queries[i]`` and ``docs[i]``.

    Character n-grams need no Chinese tokenizer. The IDF is fitted on the distinct texts of this
    call (the query and the retrieved candidates), so the result depends only on what is passed
    in, and a query repeated for every candidate counts once rather than making its own n-grams
    look common. Empty texts score 0.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len(queries) != len(docs):
        raise ValueError(f"text_similarity: {len(queries)} queries but {len(docs)} documents")
    n = len(queries)
    if n == 0:
        return np.zeros(0, dtype=np.float64)
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), lowercase=True)
    texts = [q or "" for q in queries] + [d or "" for d in docs]
    distinct = sorted(set(texts))
    try:
        # One pass over the distinct texts (the n-gram counting is most of the cost); each
        # query and document then takes its text's row.
        matrix = vectorizer.fit_transform(distinct)
    except ValueError:  # every text empty: no vocabulary
        return np.zeros(n, dtype=np.float64)
    row_of = {text: i for i, text in enumerate(distinct)}
    rows = [row_of[t] for t in texts]
    # Rows are L2-normalised, so the row-wise dot product is the cosine.
    pairs = matrix[rows[:n]].multiply(matrix[rows[n:]])
    sims = np.asarray(pairs.sum(axis=1), dtype=np.float64).ravel()
    return np.clip(sims, 0.0, 1.0)
