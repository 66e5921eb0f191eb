"""The pure core (curricula, scoring, quality) never imports Flask or the extensions."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

BRO = Path(__file__).resolve().parents[2] / "bro"
PURE_CORE = ["curricula", "scoring.py", "quality"]


def pure_core_modules() -> list[Path]:
    modules: list[Path] = []
    for name in PURE_CORE:
        path = BRO / name
        if path.is_dir():
            modules.extend(sorted(path.rglob("*.py")))
        elif path.is_file():
            modules.append(path)
    return modules


def module_name(path: Path) -> str:
    parts = list(path.relative_to(BRO.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(path: Path) -> list[str]:
    """Absolute names of everything ``path`` imports, relative imports resolved."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
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


def is_web_layer(name: str) -> bool:
    top = name.split(".")[0]
    return top == "flask" or top.startswith("flask_") or name == "bro.extensions" or name.startswith("bro.extensions.")


@pytest.mark.parametrize("path", pure_core_modules(), ids=lambda path: str(path.relative_to(BRO.parent)))
def test_pure_core_module_does_not_import_flask_or_extensions(path):
    offending = [name for name in imported_names(path) if is_web_layer(name)]
    assert offending == [], f"{path.relative_to(BRO.parent)} imports {', '.join(offending)}"


@pytest.mark.parametrize("path", sorted((BRO / "curricula").rglob("*.py")), ids=lambda path: path.name)
def test_curricula_imports_nothing_from_bro_outside_curricula(path):
    outside = [
        name for name in imported_names(path)
        if name.split(".")[0] == "bro" and not name.startswith("bro.curricula")
    ]
    assert outside == [], f"{path.name} imports {', '.join(outside)}"


def test_the_walker_resolves_relative_imports_and_spots_the_web_layer():
    sample = BRO / "curricula" / "loader.py"
    assert "bro.curricula.errors" in imported_names(sample)
    assert is_web_layer("flask_babel.gettext") and is_web_layer("bro.extensions.db")
    assert not is_web_layer("bro.extensionsmith")
