"""Each area registers its navigation, home sections and demo steps in its init_app, on the app the factory
builds: importing a module registers nothing, and every app gets each entry once."""
from __future__ import annotations

import importlib

from bro import create_app
from bro.demo import demo_steps
from bro.home.sections import home_sections
from bro.templating import nav_items
from tests.conftest import app_config

AREA_MODULES = ["bro.audits.routes", "bro.audits.calibration_routes", "bro.training.routes", "bro.training.home",
                "bro.authoring.routes", "bro.improve.routes", "bro.interactions.routes", "bro.coaching.routes",
                "bro.home.routes", "bro.admin.routes", "bro.audits.demo", "bro.training.demo"]


def _registries(app):
    return ([item.endpoint for item in nav_items(app)], [section.name for section in home_sections(app)],
            [name for _order, name, _step in demo_steps(app)])


def test_every_app_registers_each_entry_once(tmp_path):
    first = create_app(app_config(f"sqlite:///{tmp_path / 'a.sqlite3'}"))
    second = create_app(app_config(f"sqlite:///{tmp_path / 'b.sqlite3'}"))
    nav, sections, steps = _registries(second)
    assert _registries(first) == (nav, sections, steps)
    assert len(nav) == len(set(nav)) and len(sections) == len(set(sections)) and len(steps) == len(set(steps))
    assert nav[0] == "home.index" and {"audits.index", "training.my_learning", "authoring.index"} <= set(nav)
    assert {"my-audits", "my-learning", "curricula", "coaching"} <= set(sections)
    assert steps == ["curricula", "training", "audits", "training-retraining", "knowledge", "interactions"]


def test_importing_an_area_registers_nothing(tmp_path):
    from flask import Flask

    bare = Flask("bare")
    for name in AREA_MODULES:
        importlib.import_module(name)
    assert _registries(bare) == ([], [], [])
