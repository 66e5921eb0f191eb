"""bro.quality.kernels: scipy.special's compiled kernels without the package's array-API layer, scipy's own
values, and the whole package still importable afterwards."""
from __future__ import annotations

import subprocess
import sys

import pytest


def _run(script: str) -> str:
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.strip()


def test_the_kernels_load_without_the_packages_array_api_layer():
    loaded = _run(
        "import sys\n"
        "from bro.quality.kernels import kernels\n"
        "k = kernels()\n"
        "assert abs(k.bdtrc(2, 10, 0.5) - 0.9453125) < 1e-12 and abs(k.ndtr(0.0) - 0.5) < 1e-15\n"
        "print(','.join(name for name in ('scipy.special', 'scipy._lib.array_api_compat', 'numpy.ma', 'numpy.random',"
        " 'numpy.f2py') if name in sys.modules))\n"
    )
    assert loaded == ""  # the placeholder package is gone; nothing of the array-API layer was imported


def test_the_whole_package_imports_afterwards_and_shares_the_same_kernels():
    assert _run(
        "from bro.quality.kernels import kernels\n"
        "k = kernels()\n"
        "import scipy.special, scipy.stats\n"
        "assert scipy.special.bdtr is k.bdtr and scipy.special.stdtrit is k.stdtrit\n"
        "assert hasattr(scipy.special, 'gammaln') and scipy.stats.binom.sf(2, 10, 0.5) == k.bdtrc(2, 10, 0.5)\n"
        "print('ok')\n"
    ) == "ok"


def test_a_package_imported_before_is_used_as_it_is():
    assert _run(
        "import scipy.special\n"
        "from bro.quality.kernels import kernels\n"
        "assert kernels().bdtri is scipy.special.bdtri\n"
        "print('ok')\n"
    ) == "ok"


@pytest.mark.parametrize(("name", "args"), [
    ("bdtr", (3, 20, 0.3)), ("bdtrc", (3, 20, 0.3)), ("bdtri", (3, 20, 0.05)), ("ndtr", (-3.0,)),
    ("stdtr", (7, -2.1)), ("stdtrit", (7, 0.975)),
])
def test_each_kernel_is_scipys_own(name, args):
    import scipy.special

    from bro.quality.kernels import kernels

    assert getattr(kernels(), name)(*args) == getattr(scipy.special, name)(*args)
