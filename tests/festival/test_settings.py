"""Settings.from_env: the embedded defaults, URL normalisation, and refused values."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from festival.app import create_app
from festival.settings import (
    DEFAULT_DATABASE_URL,
    FORWARDED_ALLOW_IPS_WARNING,
    GENERATED_SECRET_WARNING,
    ROOT,
    Settings,
    SettingsError,
    normalise_database_url,
    requested_log_format,
    warn_generated_secret,
)
from realtime.limits import Rate
from tests.conftest import make_settings


def test_from_env_defaults_are_the_embedded_ones() -> None:
    settings = Settings.from_env({})

    assert settings.database_url == "sqlite+aiosqlite:///./festival.db"
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.redis_url is None
    assert settings.site_url == "http://127.0.0.1:8000"
    assert settings.debug is False
    assert settings.default_edition == "learningplanet-2027"
    assert settings.cancelled_retention_days == 30
    assert settings.templates_dir == ROOT / "templates"
    assert settings.static_dir == ROOT / "static"
    assert settings.check_migrations is True
    assert settings.gc_tuning is True
    assert settings.is_sqlite is True


def test_from_env_reads_every_variable() -> None:
    settings = Settings.from_env(
        {
            "DATABASE_URL": "postgres://festival:pw@db.internal:5432/festival",
            "REDIS_URL": "redis://cache.internal:6379/2",
            "SECRET_KEY": "a-long-production-secret",
            "SITE_URL": "https://festival.example.org/",
            "FESTIVAL_EDITION": "assembly-2027",
            "CANCELLED_RETENTION_DAYS": "90",
            "DEBUG": "true",
            "GC_TUNING": "off",
        }
    )

    assert settings.database_url == "postgresql+asyncpg://festival:pw@db.internal:5432/festival"
    assert settings.redis_url == "redis://cache.internal:6379/2"
    assert settings.secret_key == "a-long-production-secret"
    assert settings.secret_key_generated is False
    assert settings.site_url == "https://festival.example.org"
    assert settings.default_edition == "assembly-2027"
    assert settings.cancelled_retention_days == 90
    assert settings.debug is True
    assert settings.gc_tuning is False
    assert settings.is_sqlite is False


def test_from_env_given_a_mapping_ignores_the_process_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SECRET_KEY", "from-the-process")
    monkeypatch.setenv("DATABASE_URL", "postgresql://elsewhere/db")

    settings = Settings.from_env({})

    assert settings.secret_key_generated is True
    assert settings.database_url == DEFAULT_DATABASE_URL


def test_from_env_without_mapping_reads_the_process_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SECRET_KEY", "from-the-process")
    monkeypatch.setenv("DATABASE_URL", "sqlite:///tmp/from-env.db")

    settings = Settings.from_env()

    assert settings.secret_key == "from-the-process"
    assert settings.database_url == "sqlite+aiosqlite:///tmp/from-env.db"


def test_from_env_empty_values_mean_unset() -> None:
    settings = Settings.from_env(
        {
            "DATABASE_URL": "",
            "REDIS_URL": "",
            "SITE_URL": "",
            "FESTIVAL_EDITION": "",
            "CANCELLED_RETENTION_DAYS": "",
            "DEBUG": "",
        }
    )

    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.redis_url is None
    assert settings.site_url == "http://127.0.0.1:8000"
    assert settings.default_edition == "learningplanet-2027"
    assert settings.cancelled_retention_days == 30
    assert settings.debug is False


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@h:5432/db", "postgresql+asyncpg://u:p@h:5432/db"),
        ("postgresql://u@127.0.0.1/test", "postgresql+asyncpg://u@127.0.0.1/test"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("sqlite:///./festival.db", "sqlite+aiosqlite:///./festival.db"),
        ("sqlite:////var/lib/festival.db", "sqlite+aiosqlite:////var/lib/festival.db"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
    ],
)
def test_normalise_database_url_picks_the_async_driver(given: str, expected: str) -> None:
    assert normalise_database_url(given) == expected


@pytest.mark.parametrize(
    "url", ["mysql://u@h/db", "postgresql+psycopg2://u@h/db", "festival.db", ""]
)
def test_normalise_database_url_refuses_other_databases(url: str) -> None:
    with pytest.raises(SettingsError, match="is not supported"):
        normalise_database_url(url)


def test_from_env_refuses_an_unsupported_database_url() -> None:
    with pytest.raises(SettingsError, match="DATABASE_URL 'mysql://u@h/db' is not supported"):
        Settings.from_env({"DATABASE_URL": "mysql://u@h/db", "SECRET_KEY": "s"})


def test_from_env_generated_secret_is_random_and_logs_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Every command builds settings; only a process that signs says the key is a throwaway.
    with caplog.at_level(logging.DEBUG, logger="festival.settings"):
        first = Settings.from_env({})
        second = Settings.from_env({})

    assert [r for r in caplog.records if r.name == "festival.settings"] == []
    assert first.secret_key_generated is True
    assert len(first.secret_key) >= 32
    assert first.secret_key != second.secret_key


def test_warn_generated_secret_logs_one_loud_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="festival.settings"):
        warn_generated_secret(Settings.from_env({}))
        warn_generated_secret(Settings.from_env({"SECRET_KEY": "set-by-the-operator"}))

    warnings = [r for r in caplog.records if r.name == "festival.settings"]
    assert [(r.levelno, r.getMessage()) for r in warnings] == [
        (logging.WARNING, GENERATED_SECRET_WARNING)
    ]
    assert "Set SECRET_KEY in production" in GENERATED_SECRET_WARNING


def test_app_warns_once_at_startup_with_a_generated_secret(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(database_url).with_(secret_key_generated=True)
    with caplog.at_level(logging.WARNING, logger="festival.settings"):
        with TestClient(create_app(settings)) as client:
            client.get("/healthz")
            client.get("/healthz")

    said = [r.getMessage() for r in caplog.records if r.name == "festival.settings"]
    assert said == [GENERATED_SECRET_WARNING]


def test_from_env_given_secret_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="festival.settings"):
        settings = Settings.from_env({"SECRET_KEY": "set-by-the-operator"})

    assert [r for r in caplog.records if r.name == "festival.settings"] == []
    assert settings.secret_key_generated is False


@pytest.mark.parametrize("value", ["-1", "ten", "1.5", "2²", " 3 days", "1e3", "999999"])
def test_from_env_refuses_a_bad_retention(value: str) -> None:
    with pytest.raises(SettingsError, match="CANCELLED_RETENTION_DAYS"):
        Settings.from_env({"CANCELLED_RETENTION_DAYS": value, "SECRET_KEY": "s"})


@pytest.mark.parametrize(("value", "days"), [("0", 0), ("7", 7), (" 365 ", 365)])
def test_from_env_accepts_whole_days_of_retention(value: str, days: int) -> None:
    settings = Settings.from_env({"CANCELLED_RETENTION_DAYS": value, "SECRET_KEY": "s"})
    assert settings.cancelled_retention_days == days


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("true", True), ("YES", True), ("on", True), ("0", False), ("no", False)],
)
def test_from_env_debug_flag(value: str, expected: bool) -> None:
    assert Settings.from_env({"DEBUG": value, "SECRET_KEY": "s"}).debug is expected


def test_with_returns_a_changed_copy() -> None:
    base = Settings(secret_key="s", secret_key_generated=False)
    changed = base.with_(debug=True)
    assert (base.debug, changed.debug) == (False, True)
    assert changed.secret_key == "s"


def test_from_env_reads_the_redis_namespace() -> None:
    assert Settings.from_env({"SECRET_KEY": "s"}).redis_namespace is None
    assert Settings.from_env({"SECRET_KEY": "s", "REDIS_NAMESPACE": ""}).redis_namespace is None
    given = Settings.from_env({"SECRET_KEY": "s", "REDIS_NAMESPACE": " staging-eu "})
    assert given.redis_namespace == "staging-eu"


@pytest.mark.parametrize("value", ["a:b", "{room}", "db2", "-x", "x" * 65])
def test_from_env_refuses_a_redis_namespace_that_could_collide(value: str) -> None:
    with pytest.raises(SettingsError, match=r"^REDIS_NAMESPACE="):
        Settings.from_env({"SECRET_KEY": "s", "REDIS_NAMESPACE": value})


def test_from_env_trusted_proxies_default_to_none() -> None:
    assert Settings.from_env({}).trusted_proxies == ()


def test_from_env_reads_trusted_proxies() -> None:
    settings = Settings.from_env({"TRUSTED_PROXIES": " 10.0.0.0/8, 192.0.2.7 ,unix,"})
    assert settings.trusted_proxies == ("10.0.0.0/8", "192.0.2.7", "unix")


def test_from_env_refuses_a_trusted_proxy_that_is_not_an_address() -> None:
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({"TRUSTED_PROXIES": "10.0.0.0/8,lb.internal"})
    assert "TRUSTED_PROXIES entry 'lb.internal'" in str(refused.value)


def test_from_env_address_limits_default_to_the_documented_ones() -> None:
    limits = Settings.from_env({}).room_address_limits
    assert limits.connections == 1000
    assert limits.joins == Rate(1000, 1000 / 60)
    assert limits.new_guests == Rate(500, 500 / 600)
    assert limits.commands == Rate(1000, 100)


def test_from_env_reads_address_limits() -> None:
    limits = Settings.from_env(
        {
            "ROOM_ADDRESS_CONNECTIONS": "40",
            "ROOM_ADDRESS_JOINS": "30/1m",
            "ROOM_ADDRESS_NEW_GUESTS": "10 / 2h",
            "ROOM_ADDRESS_COMMANDS": "50/5s",
        }
    ).room_address_limits
    assert limits.connections == 40
    assert limits.joins == Rate(30, 0.5)
    assert limits.new_guests == Rate(10, 10 / 7200)
    assert limits.commands == Rate(50, 10.0)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ROOM_ADDRESS_CONNECTIONS", "0"),
        ("ROOM_ADDRESS_CONNECTIONS", "many"),
        ("ROOM_ADDRESS_JOINS", "30"),
        ("ROOM_ADDRESS_JOINS", "30/1d"),
        ("ROOM_ADDRESS_NEW_GUESTS", "0/1m"),
        ("ROOM_ADDRESS_COMMANDS", "5/0s"),
    ],
)
def test_from_env_refuses_unreadable_address_limits(name: str, value: str) -> None:
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({name: value})
    assert str(refused.value).startswith(f"{name}={value!r}: ")


def test_from_env_reads_forwarded_allow_ips_and_logs_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Every command and every worker reads settings; the serving process warns, once.
    with caplog.at_level(logging.DEBUG, logger="festival.settings"):
        settings = Settings.from_env({"SECRET_KEY": "k", "FORWARDED_ALLOW_IPS": "*"})

    assert [r for r in caplog.records if r.name == "festival.settings"] == []
    assert settings.forwarded_allow_ips == "*"


def test_serving_app_warns_once_that_uvicorn_proxy_headers_would_bypass_trusted_proxies(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="festival.settings"):
        with TestClient(create_app(settings.with_(forwarded_allow_ips="*"))) as client:
            for _ in range(3):
                client.get("/healthz")
        with TestClient(create_app(settings)) as client:
            client.get("/healthz")

    warnings = [r.getMessage() for r in caplog.records if "FORWARDED_ALLOW_IPS" in r.getMessage()]
    assert warnings == [FORWARDED_ALLOW_IPS_WARNING]
    assert "Set TRUSTED_PROXIES instead" in FORWARDED_ALLOW_IPS_WARNING


@pytest.mark.parametrize(
    ("value", "expected"), [("json", "json"), (" JSON ", "json"), ("text", "text"), ("xml", "text")]
)
def test_requested_log_format_honours_json_even_when_other_settings_fail(
    value: str, expected: str
) -> None:
    assert requested_log_format({"LOG_FORMAT": value, "DATABASE_URL": "mysql://x"}) == expected
    assert requested_log_format({}) == "text"


def test_from_env_media_defaults_and_values() -> None:
    default = Settings.from_env({})
    given = Settings.from_env({"MEDIA_DIR": "/srv/festival/media", "MEDIA_MAX_UPLOAD_MB": "5"})

    assert (default.media_dir, default.media_max_upload_bytes) == (Path("media"), 20 * 1024**2)
    assert (given.media_dir, given.media_max_upload_bytes) == (
        Path("/srv/festival/media"),
        5 * 1024**2,
    )


@pytest.mark.parametrize("value", ["0", "-1", "2.5", "lots", "99999"])
def test_from_env_refuses_a_bad_upload_limit(value: str) -> None:
    with pytest.raises(SettingsError, match="MEDIA_MAX_UPLOAD_MB"):
        Settings.from_env({"MEDIA_MAX_UPLOAD_MB": value})
