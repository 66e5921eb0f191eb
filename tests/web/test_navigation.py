"""The main navigation: one highlighted place, and areas folded into menus when a person has many entries."""
from __future__ import annotations

import re

from bro.models.people import Role


def wide_nav(response) -> str:
    page = response.get_data(as_text=True)
    return page[page.index('<ul class="nav-wide">'):page.index('<details class="nav-compact">')]


def test_an_admin_who_supervises_and_trains_sees_areas_as_menus_with_one_highlight(client, factory, login):
    team = factory.team()
    login(factory.user(Role.admin, Role.supervisor, Role.trainer, supervises=[team]))
    nav = wide_nav(client.get("/quality/actions"))
    assert re.findall(r'data-nav-group="(\w+)"', nav) == ["audits", "quality", "learning", "admin"]
    assert nav.count('aria-current="page"') == 1
    assert re.search(r'<a href="/quality/actions" aria-current="page">Actions</a>', nav)
    assert nav.count("nav-group-active") == 1  # the Quality menu holds the page; Audits and the rest do not


def test_a_person_with_few_entries_keeps_plain_links(client, factory, login):
    login(factory.staff(team=factory.team()))
    nav = wide_nav(client.get("/quality/me"))
    assert "nav-group" not in nav
    assert nav.count('aria-current="page"') == 1
    assert 'href="/quality/me" aria-current="page"' in nav
