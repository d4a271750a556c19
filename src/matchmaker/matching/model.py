"""Training, JSON artifacts and scoring (see docs/matching.md, "Models and training").

A model is two stages per direction: ``engaged`` (P(engaged)) fitted on every shown row and
``succeeded`` (P(succeeded | engaged)) fitted on the engaged rows. The score is the expected
graded relevance halved, ``P(e) · (1 + P(s|e)) / 2`` (:func:`combine_stages`).

Artifacts are plain JSON (no pickle): a logistic stage is the scaler's mean/scale plus the
coefficients and intercept; a gradient-boosted stage is every tree's node arrays and the
baseline, evaluated here in NumPy.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from matchmaker.matching.directions import DirectionSpec, direction_spec
from matchmaker.matching.evaluation import ranking_metrics, relevance

FloatArray = NDArray[np.float64]

ARTIFACT_FORMAT = 1
LOGISTIC = "logistic"
GRADIENT_BOOSTING = "hist_gradient_boosting"
COLD_START = "cold_start"
BASELINE_NAMES = ("random", "nearest", "popular", "overlap")
#: Share of the impressions (by time) used for training when no split time is given.
DEFAULT_TRAIN_SHARE = 0.8
#: A stage with fewer positive or negative training rows than this is a constant rate.
MIN_CLASS_ROWS = 5


class TrainingError(ValueError):
    """The training set cannot produce a model (shape, features, or too little history)."""


class ArtifactError(ValueError):
    """A stored artifact does not fit this code (format, direction or feature list)."""


@dataclass
class TrainingSet:
    """One row per (impression, candidate shown): whole lists, no sampled negatives.

    ``X`` columns are the direction's features in :class:`DirectionSpec` order; pass
    ``feature_names`` to have that checked by name. ``baselines`` maps a baseline name
    (``nearest``, ``popular``, ``overlap``) to the service's score per row; ``random`` is added
    by :func:`train`.
    """

    direction: str
    X: FloatArray
    group: NDArray[np.int64]
    time: FloatArray
    engaged: NDArray[np.bool_]
    succeeded: NDArray[np.bool_]
    baselines: dict[str, FloatArray] = field(default_factory=dict)
    feature_names: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class TrainResult:
    artifact: dict[str, Any]
    metrics: dict[str, dict[str, float]]
    train_from: float
    train_to: float
    valid_from: float
    valid_to: float
    n_rows: int
    n_groups: int


@dataclass(frozen=True, slots=True)
class Scored:
    scores: FloatArray
    contributions: FloatArray


# --- stages ---------------------------------------------------------------------------------


def _sigmoid(z: FloatArray) -> FloatArray:
    out: FloatArray = 0.5 * (1.0 + np.tanh(0.5 * z))
    return out


class _Stage(Protocol):
    def logit(self, X: FloatArray) -> FloatArray: ...

    def logits_at_means(self, X: FloatArray, means: FloatArray) -> FloatArray:
        """Row j: the logits with feature j set to ``means[j]`` (shape (f, n))."""
        ...

    def to_json(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class _ConstantStage:
    """A stage whose training rows held (almost) one class: the smoothed rate for everyone."""

    p: float

    def logit(self, X: FloatArray) -> FloatArray:
        return np.full(X.shape[0], math.log(self.p / (1.0 - self.p)))

    def logits_at_means(self, X: FloatArray, means: FloatArray) -> FloatArray:
        return np.broadcast_to(self.logit(X), (X.shape[1], X.shape[0])).copy()

    def to_json(self) -> dict[str, Any]:
        return {"kind": "constant", "p": self.p}


@dataclass(frozen=True)
class _LogisticStage:
    mean: FloatArray
    scale: FloatArray
    coef: FloatArray
    intercept: float

    def standardized(self, X: FloatArray) -> FloatArray:
        out: FloatArray = (X - self.mean) / self.scale
        return out

    def logit(self, X: FloatArray) -> FloatArray:
        out: FloatArray = self.standardized(X) @ self.coef + self.intercept
        return out

    def contributions(self, X: FloatArray) -> FloatArray:
        """Per-feature logit contributions: coefficient × standardized value."""
        out: FloatArray = self.standardized(X) * self.coef
        return out

    def logits_at_means(self, X: FloatArray, means: FloatArray) -> FloatArray:
        delta = (means - X) / self.scale * self.coef  # (n, f)
        out: FloatArray = self.logit(X)[None, :] + delta.T
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": LOGISTIC,
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
        }


@dataclass(frozen=True)
class _Tree:
    feature_idx: NDArray[np.int64]
    num_threshold: FloatArray
    left: NDArray[np.int64]
    right: NDArray[np.int64]
    is_leaf: NDArray[np.bool_]
    value: FloatArray
    missing_go_to_left: NDArray[np.bool_]

    FIELDS = (
        "feature_idx",
        "num_threshold",
        "left",
        "right",
        "is_leaf",
        "value",
        "missing_go_to_left",
    )

    def to_json(self) -> dict[str, Any]:
        return {name: getattr(self, name).tolist() for name in self.FIELDS}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> _Tree:
        return cls(
            feature_idx=np.asarray(data["feature_idx"], dtype=np.int64),
            num_threshold=np.asarray(data["num_threshold"], dtype=np.float64),
            left=np.asarray(data["left"], dtype=np.int64),
            right=np.asarray(data["right"], dtype=np.int64),
            is_leaf=np.asarray(data["is_leaf"], dtype=bool),
            value=np.asarray(data["value"], dtype=np.float64),
            missing_go_to_left=np.asarray(data["missing_go_to_left"], dtype=bool),
        )


class _Forest:
    """Every tree of a stage flattened into one node table, walked for all trees at once.

    scikit-learn's rule: NaN follows ``missing_go_to_left``, otherwise ``x <= num_threshold``
    goes left. Node ids are offset per tree and a leaf points to itself on both sides, so
    ``depth`` steps of one vectorized walk over the (row, tree) grid bring every pair to its
    leaf: one NumPy pass per level for the whole forest instead of one per tree and level
    (docs/matching.md, "Cost of scoring").
    """

    def __init__(self, trees: tuple[_Tree, ...]) -> None:
        sizes = [t.is_leaf.size for t in trees]
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        self.roots: NDArray[np.int64] = offsets if trees else np.zeros(0, dtype=np.int64)
        if not trees:
            self.depth = 0
            return
        is_leaf = np.concatenate([t.is_leaf for t in trees])
        own = np.arange(is_leaf.size, dtype=np.int64)
        left = np.concatenate([t.left + o for t, o in zip(trees, offsets, strict=True)])
        right = np.concatenate([t.right + o for t, o in zip(trees, offsets, strict=True)])
        self.left: NDArray[np.int64] = np.where(is_leaf, own, left)
        self.right: NDArray[np.int64] = np.where(is_leaf, own, right)
        self.feature: NDArray[np.int64] = np.where(
            is_leaf, 0, np.concatenate([t.feature_idx for t in trees])
        )
        self.threshold: FloatArray = np.concatenate([t.num_threshold for t in trees])
        self.missing_left: NDArray[np.bool_] = np.concatenate([t.missing_go_to_left for t in trees])
        self.value: FloatArray = np.concatenate([t.value for t in trees])
        self.depth = max(_depth(t) for t in trees)

    def leaf_values(self, X: FloatArray) -> FloatArray:
        """Shape (n, trees): each row's leaf value in each tree."""
        n, f = X.shape
        if not self.roots.size:
            return np.zeros((n, 0))
        flat = np.ascontiguousarray(X, dtype=np.float64).ravel()
        row_start = (np.arange(n, dtype=np.int64) * f)[:, None]
        node = np.broadcast_to(self.roots, (n, self.roots.size)).copy()
        missing = bool(np.isnan(flat).any())  # scoring fills NaN with the means first
        for _ in range(self.depth):
            x = flat[row_start + self.feature[node]]
            go_left = x <= self.threshold[node]
            if missing:
                go_left = np.where(np.isnan(x), self.missing_left[node], go_left)
            node = np.where(go_left, self.left[node], self.right[node])
        out: FloatArray = self.value[node]
        return out


def _depth(tree: _Tree) -> int:
    """Edges from the root to the deepest leaf (a malformed tree is an ``ArtifactError``)."""
    size = tree.is_leaf.size
    deepest, stack = 0, [(0, 0)]
    while stack:
        node, d = stack.pop()
        if not 0 <= node < size or d >= size:
            raise ArtifactError("a tree's node links leave the tree or loop")
        if tree.is_leaf[node]:
            deepest = max(deepest, d)
        else:
            stack.append((int(tree.left[node]), d + 1))
            stack.append((int(tree.right[node]), d + 1))
    return deepest


class _BoostedStage:
    """The trees of one stage; ``logit = baseline + Σ tree(x)`` summed in tree order as
    scikit-learn does."""

    def __init__(self, baseline: float, trees: tuple[_Tree, ...]) -> None:
        self.baseline = baseline
        self.trees = trees
        self._forest = _Forest(trees)

    def logit(self, X: FloatArray) -> FloatArray:
        raw = np.full(X.shape[0], self.baseline)
        # Added tree by tree (not np.sum's pairwise order): the same float sum as scikit-learn.
        for values in self._forest.leaf_values(X).T:
            raw += values
        return raw

    def logits_at_means(self, X: FloatArray, means: FloatArray) -> FloatArray:
        # Every "feature j at its mean" copy of the rows in one stacked walk: (f · n) rows.
        n, f = X.shape
        moved = np.broadcast_to(X, (f, n, f)).copy()
        for j in range(f):
            moved[j, :, j] = means[j]
        return self.logit(moved.reshape(f * n, f)).reshape(f, n)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": GRADIENT_BOOSTING,
            "baseline": self.baseline,
            "trees": [t.to_json() for t in self.trees],
        }


def _stage_from_json(data: Mapping[str, Any], n_features: int) -> _Stage:
    kind = data.get("kind")
    if kind == "constant":
        return _ConstantStage(float(data["p"]))
    if kind == LOGISTIC:
        stage = _LogisticStage(
            mean=np.asarray(data["mean"], dtype=np.float64),
            scale=np.asarray(data["scale"], dtype=np.float64),
            coef=np.asarray(data["coef"], dtype=np.float64),
            intercept=float(data["intercept"]),
        )
        if not (stage.mean.shape == stage.scale.shape == stage.coef.shape == (n_features,)):
            raise ArtifactError(f"logistic stage does not have {n_features} coefficients")
        return stage
    if kind == GRADIENT_BOOSTING:
        trees = tuple(_Tree.from_json(t) for t in data["trees"])
        for t in trees:
            if t.feature_idx.size and int(t.feature_idx.max()) >= n_features:
                raise ArtifactError(f"a tree splits on a feature beyond the {n_features} known")
        return _BoostedStage(float(data["baseline"]), trees)
    raise ArtifactError(f"unknown stage kind {kind!r}")


# --- combining the stages ---------------------------------------------------------------------


def combine_stages(p_engaged: FloatArray, p_succeeded: FloatArray) -> FloatArray:
    """Score = ``P(e) · (1 + P(s|e)) / 2`` = the mean of P(engaged) and P(succeeded).

    It is the expected graded relevance (engaged 1, succeeded 2) divided by its maximum, so
    ranking by it maximises the expected DCG the evaluation measures. A candidate the first side
    wants but the second would refuse gets at most half the score of one both want.
    """
    out: FloatArray = p_engaged * (1.0 + p_succeeded) / 2.0
    return out


# --- scoring ---------------------------------------------------------------------------------


class Scorer:
    """Scores X rows of one direction; ``contributions`` explain each score per feature."""

    def __init__(
        self,
        spec: DirectionSpec,
        *,
        kind: str,
        stages: Mapping[str, _Stage] | None = None,
        feature_means: FloatArray | None = None,
        version: str | None = None,
        cold_start: bool = False,
    ) -> None:
        self.spec = spec
        self.direction = spec.name
        self.kind = kind
        self.version = version
        self.cold_start = cold_start
        self._stages = dict(stages or {})
        n = len(spec.features)
        self._means = feature_means if feature_means is not None else np.full(n, 0.5)
        self._prior = np.array([f.prior_weight for f in spec.features], dtype=np.float64)
        self._prior = self._prior / self._prior.sum()

    @property
    def feature_names(self) -> tuple[str, ...]:
        return self.spec.feature_names

    def _prepare(self, X: Any) -> FloatArray:
        arr = np.asarray(X, dtype=np.float64)
        n = len(self.spec.features)
        if arr.ndim != 2 or arr.shape[1] != n:
            raise ValueError(
                f"{self.direction} expects X of shape (n, {n}) with columns "
                f"{list(self.feature_names)}, got {arr.shape}"
            )
        # Missing values take the training mean (a neutral value for the explanation too).
        return np.where(np.isnan(arr), self._means, arr)

    def _probabilities(self, X: FloatArray) -> tuple[FloatArray, FloatArray]:
        return (
            _sigmoid(self._stages["engaged"].logit(X)),
            _sigmoid(self._stages["succeeded"].logit(X)),
        )

    def _scores(self, X: FloatArray) -> FloatArray:
        return combine_stages(*self._probabilities(X))

    def scores_only(self, X: Any) -> FloatArray:
        """The scores without the contributions (cheaper for a boosted model)."""
        x = self._prepare(X)
        if self.cold_start:
            out: FloatArray = np.clip(x @ self._prior, 0.0, 1.0)
            return out
        return np.clip(self._scores(x), 0.0, 1.0)

    def score(self, X: Any) -> Scored:
        x = self._prepare(X)
        if self.cold_start:
            contributions = x * self._prior
            return Scored(np.clip(contributions.sum(axis=1), 0.0, 1.0), contributions)
        p_e, p_s = self._probabilities(x)
        scores = combine_stages(p_e, p_s)
        engaged, succeeded = self._stages["engaged"], self._stages["succeeded"]
        if not any(isinstance(st, _BoostedStage) for st in (engaged, succeeded)):
            # Local linearisation of the score in each stage's logit: d score / d logit × the
            # stage's coef × standardized value, so the units are score points.
            contributions = np.zeros_like(x)
            if isinstance(engaged, _LogisticStage):
                g_e = p_e * (1.0 - p_e) * (1.0 + p_s) / 2.0
                contributions += g_e[:, None] * engaged.contributions(x)
            if isinstance(succeeded, _LogisticStage):
                g_s = p_e * p_s * (1.0 - p_s) / 2.0
                contributions += g_s[:, None] * succeeded.contributions(x)
        else:
            # Score minus the score with the feature at its training mean.
            at_mean = combine_stages(
                _sigmoid(engaged.logits_at_means(x, self._means)),
                _sigmoid(succeeded.logits_at_means(x, self._means)),
            )
            contributions = scores[:, None] - at_mean.T
        return Scored(np.clip(scores, 0.0, 1.0), contributions)


def cold_start_scorer(direction: str) -> Scorer:
    """Ranks with the direction's documented prior weights: a weighted mean of the features."""
    return Scorer(direction_spec(direction), kind=COLD_START, cold_start=True)


def _check_feature_names(
    spec: DirectionSpec, names: Any, what: str, error: type[Exception]
) -> None:
    if names is None:
        return
    if tuple(names) != spec.feature_names:
        raise error(
            f"{what} has features {list(names)} but {spec.name} uses "
            f"{list(spec.feature_names)} (in this order); retrain with the current features"
        )


def load_artifact(artifact: Mapping[str, Any]) -> Scorer:
    """The scorer of a stored artifact; refuses one built for other features or code."""
    if artifact.get("format") != ARTIFACT_FORMAT:
        raise ArtifactError(
            f"artifact format {artifact.get('format')!r} is not {ARTIFACT_FORMAT}; retrain"
        )
    try:
        spec = direction_spec(str(artifact.get("direction")))
    except ValueError as exc:
        raise ArtifactError(str(exc)) from None
    names = artifact.get("feature_names")
    if names is None:
        raise ArtifactError("artifact has no feature_names")
    _check_feature_names(spec, names, "the artifact", ArtifactError)
    n = len(spec.features)
    stages_json = artifact.get("stages") or {}
    missing = [s for s in spec.stages if s not in stages_json]
    if missing:
        raise ArtifactError(f"artifact lacks stage(s) {missing}")
    kind = artifact.get("kind")
    if kind not in (LOGISTIC, GRADIENT_BOOSTING):
        raise ArtifactError(f"unknown model kind {kind!r}")
    try:
        stages = {s: _stage_from_json(stages_json[s], n) for s in spec.stages}
        means = np.asarray(artifact.get("feature_means", [0.5] * n), dtype=np.float64)
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, ArtifactError):
            raise
        raise ArtifactError(f"malformed artifact: {exc!r}") from None
    if means.shape != (n,):
        raise ArtifactError(f"artifact feature_means does not have {n} values")
    version = artifact.get("version")
    return Scorer(
        spec,
        kind=str(kind),
        stages=stages,
        feature_means=means,
        version=None if version is None else str(version),
    )


# --- training --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Prepared:
    spec: DirectionSpec
    X: FloatArray
    group: NDArray[np.int64]
    time: FloatArray
    engaged: NDArray[np.bool_]
    succeeded: NDArray[np.bool_]
    baselines: dict[str, FloatArray]


def _prepare(ts: TrainingSet) -> _Prepared:
    try:
        spec = direction_spec(ts.direction)
    except ValueError as exc:
        raise TrainingError(str(exc)) from None
    _check_feature_names(spec, ts.feature_names, "the training set", TrainingError)
    X = np.asarray(ts.X, dtype=np.float64)
    n_features = len(spec.features)
    if X.ndim != 2 or X.shape[1] != n_features:
        raise TrainingError(
            f"{spec.name} needs X with {n_features} columns {list(spec.feature_names)}, "
            f"got shape {X.shape}"
        )
    n = X.shape[0]
    group = np.asarray(ts.group, dtype=np.int64)
    time = np.asarray(ts.time, dtype=np.float64)
    engaged = np.asarray(ts.engaged, dtype=bool)
    succeeded = np.asarray(ts.succeeded, dtype=bool)
    for name, arr in (
        ("group", group),
        ("time", time),
        ("engaged", engaged),
        ("succeeded", succeeded),
    ):
        if arr.shape != (n,):
            raise TrainingError(f"{name} has shape {arr.shape}, expected ({n},)")
    baselines = {}
    for name, values in ts.baselines.items():
        b = np.asarray(values, dtype=np.float64)
        if b.shape != (n,):
            raise TrainingError(f"baseline {name!r} has shape {b.shape}, expected ({n},)")
        baselines[name] = np.nan_to_num(b, nan=0.0)
    # Succeeding implies having engaged (an award implies a bid, attending a sign-up).
    return _Prepared(spec, X, group, time, engaged | succeeded, succeeded, baselines)


def _group_times(
    group: NDArray[np.int64], time: FloatArray
) -> tuple[NDArray[np.int64], FloatArray]:
    """Each impression's time (the earliest of its rows)."""
    ids, inverse = np.unique(group, return_inverse=True)
    first = np.full(len(ids), np.inf)
    np.minimum.at(first, inverse, time)
    return ids, first


def _split(p: _Prepared, split_time: float | None) -> tuple[float, NDArray[np.bool_]]:
    """Whole impressions go to one side: train before T0, validate from T0 on."""
    ids, times = _group_times(p.group, p.time)
    if split_time is None:
        split_time = float(np.quantile(times, DEFAULT_TRAIN_SHARE, method="higher"))
    train_groups = ids[times < split_time]
    return split_time, np.isin(p.group, train_groups)


def _fit_logistic(X: FloatArray, y: NDArray[np.bool_], seed: int) -> _Stage:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    constant = _constant_if_degenerate(y)
    if constant is not None:
        return constant
    pipeline = make_pipeline(
        StandardScaler(), LogisticRegression(C=1.0, max_iter=1000, random_state=seed)
    )
    pipeline.fit(X, y)
    scaler, clf = pipeline[0], pipeline[-1]
    return _LogisticStage(
        mean=np.asarray(scaler.mean_, dtype=np.float64),
        scale=np.asarray(scaler.scale_, dtype=np.float64),
        coef=np.asarray(clf.coef_, dtype=np.float64).ravel(),
        intercept=float(np.asarray(clf.intercept_).ravel()[0]),
    )


def _constant_if_degenerate(y: NDArray[np.bool_]) -> _ConstantStage | None:
    positives = int(y.sum())
    negatives = int(y.size - positives)
    if min(positives, negatives) >= MIN_CLASS_ROWS:
        return None
    # Laplace-smoothed rate so the logit stays finite.
    return _ConstantStage((positives + 1.0) / (y.size + 2.0))


def export_boosted(model: Any) -> _BoostedStage:
    """A fitted binary ``HistGradientBoostingClassifier`` as plain node arrays."""
    predictors = model._predictors
    if any(len(it) != 1 for it in predictors):
        raise TrainingError("only binary gradient boosting can be exported")
    trees = []
    for (predictor,) in predictors:
        nodes = predictor.nodes
        if np.asarray(nodes["is_categorical"]).any():
            raise TrainingError("categorical splits are not supported in artifacts")
        trees.append(
            _Tree(
                feature_idx=np.asarray(nodes["feature_idx"], dtype=np.int64),
                num_threshold=np.asarray(nodes["num_threshold"], dtype=np.float64),
                left=np.asarray(nodes["left"], dtype=np.int64),
                right=np.asarray(nodes["right"], dtype=np.int64),
                is_leaf=np.asarray(nodes["is_leaf"], dtype=bool),
                value=np.asarray(nodes["value"], dtype=np.float64),
                missing_go_to_left=np.asarray(nodes["missing_go_to_left"], dtype=bool),
            )
        )
    baseline = float(np.asarray(model._baseline_prediction, dtype=np.float64).ravel()[0])
    return _BoostedStage(baseline, tuple(trees))


def fit_boosted_classifier(
    X: FloatArray, y: NDArray[np.bool_], monotonic: list[int], seed: int
) -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    model = HistGradientBoostingClassifier(
        max_iter=60,
        learning_rate=0.1,
        max_leaf_nodes=8,
        min_samples_leaf=20,
        l2_regularization=1.0,
        monotonic_cst=monotonic,
        early_stopping=False,
        random_state=seed,
    )
    # One OpenMP thread: training runs in a worker next to the app servers, and on a busy
    # machine more threads make these small fits slower, not faster (threadpoolctl ships with
    # scikit-learn).
    with threadpool_limits(limits=1, user_api="openmp"):
        model.fit(X, y)
    return model


def _fit_boosted(X: FloatArray, y: NDArray[np.bool_], spec: DirectionSpec, seed: int) -> _Stage:
    constant = _constant_if_degenerate(y)
    if constant is not None:
        return constant
    monotonic = [f.monotonic for f in spec.features]
    return export_boosted(fit_boosted_classifier(X, y, monotonic, seed))


def _fit_stages(
    kind: str, p: _Prepared, rows: NDArray[np.bool_], X: FloatArray, seed: int
) -> dict[str, _Stage]:
    engaged_rows = rows & p.engaged
    if kind == LOGISTIC:
        return {
            "engaged": _fit_logistic(X[rows], p.engaged[rows], seed),
            "succeeded": _fit_logistic(X[engaged_rows], p.succeeded[engaged_rows], seed),
        }
    return {
        "engaged": _fit_boosted(X[rows], p.engaged[rows], p.spec, seed),
        "succeeded": _fit_boosted(X[engaged_rows], p.succeeded[engaged_rows], p.spec, seed),
    }


def train(ts: TrainingSet, *, split_time: float | None = None, seed: int = 0) -> TrainResult:
    """Fit a direction's model on the impressions before ``split_time`` and measure it after.

    The logistic model is the default; the gradient-boosted challenger (monotonic in every
    feature as the spec says) replaces it only if its validation NDCG@10 is strictly higher.
    """
    p = _prepare(ts)
    if p.X.shape[0] == 0:
        raise TrainingError(f"{p.spec.name}: no impressions to train on")
    t0, train_rows = _split(p, split_time)
    valid_rows = ~train_rows
    if not train_rows.any() or not valid_rows.any():
        raise TrainingError(
            f"{p.spec.name}: the split at {t0} leaves no impressions on one side; "
            "more history is needed"
        )
    if p.engaged[train_rows].sum() < MIN_CLASS_ROWS:
        raise TrainingError(
            f"{p.spec.name}: fewer than {MIN_CLASS_ROWS} engaged rows before the split; "
            "keep the cold-start ranking"
        )
    # Training means without NaN (np.nanmean warns on an all-missing column): 0.5 if none.
    known = train_rows[:, None] & ~np.isnan(p.X)
    counts = known.sum(axis=0)
    sums = np.where(known, p.X, 0.0).sum(axis=0)
    means = np.where(counts > 0, sums / np.maximum(counts, 1), 0.5)
    X = np.where(np.isnan(p.X), means, p.X)

    rel = relevance(p.engaged[valid_rows], p.succeeded[valid_rows])
    if not (rel > 0).any():
        # Nothing to measure (and NaN metrics would not even be valid JSON for PostgreSQL).
        raise TrainingError(
            f"{p.spec.name}: no engaged row after the split; the model cannot be measured"
        )
    vgroup = p.group[valid_rows]
    candidates: dict[str, Scorer] = {}
    metrics: dict[str, dict[str, float]] = {}
    for kind in (LOGISTIC, GRADIENT_BOOSTING):
        stages = _fit_stages(kind, p, train_rows, X, seed)
        candidates[kind] = Scorer(p.spec, kind=kind, stages=stages, feature_means=means)
        metrics[kind] = ranking_metrics(rel, candidates[kind].scores_only(X[valid_rows]), vgroup)
    chosen = LOGISTIC
    if metrics[GRADIENT_BOOSTING]["ndcg@10"] > metrics[LOGISTIC]["ndcg@10"]:
        chosen = GRADIENT_BOOSTING
    rng = np.random.default_rng(seed)
    table: dict[str, dict[str, float]] = {"model": dict(metrics[chosen])}
    table["random"] = ranking_metrics(rel, rng.random(int(valid_rows.sum())), vgroup)
    for name, values in p.baselines.items():
        table[name] = ranking_metrics(rel, values[valid_rows], vgroup)
    table[LOGISTIC] = metrics[LOGISTIC]
    table[GRADIENT_BOOSTING] = metrics[GRADIENT_BOOSTING]

    train_times, valid_times = p.time[train_rows], p.time[valid_rows]
    windows = {
        "train_from": float(train_times.min()),
        "train_to": float(train_times.max()),
        "valid_from": float(valid_times.min()),
        "valid_to": float(valid_times.max()),
        "split_time": float(t0),
    }
    scorer = candidates[chosen]
    artifact: dict[str, Any] = {
        "format": ARTIFACT_FORMAT,
        "direction": p.spec.name,
        "kind": chosen,
        "version": None,  # assigned by the service when it stores the model
        "feature_names": list(p.spec.feature_names),
        "stages": {name: stage.to_json() for name, stage in scorer._stages.items()},
        "combine": "expected_relevance",
        "feature_means": means.tolist(),
        "window": windows,
        "n_rows": int(p.X.shape[0]),
        "n_groups": int(np.unique(p.group).size),
        "seed": seed,
        "metrics": table,
    }
    return TrainResult(
        artifact=artifact,
        metrics=table,
        train_from=windows["train_from"],
        train_to=windows["train_to"],
        valid_from=windows["valid_from"],
        valid_to=windows["valid_to"],
        n_rows=int(p.X.shape[0]),
        n_groups=int(np.unique(p.group).size),
    )


def better_than(
    new_metrics: Mapping[str, Mapping[str, float]],
    current_metrics: Mapping[str, Mapping[str, float]] | None,
) -> bool:
    """The promotion rule: the new model's validation NDCG@10 is strictly above the best baseline
    measured with it and above the current model's (when there is one)."""
    new = new_metrics.get("model", {}).get("ndcg@10", float("nan"))
    if not math.isfinite(new):
        return False
    baselines = [
        new_metrics[name]["ndcg@10"]
        for name in BASELINE_NAMES
        if name in new_metrics and math.isfinite(new_metrics[name].get("ndcg@10", float("nan")))
    ]
    if baselines and new <= max(baselines):
        return False
    if current_metrics is None:
        return True
    current = current_metrics.get("model", {}).get("ndcg@10", float("nan"))
    return not math.isfinite(current) or new > current
