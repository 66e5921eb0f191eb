"""Logging in and out, passwords, languages, rate limits, CSRF and security headers."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bro import clock
from bro.extensions import db
from bro.models.people import LoginAttempt, LoginOutcome
from tests.conftest import PASSWORD


def _login(client, email, password=PASSWORD, **headers):
    return client.post("/login", data={"email": email, "password": password}, headers=headers)


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]


def test_login_with_right_password_opens_home(client, factory):
    user = factory.staff(name="Rina Staff")
    assert _login(client, user.email).headers["Location"] == "/"
    assert "Rina Staff" in client.get("/").get_data(as_text=True)


def test_login_is_case_insensitive_on_email(client, factory):
    user = factory.staff()
    assert _login(client, user.email.upper()).status_code == 302


@pytest.mark.parametrize("email", ["nobody@example.com", "WRONG"])
def test_wrong_email_or_password_says_the_same_thing(client, factory, email):
    user = factory.staff()
    wrong_password = _login(client, user.email, "not-it").get_data(as_text=True)
    unknown = _login(client, email).get_data(as_text=True)
    assert "Wrong email or password." in wrong_password
    if "@" in email:
        assert "Wrong email or password." in unknown


def test_failed_logins_are_recorded_and_logged(client, factory, caplog):
    user = factory.staff()
    _login(client, user.email, "not-it")
    failures = db.session.execute(select(func.count()).select_from(LoginAttempt)
                                  .where(LoginAttempt.email == user.email, LoginAttempt.outcome == LoginOutcome.failure))
    assert failures.scalar_one() == 1
    assert any("Failed login" in record.getMessage() for record in caplog.records)


def test_account_is_locked_after_repeated_failures_even_with_right_password(client, factory, app):
    user = factory.staff()
    for _ in range(app.config["BRO_LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        _login(client, user.email, "not-it")
    response = _login(client, user.email)
    assert response.status_code == 429
    assert "locked after too many failed attempts" in response.get_data(as_text=True)


def test_lock_expires(client, factory, app, monkeypatch):
    user = factory.staff()
    for _ in range(app.config["BRO_LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        _login(client, user.email, "not-it")
    later = clock.utcnow() + timedelta(minutes=app.config["BRO_LOGIN_LOCK_MINUTES"] + 1)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    assert _login(client, user.email).status_code == 302


def test_address_is_slowed_down_across_accounts(client, factory, app):
    limit = app.config["BRO_LOGIN_MAX_FAILURES_PER_ADDRESS"]
    for attempt in range(limit):
        _login(client, f"spray{attempt}@example.com", "not-it")
    fresh = factory.staff()
    response = _login(client, fresh.email)
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= app.config["BRO_LOGIN_SLOWDOWN_SECONDS"]


def test_deactivated_user_cannot_log_in(client, factory):
    user = factory.staff(active=False)
    response = _login(client, user.email)
    assert response.status_code == 401


def test_deactivated_user_is_logged_out_on_next_request(client, factory, login):
    user = factory.staff()
    login(user)
    user.active = False
    db.session.commit()
    assert "/login" in client.get("/").headers["Location"]


def test_logout_ends_the_session(client, factory, login):
    login(factory.staff())
    client.post("/logout")
    assert client.get("/").status_code == 302


def test_login_redirects_only_to_local_pages(client, factory):
    user = factory.staff()
    response = client.post("/login?next=https://evil.example.com/", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_change_password(client, factory, login):
    user = factory.staff()
    login(user)
    response = client.post("/account", data={"pw-current_password": PASSWORD, "pw-new_password": "a-new-secret-1",
                                             "pw-confirm": "a-new-secret-1", "pw-submit": "1"})
    assert response.status_code == 302
    assert user.check_password("a-new-secret-1")


def test_change_password_with_wrong_current_password_rerenders_with_message(client, factory, login):
    user = factory.staff()
    login(user)
    response = client.post("/account", data={"pw-current_password": "nope", "pw-new_password": "a-new-secret-1",
                                             "pw-confirm": "a-new-secret-1", "pw-submit": "1"})
    assert response.status_code == 400
    assert "This is not your current password." in response.get_data(as_text=True)


def test_short_new_password_is_refused(client, factory, login):
    login(factory.staff())
    response = client.post("/account", data={"pw-current_password": PASSWORD, "pw-new_password": "short",
                                             "pw-confirm": "short", "pw-submit": "1"})
    assert response.status_code == 400
    assert "Use at least 10 characters." in response.get_data(as_text=True)


def test_passwords_are_stored_hashed(factory):
    user = factory.staff()
    assert PASSWORD not in user.password_hash and user.password_hash.startswith("pbkdf2:")


def test_user_language_choice_wins_over_browser(client, factory, login):
    user = factory.staff(language="pl")
    login(user)
    page = client.get("/", headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert 'lang="pl"' in page and "Witaj" in page


def test_visitor_gets_best_accept_language_match(client):
    page = client.get("/login", headers={"Accept-Language": "id-ID,id;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert 'lang="id"' in page and "Masuk ke bro" in page


def test_visitor_can_pick_a_language(client):
    client.post("/language", data={"switch-language": "pl", "next": "/login"})
    assert "Zaloguj się do bro" in client.get("/login").get_data(as_text=True)


def test_user_language_saved_from_account_page(client, factory, login):
    user = factory.staff()
    login(user)
    client.post("/account", data={"lang-language": "id", "lang-submit": "1"})
    assert user.language == "id"


def test_security_headers_on_every_response(client):
    headers = client.get("/login").headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_httponly_and_samesite(client, factory):
    user = factory.staff()
    response = _login(client, user.email)
    cookie = response.headers.get("Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_api_style_errors_are_json(client):
    """Under /api/ errors are RFC 9457 problem details (bro.api.problems), not pages."""
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    assert response.is_json and response.json["detail"] and response.json["status"] == 404


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "This page does not exist." in response.get_data(as_text=True)


def test_scores_use_the_readers_decimal_sign(app):
    from flask_babel import force_locale

    from bro.templating import format_score

    with app.test_request_context():
        with force_locale("pl"):
            assert format_score(84.95) == "85,0"
        with force_locale("en"):
            assert format_score(84.94) == "84.9"
        assert format_score(None) == "—"


def test_a_hash_made_with_an_older_cost_verifies_and_is_replaced_at_login(client, factory, app):
    from werkzeug.security import generate_password_hash

    from bro.models.people import User, hash_parameters

    user = factory.staff()
    user.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:500")  # yesterday's cost
    db.session.commit()
    email = user.email
    assert _login(client, email).status_code == 302
    stored = db.session.get(User, user.id).password_hash
    assert hash_parameters(stored) == hash_parameters(
        generate_password_hash("x", method=app.config["BRO_PASSWORD_HASH_METHOD"]))
    assert db.session.get(User, user.id).check_password(PASSWORD)  # the new hash verifies


def test_the_default_password_hash_fits_a_worker():
    from bro.models.people import PASSWORD_HASH_METHOD

    kind, n, r, p = PASSWORD_HASH_METHOD.split(":")
    assert kind == "scrypt" and 128 * int(n) * int(r) <= 8 * 1024 * 1024  # memory of one hash: 8 MiB
    assert (int(n), int(p)) in OWASP_SCRYPT  # OWASP's minimum or one of its equivalents (README "Security")


# OWASP Password Storage Cheat Sheet: scrypt at r = 8 with (N, p) at least one of these.
OWASP_SCRYPT = {(2 ** 17, 1), (2 ** 16, 2), (2 ** 15, 3), (2 ** 14, 5), (2 ** 13, 10)}
