"""Settings come from MATCHMAKER_* variables, with defaults that need none of them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import matchmaker
from matchmaker.config import ConfigError, Environment, load_settings

SECRET = "s" * 40
MATCHMAKER = Path(sys.executable).with_name("matchmaker")


def test_defaults_need_no_environment(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = load_settings({})
    assert settings.env is Environment.DEVELOPMENT
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path / 'var' / 'matchmaker.db'}"
    assert settings.redis_url is None
    assert (settings.bind_host, settings.bind_port) == ("127.0.0.1", 8000)
    assert settings.login_max_failures == 5 and settings.login_max_failures_per_address == 20


def test_the_development_secret_is_generated_once_and_kept_private(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = load_settings({}).secret_key
    assert len(first) >= 32
    assert load_settings({}).secret_key == first
    assert (tmp_path / "var" / "secret.key").stat().st_mode & 0o077 == 0


def test_production_without_a_secret_key_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="MATCHMAKER_SECRET_KEY must be set in production"):
        load_settings({"MATCHMAKER_ENV": "production", "MATCHMAKER_VAR_DIR": str(tmp_path)})
    assert not (tmp_path / "secret.key").exists()


def test_serve_in_production_without_a_secret_exits_non_zero_with_the_message(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MATCHMAKER_")}
    env.update(
        MATCHMAKER_ENV="production",
        MATCHMAKER_VAR_DIR=str(tmp_path),
        PYTHONPATH=str(Path(matchmaker.__file__).resolve().parents[1]),
    )
    result = subprocess.run(
        [str(MATCHMAKER), "serve"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "MATCHMAKER_SECRET_KEY must be set in production" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("MATCHMAKER_ENV", "staging", "is not one of development, production, test"),
        ("MATCHMAKER_SECRET_KEY", "too-short", "at least 32 characters"),
        ("MATCHMAKER_BIND", "localhost", "must look like HOST:PORT"),
        ("MATCHMAKER_SESSION_TTL_HOURS", "two", "must be a whole number"),
        ("MATCHMAKER_LOGIN_MAX_FAILURES", "0", "must be positive"),
        ("MATCHMAKER_LOG_LEVEL", "LOUD", "is not one of"),
        ("MATCHMAKER_REDIS_URL", "localhost:6379", "must start with redis://"),
        ("MATCHMAKER_MATCHING_MAX_CANDIDATES", "many", "must be a whole number"),
        ("MATCHMAKER_MATCHING_ORG_FAIR_P", "1.5", "must be between 0 and 1"),
        ("MATCHMAKER_MATCHING_EXPOSURE_STRENGTH", "strong", "must be a number"),
        ("MATCHMAKER_OVERSIGHT_REPEAT_WIN_SHARE_PCT", "150", "is a percentage"),
        ("MATCHMAKER_OVERSIGHT_EVALUATOR_LINK_MONTHS", "0", "must be positive"),
    ],
)
def test_invalid_values_name_the_variable(tmp_path, variable, value, message):
    environ = {
        "MATCHMAKER_VAR_DIR": str(tmp_path),
        "MATCHMAKER_SECRET_KEY": SECRET,
        variable: value,
    }
    with pytest.raises(ConfigError, match=message) as info:
        load_settings(environ)
    assert variable in str(info.value)


def test_every_setting_is_read_from_the_environment(tmp_path):
    settings = load_settings(
        {
            "MATCHMAKER_ENV": "production",
            "MATCHMAKER_DATABASE_URL": "postgres://u:p@db:5432/mm",
            "MATCHMAKER_REDIS_URL": "redis://cache:6379/0",
            "MATCHMAKER_SECRET_KEY": SECRET,
            "MATCHMAKER_BIND": "0.0.0.0:9000",
            "MATCHMAKER_VAR_DIR": str(tmp_path),
            "MATCHMAKER_SESSION_TTL_HOURS": "8",
            "MATCHMAKER_LOGIN_MAX_FAILURES": "3",
            "MATCHMAKER_LOGIN_MAX_FAILURES_PER_ADDRESS": "10",
            "MATCHMAKER_LOGIN_WINDOW_SECONDS": "600",
            "MATCHMAKER_OPEN_TENDER_MIN_DAYS": "25",
            "MATCHMAKER_PUBLIC_URL": "https://mm.example.cn",
            "MATCHMAKER_LOG_LEVEL": "warning",
            "MATCHMAKER_MATCHING_MAX_CANDIDATES": "500",
            "MATCHMAKER_MATCHING_ORG_FAIR_P": "0.4",
            "MATCHMAKER_MATCHING_VOLUNTEER_INVITATIONS_PER_WEEK": "2",
            "MATCHMAKER_OVERSIGHT_SINGLE_SOURCE_SHARE_PCT": "40",
            "MATCHMAKER_OVERSIGHT_CEILING_CLUSTER_BP": "150",
        }
    )
    assert settings.oversight_single_source_share_pct == 40
    assert settings.oversight_ceiling_cluster_bp == 150
    assert settings.oversight_evaluator_link_months == 36  # not set: the documented default
    assert settings.matching_max_candidates == 500
    assert settings.matching_org_fair_p == 0.4
    assert settings.matching_volunteer_invitations_per_week == 2
    assert settings.matching_org_fair_alpha == 0.1  # not set: the documented default
    assert settings.is_production and settings.secret_key == SECRET
    assert settings.database_url == "postgresql+psycopg://u:p@db:5432/mm"
    assert settings.redis_url == "redis://cache:6379/0"
    assert (settings.bind_host, settings.bind_port) == ("0.0.0.0", 9000)
    assert (settings.session_ttl_hours, settings.login_window_seconds) == (8, 600)
    assert (settings.login_max_failures, settings.login_max_failures_per_address) == (3, 10)
    assert settings.open_tender_min_days == 25
    assert settings.public_base_url == "https://mm.example.cn"
    assert settings.log_level == "WARNING"


def test_sqlite_urls_get_the_async_driver():
    from matchmaker.config import normalize_database_url

    assert normalize_database_url("sqlite:///x.db") == "sqlite+aiosqlite:///x.db"
    assert normalize_database_url("postgresql://h/db") == "postgresql+psycopg://h/db"
