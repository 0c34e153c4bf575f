"""symconv: exact symbolic convolution arithmetic.

Convolution, correlation, up/down-sampling, padding, cropping and their
transposes as SymPy matrix expressions, with exact sparse matrices
(:func:`explicit`) and matrix-free NumPy functions (:func:`lambdify`).

Examples
--------
>>> from symconv import Conv, Upsample, Downsample, kernel, explicit
>>> q = kernel("q", 3)
>>> lhs = Conv(q, 4, "same") @ Upsample(2, 2)
>>> rhs = (Downsample(4, 2) @ Conv(q, 4, "same").T).T
>>> explicit(lhs) == explicit(rhs)
True

Every operator class of :mod:`symconv.operators` is importable from here.
``lambdify``, ``latex``, ``prove``, ``Proof`` and ``Network`` are imported on
first use (a module ``__getattr__``), so that ``import symconv`` loads neither
the LaTeX package, the proof engine, nor the network and framework code; SciPy
is likewise loaded only by the paths that use it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from symconv import operators
from symconv._version import __version__
from symconv.errors import ParameterError, ShapeMismatchError, SymconvError
from symconv.kernels import kernel, signal
from symconv.matrices import explicit

# Every operator class (and ``operator_classes``), as listed once in ``symconv.operators``.
from symconv.operators import *  # noqa: F403

if TYPE_CHECKING:
    from symconv.network import Network
    from symconv.numeric import lambdify
    from symconv.printing.latex import latex
    from symconv.proof import Proof, prove

#: Exported names whose modules are imported on first access: name -> module.
_LAZY = {
    "Network": "symconv.network",
    "Proof": "symconv.proof",
    "lambdify": "symconv.numeric",
    "latex": "symconv.printing.latex",
    "prove": "symconv.proof",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value  # later lookups skip this function
        return value
    raise AttributeError(f"module 'symconv' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "Network",
    "ParameterError",
    "Proof",
    "ShapeMismatchError",
    "SymconvError",
    "__version__",
    "explicit",
    "kernel",
    "lambdify",
    "latex",
    "prove",
    "signal",
]
__all__ += operators.__all__
