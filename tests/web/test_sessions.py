"""Sessions end for real: an old session or remember-me cookie replayed after logout, "log out everywhere",
a new password or deactivation opens nothing."""
from __future__ import annotations

import pytest
from flask import g

from bro.extensions import db
from tests.conftest import PASSWORD

NEW_PASSWORD = "another-long-secret"


def _log_in(client, user, remember=False):
    data = {"email": user.email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.post("/login", data=data).status_code == 302


def _replay(app, name, value):
    """A fresh browser that carries only the stolen cookie. (Test requests share the test's app context, so
    Flask-Login's per-request user in `g` is dropped first, as a real new request would start without it.)"""
    thief = _as(app.test_client())
    thief.set_cookie(name, value)
    return thief.get("/")


def _as(browser):
    """Requests in a test share its app context: forget the user the previous request loaded."""
    g.pop("_login_user", None)
    return browser


def _is_logged_in(response) -> bool:
    return response.status_code == 200


@pytest.fixture
def stolen(app, client, factory):
    """A logged-in, remembered user and copies of both of their cookies."""
    user = factory.staff(name="Cookie Owner")
    _log_in(client, user, remember=True)
    cookies = {name: client.get_cookie(name).value for name in ("session", "remember_token")}
    assert _is_logged_in(_replay(app, "session", cookies["session"]))
    assert _is_logged_in(_replay(app, "remember_token", cookies["remember_token"]))
    return user, cookies


@pytest.mark.parametrize("cookie", ["session", "remember_token"])
def test_cookies_replayed_after_logout_open_nothing(app, client, stolen, cookie):
    _user, cookies = stolen
    client.post("/logout")
    response = _replay(app, cookie, cookies[cookie])
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("cookie", ["session", "remember_token"])
def test_cookies_replayed_after_logout_everywhere_open_nothing(app, client, stolen, cookie):
    _user, cookies = stolen
    response = client.post("/account/logout-everywhere", data={"everywhere-submit": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert not _is_logged_in(_replay(app, cookie, cookies[cookie]))
    assert _as(client).get("/").status_code == 302  # this browser is logged out too


@pytest.mark.parametrize("cookie", ["session", "remember_token"])
def test_password_change_ends_other_sessions_but_keeps_this_one(app, client, stolen, cookie):
    _user, cookies = stolen
    response = client.post("/account", data={"pw-current_password": PASSWORD, "pw-new_password": NEW_PASSWORD,
                                             "pw-confirm": NEW_PASSWORD, "pw-submit": "1"})
    assert response.status_code == 302
    assert not _is_logged_in(_replay(app, cookie, cookies[cookie]))
    assert _as(client).get("/").status_code == 200


def test_password_change_keeps_remember_me_working_on_this_browser(app, client, stolen):
    client.post("/account", data={"pw-current_password": PASSWORD, "pw-new_password": NEW_PASSWORD,
                                  "pw-confirm": NEW_PASSWORD, "pw-submit": "1"})
    fresh_remember = client.get_cookie("remember_token").value
    assert _is_logged_in(_replay(app, "remember_token", fresh_remember))


def test_deactivation_ends_sessions_and_reactivation_does_not_revive_them(app, client, factory, login, stolen):
    user, cookies = stolen
    admin_browser = app.test_client()
    admin = factory.admin()
    assert _as(admin_browser).post("/login", data={"email": admin.email, "password": PASSWORD}).status_code == 302
    form = {"name": user.name, "email": user.email, "language": "en", "roles": ["staff"], "team_id": user.team_id}
    assert _as(admin_browser).post(f"/admin/users/{user.id}", data=form).status_code == 302  # active unticked
    assert not user.active
    form["active"] = "y"
    assert _as(admin_browser).post(f"/admin/users/{user.id}", data=form).status_code == 302
    assert user.active
    for name, value in cookies.items():
        assert not _is_logged_in(_replay(app, name, value)), name


def test_admin_setting_a_password_ends_the_users_sessions(app, factory, stolen):
    user, cookies = stolen
    admin_browser = app.test_client()
    admin = factory.admin()
    _as(admin_browser).post("/login", data={"email": admin.email, "password": PASSWORD})
    form = {"name": user.name, "email": user.email, "language": "en", "roles": ["staff"], "team_id": user.team_id,
            "active": "y", "password": NEW_PASSWORD}
    assert _as(admin_browser).post(f"/admin/users/{user.id}", data=form).status_code == 302
    assert not _is_logged_in(_replay(app, "session", cookies["session"]))


def test_cookies_carry_the_session_token_not_the_user_id(client, factory):
    user = factory.staff()
    _log_in(client, user)
    with client.session_transaction() as session:
        assert session["_user_id"] == user.session_token != str(user.id)


def test_an_old_cookie_holding_a_numeric_id_opens_nothing(app, factory):
    user = factory.staff()
    browser = app.test_client()
    with browser.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    assert _as(browser).get("/").status_code == 302


def test_every_user_has_an_own_session_token(factory):
    first, second = factory.staff(), factory.staff()
    assert len(first.session_token) >= 40 and first.session_token != second.session_token
    old = first.session_token
    first.rotate_session_token()
    db.session.flush()
    assert first.session_token != old
