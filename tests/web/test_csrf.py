"""With CSRF on (as in production), a POST without the token is refused."""
import pytest

from bro import create_app
from tests.conftest import app_config


@pytest.fixture
def csrf_client(app):
    strict = create_app(app_config(app.config["SQLALCHEMY_DATABASE_URI"], WTF_CSRF_ENABLED=True))
    return strict.test_client()


@pytest.mark.parametrize("path", ["/login", "/logout", "/language", "/account", "/admin/users/new"])
def test_post_without_csrf_token_is_refused(csrf_client, path):
    response = csrf_client.post(path, data={"email": "a@example.com", "password": "x"})
    assert response.status_code == 400
    assert "Reload the page" in response.get_data(as_text=True)


def test_login_form_carries_a_csrf_token(csrf_client):
    assert 'name="csrf_token"' in csrf_client.get("/login").get_data(as_text=True)
