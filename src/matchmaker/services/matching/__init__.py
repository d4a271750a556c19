"""Matching in the service layer (docs/matching.md): retrieval in SQL, features as arrays, the
pure core (``matchmaker.matching``) to score and explain, and the impression log.

- ``store``: the impression log, outcomes, the model store (candidate → promoted → retired,
  rollback) and the per-process scorer cache;
- ``volunteering``: volunteers for a shift, shifts for a volunteer, invitations;
- ``training``: the training job over every direction registered in ``TRAINING_SETS``.
"""

from __future__ import annotations

#: Subject and candidate type names written to the impression log.
SHIFT = "shift"
VOLUNTEER = "volunteer"
PROJECT = "project"
ORGANIZATION = "organization"
SOCIAL_WORKER = "social_worker"

#: Most items one recommendation list returns (``first``).
MAX_FIRST = 50
