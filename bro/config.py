"""Settings read from the environment, with safe defaults for a local install."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

LANGUAGES = ("en", "id", "pl")


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def load_config(instance_path: str, overrides: dict | None = None) -> dict:
    """Build the Flask config mapping; `overrides` (tests) win over the environment."""
    instance = Path(instance_path)
    debug = _flag("FLASK_DEBUG", False)
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'bro.sqlite3'}"
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
    config = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BRO_CURRICULA_DIR": os.environ.get("BRO_CURRICULA_DIR", str(Path.cwd() / "curricula")),
        "BRO_DISPUTE_WINDOW_DAYS": int(os.environ.get("BRO_DISPUTE_WINDOW_DAYS", "14")),
        "BRO_CORRECTION_WINDOW_HOURS": int(os.environ.get("BRO_CORRECTION_WINDOW_HOURS", "24")),
        "BRO_LOGIN_MAX_FAILURES_PER_ACCOUNT": int(os.environ.get("BRO_LOGIN_MAX_FAILURES_PER_ACCOUNT", "5")),
        "BRO_LOGIN_MAX_FAILURES_PER_ADDRESS": int(os.environ.get("BRO_LOGIN_MAX_FAILURES_PER_ADDRESS", "20")),
        "BRO_LOGIN_LOCK_MINUTES": int(os.environ.get("BRO_LOGIN_LOCK_MINUTES", "15")),
        "BRO_LOGIN_SLOWDOWN_SECONDS": int(os.environ.get("BRO_LOGIN_SLOWDOWN_SECONDS", "10")),
        "BRO_LOGIN_KNOWN_ADDRESS_DAYS": int(os.environ.get("BRO_LOGIN_KNOWN_ADDRESS_DAYS", "30")),
        "BRO_RESET_LINK_HOURS": int(os.environ.get("BRO_RESET_LINK_HOURS", "24")),
        # Reverse proxies in front of bro whose X-Forwarded-For/-Proto/-Host are trusted (0: none, the
        # client address is the connection's). Set it to the number of proxies, never more.
        "BRO_TRUSTED_PROXIES": int(os.environ.get("BRO_TRUSTED_PROXIES", "0")),
        "BRO_HSTS_SECONDS": int(os.environ.get("BRO_HSTS_SECONDS", "31536000")),
        # Werkzeug's method string; the default is bro.models.people.PASSWORD_HASH_METHOD (README "Security").
        "BRO_PASSWORD_HASH_METHOD": os.environ.get("BRO_PASSWORD_HASH_METHOD", "scrypt:8192:8:10"),
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "LANGUAGES": LANGUAGES,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag("BRO_SECURE_COOKIES", not debug),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _flag("BRO_SECURE_COOKIES", not debug),
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 4 * 1024 * 1024,
        # Input limits (README "Security"): curriculum files, slow dashboard reads, concurrent heavy views.
        "BRO_CURRICULUM_MAX_DOCUMENTS": int(os.environ.get("BRO_CURRICULUM_MAX_DOCUMENTS", "200")),
        "BRO_CURRICULUM_MAX_ERRORS": int(os.environ.get("BRO_CURRICULUM_MAX_ERRORS", "100")),
        "BRO_HEAVY_VIEW_TIMEOUT_MS": int(os.environ.get("BRO_HEAVY_VIEW_TIMEOUT_MS", "10000")),
        "BRO_HEAVY_VIEWS_PER_USER": int(os.environ.get("BRO_HEAVY_VIEWS_PER_USER", "2")),
        "BRO_LOCK_DIR": os.environ.get("BRO_LOCK_DIR") or str(instance / "locks"),
        # Knowledge vs behaviour (README "Knowledge and behaviour"): windows in days, thresholds in percent
        # (conformance: empty means each standard's pass_score), and the evidence a quadrant needs.
        "BRO_KNOWLEDGE_DAYS": int(os.environ.get("BRO_KNOWLEDGE_DAYS", "180")),
        "BRO_CONFORMANCE_DAYS": int(os.environ.get("BRO_CONFORMANCE_DAYS", "90")),
        "BRO_KNOWLEDGE_THRESHOLD": float(os.environ.get("BRO_KNOWLEDGE_THRESHOLD", "80")),
        "BRO_CONFORMANCE_THRESHOLD": (float(os.environ["BRO_CONFORMANCE_THRESHOLD"])
                                      if os.environ.get("BRO_CONFORMANCE_THRESHOLD") else None),
        "BRO_KNOWLEDGE_MIN_QUESTIONS": int(os.environ.get("BRO_KNOWLEDGE_MIN_QUESTIONS", "5")),
        "BRO_KNOWLEDGE_MIN_AUDITS": int(os.environ.get("BRO_KNOWLEDGE_MIN_AUDITS", "5")),
        # The JSON API's rate limit per token (or per address without one), in Flask-Limiter's notation, and
        # where the counts are kept: memory:// (per process) by default; redis://… shares them between workers.
        "BRO_API_RATE_LIMIT": os.environ.get("BRO_API_RATE_LIMIT", "600 per minute"),
        "BRO_API_RATE_LIMIT_STORAGE_URI": os.environ.get("BRO_API_RATE_LIMIT_STORAGE_URI", "memory://"),
        # A cache the app servers share (bro.improve.cache): redis://host:6379/0, file:///dir; unset: per process.
        "BRO_CACHE_URL": os.environ.get("BRO_CACHE_URL") or None,
    }
    config.update(overrides or {})
    if "SECRET_KEY" not in config:
        config["SECRET_KEY"] = _secret_key(instance)
    return config
