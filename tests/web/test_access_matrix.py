"""Every route, requested as anonymous, as each role and as multi-role personas, with every method it accepts:
exactly the listed roles get in. Then every route again with other owners' objects: nobody but an admin gets them.

New entries of tests/web/access_matrix.py are walked by every test here without further lines."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from bro.extensions import db
from bro.models.people import Role
from tests.web.access_matrix import (
    ACCESS, ADMIN, OWNER_RULES, PERSONAS, PUBLIC, STAFF, STAFF_SUPERVISOR, SUPERVISOR_TRAINER,
)
from tests.web.conftest import WORLD_EXTENSIONS

IGNORED = {"static"}
IGNORED_METHODS = {"HEAD", "OPTIONS"}
# Names of the other owners' people: none may appear on a page refused to the persona.
OTHER_NAMES = ("Olga Other", "Otto Outsider", "Tom Teammate")


def test_every_route_is_listed(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - IGNORED
    missing = sorted(endpoints - ACCESS.keys())
    assert not missing, f"add these routes to tests/web/access_matrix.py: {missing}"
    stale = sorted(ACCESS.keys() - endpoints)
    assert not stale, f"these listed routes no longer exist: {stale}"


def test_owner_rules_name_listed_routes_and_personas():
    for endpoint, persona in OWNER_RULES:
        assert endpoint in ACCESS and persona in PERSONAS and ACCESS[endpoint].admits(persona), (endpoint, persona)


def _url(access, world):
    return access.url(world) if callable(access.url) else access.url


def _methods(app, endpoint: str, access) -> list[str]:
    """The listed method first, then every other one the route accepts."""
    accepted = {method for rule in app.url_map.iter_rules() if rule.endpoint == endpoint
                for method in rule.methods} - IGNORED_METHODS
    return [access.method] + sorted(accepted - {access.method})


def _is_api(access, url: str) -> bool:
    """A JSON API route: called with a bearer token, never the session cookie (bro/api/)."""
    return url.startswith("/api/v1/") and access.allowed != PUBLIC


def api_headers(user) -> dict:
    from bro.api.tokens import issue_token

    _token, secret = issue_token(user, name="access matrix", scopes=["read", "write", "admin"], days=1)
    return {"Authorization": f"Bearer {secret}"}


def _send(client, url: str, method: str, access, token_headers: dict | None = None):
    data = access.data if method == access.method else {}  # another method: an empty form
    if _is_api(access, url):
        return client.open(url, method=method, headers=token_headers or {},
                           json=data if method not in ("GET", "DELETE") else None)
    if method == "GET":
        return client.get(url)
    return client.open(url, method=method, data=data)


def persona_user(world, persona: str):
    """The user behind a persona; multi-role personas are the world's own people given a second role, so
    the world's objects stay theirs."""
    if persona == STAFF_SUPERVISOR:  # a team lead: staff of the team, and its supervisor
        user = world.staff
        user.roles = user.roles | {Role.supervisor}
        user.supervised_teams = [*user.supervised_teams, world.team]
    elif persona == SUPERVISOR_TRAINER:
        user = world.supervisor
        user.roles = user.roles | {Role.trainer}
    else:
        return world.personas[persona]
    db.session.flush()
    return user


def _refused(response) -> tuple[bool, bool]:
    location = response.headers.get("Location", "")
    sent_to_login = response.status_code == 302 and "/login?next=" in location
    return response.status_code in (401, 403) or sent_to_login, sent_to_login


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("endpoint", sorted(ACCESS))
def test_route_admits_exactly_its_roles(endpoint, persona, app, client, login, world):
    access = ACCESS[endpoint]
    url = _url(access, world)
    headers = None
    if persona != "anonymous":
        user = persona_user(world, persona)
        if _is_api(access, url):
            headers = api_headers(user)
        else:
            login(user)
    for method in _methods(app, endpoint, access):
        response = _send(client, url, method, access, headers)
        refused, sent_to_login = _refused(response)
        where = f"{method} {endpoint} ({url})"
        assert response.status_code < 500, f"{persona}: {where} answered {response.status_code}"
        if (endpoint, persona) in OWNER_RULES:
            assert response.status_code in (403, 404), \
                f"{persona} should be refused {where} ({OWNER_RULES[endpoint, persona]}), got {response.status_code}"
        elif access.admits(persona):
            assert not refused, f"{persona} should enter {where}, got {response.status_code} " \
                                f"{response.headers.get('Location', '')}"
        else:
            assert refused, f"{persona} should be refused {where}, got {response.status_code}"
            if persona == "anonymous" and _is_api(access, url):
                assert response.status_code == 401 and response.content_type == "application/problem+json", \
                    f"{where} answered {response.status_code}: an API call without a token gets 401"
            elif persona == "anonymous":
                assert sent_to_login
            else:
                assert response.status_code == 403


# -- other owners' objects ------------------------------------------------------------------------------

def _other_owners_world(world, factory, *, team, staff, supervisor):
    """The world's objects again, owned by other people: every area's WORLD_EXTENSIONS run for them."""
    other = SimpleNamespace(team=team, other_team=world.team, staff=staff, supervisor=supervisor,
                            trainer=factory.trainer(name="Trudy Trainer"), admin=factory.admin(name="Abe Admin"),
                            other_staff=world.staff)
    other.personas = {"staff": other.staff, "supervisor": other.supervisor, "trainer": other.trainer,
                      "admin": other.admin}
    for extend in WORLD_EXTENSIONS:
        try:
            with db.session.begin_nested():
                extend(other, factory)
        except Exception as error:  # noqa: BLE001  (say which extension, and what it must do)
            raise AssertionError(
                f"{extend.__module__}.{extend.__name__} failed when building the world again for other owners "
                f"({error.__class__.__name__}: {error}); build objects from the namespace given "
                "(w.staff, w.team ...), without fixed unique values: see tests/web/access_matrix.py") from error
    return other


@pytest.fixture
def other_team_world(world, factory):
    """Another team's staff member (Olga Other) and supervisor (Otto Outsider), with their audits, dispute,
    attempts, certificate, a calibration session the world's supervisor does not take part in, and an action."""
    return _other_owners_world(world, factory, team=world.other_team, staff=world.other_staff,
                               supervisor=factory.supervisor(world.other_team, name="Otto Outsider"))


@pytest.fixture
def teammate_world(world, factory):
    """A teammate of the staff persona (Tom Teammate) with audits, attempts and a certificate of their own."""
    return _other_owners_world(world, factory, team=world.team,
                               staff=factory.staff(team=world.team, name="Tom Teammate"),
                               supervisor=world.supervisor)


def _walk_foreign_urls(app, client, persona: str, world, other, headers: dict) -> tuple[int, list[str]]:
    """Request every owned route of an admitted role with `other`'s objects (API routes with the token in
    `headers`); (requests, failures)."""
    failures, requests = [], 0
    for endpoint, access in sorted(ACCESS.items()):
        if not callable(access.url) or access.serves_others_to(persona) or not access.admits(persona):
            continue
        theirs = access.url(other)
        if theirs == access.url(world):
            continue  # the same object in both worlds (a curriculum, a course): nobody owns it
        for method in _methods(app, endpoint, access):
            response = _send(client, theirs, method, access, headers)
            requests += 1
            body = response.get_data(as_text=True)
            leaked = [name for name in OTHER_NAMES if name in body]
            if response.status_code not in (403, 404) or leaked:
                failures.append(f"{method} {endpoint} {theirs}: {response.status_code} {leaked or ''}")
    return requests, failures


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p not in ("anonymous", ADMIN)])
def test_another_teams_objects_are_refused_on_every_route_and_method(persona, app, client, login, world,
                                                                      other_team_world):
    user = login(persona_user(world, persona))
    requests, failures = _walk_foreign_urls(app, client, persona, world, other_team_world, api_headers(user))
    assert requests >= {"staff": 8, "supervisor": 14, "trainer": 0}.get(persona, 14)
    assert not failures, f"{persona} reached another team's objects:\n" + "\n".join(failures)


def test_a_teammates_own_records_are_refused_to_staff(app, client, login, world, teammate_world):
    user = login(persona_user(world, STAFF))
    requests, failures = _walk_foreign_urls(app, client, STAFF, world, teammate_world, api_headers(user))
    assert requests >= 8
    assert not failures, "staff reached a teammate's records:\n" + "\n".join(failures)


def test_admins_reach_other_teams_objects(app, client, login, world, other_team_world):
    """The other owners' world is real: an admin opens its pages (so refusals above are about the persona)."""
    headers = api_headers(login(world.admin))
    opened = 0
    for endpoint, access in sorted(ACCESS.items()):
        if callable(access.url) and access.method == "GET" and access.url(other_team_world) != access.url(world):
            response = _send(client, access.url(other_team_world), "GET", access, headers)
            assert response.status_code < 500, endpoint
            opened += response.status_code == 200
    assert opened >= 8
