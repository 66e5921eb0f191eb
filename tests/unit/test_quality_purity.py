"""bro/scoring.py and bro/quality/ stay pure: standard library and each other only."""

import ast
import sys
from pathlib import Path

import pytest

BRO = Path(__file__).resolve().parents[2] / "bro"
PURE_FILES = [BRO / "scoring.py", *sorted((BRO / "quality").glob("*.py"))]
ALLOWED_OWN = ("bro.scoring", "bro.quality")
# The field's own statistics libraries, imported lazily inside the functions that need them (never at module
# level), so a web worker that never shows a statistics page never loads them.
LAZY_SCIENTIFIC = {"numpy", "scipy", "statsmodels", "krippendorff"}


def _imports(nodes):
    for node in nodes:
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def _module_level(tree):
    """Nodes outside function bodies (module level, class bodies, if/try blocks)."""
    stack = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def imported_modules(path):
    """Everything imported at module level, and inside functions everything but the lazy scientific libraries."""
    tree = ast.parse(path.read_text(), filename=str(path))
    top_level = set(_imports(_module_level(tree)))
    yield from top_level
    for module in _imports(ast.walk(tree)):
        if module not in top_level and module.split(".")[0] not in LAZY_SCIENTIFIC:
            yield module


@pytest.mark.parametrize("path", PURE_FILES, ids=lambda p: p.name)
def test_pure_module_imports_only_the_standard_library(path):
    for module in imported_modules(path):
        top = module.split(".")[0]
        own = any(module == name or module.startswith(name + ".") for name in ALLOWED_OWN)
        assert own or top in sys.stdlib_module_names or top == "__future__", (
            f"{path.name} imports {module}"
        )
