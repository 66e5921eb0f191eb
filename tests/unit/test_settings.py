"""Settings come from the environment with safe defaults."""
import pytest

from bro.config import load_config


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in ("DATABASE_URL", "SECRET_KEY", "BRO_CURRICULA_DIR", "FLASK_DEBUG", "BRO_SECURE_COOKIES",
                 "BRO_DISPUTE_WINDOW_DAYS"):
        monkeypatch.delenv(name, raising=False)


pytestmark = pytest.mark.no_db


def test_sqlite_in_the_instance_folder_by_default(tmp_path):
    config = load_config(str(tmp_path))
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'bro.sqlite3'}"


def test_database_url_selects_postgresql_with_psycopg(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://bro:secret@db.example.com/bro")
    config = load_config(str(tmp_path))
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://bro:secret@db.example.com/bro"


def test_secret_key_is_generated_once_and_kept(tmp_path):
    first = load_config(str(tmp_path))["SECRET_KEY"]
    second = load_config(str(tmp_path))["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_secret_key_from_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-env")
    assert load_config(str(tmp_path))["SECRET_KEY"] == "from-env"


def test_session_cookies_are_secure_outside_debug(tmp_path):
    config = load_config(str(tmp_path))
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_debug_relaxes_secure_cookies_for_plain_http(tmp_path, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    assert load_config(str(tmp_path))["SESSION_COOKIE_SECURE"] is False


def test_curricula_dir_and_dispute_window_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("BRO_CURRICULA_DIR", "/srv/curricula")
    monkeypatch.setenv("BRO_DISPUTE_WINDOW_DAYS", "7")
    config = load_config(str(tmp_path))
    assert config["BRO_CURRICULA_DIR"] == "/srv/curricula"
    assert config["BRO_DISPUTE_WINDOW_DAYS"] == 7
