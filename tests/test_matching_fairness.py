"""Fair ranking, exposure and load spreading in the matching core (docs/matching.md)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from scipy.stats import binom

from matchmaker.matching.fairness import (
    binom_ppf,
    exposure_penalty,
    exposure_share,
    fair_topk,
    minimum_protected,
    subjects_engaged_per_week,
    week_start,
)


def test_the_binomial_quantile_never_asks_for_fewer_than_zero():
    # scipy's binom.ppf(0, n, p) is -1; a prefix minimum is at least 0.
    assert binom_ppf(0.0, 5, 0.5) == 0
    # P(X ≤ 0) = 0.0625 < 0.1 ≤ P(X ≤ 1) = 0.3125 for Binomial(4, 0.5)
    assert binom_ppf(0.1, 4, 0.5) == 1
    with pytest.raises(ValueError, match="binom_ppf needs"):
        binom_ppf(0.1, 4, 1.5)


def test_fair_topk_table_for_p_half_alpha_one_tenth():
    # binom.ppf(0.1, i, 0.5) for i = 1..10: the minimum protected count in each prefix.
    # e.g. i = 4: P(X ≤ 0) = 0.0625 < 0.1 ≤ P(X ≤ 1) = 0.3125 → 1
    assert minimum_protected(10, 0.5, 0.1) == (0, 0, 0, 1, 1, 1, 2, 2, 3, 3)


def test_fair_topk_keeps_the_minimum_protected_count_in_every_prefix():
    rng = np.random.default_rng(1)
    scores = rng.random(40)
    protected = np.zeros(40, dtype=bool)
    protected[np.argsort(scores)[:12]] = True  # the protected are the 12 lowest scores
    k, p, alpha = 20, 0.4, 0.1
    order = fair_topk(scores, protected, k, p, alpha)
    assert sorted(order.tolist()) == list(range(40))
    need = [int(binom.ppf(alpha, i, p)) for i in range(1, k + 1)]
    counts = np.cumsum(protected[order[:k]])
    assert (counts >= need).all()
    assert counts[-1] == need[-1]  # no more than required are pulled up
    # Within each group the score order is kept.
    for mask in (protected, ~protected):
        picked = [i for i in order if mask[i]]
        assert list(scores[picked]) == sorted(scores[picked], reverse=True)


def test_fair_topk_changes_nothing_when_the_ranking_is_already_fair():
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2])
    protected = np.array([False, True, False, True, False, True, False, False])
    # Minimums for p = 0.5, alpha = 0.1: 0, 0, 0, 1, 1, 1, 2, 2 — met by the score order
    # (protected counts 0, 1, 1, 2, 2, 3, 3, 3).
    order = fair_topk(scores, protected, 8, 0.5, 0.1)
    np.testing.assert_array_equal(order, np.arange(8))


def test_fair_topk_takes_every_protected_candidate_when_there_are_too_few():
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.1])
    protected = np.array([False, False, False, False, True])
    # p = 0.9, alpha = 0.1 wants 0, 1, 2 protected in the top 1, 2, 3; the only protected
    # candidate comes second and the third place goes to the best of the rest.
    order = fair_topk(scores, protected, 3, 0.9, 0.1)
    assert order.tolist() == [0, 4, 1, 2, 3]


def test_exposure_penalty_divides_by_one_plus_strength_times_count():
    # 0.8 / (1 + 0.5·2) = 0.4; strength 0 leaves the scores alone
    np.testing.assert_allclose(
        exposure_penalty([0.8, 0.6, 0.5], [2, 0, 1], 0.5), [0.4, 0.6, 0.5 / 1.5]
    )
    np.testing.assert_allclose(exposure_penalty([0.8, 0.6], [9, 9], 0.0), [0.8, 0.6])


def test_exposure_penalty_lets_a_less_connected_candidate_overtake_a_busy_one():
    scores, counts = np.array([0.80, 0.70]), np.array([3, 0])
    assert np.argmax(exposure_penalty(scores, counts, 0.1)) == 1  # 0.8 / 1.3 = 0.615 < 0.7


def test_exposure_share_weights_positions_by_one_over_log2_of_rank_plus_one():
    protected = np.array([True, False, False, True])
    # top 2 of [0, 1, 2, 3]: weights 1 and 1/log2(3) = 0.6309; protected gets 1 → 1 / 1.6309
    assert exposure_share([np.array([0, 1, 2, 3])], protected, 2) == pytest.approx(
        1 / 1.6309, abs=1e-4
    )
    # Two lists with their own flags: [P, N] and [N, N] → 1 / (2 · 1.6309)
    share = exposure_share([[0, 1], [0, 1]], [np.array([True, False]), np.array([False, False])], 2)
    assert share == pytest.approx(1 / (2 * 1.6309), abs=1e-4)


def epoch(y: int, m: int, d: int, h: int = 0) -> float:
    return dt.datetime(y, m, d, h, tzinfo=dt.UTC).timestamp()


def test_week_start_is_monday_midnight_utc():
    thursday = epoch(2026, 12, 3, 15)
    assert week_start(thursday) == epoch(2026, 11, 30)
    assert week_start(epoch(2026, 11, 30)) == epoch(2026, 11, 30)
    assert week_start(epoch(2026, 12, 6, 23)) == epoch(2026, 11, 30)


def test_subjects_engaged_per_week_counts_distinct_shifts_with_an_engaged_candidate_in_the_top_k():
    # Two feeds in the week of 30 Nov, one in the next week; the subject is the shift shown.
    week1, week2 = epoch(2026, 12, 1), epoch(2026, 12, 8)
    group = np.array([1, 1, 1, 2, 2, 2, 3, 3])
    time = np.array([week1] * 6 + [week2] * 2)
    shift = np.array([10, 11, 12, 10, 13, 14, 10, 11])
    engaged = np.array([True, False, True, True, True, False, False, True])
    scores = np.array([0.9, 0.8, 0.1, 0.9, 0.8, 0.7, 0.5, 0.4])
    # k = 2: feed 1 shows 10 (engaged), 11; feed 2 shows 10 (engaged), 13 (engaged); shift 12 was
    # engaged but ranked third → week 1 has {10, 13} = 2; week 2: {11} = 1.
    counts = subjects_engaged_per_week(shift, group, time, engaged, scores, k=2)
    assert counts == {int(epoch(2026, 11, 30)): 2, int(epoch(2026, 12, 7)): 1}
    # Re-ranked so shift 12 leads feed 1: week 1 gains it.
    reranked = scores.copy()
    reranked[2] = 1.0
    counts = subjects_engaged_per_week(shift, group, time, engaged, reranked, k=2)
    assert counts[int(epoch(2026, 11, 30))] == 3
