"""The one place configuration is read from the environment.

``Settings.from_env()`` is called by the CLI and the ASGI factory only; everything else gets a
``Settings`` passed in (tests build one directly).
"""

from __future__ import annotations

import logging
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from festival.addresses import TrustedProxies, TrustedProxiesError
from festival.oidc.config import OidcProvider, ProviderConfigError, parse_providers
from realtime.admission import AddressLimits, per_window
from realtime.broker.namespace import NAMESPACE_RULE, is_namespace
from realtime.limits import Rate

log = logging.getLogger("festival.settings")

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./festival.db"


class SettingsError(ValueError):
    """A configuration value that cannot be used."""


def normalise_database_url(url: str) -> str:
    """Accept the URLs hosting platforms hand out and pick the async driver.

    ``postgres://`` and ``postgresql://`` become ``postgresql+asyncpg://``; ``sqlite://``
    becomes ``sqlite+aiosqlite://``.
    """
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        return "postgresql+asyncpg://" + url[len("postgresql://") :]
    if url.startswith("sqlite://"):
        return "sqlite+aiosqlite://" + url[len("sqlite://") :]
    if url.startswith(("postgresql+asyncpg://", "sqlite+aiosqlite://")):
        return url
    raise SettingsError(
        f"DATABASE_URL {url!r} is not supported: use sqlite:///path.db or postgresql://..."
    )


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _kib(value: str | None) -> int:
    value = (value or "2048").strip()
    if re.fullmatch(r"[0-9]{1,7}", value) is None or int(value) < 16:
        raise SettingsError(f"ROOM_OUTBOX_KIB={value!r}: give a whole number of KiB, 16 or more")
    return int(value)


def _upload_mb(value: str | None) -> int:
    value = (value or "20").strip()
    if re.fullmatch(r"[0-9]{1,4}", value) is None or int(value) < 1:
        raise SettingsError(
            f"MEDIA_MAX_UPLOAD_MB={value!r}: give a whole number of megabytes (MiB), 1 or more"
        )
    return int(value) * 1024 * 1024


def _log_format(value: str | None) -> str:
    value = (value or "text").strip().lower()
    if value not in {"text", "json"}:
        raise SettingsError(f"LOG_FORMAT={value!r}: use text or json")
    return value


def _redis_namespace(value: str | None) -> str | None:
    value = (value or "").strip()
    if value and not is_namespace(value):
        raise SettingsError(f"REDIS_NAMESPACE={value!r}: use {NAMESPACE_RULE}")
    return value or None


_WINDOW_UNITS = {"s": 1, "m": 60, "h": 3600}


def _per_window(name: str, value: str | None, default: Rate) -> Rate:
    """``COUNT/WINDOW`` (``1000/1m``: a burst of 1000, refilled over a minute); s, m or h."""
    if value is None or not value.strip():
        return default
    found = re.fullmatch(r"\s*([0-9]{1,7})\s*/\s*([0-9]{1,5})\s*([smh])\s*", value)
    if found is None or int(found.group(1)) < 1 or int(found.group(2)) < 1:
        raise SettingsError(
            f"{name}={value!r}: give COUNT/WINDOW, e.g. 1000/1m (a window in s, m or h)"
        )
    return per_window(int(found.group(1)), int(found.group(2)) * _WINDOW_UNITS[found.group(3)])


def _address_limits(env: Mapping[str, str]) -> AddressLimits:
    default = AddressLimits()
    connections = (env.get("ROOM_ADDRESS_CONNECTIONS") or str(default.connections)).strip()
    if re.fullmatch(r"[0-9]{1,7}", connections) is None or int(connections) < 1:
        raise SettingsError(
            f"ROOM_ADDRESS_CONNECTIONS={connections!r}: give a whole number, 1 or more"
        )
    return AddressLimits(
        connections=int(connections),
        joins=_per_window("ROOM_ADDRESS_JOINS", env.get("ROOM_ADDRESS_JOINS"), default.joins),
        new_guests=_per_window(
            "ROOM_ADDRESS_NEW_GUESTS", env.get("ROOM_ADDRESS_NEW_GUESTS"), default.new_guests
        ),
        commands=_per_window(
            "ROOM_ADDRESS_COMMANDS", env.get("ROOM_ADDRESS_COMMANDS"), default.commands
        ),
    )


def _trusted_proxies(value: str | None) -> tuple[str, ...]:
    entries = tuple(entry.strip() for entry in (value or "").split(",") if entry.strip())
    try:
        TrustedProxies.parse(entries)
    except TrustedProxiesError as exc:
        raise SettingsError(str(exc)) from None
    return entries


@dataclass(frozen=True)
class SmtpSettings:
    """The mail server account mail goes through (SMTP_HOST, SMTP_PORT, SMTP_FROM, ...)."""

    host: str
    port: int = 587
    sender: str = ""  # SMTP_FROM: "Festival <festival@example.org>"
    user: str | None = None
    password: str | None = None
    starttls: bool = True  # upgrade the connection with STARTTLS before signing in


def _smtp(env: Mapping[str, str]) -> SmtpSettings | None:
    host = (env.get("SMTP_HOST") or "").strip()
    if not host:
        return None
    port = (env.get("SMTP_PORT") or "587").strip()
    if re.fullmatch(r"[0-9]{1,5}", port) is None or not 0 < int(port) < 65536:
        raise SettingsError(f"SMTP_PORT={port!r}: give a port number such as 587")
    sender = (env.get("SMTP_FROM") or "").strip()
    if "@" not in sender:
        raise SettingsError(
            f"SMTP_FROM={sender!r}: give the address mail is sent from, such as "
            "festival@example.org (needed with SMTP_HOST)"
        )
    return SmtpSettings(
        host=host,
        port=int(port),
        sender=sender,
        user=env.get("SMTP_USER") or None,
        password=env.get("SMTP_PASSWORD") or None,
        starttls=_bool(env.get("SMTP_STARTTLS"), default=True),
    )


def _oidc_providers(env: Mapping[str, str]) -> tuple[OidcProvider, ...]:
    try:
        return parse_providers(env)
    except ProviderConfigError as exc:
        raise SettingsError(str(exc)) from None


def requested_log_format(environ: Mapping[str, str]) -> str:
    """LOG_FORMAT as far as it can be honoured while reporting that the settings are unusable."""
    return "json" if (environ.get("LOG_FORMAT") or "").strip().lower() == "json" else "text"


@dataclass(frozen=True)
class Settings:
    """Everything configurable, with the embedded defaults."""

    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    # REDIS_NAMESPACE: keeps this deployment's rooms apart from others sharing its Redis
    # database (realtime/broker/namespace.py); unset: derived from the database number.
    redis_namespace: str | None = None
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    secret_key_generated: bool = True
    site_url: str = "http://127.0.0.1:8000"
    debug: bool = False
    default_edition: str = "learningplanet-2027"
    cancelled_retention_days: int = 30
    templates_dir: Path = ROOT / "templates"
    static_dir: Path = ROOT / "static"
    check_migrations: bool = True
    admin_password: str | None = None  # ADMIN_PASSWORD: admin sign-in until accounts exist
    # Live rooms: ROOM_RATE_LIMITS=off lifts per-identity and per-connection rate limits (load
    # tests and benchmarks only); ROOM_OUTBOX_KIB is what a connection may have queued before it
    # is cut off as too slow.
    room_rate_limits: bool = True
    room_outbox_kib: int = 2048
    # TRUSTED_PROXIES: the load balancers and reverse proxies (addresses, CIDR networks, or
    # "unix") whose X-Forwarded-For names the client (festival/addresses.py); none by default.
    trusted_proxies: tuple[str, ...] = ()
    # ROOM_ADDRESS_CONNECTIONS, _JOINS, _NEW_GUESTS, _COMMANDS: what one network address may do
    # in the live rooms (realtime/admission.py); lifted with ROOM_RATE_LIMITS=off.
    room_address_limits: AddressLimits = field(default_factory=AddressLimits)
    log_format: str = "text"  # LOG_FORMAT: "text" for people, "json" for a log pipeline
    # GC_TUNING=off keeps CPython's garbage collector settings in serving processes (to compare;
    # festival/gcpauses.py says why they are changed).
    gc_tuning: bool = True
    # METRICS_DIR: where the worker processes of one host share their figures, so that /metrics
    # on any of them answers for all (uvicorn --workers N behind one port); unset: each
    # process reports itself.
    metrics_dir: Path | None = None
    # METRICS_TOKEN: when set, /metrics answers only requests with "Authorization: Bearer
    # <token>" (the figures say how busy the site is and which rooms run); unset: public.
    metrics_token: str | None = None
    # FORWARDED_ALLOW_IPS is uvicorn's, not ours: kept only to warn a serving process
    # (warn_forwarded_allow_ips) that TRUSTED_PROXIES is the setting that counts.
    forwarded_allow_ips: str | None = None
    # SMTP_*: where account mail (invitations, password resets) is sent; without SMTP_HOST the
    # links are written to the log instead (festival/mail.py).
    smtp: SmtpSettings | None = None
    # MEDIA_DIR: where uploaded toolkit files are kept (festival/media.py), next to the embedded
    # database by default; every host serving the site must see the same files (docs/deploy.md).
    media_dir: Path = Path("media")
    # MEDIA_MAX_UPLOAD_MB: the largest file an organiser may upload, refused while it streams.
    media_max_upload_bytes: int = 20 * 1024 * 1024
    # OIDC_PROVIDERS and OIDC_<NAME>_*: the OpenID Connect providers people may sign in with
    # (festival/oidc/config.py, docs/sign-in.md); none: no button.
    oidc_providers: tuple[OidcProvider, ...] = ()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        secret = env.get("SECRET_KEY", "")
        generated = not secret
        if generated:
            # Said by the process that signs with it (warn_generated_secret), not here: every
            # command builds settings, and most of them sign nothing.
            secret = secrets.token_urlsafe(32)
        retention = (env.get("CANCELLED_RETENTION_DAYS") or "30").strip()
        # Not str.isdigit(): it accepts "²", which int() then refuses with a bare ValueError.
        if re.fullmatch(r"[0-9]{1,5}", retention) is None:
            raise SettingsError(
                f"CANCELLED_RETENTION_DAYS={retention!r}: give a whole number of days (0-99999)"
            )
        return cls(
            database_url=normalise_database_url(env.get("DATABASE_URL") or DEFAULT_DATABASE_URL),
            redis_url=env.get("REDIS_URL") or None,
            redis_namespace=_redis_namespace(env.get("REDIS_NAMESPACE")),
            secret_key=secret,
            secret_key_generated=generated,
            site_url=(env.get("SITE_URL") or "http://127.0.0.1:8000").rstrip("/"),
            debug=_bool(env.get("DEBUG")),
            default_edition=env.get("FESTIVAL_EDITION") or "learningplanet-2027",
            cancelled_retention_days=int(retention),
            admin_password=env.get("ADMIN_PASSWORD") or None,
            room_rate_limits=_bool(env.get("ROOM_RATE_LIMITS"), default=True),
            room_outbox_kib=_kib(env.get("ROOM_OUTBOX_KIB")),
            trusted_proxies=_trusted_proxies(env.get("TRUSTED_PROXIES")),
            room_address_limits=_address_limits(env),
            log_format=_log_format(env.get("LOG_FORMAT")),
            gc_tuning=_bool(env.get("GC_TUNING"), default=True),
            metrics_dir=Path(env["METRICS_DIR"]) if env.get("METRICS_DIR") else None,
            metrics_token=env.get("METRICS_TOKEN") or None,
            forwarded_allow_ips=env.get("FORWARDED_ALLOW_IPS") or None,
            smtp=_smtp(env),
            media_dir=Path(env.get("MEDIA_DIR") or "media"),
            media_max_upload_bytes=_upload_mb(env.get("MEDIA_MAX_UPLOAD_MB")),
            oidc_providers=_oidc_providers(env),
        )

    def with_(self, **changes: object) -> Settings:
        """A copy with some fields changed (tests)."""
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


GENERATED_SECRET_WARNING = (
    "SECRET_KEY is not set: using a random development key. Sessions and guest cookies will "
    "not survive a restart, and processes that do not share it refuse each other's cookies. "
    "Set SECRET_KEY in production."
)


def warn_generated_secret(settings: Settings) -> None:
    """Say once, in a process that signs cookies with it, that the key is a throwaway one."""
    if settings.secret_key_generated:
        log.warning(GENERATED_SECRET_WARNING)


FORWARDED_ALLOW_IPS_WARNING = (
    "FORWARDED_ALLOW_IPS is set: uvicorn would rewrite client addresses before the app sees "
    "them. Set TRUSTED_PROXIES instead and run uvicorn with --no-proxy-headers (the Procfile "
    "and festival serve do)."
)


def warn_forwarded_allow_ips(settings: Settings) -> None:
    """Say once, in a serving process, that uvicorn's proxy setting is not the one we read."""
    if settings.forwarded_allow_ips:
        log.warning(FORWARDED_ALLOW_IPS_WARNING)


def settings_or_exit(environ: Mapping[str, str] | None = None) -> Settings:
    """``Settings.from_env()`` for a server process: an unusable value is one logged line and
    exit status 2 (a configuration error, as for ``festival``), not a traceback."""
    from festival.logs import configure_logging

    env = os.environ if environ is None else environ
    try:
        return Settings.from_env(env)
    except SettingsError as exc:
        configure_logging(requested_log_format(env))
        log.error("%s", exc)
        raise SystemExit(2) from None
