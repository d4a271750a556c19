"""Settings, read once from the environment (``MATCHMAKER_*``).

The embedded default needs no variable at all: a SQLite file under ``var/``, jobs run
in-process, and a secret key generated once into ``var/secret.key``. Production refuses to
start without an explicit secret key, because losing or guessing it would expose every
encrypted ID number.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, fields
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"
    TEST = "test"


class ConfigError(RuntimeError):
    """A setting is missing or invalid; the message says which and how to fix it."""


def _project_var_dir() -> Path:
    return Path(os.environ.get("MATCHMAKER_VAR_DIR", "var")).resolve()


@dataclass(frozen=True, slots=True)
class Settings:
    env: Environment = Environment.DEVELOPMENT
    database_url: str = ""
    redis_url: str | None = None
    secret_key: str = ""
    bind: str = "127.0.0.1:8000"
    var_dir: Path = field(default_factory=_project_var_dir)
    session_ttl_hours: int = 24 * 14
    #: Largest /graphql request body (docs/security.md): an ordinary GraphQL request.
    max_request_bytes: int = 256 * 1024
    #: Largest /graphql/upload body: an authenticated evidence upload (files in base64).
    max_upload_bytes: int = 48 * 1024 * 1024
    #: Serve /__test__/clock (end-to-end runs move time); only with MATCHMAKER_ENV=test.
    test_clock: bool = False
    #: Failed logins allowed per account name, and per client address, in the window.
    login_max_failures: int = 5
    login_max_failures_per_address: int = 20
    login_window_seconds: int = 15 * 60
    #: Wrong check-in/check-out codes allowed per volunteer and shift in the login window.
    checkin_max_failures: int = 10
    #: Self-registrations allowed per client address in the window. Generous enough for a
    #: community centre registering its neighbours over one shared network.
    registration_max_per_address: int = 20
    registration_window_seconds: int = 60 * 60
    #: Bearer token for /metrics. Unset: open in development and test, 404 in production.
    metrics_token: str | None = field(default=None, repr=False)
    #: Minimum days between publishing an open tender and its bid deadline (docs/domain.md).
    open_tender_min_days: int = 20
    #: Oversight exports (docs/oversight.md, "Exports"): a scope of more rows than this is
    #: written by a job (the requester is notified with a link) instead of downloaded at once.
    oversight_export_direct_max_rows: int = 2000
    #: Procurement matching (docs/matching.md, "Fairness and load"). An organization is
    #: "small or new" — FA*IR's protected group — when founded fewer than this many years ago,
    #: or with at most this many active social workers.
    matching_new_org_years: int = 3
    matching_small_org_staff: int = 5
    #: FA*IR: target share p of qualified small/new organizations in every top-k prefix, and
    #: the significance alpha of the binomial test that sets the minimum count per prefix.
    matching_org_fair_p: float = 0.3
    matching_org_fair_alpha: float = 0.1
    #: Invitations an organization may receive per calendar month (Beijing): recommendations
    #: push it down as it approaches the cap (EXPOSURE) and inviteOrganizations refuses beyond.
    matching_org_invitations_per_month: int = 8
    #: Volunteer matching (docs/matching.md, "Retrieval and scope", "Invitations"): candidates
    #: scored per request at most; an outcome (signup, attendance) counts for an impression shown
    #: at most this many days before; invitations a volunteer may receive per 7 days; SmartSort
    #: strength of the push-down of what was already shown/invited often.
    matching_max_candidates: int = 1000
    matching_outcome_window_days: int = 14
    matching_volunteer_invitations_per_week: int = 3
    matching_exposure_strength: float = 0.15
    #: Training: a direction is (re)trained only with at least this many logged rows / lists.
    matching_min_training_rows: int = 200
    matching_min_training_groups: int = 20
    #: Oversight (docs/oversight.md, "Rules"): the open-tender threshold (公开招标数额标准, set
    #: it to the province's), the splitting window, the HHI flag, collusion and delivery limits,
    #: and the outlier fence's minimum sample.
    oversight_open_tender_threshold_fen: int = 2_000_000 * 100
    oversight_split_window_days: int = 90
    oversight_hhi_flag: int = 2500
    oversight_proposal_similarity: float = 0.9
    oversight_max_daily_minutes: int = 16 * 60
    oversight_outlier_min_sample: int = 8
    #: An evaluator is tied to a bidder they left at most this many months before the
    #: assignment (Implementing Regulations of the Government Procurement Law art. 9: 3 years).
    oversight_evaluator_link_months: int = 36
    #: Repeated wins: an organization with at least this many awards and this share (percent)
    #: of a community's awards within the window.
    oversight_repeat_win_window_days: int = 730
    oversight_repeat_win_min_count: int = 3
    oversight_repeat_win_share_pct: int = 50
    #: Single-source share of a community's awarded value within the window, with at least
    #: this many awards in it.
    oversight_single_source_window_days: int = 365
    oversight_single_source_share_pct: int = 50
    oversight_single_source_min_awards: int = 3
    #: Regular price pattern: steps or ratios between sorted bids equal within this many basis
    #: points (of the ceiling, for steps); at least this many opened bids.
    oversight_price_pattern_tolerance_bp: int = 10
    oversight_price_pattern_min_bids: int = 3
    #: Bids clustering under the ceiling: every opened bid (at least two) within this many
    #: basis points below it.
    oversight_ceiling_cluster_bp: int = 200
    #: The same beneficiary in the reports of at least this many projects (of different
    #: organizations, over overlapping periods).
    oversight_beneficiary_min_projects: int = 2
    public_base_url: str = "http://127.0.0.1:8000"
    log_level: str = "INFO"

    @property
    def is_production(self) -> bool:
        return self.env is Environment.PRODUCTION

    @property
    def is_test(self) -> bool:
        return self.env is Environment.TEST

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def bind_host(self) -> str:
        return self.bind.rsplit(":", 1)[0]

    @property
    def bind_port(self) -> int:
        return int(self.bind.rsplit(":", 1)[1])


def _read_or_create_dev_secret(var_dir: Path) -> str:
    path = var_dir / "secret.key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    env_vars = dict(os.environ if environ is None else environ)
    raw_env = env_vars.get("MATCHMAKER_ENV", "")
    if not raw_env:
        url = env_vars.get("MATCHMAKER_DATABASE_URL", "")
        if url.startswith(("postgres://", "postgresql")):
            # A server pointed at PostgreSQL is a deployment: forgetting MATCHMAKER_ENV must not
            # quietly serve GraphiQL, introspection and open metrics (docs/security.md).
            raise ConfigError(
                "MATCHMAKER_ENV must be set explicitly (production, development or test) when "
                "MATCHMAKER_DATABASE_URL points at PostgreSQL"
            )
        raw_env = "development"
    try:
        env = Environment(raw_env)
    except ValueError:
        raise ConfigError(
            f"MATCHMAKER_ENV={raw_env!r} is not one of development, production, test"
        ) from None
    var_dir = Path(env_vars.get("MATCHMAKER_VAR_DIR", "var")).resolve()
    database_url = env_vars.get("MATCHMAKER_DATABASE_URL") or (
        f"sqlite+aiosqlite:///{var_dir / 'matchmaker.db'}"
    )
    database_url = normalize_database_url(database_url)
    secret = env_vars.get("MATCHMAKER_SECRET_KEY", "")
    if not secret:
        if env is Environment.PRODUCTION:
            raise ConfigError(
                "MATCHMAKER_SECRET_KEY must be set in production: it encrypts resident ID "
                "numbers and signs sessions. Generate one with "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
            )
        secret = _read_or_create_dev_secret(var_dir)
    elif len(secret) < 32:
        raise ConfigError("MATCHMAKER_SECRET_KEY must be at least 32 characters long")
    bind = env_vars.get("MATCHMAKER_BIND", "127.0.0.1:8000")
    if ":" not in bind or not bind.rsplit(":", 1)[1].isdigit():
        raise ConfigError(f"MATCHMAKER_BIND={bind!r} must look like HOST:PORT")
    log_level = env_vars.get("MATCHMAKER_LOG_LEVEL", "INFO").upper()
    if log_level not in _LOG_LEVELS:
        raise ConfigError(
            f"MATCHMAKER_LOG_LEVEL={log_level!r} is not one of {', '.join(_LOG_LEVELS)}"
        )
    redis_url = env_vars.get("MATCHMAKER_REDIS_URL") or None
    if redis_url and not redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(
            f"MATCHMAKER_REDIS_URL={redis_url!r} must start with redis:// or rediss://"
        )
    test_clock = env_vars.get("MATCHMAKER_TEST_CLOCK", "") not in ("", "0")
    if test_clock and env is not Environment.TEST:
        raise ConfigError("MATCHMAKER_TEST_CLOCK is only allowed with MATCHMAKER_ENV=test")
    metrics_token = env_vars.get("MATCHMAKER_METRICS_TOKEN") or None
    if metrics_token is not None and (
        len(metrics_token) < 16 or metrics_token != metrics_token.strip()
    ):
        raise ConfigError(
            "MATCHMAKER_METRICS_TOKEN must be at least 16 characters without surrounding "
            "spaces (it is sent as `Authorization: Bearer <token>`)"
        )
    return Settings(
        env=env,
        database_url=database_url,
        redis_url=redis_url,
        secret_key=secret,
        bind=bind,
        var_dir=var_dir,
        session_ttl_hours=_positive_int(env_vars, "MATCHMAKER_SESSION_TTL_HOURS", 24 * 14),
        max_request_bytes=_positive_int(env_vars, "MATCHMAKER_MAX_REQUEST_BYTES", 256 * 1024),
        max_upload_bytes=_positive_int(env_vars, "MATCHMAKER_MAX_UPLOAD_BYTES", 48 * 1024 * 1024),
        test_clock=test_clock,
        login_max_failures=_positive_int(env_vars, "MATCHMAKER_LOGIN_MAX_FAILURES", 5),
        login_max_failures_per_address=_positive_int(
            env_vars, "MATCHMAKER_LOGIN_MAX_FAILURES_PER_ADDRESS", 20
        ),
        login_window_seconds=_positive_int(env_vars, "MATCHMAKER_LOGIN_WINDOW_SECONDS", 15 * 60),
        checkin_max_failures=_positive_int(env_vars, "MATCHMAKER_CHECKIN_MAX_FAILURES", 10),
        registration_max_per_address=_positive_int(
            env_vars, "MATCHMAKER_REGISTRATION_MAX_PER_ADDRESS", 20
        ),
        registration_window_seconds=_positive_int(
            env_vars, "MATCHMAKER_REGISTRATION_WINDOW_SECONDS", 60 * 60
        ),
        oversight_export_direct_max_rows=_positive_int(
            env_vars, "MATCHMAKER_OVERSIGHT_EXPORT_DIRECT_MAX_ROWS", 2000
        ),
        metrics_token=metrics_token,
        open_tender_min_days=_positive_int(env_vars, "MATCHMAKER_OPEN_TENDER_MIN_DAYS", 20),
        oversight_open_tender_threshold_fen=_positive_int(
            env_vars, "MATCHMAKER_OVERSIGHT_OPEN_TENDER_THRESHOLD_FEN", 2_000_000 * 100
        ),
        oversight_split_window_days=_positive_int(
            env_vars, "MATCHMAKER_OVERSIGHT_SPLIT_WINDOW_DAYS", 90
        ),
        oversight_hhi_flag=_positive_int(env_vars, "MATCHMAKER_OVERSIGHT_HHI_FLAG", 2500),
        oversight_max_daily_minutes=_positive_int(
            env_vars, "MATCHMAKER_OVERSIGHT_MAX_DAILY_MINUTES", 16 * 60
        ),
        oversight_outlier_min_sample=_positive_int(
            env_vars, "MATCHMAKER_OVERSIGHT_OUTLIER_MIN_SAMPLE", 8
        ),
        **_oversight_rule_settings(env_vars),
        **_matching_settings(env_vars),
        public_base_url=env_vars.get("MATCHMAKER_PUBLIC_URL", f"http://{bind}"),
        log_level=log_level,
    )


#: Oversight rule settings read from ``MATCHMAKER_<NAME>`` (docs/oversight.md, "Rules"): each a
#: positive whole number with the default declared on :class:`Settings`.
_OVERSIGHT_RULE_INTS = (
    "oversight_evaluator_link_months",
    "oversight_repeat_win_window_days",
    "oversight_repeat_win_min_count",
    "oversight_repeat_win_share_pct",
    "oversight_single_source_window_days",
    "oversight_single_source_share_pct",
    "oversight_single_source_min_awards",
    "oversight_price_pattern_tolerance_bp",
    "oversight_price_pattern_min_bids",
    "oversight_ceiling_cluster_bp",
    "oversight_beneficiary_min_projects",
)


def _oversight_rule_settings(env_vars: dict[str, str]) -> dict[str, Any]:
    defaults: dict[str, Any] = {f.name: f.default for f in fields(Settings)}
    values: dict[str, Any] = {
        name: _positive_int(env_vars, f"MATCHMAKER_{name.upper()}", int(defaults[name]))
        for name in _OVERSIGHT_RULE_INTS
    }
    for name in ("oversight_repeat_win_share_pct", "oversight_single_source_share_pct"):
        if values[name] > 100:
            raise ConfigError(f"MATCHMAKER_{name.upper()} is a percentage (1 to 100)")
    return values


#: Matching settings read from ``MATCHMAKER_<NAME>`` (docs/matching.md): whole numbers, and the
#: fractions in ``_MATCHING_FRACTIONS`` (strictly between 0 and 1).
_MATCHING_INTS = (
    "matching_new_org_years",
    "matching_small_org_staff",
    "matching_org_invitations_per_month",
    "matching_max_candidates",
    "matching_outcome_window_days",
    "matching_volunteer_invitations_per_week",
    "matching_min_training_rows",
    "matching_min_training_groups",
)
_MATCHING_FRACTIONS = (
    "matching_org_fair_p",
    "matching_org_fair_alpha",
    "matching_exposure_strength",
)


def _matching_settings(env_vars: dict[str, str]) -> dict[str, Any]:
    defaults: dict[str, Any] = {f.name: f.default for f in fields(Settings)}
    values: dict[str, Any] = {
        name: _positive_int(env_vars, f"MATCHMAKER_{name.upper()}", int(defaults[name]))
        for name in _MATCHING_INTS
    }
    for name in _MATCHING_FRACTIONS:
        variable = f"MATCHMAKER_{name.upper()}"
        raw = env_vars.get(variable)
        if raw is None or raw == "":
            values[name] = defaults[name]
            continue
        try:
            value = float(raw)
        except ValueError:
            raise ConfigError(f"{variable}={raw!r} must be a number") from None
        if not 0 < value < 1:
            raise ConfigError(f"{variable}={raw!r} must be between 0 and 1")
        values[name] = value
    return values


_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def _positive_int(env_vars: dict[str, str], name: str, default: int) -> int:
    raw = env_vars.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} must be a whole number") from None
    if value <= 0:
        raise ConfigError(f"{name}={raw!r} must be positive")
    return value


def normalize_database_url(url: str) -> str:
    """Accept the usual spellings and pick the async drivers we ship with."""
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url.removeprefix("sqlite:///")
    return url


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
