"""scipy.special's compiled distribution kernels, without the rest of the package.

The charts and the outcome tests use six of scipy's kernels: ``bdtr``, ``bdtrc`` and ``bdtri`` (binomial),
``ndtr`` (normal) and ``stdtr`` and ``stdtrit`` (Student's t). They are ufuncs of the compiled module
``scipy.special._ufuncs``. A plain ``import scipy.special`` also runs the package's ``__init__``, which
loads its array-API layer (array_api_compat, with numpy's ``ma``, ``random`` and ``f2py``): about 19 MB more in
every web worker, for nothing these kernels use (measured: numpy alone 25 MB of peak RSS, with
``scipy.special`` 51 MB, with the compiled module alone 32 MB).

:func:`kernels` loads the compiled module alone the first time it is asked for. Its parent package is only
a placeholder while that import runs, and it is removed afterwards. A later ``import scipy.special`` (as
``scipy.stats`` does, in tests or a shell) runs the package's ``__init__`` as usual, and that ``__init__``
finds the same compiled module already loaded. When the package is already imported, or the compiled module
cannot be loaded without it, the package is used as it is. The values are scipy's own in every case.
"""
from __future__ import annotations

import importlib
import os
import sys
import threading
import types

_PACKAGE = "scipy.special"
_COMPILED = "scipy.special._ufuncs"
_lock = threading.Lock()
_loaded: types.ModuleType | None = None


def kernels() -> types.ModuleType:
    """The module whose attributes are the kernels (``kernels().bdtrc(k, n, p)``), loaded once per process."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = _load()
    return _loaded


def _load() -> types.ModuleType:
    if _PACKAGE in sys.modules or _COMPILED in sys.modules:
        return importlib.import_module(_COMPILED)
    import scipy

    placeholder = types.ModuleType(_PACKAGE)
    placeholder.__path__ = [os.path.join(os.path.dirname(scipy.__file__), "special")]
    sys.modules[_PACKAGE] = placeholder
    try:
        return importlib.import_module(_COMPILED)
    except ImportError:  # a scipy whose compiled module needs its package: the whole package, as before
        pass
    finally:
        # The placeholder goes: the next `import scipy.special` imports the real package.
        if sys.modules.get(_PACKAGE) is placeholder:
            del sys.modules[_PACKAGE]
        if vars(scipy).get("special") is placeholder:  # not getattr: scipy's __getattr__ would import the package
            delattr(scipy, "special")
    return importlib.import_module(_PACKAGE)
