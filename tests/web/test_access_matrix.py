"""Every route, requested as anonymous and as each role: exactly the listed roles get in."""
import pytest

from tests.web.access_matrix import ACCESS, PERSONAS

IGNORED = {"static"}


def test_every_route_is_listed(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - IGNORED
    missing = sorted(endpoints - ACCESS.keys())
    assert not missing, f"add these routes to tests/web/access_matrix.py: {missing}"
    stale = sorted(ACCESS.keys() - endpoints)
    assert not stale, f"these listed routes no longer exist: {stale}"


def _url(access, world):
    return access.url(world) if callable(access.url) else access.url


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("endpoint", sorted(ACCESS))
def test_route_admits_exactly_its_roles(endpoint, persona, client, login, world):
    access = ACCESS[endpoint]
    if persona != "anonymous":
        login(world.personas[persona])
    url = _url(access, world)
    if access.method == "GET":
        response = client.get(url)
    else:
        response = client.open(url, method=access.method, data=access.data)
    location = response.headers.get("Location", "")
    sent_to_login = response.status_code == 302 and "/login?next=" in location
    refused = response.status_code in (401, 403) or sent_to_login
    if access.admits(persona):
        assert not refused, f"{persona} should enter {endpoint} ({url}), got {response.status_code} {location}"
        assert response.status_code < 500
    else:
        assert refused, f"{persona} should be refused {endpoint} ({url}), got {response.status_code}"
        if persona == "anonymous":
            assert sent_to_login
        else:
            assert response.status_code == 403
