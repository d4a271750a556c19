"""The procurement types reachable through ``node(id:)``, for the schema's type list."""

from __future__ import annotations

from matchmaker.schema.types.bid import Bid
from matchmaker.schema.types.contract import Contract
from matchmaker.schema.types.evaluator import Evaluator
from matchmaker.schema.types.milestone import Milestone
from matchmaker.schema.types.need import Need
from matchmaker.schema.types.payment import Payment
from matchmaker.schema.types.performance_evaluation import PerformanceEvaluation
from matchmaker.schema.types.progress_report import ProgressReport
from matchmaker.schema.types.project import Project

PROCUREMENT_NODE_TYPES: list[type] = [
    Bid,
    Contract,
    Evaluator,
    Milestone,
    Need,
    Payment,
    PerformanceEvaluation,
    ProgressReport,
    Project,
]
