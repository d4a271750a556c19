"""The impression log and the model store: promotion, rollback, idempotent training
(docs/matching.md, "Models and training")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from sqlalchemy import event, select, update

from matchmaker import clock
from matchmaker.models import AuditEvent, MatchImpressionItem, MatchingModel, OutboxJob
from matchmaker.models.enums import Role
from matchmaker.models.matching import MatchingModelStatus
from matchmaker.services.bootstrap import system_context
from matchmaker.services.errors import DomainError
from matchmaker.services.matching import store, training
from matchmaker.services.matching.volunteering import VFS
from tests import factories
from tests.volunteering_helpers import T0, gid

DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class FakeResult:
    """What ``matching.model.train`` returns, with chosen validation metrics."""

    metrics: dict[str, dict[str, float]]
    artifact: dict[str, Any]
    train_from: float = T0.timestamp()
    train_to: float = T0.timestamp() + 8 * 86400
    valid_from: float = T0.timestamp() + 8 * 86400
    valid_to: float = T0.timestamp() + 10 * 86400
    n_rows: int = 500
    n_groups: int = 50


def _result(model_ndcg: float, best_baseline: float = 0.40) -> FakeResult:
    return FakeResult(
        metrics={
            "model": {"ndcg@10": model_ndcg, "recall@10": 0.5},
            "random": {"ndcg@10": 0.20, "recall@10": 0.2},
            "nearest": {"ndcg@10": best_baseline, "recall@10": 0.4},
        },
        artifact={"kind": "logistic"},
    )


async def _store(sc, ndcg: float, fingerprint: str) -> MatchingModel:
    row = await store.save_candidate(
        sc, direction=VFS, result=_result(ndcg), fingerprint=fingerprint
    )
    await store.apply_promotion_rule(sc, row)
    return row


async def test_a_model_that_does_not_beat_the_active_one_is_rejected(session, settings):
    clock.freeze(T0)
    sc = system_context(session, settings)
    first = await _store(sc, 0.50, "a")
    worse = await _store(sc, 0.45, "b")
    no_better_than_nearest = await store.save_candidate(
        sc, direction=VFS, result=_result(0.60, best_baseline=0.60), fingerprint="c"
    )
    await store.apply_promotion_rule(sc, no_better_than_nearest)
    await session.commit()

    assert (first.version, first.status) == (f"{VFS}-v1", MatchingModelStatus.ACTIVE)
    assert worse.status is MatchingModelStatus.REJECTED
    assert no_better_than_nearest.status is MatchingModelStatus.REJECTED
    actions = list(await session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions == [
        "matching_model.train",
        "matching_model.promote",
        "matching_model.train",
        "matching_model.reject",
        "matching_model.train",
        "matching_model.reject",
    ]


async def test_rollback_returns_to_the_version_promoted_before(session, settings):
    clock.freeze(T0)
    sc = system_context(session, settings)
    v1 = await _store(sc, 0.50, "a")
    clock.freeze(T0 + DAY)
    v2 = await _store(sc, 0.55, "b")
    assert (v1.status, v2.status) == (MatchingModelStatus.RETIRED, MatchingModelStatus.ACTIVE)

    admin = await factories.account(session, settings, role=Role.PLATFORM_ADMIN)
    from matchmaker.services import accounts

    admin_sc = system_context(session, settings)
    admin_sc.actor = await accounts.actor_for_token(session, admin.token)
    back = await store.rollback(admin_sc, direction=VFS)
    await session.commit()

    assert back.id == v1.id
    # v2 is set aside: a second rollback would not return to it.
    assert (v1.status, v2.status) == (MatchingModelStatus.ACTIVE, MatchingModelStatus.REJECTED)
    assert v1.promoted_by_account_id == admin.account.id
    last = await session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    assert last is not None and last.action == "matching_model.rollback"
    assert last.actor_account_id == admin.account.id
    # Nothing promoted before v1: a second rollback is refused and changes nothing.
    with pytest.raises(DomainError) as refused:
        await store.rollback(admin_sc, direction=VFS)
    assert refused.value.code == "INVALID_STATE"
    assert v1.status is MatchingModelStatus.ACTIVE


def _simulated_log_rows(rng: np.random.Generator, lists: int, size: int) -> list[dict[str, Any]]:
    """Lists of 9-feature rows where nearer, free, skilled people sign up and attend."""
    out = []
    for g in range(lists):
        X = rng.random((size, 9))
        utility = 2.5 * X[:, 0] + 1.5 * X[:, 1] + X[:, 2] + 0.5 * X[:, 4] - 2.4
        engaged = rng.random(size) < 1 / (1 + np.exp(-utility))
        succeeded = engaged & (rng.random(size) < 0.3 + 0.6 * X[:, 4])
        out.append({"X": X, "engaged": engaged, "succeeded": succeeded, "day": g / 4})
    return out


async def _log_history(session, settings, lists: int = 60, size: int = 12) -> None:
    rng = np.random.default_rng(7)
    for n, lst in enumerate(_simulated_log_rows(rng, lists, size)):
        shown = T0 + dt.timedelta(days=lst["day"])
        impression_id = await store.log_impression(
            session,
            direction=VFS,
            requested_by_account_id=None,
            subject_type="shift",
            subject_id=1000 + n,
            candidate_type="volunteer",
            candidates=[
                store.LoggedCandidate(i + 1, 0.5, lst["X"][i].tolist()) for i in range(size)
            ],
            model_version=None,
            cold_start=True,
            at=shown,
        )
        for rank in range(size):
            if lst["engaged"][rank]:
                await session.execute(
                    update(MatchImpressionItem)
                    .where(
                        MatchImpressionItem.impression_id == impression_id,
                        MatchImpressionItem.rank == rank + 1,
                    )
                    .values(
                        engaged_at=shown + dt.timedelta(hours=2),
                        succeeded_at=shown + DAY if lst["succeeded"][rank] else None,
                    )
                )
    await session.commit()


async def test_the_training_job_run_twice_on_the_same_data_trains_one_version(
    session, settings, run_jobs
):
    clock.freeze(T0 + 30 * DAY)
    await _log_history(session, settings)
    sc = system_context(session, settings)

    first = await training.train_directions(sc, [VFS])
    second = await training.train_directions(sc, [VFS])
    await session.commit()

    assert [o.status for o in first] == ["trained"]
    assert [o.status for o in second] == ["unchanged"]
    rows = list(await session.scalars(select(MatchingModel)))
    assert len(rows) == 1
    model = rows[0]
    assert model.n_rows == 60 * 12 and model.fingerprint
    # Learned from outcomes that follow distance: it beats the random baseline on later lists.
    assert model.metrics["model"]["ndcg@10"] > model.metrics["random"]["ndcg@10"]
    assert first[0].promoted is (model.status is MatchingModelStatus.ACTIVE)

    # A new outcome changes the fingerprint: the next run trains a second version.
    not_engaged = await session.scalar(
        select(MatchImpressionItem.id).where(MatchImpressionItem.engaged_at.is_(None)).limit(1)
    )
    await session.execute(
        update(MatchImpressionItem)
        .where(MatchImpressionItem.id == not_engaged)
        .values(engaged_at=T0 + DAY, succeeded_at=T0 + 2 * DAY)
    )
    third = await training.train_directions(sc, [VFS])
    assert third[0].status == "trained" and third[0].version == f"{VFS}-v2"
    await session.commit()


async def test_too_little_history_trains_nothing(session, settings):
    clock.freeze(T0 + 30 * DAY)
    await _log_history(session, settings, lists=5, size=10)
    sc = system_context(session, settings)

    outcome = await training.train_directions(sc, [VFS])

    assert [(o.status, o.n_rows) for o in outcome] == [("too_few_rows", 50)]
    assert await session.scalar(select(MatchingModel.id)) is None


async def test_the_active_scorer_is_parsed_once_per_version(session, settings):
    clock.freeze(T0 + 30 * DAY)
    await _log_history(session, settings)
    sc = system_context(session, settings)
    await training.train_directions(sc, [VFS])
    row = await session.scalar(select(MatchingModel))
    assert row is not None
    if row.status is not MatchingModelStatus.ACTIVE:
        await store._activate(sc, row, action="matching_model.promote_manual")
    await session.commit()
    store.clear_scorer_cache()
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        if "matching_models" in statement:
            statements.append(statement)

    engine = session.bind.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        first = await store.active_scorer(session, VFS)
        n_first = len(statements)
        statements.clear()
        again = await store.active_scorer(session, VFS)
        n_again = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    await session.commit()

    assert first.scorer is again.scorer and again.version == row.version
    assert (n_first, n_again) == (2, 1)
    scored = again.scorer.score(np.full((3, 9), 0.5))
    assert scored.scores.shape == (3,)


async def test_a_list_of_30_is_logged_with_two_statements(session, settings):
    clock.freeze(T0)
    statements: list[tuple[str, bool]] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("INSERT"):
            statements.append((statement, executemany))

    engine = session.bind.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        await store.log_impression(
            session,
            direction=VFS,
            requested_by_account_id=None,
            subject_type="shift",
            subject_id=1,
            candidate_type="volunteer",
            candidates=[store.LoggedCandidate(i, 0.1, [0.5] * 9) for i in range(30)],
            model_version=None,
            cold_start=True,
        )
    finally:
        event.remove(engine, "before_cursor_execute", count)

    # One INSERT for the list, one (executemany) for its 30 items.
    assert [s.split(" (")[0] for s, _ in statements] == [
        "INSERT INTO match_impressions",
        "INSERT INTO match_impression_items",
    ]
    assert (
        await session.scalar(
            select(MatchImpressionItem.rank).order_by(MatchImpressionItem.rank.desc()).limit(1)
        )
        == 30
    )
    await session.commit()


TRAIN = """mutation($i: TrainMatchingModelsInput!) { trainMatchingModels(input: $i) {
  jobId errors { code } } }"""
MODELS = """query($d: MatchingDirection) { matchingModels(direction: $d, first: 10) {
  nodes { id version status nRows metrics { name ndcgAt10 recallAt10 } } } }"""


async def test_a_platform_admin_queues_training_and_reads_the_versions(session, settings, gql):
    clock.freeze(T0)
    admin = await factories.account(session, settings, role=Role.PLATFORM_ADMIN)
    sc = system_context(session, settings)
    model = await _store(sc, 0.5, "a")
    await session.commit()

    queued = await gql(TRAIN, {"i": {"direction": VFS}}, token=admin.token)
    listed = await gql(MODELS, {"d": VFS}, token=admin.token)

    assert queued["trainMatchingModels"]["errors"] == []
    job = await session.scalar(select(OutboxJob).where(OutboxJob.name == "train_matching_models"))
    assert job is not None and job.args == {"direction": VFS}
    assert queued["trainMatchingModels"]["jobId"] == gid("Job", job.id)
    (node,) = listed["matchingModels"]["nodes"]
    assert node["id"] == gid("MatchingModel", model.id) and node["status"] == "ACTIVE"
    assert {m["name"]: m["ndcgAt10"] for m in node["metrics"]}["model"] == 0.5
    await session.commit()


async def test_the_evaluation_compares_the_model_with_the_baselines_on_later_lists(
    session, settings
):
    clock.freeze(T0 + 30 * DAY)
    await _log_history(session, settings)

    (report,) = await training.evaluate_directions(session, settings, [VFS])

    names = [name for name, _, _ in report.rows]
    assert names[0] == "model" and {"random", "nearest", "popular", "overlap"} <= set(names)
    table = {name: ndcg for name, ndcg, _ in report.rows}
    assert table["model"] > table["random"]
    # Every simulated list is about its own shift; each week's lists had signups in their top 10.
    assert report.shifts_per_week_plain is not None and report.shifts_per_week_plain > 0
    await session.commit()


async def test_the_nightly_job_trains_through_the_outbox_and_a_second_delivery_trains_nothing(
    session, settings, gql, run_jobs
):
    from matchmaker.queue.outbox import schedule
    from matchmaker.queue.registry import JOBS

    assert JOBS["train_matching_models"].cron == ({40}, {18})  # 02:40 Beijing time
    clock.freeze(T0 + 30 * DAY)
    await _log_history(session, settings)
    await schedule(session, "train_matching_models", {"direction": VFS})
    await schedule(session, "train_matching_models", {"direction": VFS})
    await session.commit()

    await run_jobs()

    jobs = list(
        await session.scalars(
            select(OutboxJob)
            .where(OutboxJob.name == "train_matching_models")
            .order_by(OutboxJob.id)
        )
    )
    # (The in-process scheduler may add its own nightly run: it finds nothing new either.)
    statuses = [j.result["directions"][0]["status"] for j in jobs if j.args == {"direction": VFS}]
    assert statuses == ["trained", "unchanged"]
    assert len(list(await session.scalars(select(MatchingModel.id)))) == 1
    await session.commit()
