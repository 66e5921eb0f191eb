"""Failed-login limits: a per-account lock that attempts made while locked do not extend, a per-address
slow-down that never shuts real users out, a warning before the last attempt, a dummy-hash check for unknown
emails, the trusted-proxy setting, and the cache and HSTS headers."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import func, select

from bro import clock, create_app
from bro.extensions import db
from bro.models import people
from bro.models.people import LoginAttempt, LoginOutcome
from tests.conftest import PASSWORD, app_config


def _login(client, email, password=PASSWORD, **environ):
    g.pop("_login_user", None)  # test requests share the app context; a real request starts without a user
    return client.post("/login", data={"email": email, "password": password}, environ_base=environ)


@pytest.fixture
def now(monkeypatch):
    """A clock the test moves by hand."""
    state = {"at": clock.utcnow()}
    monkeypatch.setattr(clock, "utcnow", lambda: state["at"])

    class Clock:
        def advance(self, **delta):
            state["at"] += timedelta(**delta)

    return Clock()


def _fail(client, email, times):
    for _ in range(times):
        _login(client, email, "not-it")


def test_attempts_while_locked_do_not_extend_the_lock(client, factory, app, now):
    user = factory.staff()
    limit, minutes = app.config["BRO_LOGIN_MAX_FAILURES_PER_ACCOUNT"], app.config["BRO_LOGIN_LOCK_MINUTES"]
    _fail(client, user.email, limit)
    for _ in range(minutes - 1):  # someone keeps trying every minute during the lock
        now.advance(minutes=1)
        assert _login(client, user.email, "still-not-it").status_code == 429
    now.advance(minutes=1, seconds=1)
    assert _login(client, user.email).status_code == 302


def test_locked_answer_says_how_long_and_carries_retry_after(client, factory, app, now):
    user = factory.staff()
    _fail(client, user.email, app.config["BRO_LOGIN_MAX_FAILURES_PER_ACCOUNT"])
    now.advance(minutes=5)
    response = _login(client, user.email)
    assert response.status_code == 429
    assert 9 * 60 < int(response.headers["Retry-After"]) <= 10 * 60
    assert "Try again in 10 minutes" in response.get_data(as_text=True)


def test_refused_attempts_are_recorded_as_locked_not_as_failures(client, factory, app):
    user = factory.staff()
    limit = app.config["BRO_LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    _fail(client, user.email, limit + 3)
    outcomes = dict(db.session.execute(select(LoginAttempt.outcome, func.count()).where(
        LoginAttempt.email == user.email).group_by(LoginAttempt.outcome)).all())
    assert outcomes == {LoginOutcome.failure: limit, LoginOutcome.locked: 3}


def test_warning_before_the_last_attempt(client, factory, app):
    user = factory.staff()
    limit = app.config["BRO_LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    _fail(client, user.email, limit - 2)
    page = _login(client, user.email, "not-it").get_data(as_text=True)
    assert "One attempt left before the account is locked for 15 minutes." in page
    page = _login(client, user.email, "not-it").get_data(as_text=True)
    assert "The account is now locked for 15 minutes." in page


def test_unknown_emails_get_the_same_warning(client, app):
    _fail(client, "nobody@example.com", app.config["BRO_LOGIN_MAX_FAILURES_PER_ACCOUNT"] - 2)
    page = _login(client, "nobody@example.com", "not-it").get_data(as_text=True)
    assert "One attempt left before the account is locked" in page


def test_successful_login_starts_the_count_again(client, factory, app):
    user = factory.staff()
    limit = app.config["BRO_LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    _fail(client, user.email, limit - 1)
    assert _login(client, user.email).status_code == 302
    client.post("/logout")
    _fail(client, user.email, limit - 1)
    assert _login(client, user.email).status_code == 302


def test_failures_from_unknown_emails_do_not_refuse_real_users(client, factory, app, now):
    """The attack run: 20 failed logins under unknown emails from one address, then two real users."""
    regular, newcomer = factory.staff(), factory.staff()
    assert _login(client, regular.email).status_code == 302  # has logged in from this address before
    client.post("/logout")
    now.advance(hours=1)
    _fail_many = [f"ghost{n}@example.com" for n in range(app.config["BRO_LOGIN_MAX_FAILURES_PER_ADDRESS"])]
    for email in _fail_many:
        _login(client, email, "guess")
    assert _login(client, regular.email).status_code == 302
    client.post("/logout")
    slowed = _login(client, newcomer.email)
    assert slowed.status_code == 429
    wait = int(slowed.headers["Retry-After"])
    assert 0 < wait <= app.config["BRO_LOGIN_SLOWDOWN_SECONDS"]
    now.advance(seconds=wait)
    assert _login(client, newcomer.email).status_code == 302


def test_slowed_address_still_gets_one_checked_attempt_per_interval(client, app, now):
    for n in range(app.config["BRO_LOGIN_MAX_FAILURES_PER_ADDRESS"]):
        _login(client, f"ghost{n}@example.com", "guess")
    assert _login(client, "ghost-a@example.com", "guess").status_code == 429
    assert _login(client, "ghost-b@example.com", "guess").status_code == 429  # refusals do not push it back
    now.advance(seconds=app.config["BRO_LOGIN_SLOWDOWN_SECONDS"])
    assert _login(client, "ghost-c@example.com", "guess").status_code == 401  # checked (and wrong)
    assert _login(client, "ghost-d@example.com", "guess").status_code == 429


def test_slowed_attempts_do_not_count_against_the_account(client, factory, app, now):
    user = factory.staff()
    for n in range(app.config["BRO_LOGIN_MAX_FAILURES_PER_ADDRESS"]):
        _login(client, f"ghost{n}@example.com", "guess")
    for _ in range(app.config["BRO_LOGIN_MAX_FAILURES_PER_ACCOUNT"] + 2):
        assert _login(client, user.email, "not-it").status_code == 429
    now.advance(seconds=app.config["BRO_LOGIN_SLOWDOWN_SECONDS"])
    assert _login(client, user.email).status_code == 302


def test_unknown_email_is_checked_against_a_dummy_hash(client, app, monkeypatch):
    checked = []
    real_check = people.check_password_hash
    monkeypatch.setattr(people, "check_password_hash",
                        lambda hash_, password: checked.append(hash_) or real_check(hash_, password))
    assert _login(client, "nobody-here@example.com", "guess").status_code == 401
    method = app.config["BRO_PASSWORD_HASH_METHOD"]
    assert checked == [people._DUMMY_HASHES[method]] and checked[0].startswith(method.split(":")[0])


def test_deactivated_users_password_is_checked_too(client, factory, monkeypatch):
    user = factory.staff(active=False)
    checked = []
    real_check = people.check_password_hash
    monkeypatch.setattr(people, "check_password_hash",
                        lambda hash_, password: checked.append(hash_) or real_check(hash_, password))
    assert _login(client, user.email).status_code == 401
    assert checked == [user.password_hash]


def test_client_address_is_the_connection_without_trusted_proxies(client, factory):
    _login(client, "nobody@example.com", "guess", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9")
    address = db.session.execute(select(LoginAttempt.address).where(LoginAttempt.email == "nobody@example.com"))
    assert address.scalar_one() == "10.0.0.5"


def test_trusted_proxy_count_takes_the_address_from_x_forwarded_for(app, tmp_path):
    proxied = create_app(app_config(f"sqlite:///{tmp_path / 'proxy.sqlite3'}", BRO_TRUSTED_PROXIES=1))
    seen = {}

    @proxied.get("/_test/address")
    def _address():
        from bro.access import client_address

        seen["address"] = client_address()
        return "ok"

    proxied.test_client().get("/_test/address", environ_base={"REMOTE_ADDR": "10.0.0.5"},
                              headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.9"})
    assert seen["address"] == "203.0.113.9"  # one trusted proxy: the address it saw, not the spoofable first


def test_authenticated_pages_and_exports_are_not_stored(client, factory, login):
    login(factory.supervisor())
    for path in ("/", "/account", "/audits/export.csv"):
        g.pop("_login_user", None)
        assert client.get(path).headers["Cache-Control"] == "no-store", path


def test_static_files_stay_cacheable(client, factory, login):
    login(factory.staff())
    assert "no-store" not in client.get("/static/css/bro.css").headers.get("Cache-Control", "")


def test_hsts_only_when_cookies_are_secure(app, client, tmp_path):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = create_app(app_config(f"sqlite:///{tmp_path / 'hsts.sqlite3'}", SESSION_COOKIE_SECURE=True))
    assert secure.test_client().get("/login").headers["Strict-Transport-Security"] == "max-age=31536000"
