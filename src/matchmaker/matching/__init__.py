"""The pure recommender core: NumPy/scikit-learn in, arrays and JSON out (docs/matching.md).

Nothing here touches the database, the ORM or GraphQL; ``services/matching`` feeds it feature
rows and stores the JSON artifacts it returns.
"""

from matchmaker.matching import features
from matchmaker.matching.directions import (
    DIRECTIONS,
    REASON_CODES,
    STAGES,
    DirectionSpec,
    FeatureSpec,
    direction_spec,
)
from matchmaker.matching.evaluation import (
    EvaluationRow,
    evaluate,
    ndcg_at_k,
    recall_at_k,
    relevance,
)
from matchmaker.matching.explain import Reason, reasons
from matchmaker.matching.fairness import (
    exposure_penalty,
    exposure_share,
    fair_topk,
    subjects_engaged_per_week,
)
from matchmaker.matching.model import (
    ArtifactError,
    Scored,
    Scorer,
    TrainingError,
    TrainingSet,
    TrainResult,
    better_than,
    cold_start_scorer,
    combine_stages,
    load_artifact,
    train,
)

__all__ = [
    "DIRECTIONS",
    "REASON_CODES",
    "STAGES",
    "ArtifactError",
    "DirectionSpec",
    "EvaluationRow",
    "FeatureSpec",
    "Reason",
    "Scored",
    "Scorer",
    "TrainResult",
    "TrainingError",
    "TrainingSet",
    "better_than",
    "cold_start_scorer",
    "combine_stages",
    "direction_spec",
    "evaluate",
    "exposure_penalty",
    "exposure_share",
    "fair_topk",
    "features",
    "load_artifact",
    "ndcg_at_k",
    "reasons",
    "recall_at_k",
    "relevance",
    "subjects_engaged_per_week",
    "train",
]
