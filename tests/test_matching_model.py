"""Training, artifacts, scoring, metrics and promotion of the matching core (docs/matching.md).

The planted worlds log whole impressions (400 lists × 20 candidates) whose outcomes follow a
known rule; a model that learns the logged structure must beat every baseline on the later
window and name the planted factors as its reasons.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable

import numpy as np
import pytest
from sklearn.metrics import ndcg_score

from matchmaker.matching import (
    ArtifactError,
    TrainingError,
    TrainingSet,
    better_than,
    cold_start_scorer,
    combine_stages,
    evaluate,
    load_artifact,
    ndcg_at_k,
    reasons,
    recall_at_k,
    relevance,
    train,
)
from matchmaker.matching.directions import DIRECTIONS
from matchmaker.matching.model import TrainResult, export_boosted, fit_boosted_classifier

VOL = "VOLUNTEERS_FOR_SHIFT"
SPEC = DIRECTIONS[VOL]
DAY = 86400.0
START = 1_750_000_000.0
#: The margin by which a trained model must beat the best baseline on the later window.
MARGIN = 0.05

Columns = dict[str, np.ndarray]
Rule = Callable[[Columns], np.ndarray]


def planted_world(
    seed: int, engage: Rule, succeed: Rule, groups: int = 400, size: int = 20
) -> TrainingSet:
    """Impressions spread over 90 days; P(engaged) = σ(engage), P(succeeded | engaged) = σ(succeed).

    Baselines as the service computes them: nearest = distance fit, overlap = skills, popular = a
    past-popularity count unrelated to this world's rule.
    """
    rng = np.random.default_rng(seed)
    n = groups * size
    X = rng.random((n, len(SPEC.features)))
    cols = {name: X[:, SPEC.index(name)] for name in SPEC.feature_names}
    group = np.repeat(np.arange(groups), size)
    time = np.repeat(START + np.sort(rng.random(groups)) * 90 * DAY, size)
    engaged = rng.random(n) < 1 / (1 + np.exp(-engage(cols)))
    succeeded = engaged & (rng.random(n) < 1 / (1 + np.exp(-succeed(cols))))
    baselines = {
        "nearest": cols["distance"],
        "overlap": cols["skills"],
        "popular": rng.poisson(3, size=n).astype(float),
    }
    return TrainingSet(VOL, X, group, time, engaged, succeeded, baselines, SPEC.feature_names)


def near_and_skilled(c: Columns) -> np.ndarray:
    return -5 + 4 * c["distance"] + 4 * c["skills"]


def free_and_familiar(c: Columns) -> np.ndarray:
    return -5 + 4 * c["time"] + 4 * c["familiarity"]


def reliable(c: Columns) -> np.ndarray:
    return -3 + 6 * c["reliability"]


BASELINES = ("random", "nearest", "popular", "overlap")

_cache: dict[tuple[str, int], tuple[TrainingSet, TrainResult]] = {}


def near_and_skilled_past_thresholds(c: Columns) -> np.ndarray:
    return -4 + 6 * ((c["distance"] > 0.7) & (c["skills"] > 0.7)) + 3 * (c["time"] > 0.5)


WORLDS: dict[str, Rule] = {
    "near_and_skilled": near_and_skilled,
    "free_and_familiar": free_and_familiar,
    "thresholds": near_and_skilled_past_thresholds,
}


def trained(world: str, seed: int) -> tuple[TrainingSet, TrainResult]:
    if (world, seed) not in _cache:
        ts = planted_world(seed, WORLDS[world], reliable)
        _cache[(world, seed)] = (ts, train(ts, seed=seed))
    return _cache[(world, seed)]


def top_reason_codes(ts: TrainingSet, result: TrainResult, n: int = 3) -> list[str]:
    later = ts.time >= result.valid_from
    scored = load_artifact(result.artifact).score(ts.X[later])
    counts = Counter(r.code for row in reasons(VOL, scored.contributions) for r in row)
    return [code for code, _ in counts.most_common(n)]


# --- planted worlds ---------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1])
def test_a_model_trained_where_people_engage_when_near_and_skilled_beats_every_baseline(seed):
    ts, result = trained("near_and_skilled", seed)
    best_baseline = max(result.metrics[b]["ndcg@10"] for b in BASELINES)
    # Seen: model ≈ 0.77 against nearest/overlap ≈ 0.65 and random ≈ 0.4.
    assert result.metrics["model"]["ndcg@10"] >= best_baseline + MARGIN
    assert result.metrics["model"]["recall@10"] > max(
        result.metrics[b]["recall@10"] for b in BASELINES
    )
    assert set(top_reason_codes(ts, result)) == {"DISTANCE", "SKILLS", "RELIABILITY"}
    assert better_than(result.metrics, None)


@pytest.mark.parametrize("seed", [0, 1])
def test_a_world_where_time_and_familiarity_matter_is_learned_and_distance_is_not_a_reason(seed):
    ts, result = trained("free_and_familiar", seed)
    best_baseline = max(result.metrics[b]["ndcg@10"] for b in BASELINES)
    # Distance and skills baselines know nothing of this world: ≈ 0.42 against ≈ 0.77.
    assert result.metrics["model"]["ndcg@10"] >= best_baseline + MARGIN
    codes = top_reason_codes(ts, result)
    assert set(codes) == {"TIME", "FAMILIARITY", "RELIABILITY"}
    assert "DISTANCE" not in codes


def test_gradient_boosting_replaces_the_logistic_model_where_the_rule_has_thresholds():
    ts, result = trained("thresholds", 3)
    # Seen: boosting ≈ 0.82, logistic ≈ 0.68.
    assert result.artifact["kind"] == "hist_gradient_boosting"
    assert (
        result.metrics["hist_gradient_boosting"]["ndcg@10"] > result.metrics["logistic"]["ndcg@10"]
    )
    assert result.metrics["model"] == result.metrics["hist_gradient_boosting"]
    # Its reasons are real attributions too: score minus the score with the feature at its mean.
    assert set(top_reason_codes(ts, result)) <= {"DISTANCE", "SKILLS", "TIME", "RELIABILITY"}


def test_the_logistic_model_stays_where_the_challenger_does_not_win():
    _, result = trained("free_and_familiar", 0)
    lr, hgb = (
        result.metrics["logistic"]["ndcg@10"],
        result.metrics["hist_gradient_boosting"]["ndcg@10"],
    )
    assert result.artifact["kind"] == ("hist_gradient_boosting" if hgb > lr else "logistic")
    assert result.metrics["model"]["ndcg@10"] == max(lr, hgb)


# --- temporal split -------------------------------------------------------------------------


def test_training_splits_whole_impressions_in_time_train_before_validate_after():
    ts, result = trained("near_and_skilled", 0)
    assert result.train_from == ts.time.min()
    assert result.train_to < result.valid_from
    assert result.valid_to == ts.time.max()
    # No impression is cut in two: each list is wholly on one side.
    sides = {g: set(ts.time[ts.group == g] >= result.valid_from) for g in np.unique(ts.group)}
    assert all(len(s) == 1 for s in sides.values())
    later_groups = sum(1 for s in sides.values() if True in s)
    assert later_groups == 80  # the last 20 % of 400 impressions
    assert (result.n_rows, result.n_groups) == (8000, 400)
    window = result.artifact["window"]
    assert (window["train_from"], window["valid_to"]) == (result.train_from, result.valid_to)


def test_an_explicit_split_time_is_respected():
    ts = planted_world(5, near_and_skilled, reliable, groups=60)
    split = START + 60 * DAY
    result = train(ts, split_time=split, seed=5)
    assert result.train_to < split <= result.valid_from


def test_training_refuses_a_split_that_leaves_one_side_empty():
    ts = planted_world(6, near_and_skilled, reliable, groups=40)
    with pytest.raises(TrainingError, match="no impressions on one side"):
        train(ts, split_time=START - DAY)


def test_training_refuses_a_history_without_engagement():
    ts = planted_world(7, lambda c: np.full(len(c["time"]), -50.0), reliable, groups=40)
    with pytest.raises(TrainingError, match="engaged rows"):
        train(ts)


def test_training_refuses_a_validation_window_without_any_outcome():
    ts = planted_world(16, near_and_skilled, reliable, groups=60)
    later = ts.time >= np.quantile(np.unique(ts.time), 0.8, method="higher")
    ts.engaged[later] = False
    ts.succeeded[later] = False
    with pytest.raises(TrainingError, match="cannot be measured"):
        train(ts)


def test_metrics_and_artifact_are_strict_json_without_nan():
    _, result = trained("near_and_skilled", 0)
    json.dumps(result.artifact, allow_nan=False)
    json.dumps(result.metrics, allow_nan=False)


def test_training_refuses_a_feature_list_that_differs_from_the_direction():
    ts = planted_world(8, near_and_skilled, reliable, groups=40)
    swapped = ("time", "distance", *SPEC.feature_names[2:])
    with pytest.raises(TrainingError, match=r"uses \['distance', 'time'"):
        train(
            TrainingSet(
                VOL, ts.X, ts.group, ts.time, ts.engaged, ts.succeeded, feature_names=swapped
            )
        )
    with pytest.raises(TrainingError, match="needs X with 9 columns"):
        train(TrainingSet(VOL, ts.X[:, :8], ts.group, ts.time, ts.engaged, ts.succeeded))


# --- artifacts ------------------------------------------------------------------------------


def test_an_artifact_survives_a_json_round_trip_with_identical_scores_and_contributions():
    ts, result = trained("near_and_skilled", 0)
    text = json.dumps(result.artifact)
    assert "version" in result.artifact and result.artifact["version"] is None
    stored = json.loads(text)
    stored["version"] = "v7"
    before = load_artifact(result.artifact).score(ts.X[:200])
    scorer = load_artifact(stored)
    after = scorer.score(ts.X[:200])
    assert scorer.version == "v7" and not scorer.cold_start
    np.testing.assert_array_equal(before.scores, after.scores)
    np.testing.assert_array_equal(before.contributions, after.contributions)
    assert ((after.scores >= 0) & (after.scores <= 1)).all()
    assert result.artifact["feature_names"] == list(SPEC.feature_names)
    assert set(result.artifact["stages"]) == {"engaged", "succeeded"}
    assert result.artifact["metrics"] == result.metrics


def test_a_gradient_boosted_artifact_round_trips_through_json():
    ts, result = trained("thresholds", 3)
    assert result.artifact["kind"] == "hist_gradient_boosting"
    a = load_artifact(result.artifact).score(ts.X[:200])
    b = load_artifact(json.loads(json.dumps(result.artifact))).score(ts.X[:200])
    np.testing.assert_array_equal(a.scores, b.scores)
    np.testing.assert_array_equal(a.contributions, b.contributions)


def test_the_numpy_tree_walk_equals_sklearn_predict_proba_including_missing_values():
    rng = np.random.default_rng(11)
    X = rng.random((800, 9))
    y = rng.random(800) < 1 / (1 + np.exp(-(-2 + 3 * X[:, 0] + 2 * X[:, 3] * X[:, 4])))
    X[rng.random(X.shape) < 0.05] = np.nan  # NaN follows missing_go_to_left
    model = fit_boosted_classifier(X, y, [1] * 9, seed=0)
    stage = json.loads(json.dumps(export_boosted(model).to_json()))
    from matchmaker.matching.model import _sigmoid, _stage_from_json

    probe = rng.random((500, 9))
    probe[rng.random(probe.shape) < 0.1] = np.nan
    ours = _sigmoid(_stage_from_json(stage, 9).logit(probe))
    np.testing.assert_allclose(ours, model.predict_proba(probe)[:, 1], rtol=1e-10, atol=1e-12)


def test_a_logistic_artifact_is_the_scaler_and_coefficients_of_the_fitted_pipeline():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    ts, result = trained("near_and_skilled", 0)
    train_rows = ts.time < result.valid_from
    pipeline = make_pipeline(
        StandardScaler(), LogisticRegression(C=1.0, max_iter=1000, random_state=0)
    )
    pipeline.fit(ts.X[train_rows], ts.engaged[train_rows])
    stage = result.artifact["stages"]["engaged"]
    np.testing.assert_allclose(stage["mean"], pipeline[0].mean_)
    np.testing.assert_allclose(stage["coef"], pipeline[-1].coef_.ravel())


def test_loading_refuses_an_artifact_built_for_other_features():
    _, result = trained("near_and_skilled", 0)
    renamed = json.loads(json.dumps(result.artifact))
    renamed["feature_names"][0] = "travel_time"
    with pytest.raises(ArtifactError, match="retrain with the current features"):
        load_artifact(renamed)
    for key, value, message in (
        ("format", 99, "format 99"),
        ("direction", "SHIFTS_FOR_ROBOTS", "unknown matching direction"),
        ("kind", "neural_net", "unknown model kind"),
        (
            "stages",
            {"engaged": {"kind": "logistic"}, "succeeded": {"kind": "constant", "p": 0.5}},
            "malformed",
        ),
    ):
        with pytest.raises(ArtifactError, match=message):
            load_artifact(dict(result.artifact, **{key: value}))


def test_loading_refuses_a_boosted_tree_whose_links_loop_or_leave_the_tree():
    _, result = trained("thresholds", 3)
    assert result.artifact["kind"] == "hist_gradient_boosting"
    for link in (0, 10_000):  # the root's left child: itself (a loop), or past the last node
        broken = json.loads(json.dumps(result.artifact))
        tree = broken["stages"]["engaged"]["trees"][0]
        assert not tree["is_leaf"][0]
        tree["left"][0] = link
        with pytest.raises(ArtifactError, match="leave the tree or loop"):
            load_artifact(broken)


def test_scoring_refuses_x_with_the_wrong_columns():
    _, result = trained("near_and_skilled", 0)
    with pytest.raises(ValueError, match=r"expects X of shape \(n, 9\)"):
        load_artifact(result.artifact).score(np.zeros((3, 8)))


# --- cold start and the combination of stages --------------------------------------------------


def test_the_cold_start_scorer_is_the_prior_weighted_mean_and_its_contributions_explain_it():
    scorer = cold_start_scorer(VOL)
    X = np.zeros((3, 9))
    X[0] = 1.0  # a perfect fit everywhere → 1
    X[1, SPEC.index("distance")] = 1.0  # only near: the distance prior, 0.25
    X[2, SPEC.index("time")] = 0.5  # half the time prior 0.20 → 0.10
    X[2, SPEC.index("skills")] = 1.0  # plus the skills prior 0.15 → 0.25
    scored = scorer.score(X)
    np.testing.assert_allclose(scored.scores, [1.0, 0.25, 0.25])
    np.testing.assert_allclose(scored.contributions.sum(axis=1), scored.scores)
    assert scored.contributions[2, SPEC.index("time")] == pytest.approx(0.10)
    assert scorer.cold_start and scorer.version is None
    rows = reasons(VOL, scored.contributions, cold_start=scorer.cold_start)
    assert [r.code for r in rows[1]] == ["DISTANCE", "COLD_START"]
    assert [r.code for r in rows[2]] == ["SKILLS", "TIME", "COLD_START"]


def test_the_stages_combine_as_the_mean_of_p_engaged_and_p_succeeded():
    # P(e) = 0.8, P(s|e) = 0.5 → (0.8 + 0.4) / 2 = 0.6; wanted by one side only scores at most 0.5
    np.testing.assert_allclose(
        combine_stages(np.array([0.8, 1.0, 1.0]), np.array([0.5, 0.0, 1.0])), [0.6, 0.5, 1.0]
    )


# --- metrics -------------------------------------------------------------------------------


def test_relevance_is_two_for_succeeded_one_for_engaged_only():
    np.testing.assert_array_equal(
        relevance([True, True, False], [True, False, False]), [2.0, 1.0, 0.0]
    )


def test_ndcg_at_10_equals_sklearn_ndcg_score_per_impression_including_ties():
    rng = np.random.default_rng(12)
    sizes = rng.integers(2, 30, size=60)
    group = np.repeat(np.arange(60), sizes)
    rel = rng.choice([0.0, 0.0, 0.0, 1.0, 2.0], size=group.size)
    for scores in (rng.random(group.size), np.round(rng.random(group.size), 1)):
        expected = [
            ndcg_score([rel[group == g]], [scores[group == g]], k=10)
            for g in range(60)
            if rel[group == g].any()
        ]
        assert ndcg_at_k(rel, scores, group, k=10) == pytest.approx(np.mean(expected), abs=1e-12)


def test_ndcg_worked_example():
    # One list: relevances by score order [0, 2, 1]. DCG = 2/log2(3) + 1/log2(4) = 1.7619;
    # ideal = 2 + 1/log2(3) = 2.6309 → 0.6697. The second list has no relevant row: left out.
    rel = [0, 2, 1, 0, 0]
    scores = [0.9, 0.8, 0.7, 0.5, 0.4]
    assert ndcg_at_k(rel, scores, [1, 1, 1, 2, 2]) == pytest.approx(0.6697, abs=1e-4)


def test_recall_at_k_counts_the_share_of_relevant_rows_in_the_top_k_and_shares_ties():
    # k = 2: list 1 has relevant rows at ranks 1 and 3 → 1/2; list 2 ties all three rows
    # (one relevant) → 2/3 of it inside the top 2.
    rel = [1, 0, 2, 0, 1, 0]
    scores = [0.9, 0.8, 0.7, 0.5, 0.5, 0.5]
    group = [1, 1, 1, 2, 2, 2]
    assert recall_at_k(rel, scores, group, k=2) == pytest.approx((0.5 + 2 / 3) / 2)


def test_evaluate_lists_the_model_first_then_every_baseline():
    ts = planted_world(13, near_and_skilled, reliable, groups=60)
    rows = evaluate(ts, seed=13)
    assert [r.name for r in rows][:5] == ["model", "random", "nearest", "overlap", "popular"]
    assert all(0 <= r.ndcg_at_10 <= 1 and 0 <= r.recall_at_10 <= 1 for r in rows)


# --- promotion -----------------------------------------------------------------------------


def metrics(model: float, **baselines: float) -> dict[str, dict[str, float]]:
    table = {"model": {"ndcg@10": model, "recall@10": 0.5}}
    for name, value in baselines.items():
        table[name] = {"ndcg@10": value, "recall@10": 0.5}
    return table


def test_better_than_promotes_a_model_that_beats_the_current_one_and_every_baseline():
    assert better_than(metrics(0.72, random=0.40, nearest=0.61), metrics(0.70))
    assert better_than(metrics(0.72, random=0.40, nearest=0.61), None)


def test_better_than_refuses_a_model_worse_than_or_equal_to_the_current_one():
    assert not better_than(metrics(0.68, random=0.40, nearest=0.61), metrics(0.70))
    assert not better_than(metrics(0.70, random=0.40, nearest=0.61), metrics(0.70))


def test_better_than_refuses_a_model_that_loses_to_its_best_baseline():
    # Better than the current model, but the nearest baseline ranks the same window better.
    assert not better_than(metrics(0.72, random=0.40, nearest=0.75), metrics(0.50))
    assert not better_than(metrics(0.72, popular=0.72), None)


def test_better_than_refuses_a_model_without_a_measurement():
    assert not better_than(metrics(float("nan"), random=0.4), None)


# --- scoring details ------------------------------------------------------------------------


def test_boosted_contributions_are_the_score_minus_the_score_with_the_feature_at_its_mean():
    ts, result = trained("thresholds", 3)
    scorer = load_artifact(result.artifact)
    X = ts.X[:25]
    scored = scorer.score(X)
    means = np.asarray(result.artifact["feature_means"])
    for j in range(X.shape[1]):
        moved = X.copy()
        moved[:, j] = means[j]
        np.testing.assert_allclose(
            scored.contributions[:, j], scored.scores - scorer.scores_only(moved), atol=1e-12
        )
    np.testing.assert_array_equal(scorer.scores_only(X), scored.scores)


def test_the_boosted_model_never_ranks_a_worse_fit_higher_monotonic_in_every_feature():
    ts, result = trained("thresholds", 3)
    scorer = load_artifact(result.artifact)
    X = ts.X[:500]
    base = scorer.scores_only(X)
    for j in range(X.shape[1]):
        better = X.copy()
        better[:, j] = np.minimum(1.0, better[:, j] + 0.3)
        assert (scorer.scores_only(better) >= base - 1e-12).all(), SPEC.feature_names[j]


def test_logistic_contributions_follow_the_sign_of_coefficient_times_standardized_value():
    ts, result = trained("near_and_skilled", 0)
    stage = result.artifact["stages"]["engaged"]
    j = SPEC.index("distance")
    assert stage["coef"][j] > 0  # planted: nearer → more sign-ups
    X = ts.X[:100]
    contributions = load_artifact(result.artifact).score(X).contributions[:, j]
    above_mean = X[:, j] > stage["mean"][j]
    assert (contributions[above_mean] > 0).all() and (contributions[~above_mean] < 0).all()


def test_a_missing_feature_value_scores_as_the_training_mean():
    ts, result = trained("near_and_skilled", 0)
    scorer = load_artifact(result.artifact)
    row = ts.X[:1].copy()
    row_nan, row_mean = row.copy(), row.copy()
    j = SPEC.index("distance")
    row_nan[0, j] = np.nan
    row_mean[0, j] = result.artifact["feature_means"][j]
    assert scorer.score(row_nan).scores[0] == scorer.score(row_mean).scores[0]
    # Cold start: a missing value counts as 0.5, i.e. half the feature's prior weight.
    cold = np.zeros((1, 9))
    cold[0, j] = np.nan
    assert cold_start_scorer(VOL).score(cold).scores[0] == pytest.approx(0.125)


def test_training_tolerates_missing_values_in_the_logged_rows():
    ts = planted_world(14, near_and_skilled, reliable, groups=60)
    ts.X[::7, SPEC.index("distance")] = np.nan
    result = train(ts, seed=14)
    assert np.isfinite(result.metrics["model"]["ndcg@10"])
    assert all(np.isfinite(result.artifact["feature_means"]))


def test_a_stage_without_both_outcomes_is_the_smoothed_constant_rate():
    # Everyone who signs up attends: P(succeeded | engaged) has one class → constant.
    ts = planted_world(15, near_and_skilled, lambda c: np.full(len(c["time"]), 50.0), groups=60)
    result = train(ts, seed=15)
    stage = result.artifact["stages"]["succeeded"]
    assert stage["kind"] == "constant"
    engaged_before = int(ts.engaged[ts.time < result.valid_from].sum())
    assert stage["p"] == pytest.approx((engaged_before + 1) / (engaged_before + 2))


def test_an_empty_candidate_list_scores_to_empty_arrays():
    for scorer in (load_artifact(trained("thresholds", 3)[1].artifact), cold_start_scorer(VOL)):
        scored = scorer.score(np.zeros((0, 9)))
        assert scored.scores.shape == (0,) and scored.contributions.shape == (0, 9)
        assert reasons(VOL, scored.contributions, {}) == []
