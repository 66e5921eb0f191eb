"""bro/scoring.py and bro/quality/ stay pure: standard library and each other only."""

import ast
import sys
from pathlib import Path

import pytest

BRO = Path(__file__).resolve().parents[2] / "bro"
PURE_FILES = [BRO / "scoring.py", *sorted((BRO / "quality").glob("*.py"))]
ALLOWED_OWN = ("bro.scoring", "bro.quality")
# The field's numerical libraries, allowed only inside functions (a worker that never shows the page that
# needs them never loads them: a web worker must stay within 150 MB).
LAZY_SCIENTIFIC = ("numpy", "scipy", "statsmodels", "krippendorff")


def imported_modules(path, top_level_only=False):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in (tree.body if top_level_only else ast.walk(tree)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


@pytest.mark.parametrize("path", PURE_FILES, ids=lambda p: p.name)
def test_pure_module_imports_only_the_standard_library(path):
    for module in imported_modules(path):
        top = module.split(".")[0]
        own = any(module == name or module.startswith(name + ".") for name in ALLOWED_OWN)
        assert own or top in sys.stdlib_module_names or top == "__future__" or top in LAZY_SCIENTIFIC, (
            f"{path.name} imports {module}"
        )


@pytest.mark.parametrize("path", PURE_FILES, ids=lambda p: p.name)
def test_numerical_libraries_are_imported_lazily(path):
    for module in imported_modules(path, top_level_only=True):
        assert module.split(".")[0] not in LAZY_SCIENTIFIC, f"{path.name} imports {module} at module level"
