"""The API tokens page under the account: create (the secret shown once), list with last use, revoke; and
CSRF: the page's forms need it, the API (bearer tokens) does not."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from bro import create_app
from bro.extensions import db
from bro.models.api import ApiToken
from tests.conftest import app_config


def _secret(html: str) -> str:
    return re.search(r'id="new-token">(bro_[A-Za-z0-9_\-]+)<', html).group(1)


def test_a_user_creates_a_token_that_works_and_is_shown_once(client, login, world):
    login(world.supervisor)
    response = client.post("/account/tokens", data={"token-name": "CRM push", "token-scopes": ["read", "write"],
                                                    "token-days": "30"})
    assert response.status_code == 200
    secret = _secret(response.get_data(as_text=True))
    stored = db.session.execute(select(ApiToken).where(ApiToken.name == "CRM push")).scalar_one()
    assert stored.scopes == "read write" and secret not in stored.token_hash
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert "CRM push" in listing and secret not in listing and stored.prefix in listing
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.get_json()["id"] == world.supervisor.id
    assert "never" not in client.get("/account/tokens").get_data(as_text=True).split("CRM push")[1].split("</tr>")[0]


def test_only_admins_may_give_a_token_the_admin_scope(client, login, world):
    login(world.supervisor)
    assert "token-scopes-2" not in client.get("/account/tokens").get_data(as_text=True)
    response = client.post("/account/tokens", data={"token-name": "Sneaky", "token-scopes": ["admin"],
                                                    "token-days": "30"})
    assert response.status_code == 400 and "bro_" not in response.get_data(as_text=True)


def test_a_revoked_token_stops_working(client, login, world, factory):
    login(world.staff)
    client.post("/account/tokens", data={"token-name": "Laptop", "token-scopes": ["read"], "token-days": "7"})

    token = db.session.execute(select(ApiToken).where(ApiToken.name == "Laptop")).scalar_one()
    other = factory.api_token(world.supervisor, "read")
    other_id = db.session.execute(select(ApiToken.id).where(ApiToken.user_id == world.supervisor.id)).scalar_one()
    assert client.post(f"/account/tokens/{other_id}/revoke").status_code == 404  # not theirs
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {other}"}).status_code == 200
    response = client.post(f"/account/tokens/{token.id}/revoke")
    assert response.status_code == 302
    db.session.refresh(token)
    assert token.revoked_at is not None
    assert "revoked" in client.get("/account/tokens").get_data(as_text=True)


@pytest.fixture
def csrf_client(app):
    return create_app(app_config(app.config["SQLALCHEMY_DATABASE_URI"], WTF_CSRF_ENABLED=True)).test_client()


def test_the_token_page_needs_csrf_but_api_writes_do_not(csrf_client, world, factory):
    assert csrf_client.post("/account/tokens", data={"token-name": "x"}).status_code == 400
    secret = factory.api_token(world.supervisor, "write")
    response = csrf_client.put(f"/api/v1/audits/{world.audit.id}/outcomes", json={"csat": 3},
                               headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200, response.get_json()
    assert date.today().isoformat() == response.get_json()["interacted_on"]
