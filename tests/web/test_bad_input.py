"""Ordinary bad input is a 404 or a form error, never a 500: huge ids in paths, fuzzed query strings,
dates at the ends of the calendar. Every route of tests/web/access_matrix.py is walked, so new routes are
covered the day they are listed."""
from __future__ import annotations

import random
import re
from urllib.parse import urlencode

import pytest

from bro.inputs import MAX_INT, query_date, query_int
from tests.web.access_matrix import ACCESS

HUGE = (2**63, MAX_INT + 1)
NUMBER_IN_PATH = re.compile(r"(?<=/)\d+(?=/|$|\?)")

# Every parameter name a view reads, and values that broke something once or could.
PARAMETERS = ("team", "staff", "standard", "course", "user", "page", "from", "to", "period", "step", "chart",
              "key", "n", "show", "result", "status", "old", "new", "q", "source", "detail", "problem", "next")
VALUES = ("", "0", "-1", "1", "2", "3", str(2**31), str(2**63), str(2**64), "9" * 40, "1e309", "NaN", "inf",
          "-0", "0x10", " 7", "١٢", "abc", "0001-01-01", "0001-01-02", "9999-12-30", "9999-12-31", "2026-02-30",
          "2024-02-29", "2026-13-01", "day", "week", "month", "year", "pareto", "step", "failure", "heatmap",
          "staff", "greet", "all", "open", "passed", "failed", "disputed", "%00", "\x00", "'\"<>",
          "../../etc", "//evil.example", "x" * 3000, "[]", "{}", "true", "ä½ å¥½")


def _url(access, world) -> str:
    return access.url(world) if callable(access.url) else access.url


def _request(client, access, url):
    if access.method == "GET":
        return client.get(url)
    return client.open(url, method=access.method, data=access.data)


def test_query_helpers_bound_numbers_and_dates():
    assert query_int(str(2**63)) is None and query_int("12") == 12 and query_int("x", 5) == 5
    assert query_date("0001-01-01").year == 1900 and query_date("9999-12-31").year == 2999
    assert query_date("2026-02-30") is None


def test_request_values_read_with_type_int_are_bounded(app):
    huge = str(2**63)
    with app.test_request_context(f"/?a={huge}&b=7&c=8", method="POST", data={"f": huge, "g": "9"}):
        from flask import request

        assert request.args.get("a", type=int) is None and request.args.get("b", type=int) == 7
        assert request.form.get("f", 0, type=int) == 0 and request.form.getlist("g", type=int) == [9]
        assert request.values.get("f", type=int) is None and request.values.get("c", type=int) == 8
        assert request.values.getlist("a", type=int) == []


@pytest.mark.parametrize("huge", HUGE)
def test_huge_ids_in_paths_are_not_found(huge, client, login, world):
    login(world.admin)
    tried = 0
    for endpoint, access in sorted(ACCESS.items()):
        url = _url(access, world)
        for match in NUMBER_IN_PATH.finditer(url.split("?")[0]):
            bad = url[:match.start()] + str(huge) + url[match.end():]
            response = _request(client, access, bad)
            tried += 1
            assert response.status_code == 404, f"{endpoint} {bad}: {response.status_code}"
    assert tried >= 20


def test_huge_integers_in_query_strings_are_ignored_or_refused(client, login, world):
    login(world.supervisor)
    huge = urlencode({name: str(2**63) for name in
                      ("team", "staff", "standard", "course", "user", "page", "n", "old", "new")})
    for endpoint, access in sorted(ACCESS.items()):
        if access.method != "GET":
            continue
        url = _url(access, world)
        bad = f"{url}{'&' if '?' in url else '?'}{huge}"
        response = client.get(bad)
        assert response.status_code < 500, f"{endpoint} {bad}: {response.status_code}"
        assert b"invalid literal" not in response.data


@pytest.mark.parametrize("url", ["/quality/?to=0001-01-01", "/quality/?from=9999-12-31",
                                 "/quality/?from=0001-01-01&to=0001-01-01&period=month",
                                 "/quality/evidence?to=0001-01-01", "/quality/evidence?from=9999-12-31",
                                 "/quality/table?chart=pareto&to=0001-01-01", "/audits/?from=0001-01-01&to=9999-12-31"])
def test_dates_at_the_ends_of_the_calendar_show_the_page(url, client, login, world):
    login(world.admin)
    response = client.get(url)
    assert response.status_code == 200, response.status_code


def _fuzzed_query(rng: random.Random) -> str:
    names = rng.sample(PARAMETERS, rng.randint(1, 4))
    pairs = [(name, rng.choice(VALUES)) for name in names]
    # Keep the dashboard's day charts to a normal span: a period cap is a separate concern, not bad input.
    if ("period", "day") in pairs:
        pairs = [(n, v) for n, v in pairs if n not in ("from", "to")]
    return urlencode(pairs)


def test_fuzzed_query_strings_on_every_get_route_are_never_a_server_error(client, login, world):
    rng = random.Random(20261202)
    gets = sorted((endpoint, access) for endpoint, access in ACCESS.items() if access.method == "GET")
    failures = []
    cases = 0
    for persona in ("supervisor", "admin"):
        login(world.personas[persona])
        for _round in range(4):
            for endpoint, access in gets:
                url = _url(access, world)
                query = _fuzzed_query(rng)
                full = f"{url}{'&' if '?' in url else '?'}{query}"
                response = client.get(full)
                cases += 1
                if response.status_code >= 500 or b"invalid literal" in response.data:
                    failures.append(f"{persona} {full[:200]}: {response.status_code}")
    assert cases >= 300
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("field,value", [("staff_id", str(2**63)), ("staff_id", "abc"),
                                         ("standard_version_id", str(2**64)), ("standard_version_id", "x")])
def test_bad_numbers_in_the_new_audit_form_are_form_errors(field, value, client, login, world):
    login(world.supervisor)
    response = client.post("/audits/new", data={field: value})
    assert response.status_code < 500
    assert b"invalid literal" not in response.data


FIELD_NAME = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')
NOT_FUZZED = {"auth.logout"}  # would end the session the walk runs in


def _post_targets(app, world, client):
    """(endpoint, url, field names) of every route accepting POST; names read from its GET page's form."""
    targets = []
    for endpoint, access in sorted(ACCESS.items()):
        methods = {m for rule in app.url_map.iter_rules() if rule.endpoint == endpoint for m in rule.methods}
        if "POST" not in methods or endpoint in NOT_FUZZED:
            continue
        url = _url(access, world)
        names = set(access.data)
        if "GET" in methods:
            names |= set(FIELD_NAME.findall(client.get(url).get_data(as_text=True)))
        targets.append((endpoint, url, sorted(names - {"csrf_token"})))
    return targets


def test_fuzzed_form_posts_on_every_route_are_never_a_server_error(app, client, login, world):
    rng = random.Random(20261203)
    login(world.admin)
    targets = _post_targets(app, world, client)
    assert len(targets) >= 20
    failures, cases = [], 0
    for _round in range(6):
        for endpoint, url, names in targets:
            chosen = rng.sample(names, min(len(names), rng.randint(1, 6))) if names else []
            data = {name: rng.choice(VALUES) for name in chosen}
            response = client.post(url, data=data)
            cases += 1
            if response.status_code >= 500 or b"invalid literal" in response.data:
                failures.append(f"{endpoint} {url} {data!r:.300}: {response.status_code}")
    assert cases >= 120
    assert not failures, "\n".join(failures)
