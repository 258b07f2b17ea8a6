"""Configuration read from the environment.

Every setting has a safe default for development; production sets them through environment
variables (see the README's configuration table).
"""

from __future__ import annotations

import os
from datetime import timedelta

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_SECRET_KEY = "dev-insecure-change-me"  # noqa: S105  # nosec B105 - refused outside debug


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def cache_type() -> str:
    """CACHE_TYPE if set, else RedisCache when CACHE_REDIS_URL is set, else SimpleCache."""
    return os.environ.get("CACHE_TYPE") or (
        "RedisCache" if os.environ.get("CACHE_REDIS_URL") else "SimpleCache"
    )


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


class Config:
    """Settings shared by every environment, each overridable by an environment variable."""

    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")  # None: SQLite in the instance folder
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    TIMEZONE = os.environ.get("APP_TIMEZONE", DEFAULT_TIMEZONE)
    PROVINCE_NAME = os.environ.get("PROVINCE_NAME", "Tỉnh Tuyên Quang")
    # Letterhead and signer of official documents (Decree 30/2020).
    DOCUMENT_ISSUING_BODY = os.environ.get("DOCUMENT_ISSUING_BODY", "THANH TRA TỈNH")
    DOCUMENT_SIGNER_TITLE = os.environ.get("DOCUMENT_SIGNER_TITLE", "CHÁNH THANH TRA")
    DOCUMENT_DRAFTING_UNIT = os.environ.get("DOCUMENT_DRAFTING_UNIT", "NV")
    # The documents' font folder (Tinos or Liberation Serif 2): found among installed fonts
    # when unset.
    DOCUMENT_FONT_DIR = os.environ.get("DOCUMENT_FONT_DIR")
    # Digital signature of issued documents (PAdES): the agency's PKCS#12 file and password, a
    # timestamp authority, and the CA certificates (PEM) whose signatures downloads trust.
    DOCUMENT_SIGNING_P12 = os.environ.get("DOCUMENT_SIGNING_P12")
    DOCUMENT_SIGNING_P12_PASSWORD = os.environ.get("DOCUMENT_SIGNING_P12_PASSWORD")
    # A key on a PKCS#11 token (USB token, HSM): it takes precedence over the PKCS#12 file.
    DOCUMENT_SIGNING_PKCS11_MODULE = os.environ.get("DOCUMENT_SIGNING_PKCS11_MODULE")
    DOCUMENT_SIGNING_PKCS11_TOKEN = os.environ.get("DOCUMENT_SIGNING_PKCS11_TOKEN")
    DOCUMENT_SIGNING_PKCS11_PIN = os.environ.get("DOCUMENT_SIGNING_PKCS11_PIN")
    DOCUMENT_SIGNING_PKCS11_KEY = os.environ.get("DOCUMENT_SIGNING_PKCS11_KEY")
    DOCUMENT_SIGNING_PKCS11_CERT = os.environ.get("DOCUMENT_SIGNING_PKCS11_CERT")
    DOCUMENT_SIGNING_REQUIRED = os.environ.get("DOCUMENT_SIGNING_REQUIRED")
    DOCUMENT_TSA_URL = os.environ.get("DOCUMENT_TSA_URL")
    DOCUMENT_TRUST_ROOTS = os.environ.get("DOCUMENT_TRUST_ROOTS")

    # Sessions: idle sessions expire; cookies are secure outside debug.
    IDLE_TIMEOUT_MINUTES = _int("IDLE_TIMEOUT_MINUTES", 30)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE

    # Login throttling: after N failures within the window, the account or client waits.
    LOGIN_MAX_FAILURES = _int("LOGIN_MAX_FAILURES", 5)
    LOGIN_LOCK_MINUTES = _int("LOGIN_LOCK_MINUTES", 15)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_LOGIN = os.environ.get("RATELIMIT_LOGIN", "30 per minute")
    RATELIMIT_HEADERS_ENABLED = True
    # The JSON API: requests per token (or per client address without one).
    RATELIMIT_API = os.environ.get("RATELIMIT_API", "300 per minute")

    # Reverse proxies in front of the app whose X-Forwarded-* headers are trusted (ProxyFix):
    # 0 = none (the app is reached directly; forwarded headers are ignored).
    TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)

    # The cache (Flask-Caching) holding the dashboard's aggregates for DASHBOARD_CACHE_SECONDS
    # (0 = always recompute): Redis, shared by every worker, when CACHE_REDIS_URL is set;
    # otherwise each process keeps its own (SimpleCache).
    CACHE_REDIS_URL = os.environ.get("CACHE_REDIS_URL")
    CACHE_TYPE = cache_type()
    DASHBOARD_CACHE_SECONDS = _int("DASHBOARD_CACHE_SECONDS", 60)

    # Logs: LOG_FORMAT=json writes one JSON line per request (user, route, status, duration) to
    # LOG_FILE, or to standard error when it is unset.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    LOG_FILE = os.environ.get("LOG_FILE") or None

    # Uploads.
    MAX_UPLOAD_MB = _int("MAX_UPLOAD_MB", 20)
    MAX_CONTENT_LENGTH = (MAX_UPLOAD_MB + 1) * 1024 * 1024
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER")  # None: <instance>/uploads
    # The largest tracker an import takes, in rows (workflows.imports).
    IMPORT_MAX_ROWS = _int("IMPORT_MAX_ROWS", 20_000)

    # The scheduler's daily backup (off while BACKUP_DIR is unset): a folder per day under
    # BACKUP_DIR, the newest BACKUP_KEEP kept.
    BACKUP_DIR = os.environ.get("BACKUP_DIR") or None
    BACKUP_KEEP = _int("BACKUP_KEEP", 14)

    # The scheduler's day starts at this hour (province time): sweep, digests, purge.
    SWEEP_HOUR = _int("SWEEP_HOUR", 6)

    # Mail (used by notifications).
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "thanhtra@localhost")
    # Requests only queue e-mails; the scheduler delivers them, each network operation with the
    # mail server bounded by MAIL_TIMEOUT seconds.
    MAIL_TIMEOUT = _int("MAIL_TIMEOUT", 10)

    # /readyz fails when the scheduler's heartbeat (every minute) is older than this (seconds).
    SCHEDULER_HEARTBEAT_MAX_AGE = _int("SCHEDULER_HEARTBEAT_MAX_AGE", 180)

    # i18n.
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = TIMEZONE
    LANGUAGES = ("vi", "en")

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    PER_PAGE = 25


class DevelopmentConfig(Config):
    DEBUG = True
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret"  # noqa: S105  # nosec B105 - tests only
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    RATELIMIT_ENABLED = False
    CACHE_TYPE = "NullCache"  # live figures; the cache's own tests configure a SimpleCache
    CACHE_NO_NULL_WARNING = True


def config_from_env() -> type[Config]:
    """Pick the config class named by APP_ENV (production by default)."""
    return {"development": DevelopmentConfig, "testing": TestingConfig}.get(
        os.environ.get("APP_ENV", "production"), Config
    )
