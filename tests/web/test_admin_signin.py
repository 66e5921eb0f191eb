"""Admins see locked accounts and unlock them, issue one-time password-reset links, and cannot remove the
last active admin."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import select

from bro import clock
from bro.extensions import db
from bro.models.people import PasswordResetLink
from tests.conftest import PASSWORD

NEW_PASSWORD = "a-brand-new-secret"


def _as(browser):
    g.pop("_login_user", None)  # test requests share the app context: forget the previous request's user
    return browser


def _lock(app, email):
    stranger = app.test_client()
    for _ in range(app.config["BRO_LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        _as(stranger).post("/login", data={"email": email, "password": "wrong-guess"})


def _admin_browser(app, factory):
    browser = app.test_client()
    admin = factory.admin(name="Ada Admin")
    assert _as(browser).post("/login", data={"email": admin.email, "password": PASSWORD}).status_code == 302
    return browser, admin


def _link_from(page: str) -> str:
    return re.search(r'value="(http://localhost/reset/[^"]+)"', page).group(1).replace("http://localhost", "")


def test_users_page_lists_locked_accounts(app, factory):
    locked = factory.staff(name="Lola Locked")
    factory.staff(name="Frida Free")
    _lock(app, locked.email)
    browser, _admin = _admin_browser(app, factory)
    page = _as(browser).get("/admin/users").get_data(as_text=True)
    assert "1 account is locked" in page
    section = page.split('class="card locked-accounts"')[1].split("</section>")[0]
    assert "Lola Locked" in section and "Frida Free" not in section and "Locked until" in section


def test_admin_unlocks_an_account(app, factory):
    locked = factory.staff()
    _lock(app, locked.email)
    browser, _admin = _admin_browser(app, factory)
    response = _as(browser).post(f"/admin/users/{locked.id}/unlock", data={"confirm-submit": "1"})
    assert response.status_code == 302
    assert "account is locked" not in _as(browser).get("/admin/users").get_data(as_text=True)
    owner = app.test_client()
    assert _as(owner).post("/login", data={"email": locked.email, "password": PASSWORD}).status_code == 302


def test_reset_link_is_shown_once_and_stored_hashed(app, factory):
    user = factory.staff(name="Rosa Reset")
    browser, _admin = _admin_browser(app, factory)
    response = _as(browser).post(f"/admin/users/{user.id}/reset-link", data={"confirm-submit": "1"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    url = _link_from(response.get_data(as_text=True))
    token = url.rsplit("/", 1)[1]
    stored = db.session.execute(select(PasswordResetLink.token_hash)).scalars().all()
    assert len(stored) == 1 and token not in stored[0] and len(stored[0]) == 64
    assert token not in _as(browser).get(f"/admin/users/{user.id}").get_data(as_text=True)


def test_reset_link_sets_a_password_once_and_ends_sessions(app, factory):
    user = factory.staff()
    victim_browser = app.test_client()
    _as(victim_browser).post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    old_token = user.session_token
    browser, _admin = _admin_browser(app, factory)
    url = _link_from(_as(browser).post(f"/admin/users/{user.id}/reset-link",
                                       data={"confirm-submit": "1"}).get_data(as_text=True))
    visitor = app.test_client()
    assert "Choose a new password" in _as(visitor).get(url).get_data(as_text=True)
    form = {"reset-new_password": NEW_PASSWORD, "reset-confirm": NEW_PASSWORD, "reset-submit": "1"}
    assert _as(visitor).post(url, data=form).headers["Location"].endswith("/login")
    assert user.check_password(NEW_PASSWORD) and user.session_token != old_token
    assert _as(victim_browser).get("/").status_code == 302  # the old session is over
    again = _as(visitor).post(url, data={**form, "reset-new_password": "x" * 12, "reset-confirm": "x" * 12})
    assert again.status_code == 404 and user.check_password(NEW_PASSWORD)


def test_reset_link_expires(app, factory, monkeypatch):
    user = factory.staff()
    browser, _admin = _admin_browser(app, factory)
    url = _link_from(_as(browser).post(f"/admin/users/{user.id}/reset-link",
                                       data={"confirm-submit": "1"}).get_data(as_text=True))
    later = clock.utcnow() + timedelta(hours=app.config["BRO_RESET_LINK_HOURS"], minutes=1)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    response = _as(app.test_client()).get(url)
    assert response.status_code == 404 and "This link does not work" in response.get_data(as_text=True)


def test_a_newer_link_replaces_the_older_one(app, factory):
    user = factory.staff()
    browser, _admin = _admin_browser(app, factory)
    issue = lambda: _link_from(_as(browser).post(f"/admin/users/{user.id}/reset-link",  # noqa: E731
                                                 data={"confirm-submit": "1"}).get_data(as_text=True))
    first, second = issue(), issue()
    assert _as(app.test_client()).get(first).status_code == 404
    assert _as(app.test_client()).get(second).status_code == 200


def test_reset_unlocks_the_account(app, factory):
    user = factory.staff()
    _lock(app, user.email)
    browser, _admin = _admin_browser(app, factory)
    url = _link_from(_as(browser).post(f"/admin/users/{user.id}/reset-link",
                                       data={"confirm-submit": "1"}).get_data(as_text=True))
    _as(app.test_client()).post(url, data={"reset-new_password": NEW_PASSWORD, "reset-confirm": NEW_PASSWORD,
                                           "reset-submit": "1"})
    owner = app.test_client()
    assert _as(owner).post("/login", data={"email": user.email, "password": NEW_PASSWORD}).status_code == 302


def _edit_form(user, **overrides):
    data = {"name": user.name, "email": user.email, "language": "en", "roles": ["admin"], "team_id": "0",
            "active": "y"}
    data.update(overrides)
    return data


def test_last_active_admin_cannot_drop_their_admin_role(client, factory, login):
    admin = login(factory.admin())
    response = client.post(f"/admin/users/{admin.id}", data=_edit_form(admin, roles=["trainer"]))
    assert response.status_code == 400
    assert "This is the last active admin" in response.get_data(as_text=True)
    assert admin.is_admin


def test_last_active_admin_cannot_deactivate_themselves(client, factory, login):
    admin = login(factory.admin())
    form = _edit_form(admin)
    del form["active"]
    response = client.post(f"/admin/users/{admin.id}", data=form)
    assert response.status_code == 400
    assert "The last active admin cannot be deactivated" in response.get_data(as_text=True)
    assert admin.active


def test_an_admin_may_step_down_when_another_active_admin_remains(client, factory, login):
    admin = login(factory.admin())
    factory.admin()
    response = client.post(f"/admin/users/{admin.id}", data=_edit_form(admin, roles=["trainer"]))
    assert response.status_code == 302 and not admin.is_admin


@pytest.mark.parametrize("field", ["name", "email"])
@pytest.mark.parametrize("character", ["\u202e", "\u200b", "\u2066", "\ufeff"])
def test_user_identifiers_refuse_invisible_characters(client, factory, login, field, character):
    login(factory.admin())
    data = {"name": "Nina New", "email": "nina@example.com", "language": "en", "roles": ["trainer"],
            "team_id": "0", "active": "y", "password": "a-long-password"}
    data[field] = data[field][:2] + character + data[field][2:]
    response = client.post("/admin/users/new", data=data)
    assert response.status_code == 400
    assert f"U+{ord(character):04X}" in response.get_data(as_text=True)


def test_team_names_refuse_invisible_characters(client, factory, login):
    login(factory.admin())
    response = client.post("/admin/teams/new", data={"name": "Front\u202edesk"})
    assert response.status_code == 400 and "U+202E" in response.get_data(as_text=True)
