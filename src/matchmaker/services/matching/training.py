"""Training every matching direction from the impression log (docs/matching.md, "Training").

``TRAINING_SETS`` maps a direction to the function that builds its ``TrainingSet`` from the log
(the logged X rows and their outcomes). The volunteer directions are registered here; the
procurement module registers its own when imported. :func:`train_directions` trains each
direction that has enough rows, stores the result as a CANDIDATE and applies the promotion rule.
It is idempotent: a training set with the same fingerprint (a hash of its rows and outcomes) as
a stored version is not trained again, so the nightly job run twice trains one version.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from matchmaker.models.matching import MatchingDirection
from matchmaker.services.context import ServiceContext
from matchmaker.services.matching import micro_wishes as wishes
from matchmaker.services.matching import store
from matchmaker.services.matching import volunteering as vol

log = logging.getLogger("matchmaker.matching.training")

TrainingSetBuilder = Callable[[AsyncSession], Awaitable[Any]]

TRAINING_SETS: dict[str, TrainingSetBuilder] = {
    MatchingDirection.VOLUNTEERS_FOR_SHIFT.value: vol.training_set_volunteers_for_shift,
    MatchingDirection.SHIFTS_FOR_VOLUNTEER.value: vol.training_set_shifts_for_volunteer,
    MatchingDirection.CLAIMERS_FOR_WISH.value: wishes.training_set_claimers_for_wish,
    MatchingDirection.WISHES_FOR_VOLUNTEER.value: wishes.training_set_wishes_for_volunteer,
}

#: Directions whose candidates can be "small or new" (FA*IR's protected group): a function giving
#: one boolean per training row. The procurement module registers its directions here.
PROTECTED_ROWS: dict[str, Callable[[AsyncSession, Any], Awaitable[Any]]] = {}

PROCUREMENT_MODULE = "matchmaker.services.matching.procurement"
try:  # the procurement directions register themselves in TRAINING_SETS on import
    importlib.import_module(PROCUREMENT_MODULE)
except ModuleNotFoundError as exc:  # pragma: no cover - until the procurement directions exist
    if exc.name != PROCUREMENT_MODULE:
        raise


@dataclass(slots=True)
class DirectionOutcome:
    direction: str
    #: "trained", "unchanged" (same data as a stored version), "too_few_rows".
    status: str
    version: str | None = None
    promoted: bool = False
    n_rows: int = 0
    n_groups: int = 0
    metrics: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "direction": self.direction,
            "status": self.status,
            "version": self.version,
            "promoted": self.promoted,
            "n_rows": self.n_rows,
            "n_groups": self.n_groups,
        }


def _n_groups(ts: Any) -> int:
    import numpy as np

    return len(np.unique(ts.group))


async def train_direction(
    sc: ServiceContext, direction: str, *, split_time: float | None = None
) -> DirectionOutcome:
    from matchmaker.matching import model as core_model

    builder = TRAINING_SETS.get(direction)
    if builder is None:
        return DirectionOutcome(direction, "not_registered")
    ts = await builder(sc.session)
    if ts is None:
        return DirectionOutcome(direction, "too_few_rows")
    n_rows, n_groups = len(ts.X), _n_groups(ts)
    if (
        n_rows < sc.settings.matching_min_training_rows
        or n_groups < sc.settings.matching_min_training_groups
    ):
        return DirectionOutcome(direction, "too_few_rows", n_rows=n_rows, n_groups=n_groups)
    fp = vol.fingerprint(ts)
    existing = await store.model_with_fingerprint(sc.session, direction, fp)
    if existing is not None:
        return DirectionOutcome(
            direction, "unchanged", version=existing.version, n_rows=n_rows, n_groups=n_groups
        )
    result = core_model.train(ts, split_time=split_time)
    row = await store.save_candidate(sc, direction=direction, result=result, fingerprint=fp)
    promoted = await store.apply_promotion_rule(sc, row)
    log.info(
        "matching model trained",
        extra={"direction": direction, "version": row.version, "promoted": promoted},
    )
    return DirectionOutcome(
        direction,
        "trained",
        version=row.version,
        promoted=promoted,
        n_rows=n_rows,
        n_groups=n_groups,
        metrics=row.metrics,
    )


async def train_directions(
    sc: ServiceContext, directions: list[str] | None = None
) -> list[DirectionOutcome]:
    """Train the given directions (default: every registered one)."""
    wanted = directions or list(TRAINING_SETS)
    return [await train_direction(sc, d) for d in wanted]


async def request_training(sc: ServiceContext, *, direction: str | None) -> int:
    """A platform admin asks for a training run now; returns the job's id.

    Asking twice within the same minute returns the same job (keyed outbox row).
    """
    from matchmaker import clock
    from matchmaker.queue.outbox import schedule
    from matchmaker.services import audit
    from matchmaker.services.authz import Capability, require

    require(sc.actor, Capability.MATCHING_MANAGE)
    if direction is not None:
        direction = store.check_direction(direction)
    minute = clock.now().replace(second=0, microsecond=0).isoformat()
    job_id = await schedule(
        sc.session,
        "train_matching_models",
        {"direction": direction} if direction else {},
        key=f"manual:train_matching_models:{direction or 'all'}:{minute}",
    )
    await audit.record(
        sc,
        action="matching_model.train_requested",
        subject_type="Job",
        subject_id=job_id,
        after={"direction": direction},
    )
    return job_id


# --- offline evaluation (``matchmaker matching evaluate``) ------------------------------------

#: Directions whose rows belong to a shift: a function giving the shift of each training row,
#: for "shifts with at least one signup per week".
SHIFT_ROWS: dict[str, Callable[[AsyncSession], Awaitable[Any]]] = {
    MatchingDirection.VOLUNTEERS_FOR_SHIFT.value: lambda s: vol.shift_of_rows(
        s, MatchingDirection.VOLUNTEERS_FOR_SHIFT.value
    ),
    MatchingDirection.SHIFTS_FOR_VOLUNTEER.value: lambda s: vol.shift_of_rows(
        s, MatchingDirection.SHIFTS_FOR_VOLUNTEER.value
    ),
}


@dataclass(slots=True)
class DirectionReport:
    direction: str
    n_rows: int = 0
    n_groups: int = 0
    #: (ranker, NDCG@10, recall@10) on the validation window, the model first.
    rows: list[tuple[str, float, float]] = field(default_factory=list)
    #: Share of the top-10 exposure that small/new organizations get: logged order vs model.
    exposure_logged: float | None = None
    exposure_model: float | None = None
    #: Mean per week of shifts with at least one signup among the top 10 of some list, ranking
    #: by the model without and with the exposure re-rank (a replay of the logged outcomes).
    shifts_per_week_plain: float | None = None
    shifts_per_week_reranked: float | None = None
    note: str = ""


async def evaluate_directions(
    session: AsyncSession, settings: Any, directions: list[str] | None = None
) -> list[DirectionReport]:
    """Train on the older 80 % of each direction's lists and measure on the newer 20 %."""
    import numpy as np

    from matchmaker.matching import fairness
    from matchmaker.matching import model as core_model

    reports: list[DirectionReport] = []
    for direction in directions or list(TRAINING_SETS):
        report = DirectionReport(direction)
        reports.append(report)
        ts = await TRAINING_SETS[direction](session)
        if ts is None:
            report.note = "no logged lists"
            continue
        report.n_rows, report.n_groups = len(ts.X), _n_groups(ts)
        try:
            result = core_model.train(ts)
        except core_model.TrainingError as exc:
            report.note = str(exc)
            continue
        report.rows = [
            (name, float(v.get("ndcg@10", float("nan"))), float(v.get("recall@10", float("nan"))))
            for name, v in result.metrics.items()
        ]
        valid = ts.time >= result.valid_from
        scores = core_model.load_artifact(result.artifact).score(ts.X).scores
        if direction in PROTECTED_ROWS:
            protected = np.asarray(await PROTECTED_ROWS[direction](session, ts), dtype=bool)
            logged, modelled = [], []
            for g in np.unique(ts.group[valid]):
                idx = np.flatnonzero(ts.group == g)
                logged.append(idx)  # rows are stored in the order shown
                modelled.append(idx[np.argsort(-scores[idx], kind="stable")])
            report.exposure_logged = fairness.exposure_share(logged, protected, 10)
            report.exposure_model = fairness.exposure_share(modelled, protected, 10)
        if direction in SHIFT_ROWS:
            shifts = np.asarray(await SHIFT_ROWS[direction](session))
            # The SmartSort count: how often the row's candidate was taken up before.
            counts = ts.baselines.get("popular", np.zeros(len(ts.X)))
            reranked = fairness.exposure_penalty(
                scores, counts, settings.matching_exposure_strength
            )
            for attr, s in (
                ("shifts_per_week_plain", scores),
                ("shifts_per_week_reranked", reranked),
            ):
                weekly = fairness.subjects_engaged_per_week(
                    shifts[valid], ts.group[valid], ts.time[valid], ts.engaged[valid], s[valid]
                )
                value = float(np.mean(list(weekly.values()))) if weekly else 0.0
                setattr(report, attr, value)
    return reports
