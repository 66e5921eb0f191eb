"""The pure cores — bro/curricula/, bro/scoring.py, bro/quality/ — import no web, database or app layer.

One walker for all of them: it resolves relative imports (``from ..models import X`` counts as
``bro.models``), and forbids Flask and its extensions, SQLAlchemy, bro.models, bro.extensions and every bro
package outside the cores. Third-party libraries made for the job (yaml, numpy, scipy, statsmodels,
krippendorff, babel) are allowed: the cores stay plain functions over plain values.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

BRO = Path(__file__).resolve().parents[2] / "bro"
CORES = ("bro.curricula", "bro.scoring", "bro.quality")
# What each core may import from bro: the curricula checker stands alone; scoring and statistics may use
# each other and the curricula model.
ALLOWED_OWN = {
    "bro.curricula": ("bro.curricula",),
    "bro.scoring": CORES,
    "bro.quality": CORES,
}
FORBIDDEN_TOPS = ("flask", "sqlalchemy", "werkzeug", "jinja2", "alembic", "psycopg")


def core_files() -> list[Path]:
    return [*sorted((BRO / "curricula").rglob("*.py")), BRO / "scoring.py", *sorted((BRO / "quality").rglob("*.py"))]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(BRO.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(source: str, module: str, is_package: bool = False) -> list[str]:
    """Absolute names of everything `source` (the text of `module`) imports, relative imports resolved."""
    package = module if is_package else module.rpartition(".")[0]
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            names.append(base)
            names.extend(f"{base}.{alias.name}" for alias in node.names)
    return names


def core_of(module: str) -> str:
    return next(core for core in CORES if module == core or module.startswith(core + "."))


def forbidden_imports(source: str, module: str, is_package: bool = False) -> list[str]:
    allowed = ALLOWED_OWN[core_of(module)]
    bad = []
    for name in imported_names(source, module, is_package):
        top = name.split(".")[0]
        if top in FORBIDDEN_TOPS or top.startswith("flask_"):
            bad.append(name)
        elif top == "bro" and not any(name == own or name.startswith(own + ".") for own in allowed):
            bad.append(name)
    return sorted(set(bad))


@pytest.mark.parametrize("path", core_files(), ids=lambda path: str(path.relative_to(BRO.parent)))
def test_pure_core_module_imports_no_web_database_or_app_layer(path):
    offending = forbidden_imports(path.read_text(encoding="utf-8"), module_name(path), path.name == "__init__.py")
    assert offending == [], f"{path.relative_to(BRO.parent)} imports {', '.join(offending)}"


@pytest.mark.parametrize("module, line", [
    ("bro.quality.pareto", "from ..models.audits import Audit"),
    ("bro.scoring", "from .models.audits import Audit"),
    ("bro.curricula.diff", "import sqlalchemy"),
    ("bro.quality.pchart", "from flask import current_app"),
    ("bro.quality.pchart", "import flask_babel"),
    ("bro.quality.pchart", "from bro.extensions import db"),
    ("bro.quality.pchart", "from bro.improve import queries"),
    ("bro.curricula.loader", "from bro.scoring import audit_score"),
    ("bro.quality.pchart", "from sqlalchemy.orm import Session"),
    ("bro.quality.pchart", "def f():\n    from ..audits.operations import record_audit\n"),
])
def test_the_walker_catches_each_forbidden_import(module, line):
    assert forbidden_imports(line, module) != []


@pytest.mark.parametrize("module, line", [
    ("bro.quality.pchart", "from .signals import western_electric"),
    ("bro.quality.pchart", "from bro.scoring import audit_score"),
    ("bro.quality.effects", "def f():\n    from scipy import stats\n"),
    ("bro.curricula.loader", "from .errors import CurriculumError"),
    ("bro.curricula", "from .model import Course"),
])
def test_the_walker_allows_the_cores_own_modules_and_libraries(module, line):
    assert forbidden_imports(line, module, is_package=module == "bro.curricula") == []
