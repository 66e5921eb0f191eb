"""bro/scoring.py and bro/quality/ stay pure: standard library and each other only."""

import ast
import sys
from pathlib import Path

import pytest

BRO = Path(__file__).resolve().parents[2] / "bro"
PURE_FILES = [BRO / "scoring.py", *sorted((BRO / "quality").glob("*.py"))]
ALLOWED_OWN = ("bro.scoring", "bro.quality")
# The field's numerical libraries, imported inside the functions that need them (never at module level), so a
# worker that never computes those statistics never loads them.
LAZY_LIBRARIES = {"numpy", "scipy"}


def _names(node):
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        yield node.module


def imported_modules(path):
    """(module, inside a function) for every import of ``path``."""
    tree = ast.parse(path.read_text(), filename=str(path))
    lazy = set()
    for function in ast.walk(tree):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            lazy.update(id(node) for node in ast.walk(function) if isinstance(node, (ast.Import, ast.ImportFrom)))
    for node in ast.walk(tree):
        for name in _names(node):
            yield name, id(node) in lazy


@pytest.mark.parametrize("path", PURE_FILES, ids=lambda p: p.name)
def test_pure_module_imports_only_the_standard_library(path):
    for module, inside_function in imported_modules(path):
        top = module.split(".")[0]
        own = any(module == name or module.startswith(name + ".") for name in ALLOWED_OWN)
        numerical = inside_function and top in LAZY_LIBRARIES
        assert own or numerical or top in sys.stdlib_module_names or top == "__future__", (
            f"{path.name} imports {module}" + (" at module level (import it inside the function)"
                                               if top in LAZY_LIBRARIES else "")
        )
